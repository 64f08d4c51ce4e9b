#include "actors/operators/process/keyed_process_actor.hpp"

#include <chrono>

#include "actors/runtime/partition_router.hpp"
#include "messages/data/time.hpp"
#include "state/operators/process/process_state.hpp"

namespace sluice {

void keyed_process_handler::on_batch(batch& b, int64_t, host_output&) {
  input_schema_ = b.schema;
  if (pending_.empty())
    pending_ = std::move(b.rows);
  else
    for (auto& r : b.rows) pending_.push_back(std::move(r));
}

state_operator_progress keyed_process_handler::on_watermark(const trigger_end& end, host_output& out) {
  int64_t now = processing_time_us(c_.options.clock);
  if (!pending_.empty()) {
    ps_.run(*processor_, *input_schema_, pending_, c_.key_column, end.watermark_us, now, c_.event_time);
    pending_.clear();
  }
  int64_t fire_at = end.no_data_batches ? end.next_watermark_us : end.watermark_us;
  ps_.fire(*processor_, c_.event_time ? fire_at : INT64_MIN, now);
  ps_.expire(now);
  size_t width = c_.output_schema->size();
  for (auto& cells : ps_.take_output()) {
    if (cells.size() != width)
      throw std::runtime_error("the processor emitted " + std::to_string(cells.size()) + " cells; the output has " +
                               std::to_string(width) + " columns (" + c_.output_schema->describe() + ")");
    out.rows.push_back(row{std::move(cells), 0});
  }
  auto c = ps_.take_counters();
  auto p = trigger_metrics(stats(), c.updated, c.removed, c.dropped_late, c_.options.partitions);
  p.custom_metrics["timersFired"] = c.timers_fired;
  p.custom_metrics["registeredTimers"] = ps_.timers();
  p.custom_metrics["expiredByTtl"] = c.expired_cells;
  return p;
}

state_operator_progress keyed_process_handler::stats() const {
  return state_totals("transformWithStateExec", ps_.keys(), ps_.memory_used_bytes());
}

namespace {

class keyed_process_stage final : public stateful_stage {
 public:
  keyed_process_stage(keyed_process_config proto, std::string description)
      : proto_(std::move(proto)), description_(std::move(description)) {}
  schema_ptr output_schema() const override { return proto_.output_schema; }
  std::string explain() const override { return description_; }
  int partitions() const override { return proto_.options.partitions; }
  const char* kind() const override { return "process"; }

  operator_actor spawn(stage_context& ctx, operator_actor downstream) const override {
    return spawn_partitioned(ctx, "process", proto_.options.partitions, {{proto_.key_column}}, std::move(downstream),
                             [&] { return std::make_shared<keyed_process_handler>(proto_); });
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
