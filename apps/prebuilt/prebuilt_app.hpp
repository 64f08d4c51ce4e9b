// prebuilt_app: what the prebuilt apps' definitions have in common, so that each app's file
// holds only its own settings and queries.
//
// Every app's settings come in one order: `output` (default sluice-output/<app>), the app's
// own, `output.overwrite` (default true), its input's (generator settings and extras such as
// `alerts.to`), the Kafka input's (apps/launch/kafka_input.hpp) unless the app only reads its
// generator, and the common ones (apps/launch/app_config.hpp). The CLI's closing line names
// directories under `output`; with `output.overwrite`, a fresh start (no checkpoint to resume)
// clears the earlier output in every folder the app's queries write.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "apps/launch/kafka_input.hpp"
#include "apps/prebuilt/app_registry.hpp"

namespace sluice {

/// The help of the two settings of an app's output directory.
struct output_help {
  std::string output;     // `output`: what the directory holds
  std::string overwrite;  // `output.overwrite`: what a run clears first
};

/// Whether the app declares the Kafka input's settings (kafka_input_settings()).
enum class app_input_kind { kafka, generator_only };

/// An app's name, summary and settings in the shared order: output, `own`, output.overwrite,
/// each group of `input`, the Kafka input's (for app_input_kind::kafka), the common ones.
/// outputs, prepare and build are left to the app.
app_definition prebuilt_app(std::string name, std::string summary, const output_help& help,
                            std::vector<app_setting> own, const std::vector<std::vector<app_setting>>& input = {},
                            app_input_kind kind = app_input_kind::kafka);

/// Setting `watermark`: how late `what` (e.g. "a click") may arrive, as a delay on ts.
app_setting watermark_setting(const std::string& default_delay, const std::string& what);

/// One directory of the closing line: `label: <output>/<subdir>/`. An `alerts` directory is
/// where alerts.to=file writes; for any other alerts.to the line names alerts.to instead.
struct shown_output {
  std::string label;
  std::string subdir;
  bool alerts = false;
};
/// app.outputs names the `shown` directories, two spaces apart. (The CLI claims, and with
/// output.overwrite clears, every folder the queries write: state/io/files/output_folder.hpp.)
void declare_outputs(app_definition& app, std::vector<shown_output> shown);

/// A query's pipeline named `name`, the common settings applied, dead letters to `dead_letters`.
pipeline app_pipeline(const app_config& c, const std::string& name, const std::string& dead_letters);
/// The source of a query reading one input (app_inputs() of it alone).
source_spec app_source(const app_config& c, const app_input& input, const std::string& query = {});
/// Setting `partitions`: 1 to 64.
int app_partitions(const app_config& c);

/// An alert about a window of the rows' `key` (its window_start and window_end columns).
alert_rule window_alert(std::string name, std::function<bool(const record&)> when, std::string when_description,
                        std::string key, std::string severity, std::string message);

}  // namespace sluice
