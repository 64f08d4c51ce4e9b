// transform_actor: runs a fused chain of stateless steps (filter, select, computed columns,
// from_json) over each batch of a node of the query graph (after its stateful stage, or a
// union of its ports, whose batches leave as one stream: port 0) and moves it on. Watermarks, barriers
// and end-of-input pass through in order, after the batches they follow.
// Dead letters the steps produce (from_json) go to the query's dead-letter output.
#pragma once

#include <string>
#include <vector>

#include "actors/api/operator_interface.hpp"
#include "actors/operators/transform/transform.hpp"
#include "state/faults/fault_plan.hpp"

namespace sluice {

struct transform_actor_config {
  std::string name = "transform";
  std::vector<step_ptr> steps;
  operator_actor downstream;
  dead_letter_actor dead_letters;
  fault_plan_ptr faults;
};

operator_actor::behavior_type transform_actor_impl(operator_actor::pointer self, transform_actor_config cfg);

}  // namespace sluice
