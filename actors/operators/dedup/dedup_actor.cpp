#include "actors/operators/dedup/dedup_actor.hpp"

#include "actors/runtime/partition_router.hpp"

namespace sluice {

state_operator_progress dedup_handler::on_watermark(const trigger_end& end, host_output&) {
  // With no-data batches the new watermark evicts at once; without, only a trigger with data
  // evicts, with the watermark it ran with (as the other operators).
  if (end.no_data_batches)
    state_.evict(end.next_watermark_us);
  else if (end.had_rows)
    state_.evict(end.watermark_us);
  auto c = state_.take_counters();
  auto p = trigger_metrics(stats(), c.stored, c.removed, c.dropped_late, partitions_);
  p.custom_metrics["numDroppedDuplicateRows"] = c.duplicates;
  return p;
}

namespace {

class dedup_stage final : public stateful_stage {
 public:
  dedup_stage(dedup_spec spec, schema_ptr schema, dedup_options options, std::string description)
      : spec_(std::move(spec)),
        schema_(std::move(schema)),
        options_(std::move(options)),
        description_(std::move(description)) {}
  schema_ptr output_schema() const override { return schema_; }
  std::string explain() const override { return description_; }
  int partitions() const override { return options_.partitions; }
  const char* kind() const override { return "dedup"; }
  std::vector<event_time_column> output_event_time() const override { return event_time_; }
  bool judges_event_time() const override { return spec_.within_watermark || spec_.expires(); }
  void set_event_time(std::vector<event_time_column> e) { event_time_ = std::move(e); }
  operator_actor spawn(stage_context& ctx, operator_actor downstream) const override {
    const char* name = options_.within_watermark ? "dedupeWithinWatermark" : "dedupe";
    return spawn_partitioned(ctx, "dedup", options_.partitions, {spec_.key_columns}, std::move(downstream), [&] {
      return std::make_shared<dedup_handler>(spec_, schema_, name, options_.partitions);
    });
  }

 private:
  dedup_spec spec_;
  schema_ptr schema_;
  dedup_options options_;
  std::string description_;
  std::vector<event_time_column> event_time_;  // its input's: rows pass unchanged
};

}  // namespace

stage_ptr make_dedup_stage(const dedup_input& in, const dedup_options& o) {
  if (o.partitions < 1) throw std::invalid_argument("dedup partitions must be ≥ 1");
  dedup_spec spec;
  std::string keys;
  if (o.keys.empty())
    for (size_t i = 0; i < in.schema->size(); ++i) spec.key_columns.push_back(i);
  for (const auto& k : o.keys) spec.key_columns.push_back(input_column(in.name, *in.schema, k, "dedup key"));
  for (size_t c : spec.key_columns) keys += (keys.empty() ? "" : ", ") + in.schema->at(c).name;
  if (in.watermark_column)
    spec.event_time_column = input_column(in.name, *in.schema, *in.watermark_column, "watermark");
  spec.within_watermark = o.within_watermark;
  spec.delay_us = in.watermark_delay_us;
  if (o.within_watermark && !spec.event_time_column)
    throw std::invalid_argument(
        "dropDuplicatesWithinWatermark is not supported on streaming DataFrames/DataSets without watermark");
  std::string d = std::string(o.within_watermark ? "DeduplicateWithinWatermark" : "Deduplicate") + " [" + keys + "]";
  if (o.within_watermark)
    d += ", a key kept for " + std::to_string(in.watermark_delay_us / 1000) + " ms of event time after its row";
  else if (spec.event_time_column && spec.expires())
    d += ", keys evicted by the watermark";
  else
    d += ", keys kept for ever (no event-time key)";
  d += ", " + std::to_string(o.partitions) + " partition" + (o.partitions > 1 ? "s" : "");
  auto stage = std::make_shared<dedup_stage>(std::move(spec), in.schema, o, d);
  if (in.watermark_column) stage->set_event_time({event_time_column{*in.watermark_column, in.watermark_delay_us}});
  return stage;
}

}  // namespace sluice
