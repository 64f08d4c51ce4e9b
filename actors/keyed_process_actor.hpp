// keyed_process_actor: one partition of a keyed process operator — custom per-key logic with
// state and timers (state/keyed_processor.hpp is the user's API; state/process_state.hpp the
// state). Behind a partition router keyed by the key column.
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

#include "actors/operator_interface.hpp"
#include "actors/stage.hpp"
#include "state/fault_plan.hpp"
#include "state/keyed_processor.hpp"

namespace sluice {

using keyed_process_partition_actor = operator_actor::extend_with<stateful_partition>;

struct keyed_process_options {
  std::map<std::string, int64_t> ttl_us;  // state name → TTL
  int partitions = 1;
  std::function<int64_t()> clock;  // processing time, µs; null = the system clock
};

struct keyed_process_config {
  std::string name = "process";
  std::function<std::unique_ptr<keyed_processor_base>()> make_processor;
  keyed_process_options options;
  size_t key_column = 0;
  bool event_time = false;  // the input has a watermark: late rows are dropped
  schema_ptr output_schema;
  bool no_data_batches = true;
  int64_t watermark_us = 0;
  operator_actor downstream;
  fault_plan_ptr faults;
  std::shared_ptr<state_store> store;
  bool restore = false;
  coordinator_actor coordinator;  // epochs: where barrier N's delta goes
};

keyed_process_partition_actor::behavior_type keyed_process_partition_impl(keyed_process_partition_actor::pointer self,
                                                                          keyed_process_config cfg);

/// The stage: router + partitions. Throws std::invalid_argument for an unknown key column or
/// empty output columns.
stage_ptr make_keyed_process_stage(std::string key_column, schema_ptr input, bool has_watermark,
                                   std::function<std::unique_ptr<keyed_processor_base>()> make_processor,
                                   std::vector<column> output, keyed_process_options options, std::string description);

}  // namespace sluice
