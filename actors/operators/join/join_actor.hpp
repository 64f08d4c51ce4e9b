// join_actor: one partition of a stream-stream join.
//
//   watermark tracker ──▶ join router ──hash(equi-key) mod P──▶ join partition 0..P−1 ──▶ sink
//                         (actors/runtime/partition_router.hpp)
//                                 └── watermarks, barriers: to every partition
//
// A partition owns one `join_state` (state/operators/join/join_state.hpp) with both side buffers, so a
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

#include "actors/api/operator_interface.hpp"
#include "actors/runtime/operator_host.hpp"
#include "state/faults/fault_plan.hpp"
#include "state/operators/join/join_state.hpp"

namespace sluice {

/// Checkpoint rows of a join partition (docs/formats/join-state.md, version 2): key = side
/// (1 byte) and buffer slot (4 bytes, big-endian) in namespace `<name>`; value = 0x02, side
/// (0 left, 1 right), matched (0/1), 8-byte event time, then the cells packed
/// (messages/data/packed_cells.hpp).
std::string encode_join_row(join_side side, const row& r, bool matched);
std::string join_row_key(join_side side, uint32_t slot);
/// Reads versions 2 and 1 (the cells as a JSON array); refuses others.
bool decode_join_row(std::string_view value, join_side& side, row& r, bool& matched, std::string& error);

struct join_options_of_partition {
  join_spec spec;
  schema_ptr output_schema;
  std::string input_names[2] = {"left", "right"};
  bool route_late_rows = false;
  int partitions = 1;
};

/// One join partition's handler for the operator host (actors/runtime/operator_host.hpp).
class join_handler {
 public:
  explicit join_handler(join_options_of_partition o) : o_(std::move(o)), join_(o_.spec) {}
  schema_ptr output_schema() const { return o_.output_schema; }
  void on_batch(batch& b, int64_t watermark_us, host_output& out);
  state_operator_progress on_watermark(const trigger_end& end, host_output& out);
  state_operator_progress stats() const;
  status load(std::string_view key, std::string_view value);
  void take_delta(int64_t epoch, state_delta& delta);

 private:
  join_options_of_partition o_;
  join_state join_;
  std::vector<row> late_;
};

}  // namespace sluice
