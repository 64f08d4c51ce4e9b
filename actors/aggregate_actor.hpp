// aggregate_actor: one partition of a streaming aggregation — windows or sessions — over an
// `aggregate_state` (state/aggregate_state.hpp). Behind a partition router
// (actors/partition_router.hpp) that sends each group's rows to one partition.
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

#include "actors/operator_interface.hpp"
#include "actors/stage.hpp"
#include "state/aggregate_state.hpp"
#include "state/fault_plan.hpp"

namespace sluice {

using aggregate_partition_actor = operator_actor::extend_with<stateful_partition>;

struct aggregate_partition_config {
  std::string name = "aggregate";
  std::string operator_name = "stateStoreSave";
  std::function<std::unique_ptr<aggregate_state>()> make_state;
  schema_ptr output_schema;  // after `projection`
  /// Output column i = the state row's cell projection[i]; −1 = (end − start) in seconds,
  /// with start and end at `start_index` and `start_index + 1`. Empty: the rows go out as they are.
  std::vector<int> projection;
  size_t start_index = 0;
  bool route_late_rows = false;
  bool no_data_batches = true;
  int64_t watermark_us = 0;
  int partitions = 1;
  operator_actor downstream;
  dead_letter_actor dead_letters;
  fault_plan_ptr faults;
  std::shared_ptr<state_store> store;
  bool restore = false;
  coordinator_actor coordinator;  // epochs: where barrier N's delta goes
};

aggregate_partition_actor::behavior_type aggregate_partition_impl(aggregate_partition_actor::pointer self,
                                                                  aggregate_partition_config cfg);

}  // namespace sluice
