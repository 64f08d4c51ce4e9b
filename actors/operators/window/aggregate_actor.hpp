// aggregate_actor: one partition of a streaming aggregation — windows or sessions — over an
// `aggregate_state` (state/operators/window/aggregate_state.hpp). Behind a partition router
// (actors/runtime/partition_router.hpp) that sends each group's rows to one partition.
//
// Per trigger k: batches update the state, judged against W_{k−1}; when trigger k's watermark
// W_k arrives the partition runs the data batch's output (append: groups closed by W_{k−1};
// update: the groups the trigger changed; complete: the whole table — only when the trigger
// had input, as Spark runs no batch without it), then, with no-data batches on and W_k > W_{k−1},
// the no-data batch (append emits and removes groups closed by W_k). It attaches Spark's state
// metrics to the watermark's report (operator "stateStoreSave" for windows, "sessionWindowStateStoreSave"
// for sessions) and forwards the watermark.
// Late rows optionally go to the dead-letter output with the watermark they missed.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "actors/runtime/operator_host.hpp"
#include "state/operators/window/aggregate_state.hpp"

namespace sluice {

/// What every partition of one aggregation shares.
struct aggregate_partition_options {
  std::string operator_name = "stateStoreSave";
  std::function<std::unique_ptr<aggregate_state>()> make_state;
  schema_ptr output_schema;  // after `projection`
  /// Output column i = the state row's cell projection[i], or: `session_duration` = (end −
  /// start) in seconds, `window_time` = end − 1 µs (the window struct as a later stage reads it),
  /// with start and end at `start_index` and `start_index + 1`. Empty: the rows go out as they are.
  static constexpr int session_duration = -1;
  static constexpr int window_time = -2;
  std::vector<int> projection;
  size_t start_index = 0;
  bool route_late_rows = false;
  int partitions = 1;
};

/// One aggregation partition's handler for the operator host (actors/runtime/operator_host.hpp).
class aggregate_handler {
 public:
  explicit aggregate_handler(aggregate_partition_options o) : o_(std::move(o)), agg_(o_.make_state()) {}
  schema_ptr output_schema() const { return o_.output_schema; }
  void on_batch(batch& b, int64_t watermark_us, host_output& out);
  state_operator_progress on_watermark(const trigger_end& end, host_output& out);
  state_operator_progress stats() const;
  status load(std::string_view key, std::string_view value) { return agg_->restore(key, value); }
  void take_delta(int64_t, state_delta& delta) { agg_->take_delta(delta); }

 private:
  void project(std::vector<row>& rows, host_output& out) const;
  aggregate_partition_options o_;
  std::unique_ptr<aggregate_state> agg_;
  std::vector<row> state_rows_, late_;
};

}  // namespace sluice
