// run_target: what `sluice run` does once its line is parsed — resolve an app or a pipeline
// file, report every usage error, claim the outputs, run the queries, print the closing lines —
// with the hooks `run --deploy` and `reprocess` add (tools/cli/deploy_command.cpp).
#pragma once

#include <atomic>
#include <boost/program_options.hpp>
#include <functional>
#include <string>
#include <vector>

#include "actors/api/operator_interface.hpp"
#include "apps/prebuilt/app_registry.hpp"

namespace sluice::cli {

/// The options `sluice run` takes (and `reprocess`, which adds its own).
boost::program_options::options_description run_options_description();

/// An app's settings as --config and then --set give them, then `more` (key=value).
app_config app_settings(const app_definition& app, const boost::program_options::variables_map& vm,
                        const std::vector<std::string>& more = {});

struct run_extras {
  std::vector<std::string> sets;  // key=value, applied after --config and --set
  std::string checkpoint_dir;     // the run's checkpoint; --checkpoint is then refused
  std::string checkpoint_owner;   // names who sets checkpoint_dir, for that refusal
  std::function<void(const std::string&)> on_progress;
  std::function<void(const query_event&)> on_event;  // after the CLI printed it
  /// Called once every usage error is reported and the outputs are claimed, before the
  /// queries start: the first thing the run writes of its own.
  std::function<void()> before_start;
  /// Polled while the queries run; true stops them as Ctrl-C does.
  std::function<bool()> should_stop;
};

/// Runs `what` (an app or a pipeline file) as `sluice run` does; the exit code.
int run_target(const std::string& what, const boost::program_options::variables_map& vm, const std::atomic<bool>& stop,
               const run_extras& extras);

}  // namespace sluice::cli
