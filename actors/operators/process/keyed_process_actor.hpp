// keyed_process_actor: one partition of a keyed process operator — custom per-key logic with
// state and timers (state/operators/process/keyed_processor.hpp is the user's API;
// state/operators/process/process_state.hpp the state). Behind a partition router keyed by the key column.
//
// Per trigger k: batches are held until trigger k's watermark W_k arrives; then the partition
//   1. runs process(key, rows) for every key with rows, dropping rows at or below W_{k−1}
//      when the input has an event-time watermark,
//   2. fires event-time timers t ≤ W_k (with no-data batches; W_{k−1} without them) and
//      processing-time timers t ≤ now,
//   3. expires TTL'd state, emits what the processor emitted, and attaches its metrics
//      (operator "transformWithStateExec": numRowsTotal = keys with state or timers,
//      numRowsUpdated, numRowsRemoved, numRowsDroppedByWatermark, custom timersFired,
//      registeredTimers, expiredByTtl) to the watermark it forwards.
// A processor that throws fails the partition; the supervisor restarts the query.
// `clock` is the processing-time seam (tests pass a fixed clock).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "actors/api/stage.hpp"
#include "actors/runtime/operator_host.hpp"
#include "state/operators/process/keyed_processor.hpp"
#include "state/operators/process/process_state.hpp"

namespace sluice {

struct keyed_process_options {
  std::map<std::string, int64_t> ttl_us;  // state name → TTL
  int partitions = 1;
  std::function<int64_t()> clock;  // processing time, µs; null = the system clock
};

/// What every partition of one keyed process operator shares.
struct keyed_process_config {
  std::function<std::unique_ptr<keyed_processor_base>()> make_processor;
  keyed_process_options options;
  size_t key_column = 0;
  bool event_time = false;  // the input has a watermark: late rows are dropped
  schema_ptr output_schema;
};

/// One keyed process partition's handler for the operator host (actors/runtime/operator_host.hpp).
class keyed_process_handler {
 public:
  explicit keyed_process_handler(keyed_process_config c)
      : c_(std::move(c)), processor_(c_.make_processor()), ps_(c_.options.ttl_us) {}
  schema_ptr output_schema() const { return c_.output_schema; }
  void on_batch(batch& b, int64_t watermark_us, host_output& out);
  state_operator_progress on_watermark(const trigger_end& end, host_output& out);
  state_operator_progress stats() const;
  status load(std::string_view key, std::string_view value) { return ps_.load(key, value); }
  void save(const state_store::row_writer& put) const {
    ps_.save([&](std::string k, std::string v) { put(k, v); });
  }

 private:
  keyed_process_config c_;
  std::unique_ptr<keyed_processor_base> processor_;
  process_state ps_;
  schema_ptr input_schema_;
  std::vector<row> pending_;
};

stage_ptr make_keyed_process_stage(std::string key_column, schema_ptr input, bool has_watermark,
                                   std::function<std::unique_ptr<keyed_processor_base>()> make_processor,
                                   std::vector<column> output, keyed_process_options options, std::string description);

}  // namespace sluice
