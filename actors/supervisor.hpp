// supervisor: one per query. Spawns the query's actors from its plan, monitors every one of
// them, and restarts the whole query when one fails — from the last committed trigger
// (sources rewound to the positions after it, the combined watermark restored), after a
// back-off, within the restart intensity of `plan.restart`. Past that intensity the failure
// escalates: the supervisor reports `failed` naming the actor and its error and stops.
//
//   running ──actor down (error)──▶ kill all ──intensity ok──▶ wait back-off ──▶ running
//      │                                      └─exceeded──▶ failed (escalate, stop)
//      └──coordinator: complete──▶ kill all ──▶ finished
//
// Output of a trigger that did not commit is discarded by its sink on restart (part files
// become visible only when finished), so a restart neither loses nor doubles output.
// Checkpoints in LevelDB (a later issue) make the same resume survive a process kill.
#pragma once

#include <string>

#include "actors/operator_interface.hpp"
#include "actors/query_plan.hpp"
#include "state/fault_plan.hpp"

namespace sluice {

struct supervisor_config {
  query_plan_ptr plan;
  query_listener listener;    // receives query_event messages
  fault_plan_ptr faults;      // may be null
  std::string progress_path;  // "" = none
};

supervisor_actor::behavior_type supervisor_impl(supervisor_actor::stateful_pointer<struct supervisor_state> self,
                                                supervisor_config cfg);

struct supervisor_state {
  supervisor_config cfg;
  std::string query_id;
  int generation = 0;
  std::map<caf::actor_addr, std::string> children;  // of the current generation
  std::vector<caf::actor> child_handles;
  coordinator_actor coordinator;
  trigger_committed committed;  // last committed trigger (trigger = -1: none)
  bool finished = false;
  std::unique_ptr<restart_intensity> intensity;
  static inline const char* name = "supervisor";
};

}  // namespace sluice
