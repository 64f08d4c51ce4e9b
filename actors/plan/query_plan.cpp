#include "actors/plan/query_plan.hpp"

#include <functional>
#include <set>

namespace sluice {

schema_ptr query_plan::schema_of(const stream_ref& r) const {
  return r.input ? inputs[static_cast<size_t>(r.index)].output_schema
                 : nodes[static_cast<size_t>(r.index)].output_schema;
}

std::vector<int> query_plan::stage_nodes() const {
  std::vector<int> out;
  for (size_t i = 0; i < nodes.size(); ++i)
    if (nodes[i].stage) out.push_back(static_cast<int>(i));
  return out;
}

std::string query_plan::stages_description() const {
  std::string out;
  for (int i : stage_nodes()) out += (out.empty() ? "" : " → ") + nodes[static_cast<size_t>(i)].stage->explain();
  return out;
}

int query_plan::stage_partitions() const {
  int n = 0;
  for (int i : stage_nodes()) n += nodes[static_cast<size_t>(i)].stage->partitions();
  return n;
}

namespace {

std::string watermark_text(const std::optional<int64_t>& offset) {
  if (!offset) return "no watermark";
  if (*offset == 0) return "watermark W";
  return "watermark W − " + std::to_string(-*offset / 1000) + " ms";
}

}  // namespace

void query_plan::route_step_warnings(const std::function<void(std::string)>& warn) const {
  for (const auto& in : inputs)
    for (const auto& s : in.steps) s->set_warning_handler(warn);
  for (const auto& n : nodes)
    for (const auto& s : n.steps) s->set_warning_handler(warn);
}

std::vector<lookup_progress> query_plan::lookups() const {
  std::vector<lookup_progress> out;
  for (const auto& in : inputs)
    for (const auto& s : in.steps) s->report(out);
  for (const auto& n : nodes)
    for (const auto& s : n.steps) s->report(out);
  return out;
}

std::vector<std::string> query_plan::output_folders() const {
  std::vector<std::string> out = written_folders;
  for (const auto& s : sinks)
    if (!s.directory.empty()) out.push_back(s.directory);
  if (!make_dead_letter_sink && !dead_letter_dir.empty()) out.push_back(dead_letter_dir);
  return out;
}

std::string query_plan::explain() const {
  std::string out = "== Query '" + name + "' ==\n";
  out += "trigger: " + to_string(trigger) + ", watermark policy: " + to_string(policy) +
         ", max records per trigger: " + (max_records_per_trigger ? std::to_string(max_records_per_trigger) : "none") +
         ", trigger credits: " + std::to_string(max_inflight_triggers) + "\n";
  out += "restart: at most " + std::to_string(restart.max_restarts) + " in " +
         std::to_string(restart.within_us / 1000000) + " s, back-off from " +
         std::to_string(restart.initial_backoff_us / 1000) + " ms\n";
  std::vector<int> stage_of(nodes.size(), -1);
  int next_stage = 0;
  for (size_t i = 0; i < nodes.size(); ++i)
    if (nodes[i].stage) stage_of[i] = next_stage++;
  std::set<int> printed;  // nodes and inputs read twice are printed once (inputs as −1 − i)
  std::function<void(const stream_ref&, std::string)> walk = [&](const stream_ref& r, std::string ind) {
    int id = r.input ? -1 - r.index : r.index;
    if (r.input) {
      const auto& in = inputs[static_cast<size_t>(r.index)];
      if (!printed.insert(id).second) {
        out += ind + "(input '" + in.name + "', above)\n";
        return;
      }
      for (auto it = in.steps.rbegin(); it != in.steps.rend(); ++it) {
        out += ind + (*it)->explain() + "\n";
        ind = "   " + ind;
      }
      out += ind + "Source '" + in.name + "' " + in.description + " as " +
             (in.format == record_format::raw        ? "raw"
              : in.format == record_format::debezium ? "debezium"
              : in.format == record_format::rows     ? "typed rows"
                                                     : "json") +
             " (" + in.source_schema->describe() + ")\n";
      return;
    }
    const auto& n = nodes[static_cast<size_t>(r.index)];
    std::string label =
        n.stage ? "stage " + std::to_string(stage_of[static_cast<size_t>(r.index)]) : "node " + std::to_string(r.index);
    if (!printed.insert(id).second) {
      out += ind + "(" + label + ", above)\n";
      return;
    }
    for (auto it = n.steps.rbegin(); it != n.steps.rend(); ++it) {
      out += ind + (*it)->explain() + "\n";
      ind = "   " + ind;
    }
    if (!n.stage && n.from.size() == 1) {  // steps on a stream that is also read elsewhere
      walk(n.from.front(), ind);
      return;
    }
    if (n.stage)
      out += ind + "[" + label + "] " + n.stage->explain() + "; input " + watermark_text(n.watermark_offset_us) + "\n";
    else
      out += ind + "[" + label + "] Union of " + std::to_string(n.from.size()) + "\n";
    for (const auto& f : n.from) walk(f, "   " + ind);
  };
  if (inputs.size() > 1 || inputs.front().watermark_column)
    out += std::string("global watermark W: ") + to_string(policy) + " over " + std::to_string(inputs.size()) +
           " input" + (inputs.size() > 1 ? "s" : "") + "\n";
  for (size_t i = 0; i < sinks.size(); ++i) {
    out += "Sink " + (sinks.size() > 1 ? "'" + sink_name(i) + "' " : std::string()) + sinks[i].description + "  (" +
           sinks[i].schema->describe() + ")\n";
    std::string indent = "+- ";
    if (alerts && alerts_sink == static_cast<int>(i)) {
      out += indent + alerts->explain() + "\n";
      indent = "   " + indent;
    }
    walk(sinks[i].from, indent);
  }
  out += "Dead letters → " + dead_letter_dir + "\n";
  return out;
}

}  // namespace sluice
