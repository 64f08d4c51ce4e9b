// partition_router: the actor in front of a keyed operator's partitions (join, aggregation,
// keyed process). Rows go to partition hash(key columns) mod P — one hash for every operator
// (`hash_join_key`, state/operators/join/join_state.hpp: 1 and 1.0 are one key) — so a key's state lives in
// exactly one partition; watermarks, barriers and end-of-input go to every partition (the
// operators' metrics a watermark carries only to partition 0, so each is counted once).
//
//   upstream ──▶ router ──hash(key) mod P──▶ partition 0 … P−1
//
// Key columns are per input (a join's left and right differ); inputs past the list use the
// last entry (a union's inputs share one schema).
#pragma once

#include <string>
#include <vector>

#include "actors/api/operator_interface.hpp"
#include "actors/api/stage.hpp"
#include "actors/runtime/operator_host.hpp"

namespace sluice {

struct partition_router_config {
  std::string name = "router";
  std::vector<std::vector<size_t>> key_columns;  // per input
  std::vector<operator_actor> partitions;
};

operator_actor::behavior_type partition_router_impl(operator_actor::pointer self, partition_router_config cfg);

/// What every keyed stage does in `spawn`: `n` partitions named `base` (or `base/p`; past stage
/// 0 the stage's index is part of the name, stage_context::actor_name), each an
/// operator host (actors/runtime/operator_host.hpp) over a handler from `make()`, watched as
/// children of the query, behind a router (`base-router`) keyed by `keys`. Returns the router.
template <class MakeHandler>
operator_actor spawn_partitioned(stage_context& ctx, const std::string& base, int n,
                                 std::vector<std::vector<size_t>> keys, operator_actor downstream, MakeHandler make) {
  using handler_type = typename decltype(make())::element_type;
  partition_router_config rc;
  const std::string stage_name = ctx.actor_name(base);
  rc.name = stage_name + "-router";
  rc.key_columns = std::move(keys);
  for (int p = 0; p < n; ++p) {
    std::string name = n == 1 ? stage_name : stage_name + "/" + std::to_string(p);
    auto a = ctx.spawner->spawn(operator_host<handler_type>, host_config_for(ctx, name, downstream), make());
    ctx.watch(caf::actor_cast<caf::actor>(a), name);
    rc.partitions.push_back(a);
  }
  std::string router_name = rc.name;
  auto router = ctx.spawner->spawn(partition_router_impl, std::move(rc));
  ctx.watch(caf::actor_cast<caf::actor>(router), router_name);
  return router;
}

}  // namespace sluice
