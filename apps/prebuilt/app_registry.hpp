// app_registry: the prebuilt apps `sluice run NAME` knows. Each app declares its settings
// (apps/launch/app_config.hpp; the parts every app shares in apps/prebuilt/prebuilt_app.hpp)
// and builds its queries only through the public pipeline API (actors/plan/pipeline.hpp) — if
// an app needs anything else, the API is missing something.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "actors/plan/query_plan.hpp"
#include "apps/launch/app_config.hpp"

namespace sluice {

/// A view an app keeps for `sluice serve` (Lambda, docs/lambda.md): rows of `key`, `window_start`
/// and `measures`, each measure summed when views are merged.
struct served_view {
  std::string name;
  std::string key;
  std::vector<std::string> measures;
};

struct app_definition {
  std::string name;
  std::string summary;
  std::vector<app_setting> settings;
  std::function<std::vector<query_plan_ptr>(const app_config&)> build;
  /// Where the app's output goes, for the CLI's closing lines.
  std::function<std::string(const app_config&)> outputs;
  /// The views `sluice serve` answers for (none: the app is not served).
  std::vector<served_view> views;
};

const std::vector<app_definition>& registered_apps();
const app_definition* find_app(const std::string& name);

}  // namespace sluice
