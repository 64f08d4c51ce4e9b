// dedup_actor: a streaming deduplication as the query plan holds it — Spark's dropDuplicates
// and dropDuplicatesWithinWatermark over `dedup_state` (state/operators/dedup/dedup_state.hpp),
// partitioned by the key columns behind a router, each partition an operator host
// (actors/runtime/operator_host.hpp). Rows that pass go on unchanged (same schema).
//
// Metrics (operator "dedupe", "dedupeWithinWatermark"): numRowsTotal keys held,
// numRowsUpdated keys stored, numRowsRemoved keys evicted, numRowsDroppedByWatermark late
// rows; custom numDroppedDuplicateRows. Refused at build (Spark's messages): within_watermark
// without an event-time column; unknown key columns.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "actors/api/stage.hpp"
#include "actors/runtime/operator_host.hpp"
#include "state/operators/dedup/dedup_state.hpp"

namespace sluice {

struct dedup_options {
  std::vector<std::string> keys;  // empty: every input column
  bool within_watermark = false;
  int partitions = 1;
};

struct dedup_input {
  std::string name;
  schema_ptr schema;
  std::optional<std::string> watermark_column;
  int64_t watermark_delay_us = 0;
};

/// One dedup partition's handler for the operator host.
class dedup_handler {
 public:
  dedup_handler(dedup_spec spec, schema_ptr schema, const char* operator_name, int partitions)
      : state_(std::move(spec)), schema_(std::move(schema)), operator_name_(operator_name), partitions_(partitions) {}
  schema_ptr output_schema() const { return schema_; }
  void on_batch(batch& b, int64_t watermark_us, host_output& out) { state_.process(b.rows, watermark_us, out.rows); }
  state_operator_progress on_watermark(const trigger_end& end, host_output& out);
  state_operator_progress stats() const {
    return state_totals(operator_name_, state_.keys(), state_.memory_used_bytes());
  }
  status load(std::string_view key, std::string_view value) { return state_.load(key, value); }
  void save(const state_store::row_writer& put) const {
    state_.save([&](std::string k, std::string v) { put(k, v); });
  }

 private:
  dedup_state state_;
  schema_ptr schema_;
  const char* operator_name_;
  int partitions_;
};

/// Throws std::invalid_argument with Spark's message for a refused deduplication.
stage_ptr make_dedup_stage(const dedup_input& in, const dedup_options& options);

}  // namespace sluice
