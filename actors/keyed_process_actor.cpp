#include "actors/keyed_process_actor.hpp"

#include <chrono>

#include "actors/partition_router.hpp"
#include "messages/time.hpp"
#include "state/process_state.hpp"

namespace sluice {

keyed_process_partition_actor::behavior_type keyed_process_partition_impl(keyed_process_partition_actor::pointer self,
                                                                          keyed_process_config cfg) {
  report_failures_as(self, cfg.name);
  struct state {
    keyed_process_config cfg;
    std::unique_ptr<keyed_processor_base> processor;
    process_state ps;
    int64_t watermark_us;
    schema_ptr input_schema;
    std::vector<row> pending;
    delta_baseline baseline;
    explicit state(keyed_process_config c)
        : cfg(std::move(c)), processor(cfg.make_processor()), ps(cfg.options.ttl_us), watermark_us(cfg.watermark_us) {}
    int64_t now() const { return processing_time_us(cfg.options.clock); }
  };
  auto st = std::make_shared<state>(std::move(cfg));
  if (st->cfg.restore)
    restore_partition(
        st->cfg.store, st->cfg.name, [&](std::string_view k, std::string_view v) { return st->ps.load(k, v); },
        &st->baseline);
  return {
      [=](batch& b) {
        st->input_schema = b.schema;
        if (st->pending.empty())
          st->pending = std::move(b.rows);
        else
          for (auto& r : b.rows) st->pending.push_back(std::move(r));
      },
      [=](watermark& w) {
        int64_t now = st->now();
        if (!st->pending.empty()) {
          st->ps.run(*st->processor, *st->input_schema, st->pending, st->cfg.key_column, st->watermark_us, now,
                     st->cfg.event_time);
          st->pending.clear();
        }
        int64_t fire_at = st->cfg.no_data_batches ? std::max(st->watermark_us, w.value_us) : st->watermark_us;
        st->ps.fire(*st->processor, st->cfg.event_time ? fire_at : INT64_MIN, now);
        st->ps.expire(now);
        if (st->cfg.faults && st->cfg.faults->hit("crash:" + st->cfg.name))
          throw std::runtime_error("fault injected at crash:" + st->cfg.name);
        auto cells = st->ps.take_output();
        if (!cells.empty()) {
          batch out;
          out.schema = st->cfg.output_schema;
          out.trigger = w.trigger;
          out.rows.reserve(cells.size());
          size_t width = st->cfg.output_schema->size();
          for (auto& c : cells) {
            if (c.size() != width)
              throw std::runtime_error(st->cfg.name + ": the processor emitted " + std::to_string(c.size()) +
                                       " cells; the output has " + std::to_string(width) + " columns (" +
                                       st->cfg.output_schema->describe() + ")");
            out.rows.push_back(row{std::move(c), 0});
          }
          self->send(st->cfg.downstream, std::move(out));
        }
        st->watermark_us = std::max(st->watermark_us, w.value_us);
        auto c = st->ps.take_counters();
        state_operator_progress p;
        p.operator_name = "transformWithStateExec";
        p.num_rows_total = st->ps.keys();
        p.num_rows_updated = c.updated;
        p.num_rows_removed = c.removed;
        p.num_rows_dropped_by_watermark = c.dropped_late;
        p.memory_used_bytes = st->ps.memory_used_bytes();
        p.num_shuffle_partitions = st->cfg.options.partitions;
        p.custom_metrics["timersFired"] = c.timers_fired;
        p.custom_metrics["registeredTimers"] = st->ps.timers();
        p.custom_metrics["expiredByTtl"] = c.expired_cells;
        w.report.operators.push_back(std::move(p));
        self->send(st->cfg.downstream, std::move(w));
      },
      [=](barrier& b) {
        snapshot_partition(
            self, st->cfg.coordinator, st->baseline, st->cfg.name, b.epoch,
            [&](const state_store::row_writer& put) { st->ps.save([&](std::string k, std::string v) { put(k, v); }); });
        self->send(st->cfg.downstream, std::move(b));
      },
      [=](end_of_input& e) { self->send(st->cfg.downstream, std::move(e)); },
      [=](stats_atom) {
        state_operator_progress p;
        p.operator_name = "transformWithStateExec";
        p.num_rows_total = st->ps.keys();
        p.memory_used_bytes = st->ps.memory_used_bytes();
        return p;
      },
      [=](savepoint_atom) -> int64_t {
        return save_partition(st->cfg.store, st->cfg.name, [&](const state_store::row_writer& put) {
          st->ps.save([&](std::string k, std::string v) { put(k, v); });
        });
      },
  };
}

namespace {

class keyed_process_stage final : public stateful_stage {
 public:
  keyed_process_stage(keyed_process_config proto, std::string description)
      : proto_(std::move(proto)), description_(std::move(description)) {}
  schema_ptr output_schema() const override { return proto_.output_schema; }
  std::string explain() const override { return description_; }
  int partitions() const override { return proto_.options.partitions; }

  operator_actor spawn(stage_context& ctx, operator_actor downstream) const override {
    return spawn_partitioned(ctx, "process", proto_.options.partitions, {{proto_.key_column}},
                             keyed_process_partition_impl, [&](const std::string& name) {
                               keyed_process_config pc = proto_;
                               pc.name = name;
                               pc.no_data_batches = ctx.no_data_batches;
                               pc.watermark_us = ctx.restored_watermark_us;
                               pc.downstream = downstream;
                               pc.faults = ctx.faults;
                               pc.store = ctx.store;
                               pc.restore = ctx.restore;
                               pc.coordinator = ctx.coordinator;
                               return pc;
                             });
  }

 private:
  keyed_process_config proto_;
  std::string description_;
};

}  // namespace

stage_ptr make_keyed_process_stage(std::string key_column, schema_ptr input, bool has_watermark,
                                   std::function<std::unique_ptr<keyed_processor_base>()> make_processor,
                                   std::vector<column> output, keyed_process_options options, std::string description) {
  auto k = input->index_of(key_column);
  if (!k)
    throw std::invalid_argument("key_by: no column '" + key_column + "' (the stream has " + input->describe() + ")");
  if (output.empty()) throw std::invalid_argument("process: give the output columns the processor emits");
  if (options.partitions < 1) throw std::invalid_argument("process: partitions must be ≥ 1");
  for (const auto& [name, ttl] : options.ttl_us)
    if (ttl <= 0) throw std::invalid_argument("process: TTL of state '" + name + "' must be positive");
  keyed_process_config c;
  c.make_processor = std::move(make_processor);
  c.options = std::move(options);
  c.key_column = *k;
  c.event_time = has_watermark;
  c.output_schema = std::make_shared<const schema>(std::move(output));
  std::string d = "TransformWithState key_by(" + key_column + ") " + description + " → [" +
                  c.output_schema->describe() + "], " + (has_watermark ? "event-time" : "processing-time") +
                  " timers, " + std::to_string(c.options.partitions) + " partition" +
                  (c.options.partitions > 1 ? "s" : "");
  return std::make_shared<keyed_process_stage>(std::move(c), std::move(d));
}

}  // namespace sluice
