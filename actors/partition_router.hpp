// partition_router: the actor in front of a keyed operator's partitions (join, aggregation,
// keyed process). Rows go to partition hash(key columns) mod P — one hash for every operator
// (`hash_join_key`, state/join_state.hpp: 1 and 1.0 are one key) — so a key's state lives in
// exactly one partition; watermarks, barriers and end-of-input go to every partition.
//
//   upstream ──▶ router ──hash(key) mod P──▶ partition 0 … P−1
//
// Key columns are per input (a join's left and right differ); inputs past the list use the
// last entry (a union's inputs share one schema).
#pragma once

#include <string>
#include <vector>

#include "actors/operator_interface.hpp"

namespace sluice {

struct partition_router_config {
  std::string name = "router";
  std::vector<std::vector<size_t>> key_columns;  // per input
  std::vector<operator_actor> partitions;
};

operator_actor::behavior_type partition_router_impl(operator_actor::pointer self, partition_router_config cfg);

}  // namespace sluice
