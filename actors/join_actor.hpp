// join_actor: one partition of a stream-stream join.
//
//   watermark tracker ──▶ join router ──hash(equi-key) mod P──▶ join partition 0..P−1 ──▶ sink
//                         (actors/partition_router.hpp)
//                                 └── watermarks, barriers: to every partition
//
// A partition owns one `join_state` (state/join_state.hpp) with both side buffers, so a
// match is one atomic look at both. Per trigger k it joins the left batch, then the right
// (the tracker already orders them), judging rows against W_{k−1}; when trigger k's watermark
// W_k arrives it evicts (emitting outer null rows) and attaches its state metrics to the
// watermark's report, as Spark's `symmetricHashJoin` state operator: numRowsTotal,
// numRowsUpdated, numRowsRemoved, numRowsDroppedByWatermark, memoryUsedBytes, plus custom
// metrics Spark lacks (rows per side, matched input rows, late rows per input).
// Late rows optionally go to the dead-letter output with the watermark they missed.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "actors/operator_interface.hpp"
#include "actors/stage.hpp"
#include "state/fault_plan.hpp"
#include "state/join_state.hpp"

namespace sluice {

/// A join partition: the operator interface plus stop-with-savepoint.
using join_partition_actor = operator_actor::extend_with<stateful_partition>;

/// Savepoint rows of a join partition (docs/formats/join-savepoint.md, version 1): key =
/// 8-byte big-endian sequence in namespace `<name>`; value = 0x01, side (0 left, 1 right),
/// matched (0/1), 8-byte event time, then the cells as a JSON array.
std::string encode_join_row(join_side side, const row& r, bool matched);
/// Refuses values of other versions.
bool decode_join_row(std::string_view value, join_side& side, row& r, bool& matched, std::string& error);

struct join_partition_config {
  std::string name = "join";
  join_spec spec;
  schema_ptr output_schema;
  std::string input_names[2] = {"left", "right"};
  bool route_late_rows = false;
  bool no_data_batches = true;
  int64_t watermark_us = 0;  // the combined watermark to resume from
  int partitions = 1;
  operator_actor downstream;
  dead_letter_actor dead_letters;
  fault_plan_ptr faults;
  std::shared_ptr<state_store> store;  // savepoints go here (may be null)
  bool restore = false;                // load this partition's rows from `store` at start
  coordinator_actor coordinator;       // epochs: where barrier N's delta goes
};

join_partition_actor::behavior_type join_partition_impl(join_partition_actor::pointer self, join_partition_config cfg);

}  // namespace sluice
