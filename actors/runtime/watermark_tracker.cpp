#include "actors/runtime/watermark_tracker.hpp"

#include <map>

namespace sluice {
namespace {

struct tracker_state {
  watermark_tracker_config cfg;
  watermark_state wm;
  struct pending_input {
    std::vector<batch> batches;
    std::optional<watermark> end;
  };
  std::map<int64_t, std::vector<pending_input>> pending;  // trigger → per input
  int64_t next_trigger;
  size_t cursor = 0;      // input whose turn it is in `next_trigger`
  trigger_report report;  // being assembled for `next_trigger`
  size_t ended_inputs = 0;
  /// Barriers seen, by epoch: how many inputs sent it and the trigger it follows. Epoch N's
  /// barrier goes downstream once every input sent it and trigger N.trigger is closed; until
  /// then nothing of a later trigger passes (alignment, DESIGN.md "State and checkpoints").
  std::map<int64_t, std::pair<size_t, int64_t>> barriers;

  explicit tracker_state(watermark_tracker_config c)
      : cfg(std::move(c)), wm(cfg.inputs, cfg.policy, cfg.idle_timeout_us), next_trigger(cfg.first_trigger) {
    wm.restore(cfg.restored_watermark_us);
  }

  std::vector<pending_input>& slot(int64_t trigger) {
    auto& v = pending[trigger];
    if (v.empty()) v.resize(cfg.inputs.size());
    return v;
  }
};

/// True while a barrier of a trigger before `trigger` waits for some of its inputs.
bool blocked(const tracker_state& st, int64_t trigger) {
  for (const auto& [epoch, b] : st.barriers)
    if (b.second < trigger) return true;
  return false;
}

/// Sends the barriers whose inputs all arrived and whose trigger is closed, in epoch order.
void release_barriers(operator_actor::pointer self, tracker_state& st) {
  while (!st.barriers.empty()) {
    auto it = st.barriers.begin();
    if (it->second.first < st.cfg.inputs.size() || it->second.second >= st.next_trigger) return;
    self->send(st.cfg.downstream, barrier{it->first, it->second.second});
    st.barriers.erase(it);
  }
}

void drain(operator_actor::pointer self, tracker_state& st) {
  for (;;) {
    release_barriers(self, st);
    if (blocked(st, st.next_trigger)) return;
    auto it = st.pending.find(st.next_trigger);
    if (it == st.pending.end()) return;
    auto& inputs = it->second;
    while (st.cursor < inputs.size()) {
      auto& in = inputs[st.cursor];
      for (auto& b : in.batches) self->send(st.cfg.downstream, std::move(b));
      in.batches.clear();
      if (!in.end) return;  // this input's trigger is still open
      auto& r = in.end->report;
      if (st.cfg.inputs[st.cursor].by_partition)
        for (const auto& s : r.sources)
          st.wm.propose(st.cursor, s.has_watermark ? std::optional<int64_t>(s.watermark_us) : std::nullopt,
                        r.event_time.count > 0);
      for (auto& s : r.sources) st.report.sources.push_back(std::move(s));
      if (r.event_time.count > 0) {
        if (st.cfg.inputs[st.cursor].has_watermark) {
          if (!st.cfg.inputs[st.cursor].by_partition) st.wm.observe(st.cursor, r.event_time.max_us);
          auto& et = st.report.event_time;
          if (et.count == 0 || r.event_time.min_us < et.min_us) et.min_us = r.event_time.min_us;
          if (et.count == 0 || r.event_time.max_us > et.max_us) et.max_us = r.event_time.max_us;
          et.sum_us += r.event_time.sum_us;
          et.count += r.event_time.count;
        }
      }
      ++st.cursor;
    }
    // Every input finished trigger k: close it and send the combined watermark.
    watermark out;
    out.trigger = st.next_trigger;
    out.report = std::move(st.report);
    out.report.watermark_us = st.wm.current();
    int64_t now =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    out.value_us = st.wm.end_trigger(now);
    out.report.next_watermark_us = out.value_us;
    for (auto& [name, v] : st.wm.input_watermarks()) out.report.input_watermarks_us[name] = v;
    out.report.holding_input = st.wm.holding_input();
    self->send(st.cfg.downstream, std::move(out));
    st.report = trigger_report{};
    st.pending.erase(it);
    ++st.next_trigger;
    st.cursor = 0;
  }
}

}  // namespace

operator_actor::behavior_type watermark_tracker_impl(operator_actor::pointer self, watermark_tracker_config cfg) {
  report_failures_as(self, cfg.name);
  auto st = std::make_shared<tracker_state>(std::move(cfg));
  return {
      [=](batch& b) {
        if (b.trigger == st->next_trigger && b.input == st->cursor && !blocked(*st, b.trigger)) {
          self->send(st->cfg.downstream, std::move(b));  // its turn: pass at once
          return;
        }
        st->slot(b.trigger)[b.input].batches.push_back(std::move(b));
      },
      [=](watermark& w) {
        if (w.input >= st->cfg.inputs.size())
          throw std::logic_error("watermark from unknown input " + std::to_string(w.input));
        st->slot(w.trigger)[w.input].end = std::move(w);
        drain(self, *st);
      },
      [=](barrier& b) {
        auto& entry = st->barriers[b.epoch];
        ++entry.first;
        entry.second = b.trigger;
        drain(self, *st);
      },
      [=](end_of_input&) {
        if (++st->ended_inputs == st->cfg.inputs.size()) self->send(st->cfg.downstream, end_of_input{});
      },
      [=](stats_atom) {
        state_operator_progress p;
        p.operator_name = "watermarkTracker";
        return p;
      },
  };
}

}  // namespace sluice
