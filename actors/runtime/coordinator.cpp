#include "actors/runtime/coordinator.hpp"

#include <chrono>
#include <cstdio>

namespace sluice {
namespace {

using self_ptr = coordinator_actor::stateful_pointer<coordinator_state>;

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void kick(self_ptr self);
void advance_epochs(self_ptr self);

bool epochs_enabled(const coordinator_state& st) {
  return static_cast<bool>(st.cfg.checkpoint);
}

void inject_barrier(self_ptr self, int64_t after_trigger) {
  auto& st = self->state;
  int64_t n = st.next_epoch++;
  auto& e = st.epochs[n];
  e.trigger = after_trigger;
  if (st.last_committed.trigger == after_trigger) {
    // The barrier follows a trigger already committed (the last epoch at stop or end).
    e.trigger_committed = true;
    e.record = st.last_committed;
  }
  st.last_barrier_trigger = after_trigger;
  st.last_barrier_us = now_us();
  for (auto& s : st.sources) self->send(s, barrier{n, after_trigger});
}

void fail(self_ptr self, const std::string& why) {
  self->quit(make_sluice_error(sluice_errc::operator_failed, "coordinator", why));
}

void published(self_ptr self, int64_t n) {
  auto& st = self->state;
  auto& e = st.epochs.at(n);
  leveldb::WriteBatch wb;
  std::vector<std::pair<std::string, size_t>> staged;
  for (const auto& p : e.prepared) staged.emplace_back(p.name, p.durable.size());
  add_published(wb, n, staged);
  auto s = st.cfg.checkpoint->write(wb, false);
  if (!s.is_ok())
    return fail(self, "checkpoint: recording that epoch " + std::to_string(n) + " was published: " + s.to_string());
  self->send(st.cfg.supervisor, published_atom::value, n, e.trigger);
  st.epochs.erase(n);
  advance_epochs(self);
  kick(self);
}

void commit_epoch(self_ptr self, int64_t n) {
  auto& st = self->state;
  auto& e = st.epochs.at(n);
  if (st.cfg.faults && st.cfg.faults->hit("exit:before-commit")) st.cfg.faults->exit_process("exit:before-commit");
  leveldb::WriteBatch wb;
  for (const auto& d : e.deltas) add_to_batch(d, wb);
  for (const auto& p : e.prepared)
    for (size_t i = 0; i < p.durable.size(); ++i)
      wb.Put(encode_state_key(staged_output_ns(p.name), key_kind::committed,
                              staged_output_key(n, static_cast<int64_t>(i))),
             p.durable[i]);
  e.record.epoch = n;
  e.record.committed_us = now_us();
  wb.Put(epoch_key, encode_epoch(e.record));
  while (!st.logged.empty() && *st.logged.begin() <= e.trigger) {
    wb.Delete(trigger_log_key(*st.logged.begin()));
    st.logged.erase(st.logged.begin());
  }
  auto s = st.cfg.checkpoint->write(wb, true);
  if (!s.is_ok()) return fail(self, "checkpoint: committing epoch " + std::to_string(n) + " failed: " + s.to_string());
  e.deltas.clear();
  self->send(st.cfg.supervisor, e.record);
  if (st.cfg.faults && st.cfg.faults->hit("exit:after-commit")) st.cfg.faults->exit_process("exit:after-commit");
  e.publishing = true;
  if (st.outputs.actors.empty()) return published(self, n);
  auto pending = std::make_shared<size_t>(st.outputs.actors.size());
  for (size_t i = 0; i < st.outputs.actors.size(); ++i) {
    const auto& name = st.outputs.names[i];
    publish_output msg{n, e.trigger, {}, false};
    for (const auto& p : e.prepared)
      if (p.name == name) msg.durable = p.durable;
    self->request(st.outputs.actors[i], caf::infinite, std::move(msg))
        .then(
            [=](int64_t) {
              if (--*pending == 0) published(self, n);
            },
            [=, name = name](caf::error& err) {
              fail(self, "publishing epoch " + std::to_string(n) + " to " + name + ": " + describe_error(err));
            });
  }
}

/// Moves the oldest epoch on as far as it can go (one epoch at a time).
void advance_epochs(self_ptr self) {
  auto& st = self->state;
  if (st.epochs.empty()) return;
  auto n = st.epochs.begin()->first;
  auto& e = st.epochs.begin()->second;
  if (e.preparing || e.deltas.size() < st.cfg.stateful_actors || !e.trigger_committed) return;
  e.preparing = true;
  if (st.outputs.actors.empty()) return commit_epoch(self, n);
  auto pending = std::make_shared<size_t>(st.outputs.actors.size());
  for (size_t i = 0; i < st.outputs.actors.size(); ++i)
    self->request(st.outputs.actors[i], caf::infinite, prepare_output{n, e.trigger})
        .then(
            [=](output_prepared& p) {
              self->state.epochs.at(n).prepared.push_back(std::move(p));
              if (--*pending == 0) commit_epoch(self, n);
            },
            [=, name = st.outputs.names[i]](caf::error& err) {
              fail(self, "preparing epoch " + std::to_string(n) + " in " + name + ": " + describe_error(err));
            });
}

/// Checkpointed: writes trigger k's end positions to the trigger log (unsynced: a process kill
/// keeps it; after a power loss the trigger is planned afresh, nothing of it having committed).
bool log_trigger(self_ptr self, int64_t k, const std::vector<std::string>& positions) {
  auto& st = self->state;
  if (!epochs_enabled(st) || st.logged.count(k)) return true;
  leveldb::WriteBatch wb;
  wb.Put(trigger_log_key(k), encode_logged_trigger(logged_trigger{k, positions}));
  auto s = st.cfg.checkpoint->write(wb, false);
  if (!s.is_ok()) {
    fail(self, "checkpoint: logging trigger " + std::to_string(k) + ": " + s.to_string());
    return false;
  }
  st.logged.insert(k);
  return true;
}

void commit(self_ptr self, int64_t k) {
  self->request(self->state.cfg.dead_letters, caf::infinite, finish_atom::value, k).then([=](int64_t dead) {
    auto& st = self->state;
    const auto& plan = *st.cfg.plan;
    auto it = st.triggers.find(k);
    if (it == st.triggers.end()) throw std::logic_error("commit of unknown trigger " + std::to_string(k));
    auto& t = it->second;
    int64_t end = now_us();
    int64_t rows = 0;
    for (const auto& s : t.report.sources) rows += s.num_input_rows;
    st.cfg.totals.triggers += 1;
    st.cfg.totals.input_rows += rows;
    st.cfg.totals.output_rows += t.report.sink_rows;
    st.cfg.totals.dead_letters += dead;
    // Progress: one record per trigger that did something; idle ones every 10 s (Spark).
    bool moved = t.report.next_watermark_us != st.last_watermark_us;
    bool idle = rows == 0 && !moved && plan.trigger.kind != trigger_kind::manual;
    if (st.cfg.progress && (!idle || end - st.last_idle_progress_us >= 10'000'000)) {
      if (idle) st.last_idle_progress_us = end;
      progress_record p;
      p.id = st.cfg.query_id;
      p.run_id = st.cfg.run_id;
      p.name = plan.name;
      p.timestamp_us = t.start_us;
      p.batch_id = k;
      p.batch_duration_ms = (end - t.start_us) / 1000;
      double since_prev = static_cast<double>(t.start_us - st.last_trigger_start_us) / 1e6;
      double took = static_cast<double>(end - t.start_us) / 1e6;
      p.input_rows_per_second = since_prev > 0 ? rows / since_prev : 0.0;
      p.processed_rows_per_second = took > 0 ? rows / took : 0.0;
      p.duration_ms["triggerExecution"] = (end - t.start_us) / 1000;
      p.duration_ms["addBatch"] = (end - t.start_us) / 1000;
      p.report = t.report;
      p.lookups = plan.lookups();
      auto s = st.cfg.progress->append(to_json(p));
      if (!s.is_ok()) self->send(st.cfg.supervisor, warn_atom::value, s.to_string());
    }
    st.last_trigger_start_us = t.start_us;
    st.last_watermark_us = t.report.next_watermark_us;
    self->send(st.cfg.supervisor, trigger_committed{k, t.end_positions, t.report.next_watermark_us, st.cfg.totals,
                                                    t.report, t.end_frontiers});
    auto& last = st.last_committed;
    last.trigger = k;
    last.watermark_us = t.report.next_watermark_us;
    last.positions = t.end_positions;
    last.frontiers = t.end_frontiers;
    last.triggers = st.cfg.totals.triggers;
    last.input_rows = st.cfg.totals.input_rows;
    last.output_rows = st.cfg.totals.output_rows;
    last.dead_letters = st.cfg.totals.dead_letters;
    for (auto& [n, e] : st.epochs) {
      if (e.trigger != k) continue;
      e.trigger_committed = true;
      e.record = last;
    }
    st.triggers.erase(it);
    advance_epochs(self);
    // Back-to-back triggers that found no data wait a polling delay first, as Spark does
    // (spark.sql.streaming.pollingDelay, 10 ms), instead of spinning.
    if (rows == 0 && st.cfg.plan->trigger.kind == trigger_kind::processing_time &&
        st.cfg.plan->trigger.interval_us == 0 && !st.timer_pending && !st.stopping && !st.all_exhausted) {
      st.timer_pending = true;
      self->delayed_send(self, std::chrono::milliseconds(10), timer_atom::value);
      return;
    }
    kick(self);
  });
}

void issue(self_ptr self, int64_t k) {
  auto& st = self->state;
  auto& plan = *st.cfg.plan;
  auto& t = st.triggers[k];
  t.start_us = now_us();
  t.replies_pending = st.sources.size();
  t.end_positions.resize(st.sources.size());
  t.end_frontiers.resize(st.sources.size());
  st.issuing = true;
  auto exhausted = std::make_shared<size_t>(0);
  trigger_request req{k, t.start_us, plan.trigger.kind == trigger_kind::once ? 0 : plan.max_records_per_trigger, {}};
  auto replayed = st.cfg.replay.find(k);
  if (st.cfg.faults && st.cfg.broker_down && st.cfg.faults->hit("broker:down")) st.cfg.broker_down();
  for (size_t i = 0; i < st.sources.size(); ++i) {
    if (replayed != st.cfg.replay.end()) req.until = replayed->second[i];
    self->request(st.sources[i], caf::infinite, req).then([=](source_progress& p) {
      auto& st = self->state;
      auto& t = st.triggers[k];
      t.end_positions[i] = p.end_offset;
      t.end_frontiers[i] = p.frontiers;
      if (p.exhausted) ++*exhausted;
      if (--t.replies_pending == 0) {
        st.issuing = false;
        if (!log_trigger(self, k, t.end_positions)) return;
        auto kind = st.cfg.plan->trigger.kind;
        if ((*exhausted == st.sources.size() && kind != trigger_kind::manual) || kind == trigger_kind::once)
          st.all_exhausted = true;
        if (t.done) commit(self, k);
        kick(self);
      }
    });
  }
  if (epochs_enabled(st) && t.start_us - st.last_barrier_us >= st.cfg.checkpoint_interval_us) inject_barrier(self, k);
}

void kick(self_ptr self) {
  auto& st = self->state;
  auto& plan = *st.cfg.plan;
  if (st.completed) return;
  if (st.stopping || st.all_exhausted) {
    if (st.triggers.empty() && epochs_enabled(st)) {
      // A last epoch, so everything written so far is committed and published.
      if (st.last_barrier_trigger < st.next_trigger - 1 && st.next_trigger > st.cfg.first_trigger) {
        inject_barrier(self, st.next_trigger - 1);
        // Its trigger is committed: with no stateful actor to send a delta, nothing else would
        // move the epoch on (it may commit, publish and complete the query right here).
        advance_epochs(self);
        if (st.completed) return;
      }
      if (!st.epochs.empty()) return;
    }
    if (st.triggers.empty()) {
      st.completed = true;
      self->send(st.cfg.supervisor, complete_atom::value, st.all_exhausted);
    }
    return;
  }
  if (st.issuing || st.timer_pending || static_cast<int>(st.triggers.size()) >= plan.max_inflight_triggers) return;
  if (plan.trigger.kind == trigger_kind::manual) {
    if (st.manual_steps == 0) return;
    --st.manual_steps;
  }
  if (plan.trigger.kind == trigger_kind::processing_time && plan.trigger.interval_us > 0 &&
      st.last_trigger_start_us > 0) {
    int64_t due = st.triggers.empty() ? st.last_trigger_start_us + plan.trigger.interval_us : 0;
    if (!st.triggers.empty()) {
      // With an interval, the next trigger waits for the previous one (Spark's timing).
      return;
    }
    int64_t now = now_us();
    if (now < due) {
      if (!st.timer_pending) {
        st.timer_pending = true;
        self->delayed_send(self, std::chrono::microseconds(due - now), timer_atom::value);
      }
      return;
    }
  }
  issue(self, st.next_trigger++);
}

}  // namespace

std::string staged_output_ns(const std::string& output) {
  return "out/" + output;
}

std::string staged_output_key(int64_t epoch, int64_t seq) {
  std::string k(16, '\0');
  for (int i = 0; i < 8; ++i) {
    k[i] = static_cast<char>(static_cast<uint64_t>(epoch) >> (56 - 8 * i));
    k[8 + i] = static_cast<char>(static_cast<uint64_t>(seq) >> (56 - 8 * i));
  }
  return k;
}

void add_published(leveldb::WriteBatch& wb, int64_t epoch, const std::vector<std::pair<std::string, size_t>>& staged) {
  wb.Put(published_key, encode_published(epoch));
  for (const auto& [name, count] : staged)
    for (size_t i = 0; i < count; ++i)
      wb.Delete(encode_state_key(staged_output_ns(name), key_kind::committed,
                                 staged_output_key(epoch, static_cast<int64_t>(i))));
}

int64_t staged_output_epoch(std::string_view key) {
  uint64_t e = 0;
  for (size_t i = 0; i < 8 && i < key.size(); ++i) e = (e << 8) | static_cast<unsigned char>(key[i]);
  return static_cast<int64_t>(e);
}

coordinator_actor::behavior_type coordinator_impl(self_ptr self, coordinator_config cfg) {
  report_failures_as(self, "coordinator");
  self->state.cfg = std::move(cfg);
  self->state.next_trigger = self->state.cfg.first_trigger;
  self->state.next_epoch = self->state.cfg.first_epoch;
  for (const auto& logged : self->state.cfg.replay) self->state.logged.insert(logged.first);
  self->state.last_barrier_us = now_us();
  self->state.last_barrier_trigger = self->state.cfg.first_trigger - 1;
  return {
      [=](start_atom, std::vector<source_actor>& sources, query_outputs& outputs) {
        self->state.sources = std::move(sources);
        self->state.outputs = std::move(outputs);
        kick(self);
      },
      [=](trigger_done& d) {
        auto& st = self->state;
        auto it = st.triggers.find(d.trigger);
        if (it == st.triggers.end())
          throw std::logic_error("trigger_done for unknown trigger " + std::to_string(d.trigger));
        auto& t = it->second;
        if (t.sinks_done++ == 0) {
          t.report = std::move(d.report);
        } else {  // another sink of the query: its branch's operators and its rows
          merge_operator_progress(t.report.operators, d.report.operators);
          t.report.sink_rows += d.report.sink_rows;
          t.report.sink_description += ", " + d.report.sink_description;
        }
        if (t.sinks_done < st.cfg.sinks) return;
        t.done = true;
        if (t.replies_pending == 0) commit(self, d.trigger);
      },
      [=](timer_atom) {
        self->state.timer_pending = false;
        kick(self);
      },
      [=](stop_atom) {
        self->state.stopping = true;
        kick(self);
      },
      [=](step_atom) {
        ++self->state.manual_steps;
        kick(self);
      },
      [=](epoch_part& p) {
        auto it = self->state.epochs.find(p.epoch);
        if (it == self->state.epochs.end())
          throw std::logic_error("state for unknown epoch " + std::to_string(p.epoch));
        it->second.deltas.push_back(std::move(p.delta));
        advance_epochs(self);
      },
  };
}

}  // namespace sluice
