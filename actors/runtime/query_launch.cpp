#include "actors/runtime/query_launch.hpp"

#include <algorithm>
#include <chrono>
#include <functional>
#include <random>

#include "actors/edges/fan_out.hpp"
#include "actors/edges/sink_actor.hpp"
#include "actors/edges/source_actor.hpp"
#include "actors/operators/alerts/alert_actor.hpp"
#include "actors/operators/transform/transform_actor.hpp"
#include "actors/plan/stream_graph.hpp"
#include "actors/runtime/coordinator.hpp"
#include "actors/runtime/watermark_tracker.hpp"
#include "state/checkpoint/checkpoint_record.hpp"

namespace sluice {

using self_ptr = supervisor_pointer;

std::string make_uuid() {
  std::random_device rd;
  std::mt19937_64 g(rd());
  uint64_t a = g(), b = g();
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>(a >> 16) & 0xffff, static_cast<unsigned>(a) & 0xfff,
                (static_cast<unsigned>(b >> 48) & 0x3fff) | 0x8000,
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

namespace {

template <class Handle>
Handle watch(self_ptr self, Handle h, std::string name) {
  self->monitor(h);
  self->state.children.emplace(h.address(), std::move(name));
  self->state.child_handles->push_back(caf::actor_cast<caf::actor>(h));
  return h;
}

}  // namespace

int64_t wall_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {

/// Actors whose work may wait on the network (Kafka sources and sinks) get a thread of their
/// own (platform-notes §2: never block a scheduled actor); the others share the scheduler.
template <class Fn, class... Args>
auto spawn_operator(self_ptr self, bool blocking, Fn fn, Args... args) {
  return blocking ? self->spawn<caf::detached>(fn, std::move(args)...) : self->spawn(fn, std::move(args)...);
}

/// Who reads each stream of the plan (inputs, nodes): node k on port p, or sink i (−1 − i).
struct stream_readers {
  std::vector<std::vector<std::pair<int, uint32_t>>> inputs, nodes;
  explicit stream_readers(const query_plan& plan) : inputs(plan.inputs.size()), nodes(plan.nodes.size()) {
    for (size_t k = 0; k < plan.nodes.size(); ++k)
      for (size_t p = 0; p < plan.nodes[k].from.size(); ++p) of(plan.nodes[k].from[p]).emplace_back(k, p);
    for (size_t i = 0; i < plan.sinks.size(); ++i) of(plan.sinks[i].from).emplace_back(-1 - static_cast<int>(i), 0);
  }
  std::vector<std::pair<int, uint32_t>>& of(const stream_ref& r) {
    return r.input ? inputs[static_cast<size_t>(r.index)] : nodes[static_cast<size_t>(r.index)];
  }
};

/// Watermarks each trigger brings to a reader of `from`: one from the tracker for all inputs,
/// one per partition of a stateful node, what a stateless node receives.
int watermark_senders(const std::vector<stream_ref>& from, const std::vector<int>& out_count) {
  int n = 0;
  bool tracker = false;
  std::vector<int> seen;
  for (const auto& r : from) {
    if (r.input) {
      tracker = true;
    } else if (std::find(seen.begin(), seen.end(), r.index) == seen.end()) {
      seen.push_back(r.index);
      n += out_count[static_cast<size_t>(r.index)];
    }
  }
  return n + (tracker ? 1 : 0);
}

/// Watermarks per trigger each node sends: one per partition of a stateful node, what a
/// stateless one receives.
std::vector<int> watermark_out_counts(const query_plan& plan) {
  std::vector<int> out(plan.nodes.size(), 1);
  for (size_t j = 0; j < plan.nodes.size(); ++j)
    out[j] = plan.nodes[j].stage ? plan.nodes[j].stage->partitions() : watermark_senders(plan.nodes[j].from, out);
  return out;
}

/// What the actors of one generation share while they are spawned.
struct generation {
  bool epochs = false;
  int64_t staged_after = -2;   // outputs stage after this trigger (checkpointed) or publish at once
  std::vector<int> out_count;  // watermarks per trigger each node sends (watermark_out_counts)
  std::function<void(std::string)> warn;
  dead_letter_actor dead;
  coordinator_actor coordinator;
  query_outputs outputs;
};

dead_letter_actor spawn_dead_letters(self_ptr self, generation& g) {
  const auto& plan = *self->state.cfg.plan;
  dead_letter_actor_config dc{"dead-letters", plan.dead_letter_dir, nullptr, g.staged_after};
  if (plan.make_dead_letter_sink) {
    dc.output = plan.make_dead_letter_sink();
    dc.output->set_warning_handler(g.warn);
    dc.output->identify(self->state.query_id + "/dead-letters");
  }
  bool blocking = dc.output && dc.output->blocking();
  return watch(self, spawn_operator(self, blocking, dead_letter_actor_impl, std::move(dc)), "dead-letters");
}

coordinator_actor spawn_coordinator(self_ptr self, const generation& g) {
  auto& st = self->state;
  const auto& plan = *st.cfg.plan;
  coordinator_config cc;
  cc.plan = st.cfg.plan;
  cc.query_id = st.query_id;
  cc.run_id = make_uuid();
  cc.first_trigger = st.committed.trigger + 1;
  cc.totals = st.committed.totals;
  cc.progress = st.cfg.progress;
  cc.dead_letters = g.dead;
  cc.supervisor = self;
  cc.faults = st.cfg.faults;
  cc.broker_down = st.cfg.broker_down;
  cc.sinks = static_cast<int>(plan.sinks.size());
  if (g.epochs) {
    cc.checkpoint = st.cfg.checkpoint;
    cc.checkpoint_interval_us = st.cfg.checkpoint_interval_us;
    cc.first_epoch = st.last_epoch + 1;
    cc.replay = st.replay;
    cc.stateful_actors = static_cast<size_t>(plan.stage_partitions()) + (plan.alerts ? 1 : 0);
  }
  return watch(self, self->spawn(coordinator_impl, std::move(cc)), "coordinator");
}

operator_actor spawn_alerts(self_ptr self, generation& g, operator_actor downstream, int upstream) {
  auto& st = self->state;
  const auto& plan = *st.cfg.plan;
  alert_actor_config ac;
  ac.plan = plan.alerts;
  ac.output = plan.alerts->make_output();
  ac.output->set_warning_handler(g.warn);
  ac.output->identify(st.query_id + "/alerts");
  ac.staged_after = g.staged_after;
  host_config hc;
  hc.name = "alerts";
  hc.downstream = std::move(downstream);
  hc.dead_letters = g.dead;
  hc.faults = st.cfg.faults;
  hc.upstream = upstream;
  // It judges by the watermark of the stream it reads (a join upstream holds it back).
  hc.watermark_offset_us = produced_watermark(plan, plan.sinks[static_cast<size_t>(plan.alerts_sink)].from);
  hc.stage = static_cast<int>(plan.stage_nodes().size());
  hc.watermark_us = st.committed.watermark_us;
  hc.no_data_batches = plan.no_data_batches;
  if (g.epochs) {
    hc.store = st.cfg.checkpoint;
    hc.coordinator = g.coordinator;
  }
  bool blocking = ac.output->blocking();
  auto alerts = watch(self,
                      spawn_operator(self, blocking, operator_host<alert_handler, alert_actor>, std::move(hc),
                                     std::make_shared<alert_handler>(std::move(ac))),
                      "alerts");
  g.outputs.names.push_back("alerts");
  g.outputs.actors.push_back(alerts);
  return alerts;
}

/// The sinks (the alert emitter in front of one of them): where each sink's stream goes.
std::vector<operator_actor> spawn_outputs(self_ptr self, generation& g) {
  auto& st = self->state;
  const auto& plan = *st.cfg.plan;
  std::vector<operator_actor> entries;
  g.outputs.names = {"dead-letters"};
  g.outputs.actors = {g.dead};
  for (size_t i = 0; i < plan.sinks.size(); ++i) {
    std::string name = query_plan::sink_name(i);
    bool alerts = plan.alerts && plan.alerts_sink == static_cast<int>(i);
    int senders = watermark_senders({plan.sinks[i].from}, g.out_count);
    sink_actor_config skc{
        name, plan.sinks[i].make(), g.coordinator, st.cfg.faults, alerts ? 1 : senders, g.staged_after, g.dead};
    skc.sink->set_warning_handler(g.warn);
    skc.sink->identify(st.query_id + "/" + name);
    bool blocking = skc.sink->blocking();
    auto sink = watch(self, spawn_operator(self, blocking, sink_actor_impl, std::move(skc)), name);
    g.outputs.names.push_back(name);
    g.outputs.actors.push_back(sink);
    entries.push_back(alerts ? spawn_alerts(self, g, sink, senders) : operator_actor{sink});
  }
  return entries;
}

/// Where a stream's rows go: straight to its one reader when it reads on port 0 (the
/// tracker: each input i on port i), else through a fan-out actor.
operator_actor route_to(self_ptr self, const std::string& name,
                        const std::vector<std::vector<std::pair<int, uint32_t>>>& by_tag,
                        const std::function<operator_actor(int)>& entry) {
  std::vector<int> distinct;
  bool direct = true;
  for (size_t tag = 0; tag < by_tag.size(); ++tag)
    for (const auto& [reader, port] : by_tag[tag]) {
      if (std::find(distinct.begin(), distinct.end(), reader) == distinct.end()) distinct.push_back(reader);
      direct &= port == tag && by_tag[tag].size() == 1;
    }
  if (direct && distinct.size() == 1) return entry(distinct.front());
  fan_out_config fc;
  fc.name = name;
  for (int r : distinct) fc.readers.push_back(entry(r));
  for (const auto& readers : by_tag) {
    fc.routes.emplace_back();
    for (const auto& [reader, port] : readers)
      fc.routes.back().push_back(fan_out_target{
          static_cast<size_t>(std::find(distinct.begin(), distinct.end(), reader) - distinct.begin()), port});
  }
  return watch(self, self->spawn(fan_out_impl, std::move(fc)), name);
}

/// The nodes of the graph, last first (each needs its readers), in front of the sinks'
/// entries; returns where the watermark tracker sends (every input's rows).
operator_actor spawn_nodes(self_ptr self, const generation& g, const std::vector<operator_actor>& sink_entries) {
  auto& st = self->state;
  const auto& plan = *st.cfg.plan;
  stream_readers readers(plan);
  const auto& out_count = g.out_count;
  std::vector<int> stage_index(plan.nodes.size(), -1);
  int stages = 0;
  for (size_t j = 0; j < plan.nodes.size(); ++j)
    if (plan.nodes[j].stage) stage_index[j] = stages++;
  std::vector<operator_actor> entries(plan.nodes.size());
  auto entry = [&](int reader) {
    return reader < 0 ? sink_entries[static_cast<size_t>(-1 - reader)] : entries[static_cast<size_t>(reader)];
  };
  for (size_t j = plan.nodes.size(); j-- > 0;) {
    const auto& n = plan.nodes[j];
    std::string tag = "#" + std::to_string(j);
    operator_actor down = route_to(self, "fan-out" + tag, {readers.nodes[j]}, entry);
    bool feeds_sink = !plan.sinks.empty() && plan.sinks.front().from == stream_ref{false, static_cast<int>(j)};
    if (!n.steps.empty() || !n.stage) {
      std::string name = feeds_sink ? "transform"
                                    : (n.stage             ? "transform"
                                       : n.from.size() > 1 ? "union"
                                                           : "steps") +
                                          tag;
      down = watch(
          self, self->spawn(transform_actor_impl, transform_actor_config{name, n.steps, down, g.dead, st.cfg.faults}),
          name);
    }
    if (!n.stage) {
      entries[j] = down;
      continue;
    }
    stage_context ctx;
    ctx.spawner = self;
    ctx.watch = [self](const caf::actor& a, std::string name) { watch(self, a, std::move(name)); };
    ctx.dead_letters = g.dead;
    ctx.faults = st.cfg.faults;
    ctx.restored_watermark_us = st.committed.watermark_us;
    ctx.no_data_batches = plan.no_data_batches;
    ctx.store = st.cfg.checkpoint;
    ctx.restore = st.restore;
    if (g.epochs) ctx.coordinator = g.coordinator;
    ctx.index = stage_index[j];
    ctx.upstream = watermark_senders(n.from, out_count);
    ctx.watermark_offset_us = n.watermark_offset_us;
    entries[j] = n.stage->spawn(ctx, down);
  }
  return route_to(self, "fan-out", readers.inputs, entry);
}

/// watermark_scope::partition: where the input's event-time column is after its steps (none
/// under Spark's scope, without a watermark, or when the steps drop the column).
std::optional<size_t> partition_column(const query_plan& plan, const input_plan& in) {
  if (plan.scope != watermark_scope::partition || !in.watermark_column) return std::nullopt;
  return in.output_schema->index_of(*in.watermark_column);
}

operator_actor spawn_tracker(self_ptr self, operator_actor downstream) {
  auto& st = self->state;
  const auto& plan = *st.cfg.plan;
  watermark_tracker_config wc;
  for (const auto& in : plan.inputs)
    wc.inputs.push_back(watermark_input{in.name, in.watermark_column.has_value(), in.watermark_delay_us,
                                        partition_column(plan, in).has_value()});
  wc.policy = plan.policy;
  wc.idle_timeout_us = plan.idle_timeout_us;
  wc.restored_watermark_us = st.committed.watermark_us;
  wc.first_trigger = st.committed.trigger + 1;
  wc.downstream = std::move(downstream);
  return watch(self, self->spawn(watermark_tracker_impl, std::move(wc)), "watermark");
}

/// One source per input, its reader sought to where the last commit left it.
std::vector<source_actor> spawn_sources(self_ptr self, const generation& g, operator_actor tracker) {
  auto& st = self->state;
  const auto& plan = *st.cfg.plan;
  std::vector<source_actor> sources;
  st.readers.clear();
  for (uint32_t i = 0; i < plan.inputs.size(); ++i) {
    const auto& in = plan.inputs[i];
    source_config sc;
    sc.name = in.name;
    sc.input = i;
    sc.reader = in.make_reader();
    sc.reader->set_warning_handler(
        [warn = g.warn, name = in.name](std::string w) { warn("input '" + name + "': " + w); });
    st.readers.push_back(sc.reader);
    if (i < st.committed.positions.size()) {
      auto s = sc.reader->seek(st.committed.positions[i]);
      if (!s.is_ok()) throw std::runtime_error("cannot resume input '" + in.name + "': " + s.to_string());
    }
    sc.format = in.format;
    sc.schema = in.source_schema;
    sc.steps = in.steps;
    sc.max_future_event_time_us = plan.max_future_event_time_us;
    sc.downstream = tracker;
    sc.dead_letters = g.dead;
    sc.faults = st.cfg.faults;
    if (auto column = partition_column(plan, in)) {
      partition_rule rule;
      rule.delay_us = in.watermark_delay_us;
      rule.column = *column;
      rule.idle_timeout_us = plan.idle_timeout_us;
      if (i < st.committed.frontiers.size()) rule.restored = st.committed.frontiers[i];
      sc.partitions = std::move(rule);
    }
    bool blocking = sc.reader->blocking();
    sources.push_back(watch(self, spawn_operator(self, blocking, source_actor_impl, std::move(sc)), in.name));
  }
  return sources;
}

/// Epoch n's staged records of `output`, as committed in the checkpoint.
std::vector<std::string> staged_records(const state_store& store, const std::string& output, int64_t n) {
  std::vector<std::string> records;
  auto s = store.scan(staged_output_ns(output), key_kind::committed, staged_output_key(n, 0).substr(0, 8),
                      [&](std::string_view, std::string_view v) {
                        records.emplace_back(v);
                        return true;
                      });
  if (!s.is_ok()) throw std::runtime_error("checkpoint: reading epoch " + std::to_string(n) + ": " + s.to_string());
  return records;
}

/// Once every output published epoch n again: "published n", its staged records deleted.
bool record_published(self_ptr self, const std::vector<std::pair<std::string, size_t>>& staged, int64_t n) {
  auto& st = self->state;
  leveldb::WriteBatch wb;
  add_published(wb, n, staged);
  auto ws = st.cfg.checkpoint->write(wb, true);
  if (!ws.is_ok()) {
    finish_query(self, "failed",
                 "checkpoint: recording epoch " + std::to_string(n) + " as published: " + ws.to_string());
    return false;
  }
  st.published_epoch = n;
  return true;
}

/// The last process committed epoch N and died before publishing all of it: publish it now
/// (outputs skip what was published), record it, then start the triggers.
void publish_then_start(self_ptr self, generation& g, std::vector<source_actor> sources) {
  auto& st = self->state;
  int64_t n = st.last_epoch;
  auto pending = std::make_shared<size_t>(g.outputs.actors.size());
  auto sources_ptr = std::make_shared<std::vector<source_actor>>(std::move(sources));
  auto outputs_ptr = std::make_shared<query_outputs>(g.outputs);
  int gen = st.generation;
  std::vector<publish_output> msgs;
  auto staged = std::make_shared<std::vector<std::pair<std::string, size_t>>>();
  for (const auto& name : g.outputs.names) {
    msgs.push_back(publish_output{n, st.committed.trigger, staged_records(*st.cfg.checkpoint, name, n), true});
    staged->emplace_back(name, msgs.back().durable.size());
  }
  for (size_t i = 0; i < g.outputs.actors.size(); ++i) {
    auto msg = std::move(msgs[i]);
    self->request(g.outputs.actors[i], caf::infinite, std::move(msg))
        .then(
            [=](int64_t) {
              auto& st = self->state;
              if (--*pending > 0 || st.generation != gen || st.finished) return;
              if (record_published(self, *staged, n))
                self->send(st.coordinator, start_atom::value, std::move(*sources_ptr), std::move(*outputs_ptr));
            },
            [=](caf::error&) {});  // the output failed: its down message restarts the query
  }
}

}  // namespace

void launch_query(self_ptr self) {
  auto& st = self->state;
  ++st.generation;
  generation g;
  auto sup = caf::actor_cast<supervisor_actor>(self);
  g.warn = [sup](std::string w) { caf::anon_send(sup, warn_atom::value, std::move(w)); };
  st.cfg.plan->route_step_warnings(g.warn);
  g.epochs = static_cast<bool>(st.cfg.checkpoint);
  g.staged_after = g.epochs ? st.committed.trigger : -2;
  g.out_count = watermark_out_counts(*st.cfg.plan);
  g.dead = spawn_dead_letters(self, g);
  g.coordinator = spawn_coordinator(self, g);
  st.coordinator = g.coordinator;
  auto tracker = spawn_tracker(self, spawn_nodes(self, g, spawn_outputs(self, g)));
  auto sources = spawn_sources(self, g, tracker);
  st.resume_from = g.epochs ? st.last_epoch : 0;
  st.launch_us = wall_us();
  if (!g.epochs || st.last_epoch <= st.published_epoch)
    self->send(g.coordinator, start_atom::value, std::move(sources), std::move(g.outputs));
  else
    publish_then_start(self, g, std::move(sources));
}

}  // namespace sluice
