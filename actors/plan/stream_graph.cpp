#include "actors/plan/stream_graph.hpp"

#include <algorithm>

namespace sluice {

namespace {

const plan_node& node_of(const query_plan& plan, const stream_ref& r) {
  return plan.nodes[static_cast<size_t>(r.index)];
}

}  // namespace

std::optional<int64_t> produced_watermark(const query_plan& plan, const stream_ref& r) {
  if (r.input) {
    if (plan.inputs[static_cast<size_t>(r.index)].watermark_column) return 0;
    return std::nullopt;
  }
  const auto& n = node_of(plan, r);
  if (n.stage) {
    if (!n.watermark_offset_us) return std::nullopt;
    return *n.watermark_offset_us + n.stage->output_watermark_offset_us();
  }
  std::optional<int64_t> least;
  for (const auto& f : n.from)
    if (auto w = produced_watermark(plan, f)) least = std::min(least.value_or(0), *w);
  return least;
}

std::vector<event_time_column> event_time_of(const query_plan& plan, const stream_ref& r) {
  std::vector<event_time_column> out;
  schema_ptr s = plan.schema_of(r);
  if (r.input) {
    const auto& in = plan.inputs[static_cast<size_t>(r.index)];
    if (in.watermark_column) out.push_back(event_time_column{*in.watermark_column, in.watermark_delay_us});
  } else if (node_of(plan, r).stage) {
    out = node_of(plan, r).stage->output_event_time();
  } else {
    const auto& from = node_of(plan, r).from;
    out = event_time_of(plan, from.front());
    for (size_t i = 1; i < from.size(); ++i) {  // a union: what every branch carries
      auto other = event_time_of(plan, from[i]);
      out.erase(std::remove_if(out.begin(), out.end(),
                               [&](const event_time_column& c) {
                                 return std::none_of(other.begin(), other.end(),
                                                     [&](const event_time_column& d) { return d.name == c.name; });
                               }),
                out.end());
    }
  }
  out.erase(std::remove_if(out.begin(), out.end(), [&](const event_time_column& c) { return !s->index_of(c.name); }),
            out.end());
  return out;
}

const stateful_stage* late_emitter(const query_plan& plan, const std::vector<stream_ref>& from) {
  for (const auto& r : from) {
    if (r.input) continue;
    const auto& n = node_of(plan, r);
    if (n.stage && n.stage->emits_late_rows()) return n.stage.get();
    if (auto* s = late_emitter(plan, n.from)) return s;
  }
  return nullptr;
}

stream_ref origin_of(const query_plan& plan, const stream_ref& r) {
  stream_ref at = r;
  while (!at.input && !node_of(plan, at).stage && node_of(plan, at).from.size() == 1) at = node_of(plan, at).from[0];
  return at;
}

int readers_of(const query_plan& plan, const stream_ref& r) {
  int n = 0;
  for (const auto& node : plan.nodes) n += static_cast<int>(std::count(node.from.begin(), node.from.end(), r));
  for (const auto& sink : plan.sinks) n += sink.from == r ? 1 : 0;
  return n;
}

void fuse_steps(query_plan& plan) {
  std::vector<stream_ref> where(plan.nodes.size());  // node j → the stream it became
  std::vector<bool> kept(plan.nodes.size(), true);
  auto resolve = [&](stream_ref r) { return r.input ? r : where[static_cast<size_t>(r.index)]; };
  for (size_t j = 0; j < plan.nodes.size(); ++j) {
    auto& n = plan.nodes[j];
    for (auto& f : n.from) f = resolve(f);
    where[j] = stream_ref{false, static_cast<int>(j)};
    if (n.stage || n.from.size() != 1 || readers_of(plan, n.from[0]) != 1) continue;
    const stream_ref into = n.from[0];
    if (into.input) {
      auto& in = plan.inputs[static_cast<size_t>(into.index)];
      in.steps.insert(in.steps.end(), n.steps.begin(), n.steps.end());
      in.output_schema = n.output_schema;
    } else {
      auto& m = plan.nodes[static_cast<size_t>(into.index)];
      m.steps.insert(m.steps.end(), n.steps.begin(), n.steps.end());
      m.output_schema = n.output_schema;
    }
    where[j] = into;
    kept[j] = false;
    // What read node j now reads `into`, so `into` keeps exactly one reader per reader of j.
    for (size_t k = j + 1; k < plan.nodes.size(); ++k)
      for (auto& f : plan.nodes[k].from)
        if (f == stream_ref{false, static_cast<int>(j)}) f = into;
    for (auto& s : plan.sinks)
      if (s.from == stream_ref{false, static_cast<int>(j)}) s.from = into;
    n.from.clear();  // node j no longer reads anything
  }
  // Renumber the nodes that remain.
  std::vector<int> index(plan.nodes.size(), -1);
  std::vector<plan_node> nodes;
  for (size_t j = 0; j < plan.nodes.size(); ++j)
    if (kept[j]) {
      index[j] = static_cast<int>(nodes.size());
      nodes.push_back(std::move(plan.nodes[j]));
    }
  auto renumber = [&](stream_ref& r) {
    if (!r.input) r.index = index[static_cast<size_t>(r.index)];
  };
  for (auto& n : nodes)
    for (auto& f : n.from) renumber(f);
  for (auto& s : plan.sinks) renumber(s.from);
  plan.nodes = std::move(nodes);
}

}  // namespace sluice
