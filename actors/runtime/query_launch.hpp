// query_launch: one generation of a query's actors, spawned by its supervisor
// (actors/runtime/supervisor.hpp) on start and on every restart, downstream first so each
// actor knows where it sends:
//
//   dead letters ─ coordinator ─ sink ─ alerts ─ transform ─ stage (router + partitions)
//                                          ─ watermark tracker ─ sources (sought to the commit)
//
// then the coordinator is told to start — in a checkpointed query after the outputs published
// an epoch that the last process committed but did not publish (docs/checkpoints.md).
// Every actor is watched as the supervisor's child; a failure to spawn throws.
#pragma once

#include <string>

#include "actors/runtime/supervisor.hpp"

namespace sluice {

using supervisor_pointer = supervisor_actor::stateful_pointer<supervisor_state>;

void launch_query(supervisor_pointer self);

/// Ends the query: every child stopped, the listener told `kind` ("finished", "failed").
void finish_query(supervisor_pointer self, std::string kind, std::string message);

/// A random (version 4) UUID: query and run ids.
std::string make_uuid();
int64_t wall_us();

}  // namespace sluice
