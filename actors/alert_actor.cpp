#include "actors/alert_actor.hpp"

#include <chrono>
#include <filesystem>
#include <map>
#include <variant>

#include "actors/sink_actor.hpp"
#include "messages/time.hpp"

namespace sluice {

std::string alert_plan::explain() const {
  std::string d = "AlertEmitter → " + output_description + " [";
  for (size_t i = 0; i < rules.size(); ++i)
    d += (i ? "; " : "") + rules[i].name + " when " + rules[i].when_description + " per " + rules[i].key_column +
         (rules[i].window_start_column.empty() ? "" : " and window");
  d += "], once per (rule, key, window)";
  d += state_dir.empty() ? " within the process" : " across restarts (" + state_dir + ")";
  if (limits.max_per_key > 0)
    d += ", at most " + std::to_string(limits.max_per_key) + " per key per " + std::to_string(limits.per_us / 1000000) +
         " s";
  return d;
}

alert_actor::behavior_type alert_actor_impl(alert_actor::pointer self, alert_actor_config cfg) {
  report_failures_as(self, cfg.name);
  std::shared_ptr<state_store> store;
  if (cfg.checkpoint) {
    store = cfg.checkpoint;
  } else if (!cfg.plan->state_dir.empty()) {
    std::lock_guard<std::mutex> g(cfg.plan->memory->mu);
    if (!cfg.plan->memory->store) {
      std::unique_ptr<state_store> s;
      std::error_code ec;
      std::filesystem::create_directories(cfg.plan->state_dir, ec);
      auto st = state_store::open(cfg.plan->state_dir, {}, s);
      if (!st.is_ok())
        throw std::runtime_error("alerts: cannot open the alert memory at " + cfg.plan->state_dir + ": " +
                                 st.to_string());
      cfg.plan->memory->store = std::move(s);
    }
    store = cfg.plan->memory->store;
  }
  struct state {
    alert_actor_config cfg;
    alert_state alerts;
    std::shared_ptr<row_sink> output;
    std::map<int64_t, int> watermarks;            // per trigger, until all upstream ones arrived
    std::map<int64_t, std::vector<row>> pending;  // alert rows per trigger (triggers overlap)
    // Barrier alignment by trigger number: epoch → (barriers so far, trigger it follows);
    // while one is incomplete, messages of later triggers wait in `held`.
    std::map<int64_t, std::pair<int, int64_t>> barriers;
    std::vector<std::variant<batch, watermark>> held;
    state(alert_actor_config c, std::shared_ptr<state_store> s)
        : cfg(std::move(c)), alerts(cfg.plan->rules, cfg.plan->limits, std::move(s)), output(cfg.output) {}
    int64_t now() const { return processing_time_us(cfg.clock); }
  };
  auto st = std::make_shared<state>(std::move(cfg), std::move(store));
  if (st->cfg.checkpoint) st->alerts.defer_writes();
  auto s = st->output->open();
  if (s.is_ok() && st->cfg.staged_after >= -1) s = st->output->stage(st->cfg.staged_after);
  if (!s.is_ok()) throw std::runtime_error("alerts: cannot open " + st->output->description() + ": " + s.to_string());
  auto waits = [st](int64_t trigger) { return !st->barriers.empty() && trigger > st->barriers.begin()->second.second; };
  auto on_batch = [self, st](batch& b) {
    auto es = st->alerts.evaluate(*b.schema, b.rows, st->now(), st->pending[b.trigger]);
    if (!es.is_ok()) throw std::runtime_error("alerts: " + es.to_string());
    self->send(st->cfg.downstream, std::move(b));
  };
  auto on_watermark = [self, st](watermark& w) {
    if (++st->watermarks[w.trigger] < st->cfg.upstream) {
      self->send(st->cfg.downstream, std::move(w));
      return;
    }
    st->watermarks.erase(w.trigger);
    if (auto it = st->pending.find(w.trigger); it != st->pending.end()) {
      batch out;
      out.schema = alert_schema();
      out.trigger = w.trigger;
      out.rows = std::move(it->second);
      st->pending.erase(it);
      auto ws = out.rows.empty() ? status::ok() : st->output->write(out);
      if (!ws.is_ok())
        throw std::runtime_error("alerts: writing to " + st->output->description() + ": " + ws.to_string());
    }
    int64_t rows = 0;
    auto fs = st->output->finish(w.trigger, rows);
    if (!fs.is_ok())
      throw std::runtime_error("alerts: publishing to " + st->output->description() + ": " + fs.to_string());
    if (st->cfg.faults && st->cfg.faults->hit("crash:" + st->cfg.name))
      throw std::runtime_error("fault injected at crash:" + st->cfg.name);
    auto s = st->alerts.flush(w.value_us == no_watermark ? 0 : w.value_us);
    if (!s.is_ok()) throw std::runtime_error("alerts: remembering sent alerts failed: " + s.to_string());
    auto c = st->alerts.take_counters();
    state_operator_progress p;
    p.operator_name = "alerts";
    p.num_rows_total = static_cast<int64_t>(st->alerts.remembered());
    p.num_rows_updated = c.emitted;
    p.num_rows_removed = c.forgotten;
    p.custom_metrics["alertsEmitted"] = c.emitted;
    p.custom_metrics["duplicatesSkipped"] = c.duplicates;
    p.custom_metrics["suppressedByRateLimit"] = c.suppressed;
    w.report.operators.push_back(std::move(p));
    self->send(st->cfg.downstream, std::move(w));
  };
  return {
      [=](batch& b) {
        if (waits(b.trigger))
          st->held.emplace_back(std::move(b));
        else
          on_batch(b);
      },
      [=](watermark& w) {
        if (waits(w.trigger))
          st->held.emplace_back(std::move(w));
        else
          on_watermark(w);
      },
      [=](barrier& b) {
        auto& entry = st->barriers[b.epoch];
        ++entry.first;
        entry.second = b.trigger;
        // Every upstream sent barrier N: the memory's changes up to it are epoch N's part.
        while (!st->barriers.empty() && st->barriers.begin()->second.first >= st->cfg.upstream) {
          int64_t epoch = st->barriers.begin()->first;
          int64_t trigger = st->barriers.begin()->second.second;
          st->barriers.erase(st->barriers.begin());
          if (st->cfg.coordinator) {
            epoch_part part;
            part.epoch = epoch;
            st->alerts.take_deferred(part.delta);
            self->send(st->cfg.coordinator, std::move(part));
          }
          self->send(st->cfg.downstream, barrier{epoch, trigger});
          auto held = std::move(st->held);
          st->held.clear();
          for (auto& m : held) {
            if (auto* hb = std::get_if<batch>(&m)) {
              if (waits(hb->trigger))
                st->held.emplace_back(std::move(*hb));
              else
                on_batch(*hb);
            } else {
              auto& hw = std::get<watermark>(m);
              if (waits(hw.trigger))
                st->held.emplace_back(std::move(hw));
              else
                on_watermark(hw);
            }
          }
        }
      },
      [=](end_of_input& e) { self->send(st->cfg.downstream, std::move(e)); },
      [=](stats_atom) {
        state_operator_progress p;
        p.operator_name = "alerts";
        p.num_rows_total = static_cast<int64_t>(st->alerts.remembered());
        return p;
      },
      [=](prepare_output& p) { return prepare_sink(*st->output, st->cfg.name, p); },
      [=](publish_output& p) { return publish_sink(*st->output, p); },
  };
}

}  // namespace sluice
