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
#include "actors/stage.hpp"
#include "state/fault_plan.hpp"

namespace sluice {

struct supervisor_config {
  query_plan_ptr plan;
  query_listener listener;     // receives query_event messages
  fault_plan_ptr faults;       // may be null
  std::string progress_path;   // "" = none
  bool commit_events = false;  // send the listener a "committed" event per trigger
  /// Where a graceful stop writes its savepoint and a start resumes from one (may be null).
  std::shared_ptr<state_store> checkpoint;
};

/// The savepoint record (docs/formats/join-savepoint.md): JSON with "version": 1, the query's
/// name, the last committed trigger, the combined watermark, source positions and the number
/// of stage partitions. Refuses other versions, other queries and other partition counts.
std::string encode_savepoint(const std::string& query, const trigger_committed& c, int partitions);
bool decode_savepoint(const std::string& text, const std::string& query, int partitions, trigger_committed& c,
                      std::string& error);

supervisor_actor::behavior_type supervisor_impl(supervisor_actor::stateful_pointer<struct supervisor_state> self,
                                                supervisor_config cfg);

struct supervisor_state {
  supervisor_config cfg;
  std::string query_id;
  int generation = 0;
  std::map<caf::actor_addr, std::string> children;  // of the current generation
  /// Shared with a functor attached to the supervisor: whenever the supervisor ends (also
  /// when told to exit), its children end with it — CAF would otherwise wait for them forever.
  std::shared_ptr<std::vector<caf::actor>> child_handles = std::make_shared<std::vector<caf::actor>>();
  coordinator_actor coordinator;
  trigger_committed committed;  // last committed trigger (trigger = -1: none)
  bool finished = false;
  std::unique_ptr<restart_intensity> intensity;
  trigger_committed resumed;  // where this run started (savepoint or the beginning)
  bool restore = false;       // the next launch restores stage state from the checkpoint
  std::vector<stateful_partition> partitions;
  std::vector<std::shared_ptr<record_reader>> readers;  // of the current generation, by input
  static inline const char* name = "supervisor";
};

}  // namespace sluice
