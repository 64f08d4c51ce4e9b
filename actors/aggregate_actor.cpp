#include "actors/aggregate_actor.hpp"

#include "messages/json_codec.hpp"
#include "messages/time.hpp"

namespace sluice {

aggregate_partition_actor::behavior_type aggregate_partition_impl(aggregate_partition_actor::pointer self,
                                                                  aggregate_partition_config cfg) {
  report_failures_as(self, cfg.name);
  struct state {
    aggregate_partition_config cfg;
    std::unique_ptr<aggregate_state> agg;
    int64_t watermark_us;
    bool had_rows = false;
    std::vector<row> out, late;
    delta_baseline baseline;
    explicit state(aggregate_partition_config c)
        : cfg(std::move(c)), agg(cfg.make_state()), watermark_us(cfg.watermark_us) {}
  };
  auto st = std::make_shared<state>(std::move(cfg));
  if (st->cfg.restore)
    restore_partition(
        st->cfg.store, st->cfg.name, [&](std::string_view k, std::string_view v) { return st->agg->load(k, v); },
        &st->baseline);
  auto emit = [self, st](int64_t trigger) {
    if (st->out.empty()) return;
    batch b;
    b.schema = st->cfg.output_schema;
    b.trigger = trigger;
    const auto& proj = st->cfg.projection;
    if (proj.empty()) {  // the state's rows are the output rows
      b.rows.swap(st->out);
      self->send(st->cfg.downstream, std::move(b));
      return;
    }
    b.rows.reserve(st->out.size());
    size_t si = st->cfg.start_index;
    for (auto& r : st->out) {
      row o;
      o.event_time_us = r.event_time_us;
      o.values.reserve(proj.size());
      for (int i : proj)
        o.values.push_back(
            i >= 0 ? std::move(r.values[static_cast<size_t>(i)])
                   : value{static_cast<double>(std::get<int64_t>(r.values[si + 1]) - std::get<int64_t>(r.values[si])) /
                           1e6});
      b.rows.push_back(std::move(o));
    }
    st->out.clear();
    self->send(st->cfg.downstream, std::move(b));
  };
  return {
      [=](batch& b) {
        st->had_rows |= !b.rows.empty();
        st->agg->process(b.rows, st->watermark_us, st->cfg.route_late_rows ? &st->late : nullptr);
        if (!st->late.empty()) {
          dead_letter_batch d{b.trigger, {}};
          for (const auto& r : st->late)
            d.letters.push_back(dead_letter{
                encode_row(*b.schema, r),
                "late row: its window closed at or below the watermark " + format_iso8601_ms(st->watermark_us),
                st->cfg.name, b.trigger});
          st->late.clear();
          self->send(st->cfg.dead_letters, std::move(d));
        }
        if (st->cfg.faults && st->cfg.faults->hit("crash:" + st->cfg.name))
          throw std::runtime_error("fault injected at crash:" + st->cfg.name);
      },
      [=](watermark& w) {
        int64_t input_rows = 0;
        for (const auto& s : w.report.sources) input_rows += s.num_input_rows;
        bool had_data = st->had_rows || input_rows > 0;
        st->agg->emit(st->watermark_us, had_data, st->out);
        if (st->cfg.no_data_batches && w.value_us > st->watermark_us) st->agg->evict(w.value_us, st->out);
        st->had_rows = false;
        emit(w.trigger);
        st->watermark_us = std::max(st->watermark_us, w.value_us);
        auto c = st->agg->take_counters();
        state_operator_progress p;
        p.operator_name = st->cfg.operator_name;
        p.num_rows_total = st->agg->rows_total();
        p.num_rows_updated = c.updated;
        p.num_rows_removed = c.removed;
        p.num_rows_dropped_by_watermark = c.dropped_late;
        p.memory_used_bytes = st->agg->memory_used_bytes();
        p.num_shuffle_partitions = st->cfg.partitions;
        p.custom_metrics["lateInputRows"] = c.late_input_rows;
        p.custom_metrics["emittedRows"] = c.emitted;
        w.report.operators.push_back(std::move(p));
        self->send(st->cfg.downstream, std::move(w));
      },
      [=](barrier& b) {
        snapshot_partition(self, st->cfg.coordinator, st->baseline, st->cfg.name, b.epoch,
                           [&](const state_store::row_writer& put) {
                             st->agg->save([&](std::string k, std::string v) { put(k, v); });
                           });
        self->send(st->cfg.downstream, std::move(b));
      },
      [=](end_of_input& e) { self->send(st->cfg.downstream, std::move(e)); },
      [=](stats_atom) {
        state_operator_progress p;
        p.operator_name = st->cfg.operator_name;
        p.num_rows_total = st->agg->rows_total();
        p.memory_used_bytes = st->agg->memory_used_bytes();
        return p;
      },
      [=](savepoint_atom) -> int64_t {
        return save_partition(st->cfg.store, st->cfg.name, [&](const state_store::row_writer& put) {
          st->agg->save([&](std::string k, std::string v) { put(k, v); });
        });
      },
  };
}

}  // namespace sluice
