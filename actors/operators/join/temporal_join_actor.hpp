// temporal_join_actor: one partition of an event-time temporal join (Flink's `FOR SYSTEM_TIME
// AS OF`), an operator host (actors/runtime/operator_host.hpp) over `temporal_join_state`
// (state/operators/join/temporal_join_state.hpp).
//
//   probe input (port 0) ─┐
//                         ├─▶ router, hash(key) mod P ─▶ partition 0..P−1 ─▶ downstream
//   table input (port 1) ─┘   (versions: a changelog, each row a version from its time on)
//
// Per trigger k: each batch is judged against the late watermark it comes with (probe rows
// buffered, versions stored); at trigger k's watermark W_k every buffered probe row with time
// ≤ W_k is joined with the version valid at its time and sent on, then versions no row can
// need any more are dropped. The stage is built by `make_temporal_join_stage`
// (actors/operators/join/temporal_join_stage.hpp).
//
// Metrics (operator "temporalJoin"): numRowsTotal = buffered probe rows + versions,
// numRowsUpdated = rows stored, numRowsRemoved = versions dropped, numRowsDroppedByWatermark =
// late rows of both inputs; custom bufferedProbeRows, tableVersions, tableKeys, emittedRows,
// missedRows (emitted without a valid version), lateRows.<input>.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "actors/runtime/operator_host.hpp"
#include "state/operators/join/temporal_join_state.hpp"

namespace sluice {

/// Checkpoint rows of a temporal join partition (docs/formats/temporal-join-state.md, version
/// 1): a buffered probe row under key 'p' + time + arrival (8 bytes each, big-endian), a
/// version under 'v' + its key bytes + time; value = 0x01 then the cells as a JSON array.
std::string temporal_probe_key(int64_t time, uint64_t arrival);
std::string temporal_version_key(const std::string& key, int64_t time);
std::string encode_temporal_row(const row& r);
/// Refuses values of other versions.
bool decode_temporal_row(std::string_view value, row& r, std::string& error);

struct temporal_join_partition_options {
  temporal_join_spec spec;
  schema_ptr output_schema;
  schema_ptr input_schemas[2];
  std::string input_names[2] = {"probe", "table"};
  bool route_late_rows = false;
  int partitions = 1;
};

class temporal_join_handler {
 public:
  explicit temporal_join_handler(temporal_join_partition_options o) : o_(std::move(o)), state_(o_.spec) {}
  schema_ptr output_schema() const { return o_.output_schema; }
  void on_batch(batch& b, int64_t watermark_us, host_output& out);
  state_operator_progress on_watermark(const trigger_end& end, host_output& out);
  state_operator_progress stats() const;
  status load(std::string_view key, std::string_view value);
  void save(const state_store::row_writer& put) const;

 private:
  temporal_join_partition_options o_;
  temporal_join_state state_;
  std::vector<row> late_;
};

}  // namespace sluice
