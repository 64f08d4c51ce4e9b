// join_actor: one partition of a stream-stream join, and the router in front of the partitions.
//
//   watermark tracker ──▶ join router ──hash(equi-key) mod P──▶ join partition 0..P−1 ──▶ sink
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
#include "state/fault_plan.hpp"
#include "state/join_state.hpp"

namespace sluice {

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
};

operator_actor::behavior_type join_partition_impl(operator_actor::pointer self, join_partition_config cfg);

struct join_router_config {
  std::string name = "join-router";
  std::vector<size_t> key_columns[2];  // per input side
  std::vector<operator_actor> partitions;
};

operator_actor::behavior_type join_router_impl(operator_actor::pointer self, join_router_config cfg);

}  // namespace sluice
