#include "actors/runtime/supervisor.hpp"

#include <boost/json.hpp>
#include <chrono>
#include <random>

#include "actors/edges/sink_actor.hpp"
#include "actors/edges/source_actor.hpp"
#include "actors/operators/transform/transform_actor.hpp"
#include "actors/runtime/coordinator.hpp"
#include "actors/runtime/watermark_tracker.hpp"
#include "state/checkpoint/checkpoint_record.hpp"

namespace sluice {
namespace {

using self_ptr = supervisor_actor::stateful_pointer<supervisor_state>;

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

template <class Handle>
Handle watch(self_ptr self, Handle h, std::string name) {
  self->monitor(h);
  self->state.children.emplace(h.address(), std::move(name));
  self->state.child_handles->push_back(caf::actor_cast<caf::actor>(h));
  return h;
}

}  // namespace

namespace {

/// Actors whose work may wait on the network (Kafka sources and sinks) get a thread of their
/// own (platform-notes §2: never block a scheduled actor); the others share the scheduler.
template <class Fn, class... Args>
auto spawn_operator(self_ptr self, bool blocking, Fn fn, Args... args) {
  return blocking ? self->spawn<caf::detached>(fn, std::move(args)...) : self->spawn(fn, std::move(args)...);
}

bool epoch_mode(const supervisor_state& st) {
  return static_cast<bool>(st.cfg.checkpoint);
}

int64_t wall_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// Checkpointed start (and restart): checks the identity, then reads the last committed epoch
/// into `committed`. An empty store gets its identity written. "" or why it is refused.
std::string load_checkpoint(self_ptr self) {
  auto& st = self->state;
  const auto& plan = *st.cfg.plan;
  auto& store = *st.cfg.checkpoint;
  checkpoint_identity now;
  now.query = plan.name;
  now.plan = plan.stage ? plan.stage->explain() : "";
  now.partitions = plan.stage ? plan.stage->partitions() : 0;
  for (const auto& in : plan.inputs) now.inputs.push_back(in.name);
  std::string text;
  auto s = store.get_raw(identity_key, text);
  if (s.is_not_found()) {
    std::string other;
    if (store.get_raw(epoch_key, other).is_ok())
      return "it holds a checkpoint without an identity record: it is corrupt or not sluice's; use another directory";
    bool empty = true;
    store.scan_all([&](std::string_view, key_kind, std::string_view, std::string_view) { return empty = false; });
    if (!empty) return "it holds state but no identity record: it is corrupt or not sluice's; use another directory";
    now.id = make_uuid();
    now.created_us = wall_us();
    leveldb::WriteBatch wb;
    wb.Put(identity_key, encode_identity(now));
    s = store.write(wb, true);
    if (!s.is_ok()) return "cannot write its identity: " + s.to_string();
    st.query_id = now.id;
    st.committed = trigger_committed{};
    st.committed.trigger = -1;
    st.restore = false;
    return "";
  }
  if (!s.is_ok()) return s.to_string();
  checkpoint_identity stored;
  s = decode_identity(text, stored);
  if (s.is_ok()) s = check_identity(stored, now);
  if (!s.is_ok()) return s.message();
  st.query_id = stored.id;
  st.committed = trigger_committed{};
  st.committed.trigger = -1;
  st.restore = false;
  s = store.get_raw(epoch_key, text);
  if (s.is_not_found()) return "";
  if (!s.is_ok()) return s.to_string();
  epoch_record e;
  s = decode_epoch(text, e);
  if (!s.is_ok()) return s.message();
  if (plan.inputs.size() != e.positions.size())
    return "its epoch " + std::to_string(e.epoch) + " has positions for " + std::to_string(e.positions.size()) +
           " inputs, the query has " + std::to_string(plan.inputs.size()) + ": it is corrupt";
  st.committed.trigger = e.trigger;
  st.committed.positions = e.positions;
  st.committed.watermark_us = e.watermark_us;
  st.committed.totals = query_summary{e.triggers, e.input_rows, e.output_rows, e.dead_letters, 0};
  st.last_epoch = e.epoch;
  st.restore = true;
  st.published_epoch = 0;
  s = store.get_raw(published_key, text);
  if (s.is_ok()) s = decode_published(text, st.published_epoch);
  if (!s.is_ok() && !s.is_not_found()) return s.message();
  return "";
}

void kill_all(self_ptr self) {
  for (auto& h : *self->state.child_handles) self->send_exit(h, caf::exit_reason::user_shutdown);
  self->state.child_handles->clear();
  self->state.children.clear();
  self->state.coordinator = nullptr;
}

void finish(self_ptr self, std::string kind, std::string message);

void launch(self_ptr self) {
  auto& st = self->state;
  const auto& plan = *st.cfg.plan;
  ++st.generation;
  int64_t first_trigger = st.committed.trigger + 1;

  auto sup = caf::actor_cast<supervisor_actor>(self);
  auto warn = [sup](std::string w) { caf::anon_send(sup, warn_atom::value, std::move(w)); };
  bool epochs = epoch_mode(st);
  int64_t staged_after = epochs ? st.committed.trigger : -2;
  dead_letter_actor_config dc{"dead-letters", plan.dead_letter_dir, nullptr, staged_after};
  if (plan.make_dead_letter_sink) {
    dc.output = plan.make_dead_letter_sink();
    dc.output->set_warning_handler(warn);
  }
  bool dead_blocking = dc.output && dc.output->blocking();
  auto dead = watch(self, spawn_operator(self, dead_blocking, dead_letter_actor_impl, std::move(dc)), "dead-letters");
  coordinator_config cc;
  cc.plan = st.cfg.plan;
  cc.query_id = st.query_id;
  cc.run_id = make_uuid();
  cc.first_trigger = first_trigger;
  cc.totals = st.committed.totals;
  cc.progress_path = st.cfg.progress_path;
  cc.dead_letters = dead;
  cc.supervisor = self;
  if (epochs) {
    cc.checkpoint = st.cfg.checkpoint;
    cc.checkpoint_interval_us = st.cfg.checkpoint_interval_us;
    cc.first_epoch = st.last_epoch + 1;
    cc.stateful_actors = (plan.stage ? static_cast<size_t>(plan.stage->partitions()) : 0) + (plan.alerts ? 1 : 0);
    cc.faults = st.cfg.faults;
  }
  cc.broker_down = st.cfg.broker_down;
  if (!cc.faults) cc.faults = st.cfg.faults;
  auto coord = watch(self, self->spawn(coordinator_impl, std::move(cc)), "coordinator");
  st.coordinator = coord;

  int upstream = plan.stage ? plan.stage->partitions() : 1;
  sink_actor_config skc{"sink", plan.sink.make(), coord, st.cfg.faults, upstream, staged_after};
  query_outputs outputs;
  skc.sink->set_warning_handler(warn);
  bool sink_blocking = skc.sink->blocking();
  auto sink = watch(self, spawn_operator(self, sink_blocking, sink_actor_impl, std::move(skc)), "sink");
  outputs.names = {"sink", "dead-letters"};
  outputs.actors = {sink, dead};
  operator_actor downstream = sink;
  if (plan.alerts) {
    alert_actor_config ac;
    ac.plan = plan.alerts;
    ac.output = plan.alerts->make_output();
    ac.output->set_warning_handler(warn);
    ac.staged_after = staged_after;
    host_config hc;
    hc.name = "alerts";
    hc.downstream = downstream;
    hc.dead_letters = dead;
    hc.faults = st.cfg.faults;
    hc.upstream = upstream;
    hc.watermark_us = st.committed.watermark_us;
    hc.no_data_batches = plan.no_data_batches;
    if (epochs) {
      hc.store = st.cfg.checkpoint;
      hc.coordinator = coord;
    }
    bool blocking = ac.output->blocking();
    auto alerts = watch(self,
                        spawn_operator(self, blocking, operator_host<alert_handler, alert_actor>, std::move(hc),
                                       std::make_shared<alert_handler>(std::move(ac))),
                        "alerts");
    outputs.names.push_back("alerts");
    outputs.actors.push_back(alerts);
    downstream = alerts;
  }
  if (!plan.steps.empty())
    downstream = watch(self,
                       self->spawn(transform_actor_impl,
                                   transform_actor_config{"transform", plan.steps, downstream, dead, st.cfg.faults}),
                       "transform");
  if (plan.stage) {
    stage_context ctx;
    ctx.spawner = self;
    ctx.watch = [self](const caf::actor& a, std::string name) { watch(self, a, std::move(name)); };
    ctx.dead_letters = dead;
    ctx.faults = st.cfg.faults;
    ctx.restored_watermark_us = st.committed.watermark_us;
    ctx.no_data_batches = plan.no_data_batches;
    ctx.store = st.cfg.checkpoint;
    ctx.restore = st.restore;
    if (epochs) ctx.coordinator = coord;
    downstream = plan.stage->spawn(ctx, downstream);
  }
  watermark_tracker_config wc;
  for (const auto& in : plan.inputs)
    wc.inputs.push_back(watermark_input{in.name, in.watermark_column.has_value(), in.watermark_delay_us});
  wc.policy = plan.policy;
  wc.idle_timeout_us = plan.idle_timeout_us;
  wc.restored_watermark_us = st.committed.watermark_us;
  wc.first_trigger = first_trigger;
  wc.downstream = downstream;
  auto tracker = watch(self, self->spawn(watermark_tracker_impl, std::move(wc)), "watermark");

  std::vector<source_actor> sources;
  st.readers.clear();
  for (uint32_t i = 0; i < plan.inputs.size(); ++i) {
    const auto& in = plan.inputs[i];
    source_config sc;
    sc.name = in.name;
    sc.input = i;
    sc.reader = in.make_reader();
    sc.reader->set_warning_handler([warn, name = in.name](std::string w) { warn("input '" + name + "': " + w); });
    st.readers.push_back(sc.reader);
    if (i < st.committed.positions.size()) {
      auto s = sc.reader->seek(st.committed.positions[i]);
      if (!s.is_ok()) throw std::runtime_error("cannot resume input '" + in.name + "': " + s.to_string());
    }
    sc.format = in.format;
    sc.schema = in.source_schema;
    sc.steps = in.steps;
    sc.downstream = tracker;
    sc.dead_letters = dead;
    sc.faults = st.cfg.faults;
    bool blocking = sc.reader->blocking();
    sources.push_back(watch(self, spawn_operator(self, blocking, source_actor_impl, std::move(sc)), in.name));
  }
  st.resume_from = epochs ? st.last_epoch : 0;
  st.launch_us = wall_us();
  if (!epochs || st.last_epoch <= st.published_epoch) {
    self->send(coord, start_atom::value, std::move(sources), std::move(outputs));
    return;
  }
  // The last process committed epoch N and died before publishing all of it: publish it now
  // (outputs skip what was published), then record it, then start the triggers.
  int64_t n = st.last_epoch;
  auto pending = std::make_shared<size_t>(outputs.actors.size());
  auto sources_ptr = std::make_shared<std::vector<source_actor>>(std::move(sources));
  auto outputs_ptr = std::make_shared<query_outputs>(outputs);
  int generation = st.generation;
  for (size_t i = 0; i < outputs.actors.size(); ++i) {
    publish_output msg{n, st.committed.trigger, {}, true};
    auto s = st.cfg.checkpoint->scan(staged_output_ns(outputs.names[i]), key_kind::committed,
                                     staged_output_key(n, 0).substr(0, 8), [&](std::string_view, std::string_view v) {
                                       msg.durable.emplace_back(v);
                                       return true;
                                     });
    if (!s.is_ok()) throw std::runtime_error("checkpoint: reading epoch " + std::to_string(n) + ": " + s.to_string());
    auto name = outputs.names[i];
    self->request(outputs.actors[i], caf::infinite, std::move(msg))
        .then(
            [=](int64_t) {
              auto& st = self->state;
              if (--*pending > 0 || st.generation != generation || st.finished) return;
              leveldb::WriteBatch wb;
              wb.Put(published_key, encode_published(n));
              for (const auto& out : outputs_ptr->names)
                st.cfg.checkpoint->scan(staged_output_ns(out), key_kind::committed,
                                        staged_output_key(n, 0).substr(0, 8),
                                        [&](std::string_view k, std::string_view) {
                                          wb.Delete(encode_state_key(staged_output_ns(out), key_kind::committed, k));
                                          return true;
                                        });
              auto ws = st.cfg.checkpoint->write(wb, true);
              if (!ws.is_ok()) {
                finish(self, "failed",
                       "checkpoint: recording epoch " + std::to_string(n) + " as published: " + ws.to_string());
                return;
              }
              st.published_epoch = n;
              self->send(st.coordinator, start_atom::value, std::move(*sources_ptr), std::move(*outputs_ptr));
            },
            [=](caf::error&) {});  // the output failed: its down message restarts the query
  }
}

void finish(self_ptr self, std::string kind, std::string message) {
  auto& st = self->state;
  if (st.finished) return;
  st.finished = true;
  kill_all(self);
  query_summary summary = st.committed.totals;
  summary.restarts = st.intensity->restarts();
  self->send(st.cfg.listener, query_event{st.cfg.plan->name, std::move(kind), std::move(message), summary, {}});
  self->quit();
}

void on_failure(self_ptr self, const std::string& what) {
  auto& st = self->state;
  kill_all(self);
  int64_t now =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
          .count();
  auto backoff = st.intensity->on_failure(now);
  const auto& rs = st.cfg.plan->restart;
  if (epoch_mode(st)) {
    // Resumed from the checkpoint when the back-off ends (the restart handler reads it).
  } else if (st.cfg.plan->stage) {
    // Without a checkpoint, operator state lives only in the actors: replay from the start
    // (part files by trigger number are rewritten).
    st.committed = st.resumed;
  }
  if (!backoff) {
    finish(self, "failed",
           what + "; gave up after " + std::to_string(st.intensity->restarts()) + " restart(s): more than " +
               std::to_string(rs.max_restarts) + " failures within " + std::to_string(rs.within_us / 1000000) +
               " s (raise restart.max or restart.within to allow more)");
    return;
  }
  self->send(st.cfg.listener, query_event{st.cfg.plan->name,
                                          "restarted",
                                          what + "; restarting from " +
                                              (epoch_mode(st) ? std::string("the last committed epoch")
                                                              : "trigger " + std::to_string(st.committed.trigger + 1)) +
                                              " in " + std::to_string(*backoff / 1000) + " ms (restart " +
                                              std::to_string(st.intensity->restarts()) + " of at most " +
                                              std::to_string(rs.max_restarts) + ")",
                                          st.committed.totals,
                                          {}});
  self->delayed_send(self, std::chrono::microseconds(*backoff), restart_atom::value);
}

}  // namespace

supervisor_actor::behavior_type supervisor_impl(self_ptr self, supervisor_config cfg) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.query_id = make_uuid();
  st.committed.trigger = -1;
  st.intensity = std::make_unique<restart_intensity>(st.cfg.plan->restart);
  self->attach_functor([children = st.child_handles](const caf::error&) {
    for (auto& h : *children) caf::anon_send_exit(h, caf::exit_reason::user_shutdown);
  });
  if (epoch_mode(st)) {
    auto why = load_checkpoint(self);
    if (!why.empty()) {
      finish(self, "failed", "checkpoint " + st.cfg.checkpoint->directory() + " refused: " + why);
      return {[](trigger_committed&) {},      [](complete_atom, bool) {}, [](restart_atom) {}, [](stop_atom) {},
              [](warn_atom, std::string&) {}, [](step_atom) {},           [](epoch_record&) {}};
    }
  }
  st.resumed = st.committed;
  self->set_down_handler([=](caf::down_msg& dm) {
    auto& st = self->state;
    auto it = st.children.find(dm.source);
    if (it == st.children.end() || st.finished) return;  // an earlier generation, or shutting down
    std::string name = it->second;
    st.children.erase(it);
    if (!dm.reason || dm.reason == caf::exit_reason::user_shutdown) return;
    std::string what = dm.reason.category() == caf::atom("sluice")
                           ? describe_error(dm.reason)
                           : "actor '" + name + "' failed: " + describe_error(dm.reason);
    on_failure(self, what);
  });
  try {
    launch(self);
  } catch (const std::exception& e) {
    finish(self, "failed", e.what());
  }
  return {
      [=](trigger_committed& c) {
        auto& st = self->state;
        st.committed = std::move(c);
        if (st.resume_from > 0) {
          // The first trigger after resuming from a checkpoint: state restored, sources rewound.
          self->send(st.cfg.listener,
                     query_event{st.cfg.plan->name,
                                 "resumed",
                                 "from epoch " + std::to_string(st.resume_from) + "; first trigger (" +
                                     std::to_string(st.committed.trigger) + ") committed " +
                                     std::to_string((wall_us() - st.launch_us) / 1000) + " ms after start",
                                 st.committed.totals,
                                 {}});
          st.resume_from = 0;
        }
        // Checkpointed, the group's offsets follow epochs (a trigger's may still be replayed).
        if (!epoch_mode(st))
          for (size_t i = 0; i < st.readers.size() && i < st.committed.positions.size(); ++i)
            st.readers[i]->committed(st.committed.positions[i]);
        if (st.cfg.commit_events) {
          query_event e{st.cfg.plan->name, "committed", std::to_string(st.committed.trigger), st.committed.totals,
                        st.committed};
          self->send(st.cfg.listener, std::move(e));
        }
      },
      [=](epoch_record& e) {
        auto& st = self->state;
        st.last_epoch = e.epoch;
        for (size_t i = 0; i < st.readers.size() && i < e.positions.size(); ++i)
          st.readers[i]->committed(e.positions[i]);
        self->send(st.cfg.listener, query_event{st.cfg.plan->name,
                                                "checkpoint",
                                                "epoch " + std::to_string(e.epoch) + " committed after trigger " +
                                                    std::to_string(e.trigger),
                                                st.committed.totals,
                                                {}});
      },
      [=](warn_atom, std::string& w) {
        auto& st = self->state;
        self->send(st.cfg.listener, query_event{st.cfg.plan->name, "warning", std::move(w), st.committed.totals, {}});
      },
      [=](step_atom) {
        if (self->state.coordinator) self->send(self->state.coordinator, step_atom::value);
      },
      [=](complete_atom, bool input_complete) {
        auto& st = self->state;
        auto& t = st.committed.totals;
        if (input_complete && st.cfg.plan->sink.on_complete) st.cfg.plan->sink.on_complete();
        finish(self, "finished",
               std::to_string(t.triggers) + " triggers, " + std::to_string(t.input_rows) + " input rows, " +
                   std::to_string(t.output_rows) + " output rows, " + std::to_string(t.dead_letters) + " dead letters");
      },
      [=](restart_atom) {
        auto& st = self->state;
        if (st.finished) return;
        try {
          if (epoch_mode(st)) {
            // A failed LevelDB write leaves the database refusing writes until reopened.
            auto s = st.cfg.checkpoint->reopen();
            if (!s.is_ok())
              throw std::runtime_error("checkpoint " + st.cfg.checkpoint->directory() + ": " + s.to_string());
            auto why = load_checkpoint(self);
            if (!why.empty()) throw std::runtime_error("checkpoint " + st.cfg.checkpoint->directory() + ": " + why);
          }
          launch(self);
        } catch (const std::exception& e) {
          finish(self, "failed", e.what());
        }
      },
      [=](stop_atom) {
        if (self->state.coordinator) self->send(self->state.coordinator, stop_atom::value);
      },
  };
}

}  // namespace sluice
