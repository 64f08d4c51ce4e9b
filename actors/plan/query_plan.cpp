#include "actors/plan/query_plan.hpp"

namespace sluice {

std::string query_plan::explain() const {
  std::string out = "== Query '" + name + "' ==\n";
  out += "trigger: " + to_string(trigger) + ", watermark policy: " + to_string(policy) +
         ", max records per trigger: " + (max_records_per_trigger ? std::to_string(max_records_per_trigger) : "none") +
         ", trigger credits: " + std::to_string(max_inflight_triggers) + "\n";
  out += "restart: at most " + std::to_string(restart.max_restarts) + " in " +
         std::to_string(restart.within_us / 1000000) + " s, back-off from " +
         std::to_string(restart.initial_backoff_us / 1000) + " ms\n";
  out += "Sink " + sink.description + "  (" + output_schema->describe() + ")\n";
  std::string indent = "+- ";
  if (alerts) {
    out += indent + alerts->explain() + "\n";
    indent = "   " + indent;
  }
  for (auto it = steps.rbegin(); it != steps.rend(); ++it) {
    out += indent + (*it)->explain() + "\n";
    indent = "   " + indent;
  }
  if (stage) {
    out += indent + stage->explain() + "\n";
    indent = "   " + indent;
  }
  if (inputs.size() > 1 || inputs.front().watermark_column) {
    out += indent + "WatermarkTracker (" + std::to_string(inputs.size()) + " input" + (inputs.size() > 1 ? "s" : "") +
           ", " + to_string(policy) + ")\n";
    indent = "   " + indent;
  }
  for (const auto& in : inputs) {
    std::string ind = indent;
    for (auto it = in.steps.rbegin(); it != in.steps.rend(); ++it) {
      out += ind + (*it)->explain() + "\n";
      ind = "   " + ind;
    }
    out += ind + "Source '" + in.name + "' " + in.description + " as " +
           (in.format == record_format::raw ? "raw" : "json") + " (" + in.source_schema->describe() + ")\n";
  }
  out += "Dead letters → " + dead_letter_dir + "\n";
  return out;
}

}  // namespace sluice
