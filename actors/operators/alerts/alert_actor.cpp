#include "actors/operators/alerts/alert_actor.hpp"

#include <chrono>
#include <filesystem>
#include <map>
#include <variant>

#include "messages/data/time.hpp"

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

std::shared_ptr<state_store> alert_handler::open_memory(const host_context& ctx) const {
  if (ctx.epochs) return ctx.store;
  const auto& plan = *cfg_.plan;
  if (plan.state_dir.empty()) return nullptr;
  std::lock_guard<std::mutex> g(plan.memory->mu);
  if (!plan.memory->store) {
    std::unique_ptr<state_store> s;
    std::error_code ec;
    std::filesystem::create_directories(plan.state_dir, ec);
    auto st = state_store::open(plan.state_dir, {}, s);
    if (!st.is_ok())
      throw std::runtime_error("alerts: cannot open the alert memory at " + plan.state_dir + ": " + st.to_string());
    plan.memory->store = std::move(s);
  }
  return plan.memory->store;
}

void alert_handler::start(const host_context& ctx) {
  alerts_.emplace(cfg_.plan->rules, cfg_.plan->limits, open_memory(ctx));
  if (ctx.epochs) alerts_->defer_writes();
  auto s = cfg_.output->open();
  if (s.is_ok() && cfg_.staged_after >= -1) s = cfg_.output->stage(cfg_.staged_after);
  if (!s.is_ok()) throw std::runtime_error("alerts: cannot open " + cfg_.output->description() + ": " + s.to_string());
}

void alert_handler::on_batch(batch& b, int64_t, host_output& out) {
  auto es = alerts_->evaluate(*b.schema, b.rows, processing_time_us(cfg_.clock), pending_[b.trigger]);
  if (!es.is_ok()) throw std::runtime_error("alerts: " + es.to_string());
  out.rows = std::move(b.rows);
}

/// Trigger k's end (all upstream watermarks in): publish its alerts, then remember them.
state_operator_progress alert_handler::on_watermark(const trigger_end& end, host_output&) {
  auto& output = *cfg_.output;
  if (auto it = pending_.find(end.trigger); it != pending_.end()) {
    batch out;
    out.schema = alert_schema();
    out.trigger = end.trigger;
    out.rows = std::move(it->second);
    pending_.erase(it);
    auto ws = out.rows.empty() ? status::ok() : output.write(out);
    if (!ws.is_ok()) throw std::runtime_error("alerts: writing to " + output.description() + ": " + ws.to_string());
  }
  int64_t rows = 0;
  auto fs = output.finish(end.trigger, rows);
  if (!fs.is_ok()) throw std::runtime_error("alerts: publishing to " + output.description() + ": " + fs.to_string());
  auto s = alerts_->flush(end.next_watermark_us);
  if (!s.is_ok()) throw std::runtime_error("alerts: remembering sent alerts failed: " + s.to_string());
  auto c = alerts_->take_counters();
  auto p = stats();
  p.num_rows_updated = c.emitted;
  p.num_rows_removed = c.forgotten;
  p.custom_metrics["alertsEmitted"] = c.emitted;
  p.custom_metrics["duplicatesSkipped"] = c.duplicates;
  p.custom_metrics["suppressedByRateLimit"] = c.suppressed;
  return p;
}

state_operator_progress alert_handler::stats() const {
  return state_totals("alerts", alerts_ ? static_cast<int64_t>(alerts_->remembered()) : 0, 0);
}

void alert_handler::take_delta(int64_t, state_delta& delta) {
  alerts_->take_deferred(delta);
}

}  // namespace sluice
