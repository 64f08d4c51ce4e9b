#include "actors/coordinator.hpp"

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
    if (!st.cfg.progress_path.empty() && (!idle || end - st.last_idle_progress_us >= 10'000'000)) {
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
      if (std::FILE* f = std::fopen(st.cfg.progress_path.c_str(), "a")) {
        std::string line = to_json(p);
        std::fprintf(f, "%s\n", line.c_str());
        std::fclose(f);
      }
    }
    st.last_trigger_start_us = t.start_us;
    st.last_watermark_us = t.report.next_watermark_us;
    self->send(st.cfg.supervisor,
               trigger_committed{k, t.end_positions, t.report.next_watermark_us, st.cfg.totals, t.report});
    st.triggers.erase(it);
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
  st.issuing = true;
  auto exhausted = std::make_shared<size_t>(0);
  trigger_request req{k, t.start_us, plan.trigger.kind == trigger_kind::once ? 0 : plan.max_records_per_trigger};
  for (size_t i = 0; i < st.sources.size(); ++i) {
    self->request(st.sources[i], caf::infinite, req).then([=](source_progress& p) {
      auto& st = self->state;
      auto& t = st.triggers[k];
      t.end_positions[i] = p.end_offset;
      if (p.exhausted) ++*exhausted;
      if (--t.replies_pending == 0) {
        st.issuing = false;
        auto kind = st.cfg.plan->trigger.kind;
        if ((*exhausted == st.sources.size() && kind != trigger_kind::manual) || kind == trigger_kind::once)
          st.all_exhausted = true;
        if (t.done) commit(self, k);
        kick(self);
      }
    });
  }
}

void kick(self_ptr self) {
  auto& st = self->state;
  auto& plan = *st.cfg.plan;
  if (st.completed) return;
  if (st.stopping || st.all_exhausted) {
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

coordinator_actor::behavior_type coordinator_impl(self_ptr self, coordinator_config cfg) {
  report_failures_as(self, "coordinator");
  self->state.cfg = std::move(cfg);
  self->state.next_trigger = self->state.cfg.first_trigger;
  return {
      [=](start_atom, std::vector<source_actor>& sources) {
        self->state.sources = std::move(sources);
        kick(self);
      },
      [=](trigger_done& d) {
        auto& st = self->state;
        auto it = st.triggers.find(d.trigger);
        if (it == st.triggers.end())
          throw std::logic_error("trigger_done for unknown trigger " + std::to_string(d.trigger));
        it->second.report = std::move(d.report);
        it->second.done = true;
        if (it->second.replies_pending == 0) commit(self, d.trigger);
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
  };
}

}  // namespace sluice
