#include "actors/runtime/supervisor.hpp"

#include <boost/json.hpp>
#include <chrono>

#include "actors/runtime/coordinator.hpp"
#include "actors/runtime/query_launch.hpp"
#include "state/checkpoint/checkpoint_record.hpp"

namespace sluice {
namespace {

using self_ptr = supervisor_pointer;

/// Messages of a coordinator the supervisor already killed (a restart is under way) must not
/// move the query's commit point: without a checkpoint the restart replays from the start, and
/// a late "committed k" would make it skip input whose state the new actors never saw.
bool from_current_coordinator(self_ptr self) {
  auto& st = self->state;
  auto sender = self->current_sender();
  return sender && st.coordinator && caf::actor_cast<caf::actor_addr>(sender) == st.coordinator.address();
}

bool epoch_mode(const supervisor_state& st) {
  return static_cast<bool>(st.cfg.checkpoint);
}

/// The triggers logged after the last committed one (docs/checkpoints.md): they run again with
/// exactly their logged ends. "" or why the log is refused.
std::string load_trigger_log(supervisor_state& st, const state_store& store, size_t inputs) {
  st.replay.clear();
  std::string why;
  auto s = store.scan_raw(trigger_log_prefix, [&](std::string_view, std::string_view value) {
    logged_trigger t;
    auto d = decode_logged_trigger(std::string(value), t);
    if (!d.is_ok()) {
      why = d.message();
      return false;
    }
    if (t.positions.size() != inputs) {
      why = "its logged trigger " + std::to_string(t.trigger) + " has positions for " +
            std::to_string(t.positions.size()) + " inputs, the query has " + std::to_string(inputs) + ": it is corrupt";
      return false;
    }
    if (t.trigger > st.committed.trigger) st.replay[t.trigger] = std::move(t.positions);
    return true;
  });
  if (!s.is_ok()) return s.to_string();
  return why;
}

/// Checkpointed start (and restart): checks the identity, then reads the last committed epoch
/// into `committed` and the triggers logged after it. An empty store gets its identity
/// written. "" or why it is refused.
std::string load_checkpoint(self_ptr self) {
  auto& st = self->state;
  const auto& plan = *st.cfg.plan;
  auto& store = *st.cfg.checkpoint;
  checkpoint_identity now;
  now.query = plan.name;
  now.plan = plan.stages_description();
  now.partitions = plan.stage_partitions();
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
  if (s.is_not_found()) return load_trigger_log(st, store, plan.inputs.size());
  if (!s.is_ok()) return s.to_string();
  epoch_record e;
  s = decode_epoch(text, e);
  if (!s.is_ok()) return s.message();
  if (plan.inputs.size() != e.positions.size())
    return "its epoch " + std::to_string(e.epoch) + " has positions for " + std::to_string(e.positions.size()) +
           " inputs, the query has " + std::to_string(plan.inputs.size()) + ": it is corrupt";
  st.committed.trigger = e.trigger;
  st.committed.positions = e.positions;
  st.committed.frontiers = e.frontiers;
  st.committed.watermark_us = e.watermark_us;
  st.committed.totals = query_summary{e.triggers, e.input_rows, e.output_rows, e.dead_letters, 0};
  st.last_epoch = e.epoch;
  st.restore = true;
  st.published_epoch = 0;
  s = store.get_raw(published_key, text);
  if (s.is_ok()) s = decode_published(text, st.published_epoch);
  if (!s.is_ok() && !s.is_not_found()) return s.message();
  return load_trigger_log(st, store, plan.inputs.size());
}

void kill_all(self_ptr self) {
  for (auto& h : *self->state.child_handles) self->send_exit(h, caf::exit_reason::user_shutdown);
  self->state.child_handles->clear();
  self->state.children.clear();
  self->state.coordinator = nullptr;
}

}  // namespace

void finish_query(self_ptr self, std::string kind, std::string message) {
  auto& st = self->state;
  if (st.finished) return;
  st.finished = true;
  kill_all(self);
  query_summary summary = st.committed.totals;
  summary.restarts = st.intensity->restarts();
  self->send(st.cfg.listener, query_event{st.cfg.plan->name, std::move(kind), std::move(message), summary, {}});
  self->quit();
}

namespace {

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
  } else if (!st.cfg.plan->stage_nodes().empty()) {
    // Without a checkpoint, operator state lives only in the actors: replay from the start
    // (part files by trigger number are rewritten).
    st.committed = st.resumed;
  }
  if (!backoff) {
    finish_query(self, "failed",
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
  self->attach_functor([children = st.child_handles, plan = st.cfg.plan](const caf::error&) {
    plan->route_step_warnings(nullptr);  // a lookup table's thread outlives this supervisor
    for (auto& h : *children) caf::anon_send_exit(h, caf::exit_reason::user_shutdown);
  });
  if (epoch_mode(st)) {
    auto why = load_checkpoint(self);
    if (!why.empty()) {
      finish_query(self, "failed", "checkpoint " + st.cfg.checkpoint->directory() + " refused: " + why);
      return {[](trigger_committed&) {},
              [](complete_atom, bool) {},
              [](restart_atom) {},
              [](stop_atom) {},
              [](warn_atom, std::string&) {},
              [](step_atom) {},
              [](epoch_record&) {},
              [](published_atom, int64_t, int64_t) {}};
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
    launch_query(self);
  } catch (const std::exception& e) {
    finish_query(self, "failed", e.what());
  }
  return {
      [=](trigger_committed& c) {
        auto& st = self->state;
        if (!from_current_coordinator(self)) return;  // a killed generation's last words
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
        if (!from_current_coordinator(self)) return;
        st.last_epoch = e.epoch;
        for (size_t i = 0; i < st.readers.size() && i < e.positions.size(); ++i)
          st.readers[i]->committed(e.positions[i]);
        trigger_committed covered;
        covered.trigger = e.trigger;
        self->send(st.cfg.listener, query_event{st.cfg.plan->name, "checkpoint",
                                                "epoch " + std::to_string(e.epoch) + " committed after trigger " +
                                                    std::to_string(e.trigger),
                                                st.committed.totals, std::move(covered)});
      },
      [=](published_atom, int64_t epoch, int64_t trigger) {
        auto& st = self->state;
        if (!from_current_coordinator(self)) return;
        trigger_committed covered;
        covered.trigger = trigger;
        self->send(st.cfg.listener,
                   query_event{st.cfg.plan->name, "published", "epoch " + std::to_string(epoch) + " published",
                               st.committed.totals, std::move(covered)});
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
        if (!from_current_coordinator(self)) return;
        auto& t = st.committed.totals;
        if (input_complete)
          for (const auto& sink : st.cfg.plan->sinks)
            if (sink.on_complete) sink.on_complete();
        finish_query(self, "finished",
                     std::to_string(t.triggers) + " triggers, " + std::to_string(t.input_rows) + " input rows, " +
                         std::to_string(t.output_rows) + " output rows, " + std::to_string(t.dead_letters) +
                         " dead letters");
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
          launch_query(self);
        } catch (const std::exception& e) {
          finish_query(self, "failed", e.what());
        }
      },
      [=](stop_atom) {
        if (self->state.coordinator) self->send(self->state.coordinator, stop_atom::value);
      },
  };
}

}  // namespace sluice
