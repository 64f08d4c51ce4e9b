#include "actors/operators/window/aggregate_actor.hpp"

#include "messages/codec/json_codec.hpp"
#include "messages/data/time.hpp"

namespace sluice {

void aggregate_handler::on_batch(batch& b, int64_t watermark_us, host_output& out) {
  agg_->process(b.rows, watermark_us, o_.route_late_rows ? &late_ : nullptr);
  for (const auto& r : late_)
    out.dead.push_back(dead_letter{
        encode_row(*b.schema, r),
        "late row: its window closed at or below the watermark " + format_iso8601_ms(watermark_us), "", b.trigger});
  late_.clear();
}

state_operator_progress aggregate_handler::on_watermark(const trigger_end& end, host_output& out) {
  agg_->emit(end.watermark_us, end.had_rows || end.input_rows > 0, state_rows_);
  if (end.no_data_batches && end.next_watermark_us > end.watermark_us) agg_->evict(end.next_watermark_us, state_rows_);
  project(state_rows_, out);
  auto c = agg_->take_counters();
  auto p = trigger_metrics(stats(), c.updated, c.removed, c.dropped_late, o_.partitions);
  p.custom_metrics["lateInputRows"] = c.late_input_rows;
  p.custom_metrics["emittedRows"] = c.emitted;
  return p;
}

state_operator_progress aggregate_handler::stats() const {
  return state_totals(o_.operator_name.c_str(), agg_->rows_total(), agg_->memory_used_bytes());
}

/// The state's rows as output rows (the identity projection was decided at build).
void aggregate_handler::project(std::vector<row>& rows, host_output& out) const {
  const auto& proj = o_.projection;
  if (proj.empty()) {
    if (out.rows.empty())
      out.rows.swap(rows);
    else
      for (auto& r : rows) out.rows.push_back(std::move(r));
    rows.clear();
    return;
  }
  out.rows.reserve(out.rows.size() + rows.size());
  size_t si = o_.start_index;
  for (auto& r : rows) {
    row o;
    o.event_time_us = r.event_time_us;
    o.values.reserve(proj.size());
    for (int i : proj) {
      if (i >= 0) {
        o.values.push_back(std::move(r.values[static_cast<size_t>(i)]));
        continue;
      }
      int64_t start = std::get<int64_t>(r.values[si]), end = std::get<int64_t>(r.values[si + 1]);
      if (i == aggregate_partition_options::window_time)
        o.values.emplace_back(std::in_place_type<int64_t>, end - 1);
      else
        o.values.emplace_back(std::in_place_type<double>, static_cast<double>(end - start) / 1e6);
    }
    out.rows.push_back(std::move(o));
  }
  rows.clear();
}

}  // namespace sluice
