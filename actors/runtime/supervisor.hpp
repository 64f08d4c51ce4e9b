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
//
// Checkpointed (`epochs`, docs/checkpoints.md): on start it checks the checkpoint's identity
// (refusing another query's, an incompatible plan, a corrupt or unknown-version record),
// resumes from the last committed epoch — state restored in every stateful actor, sources at
// the epoch's offsets, output of later triggers discarded, output of a committed but
// unpublished epoch published first — and restarts a failed query the same way (reopening
// the store, which a failed LevelDB write leaves unusable), never from scratch.
#pragma once

#include <string>

#include "actors/api/operator_interface.hpp"
#include "actors/api/stage.hpp"
#include "actors/plan/query_plan.hpp"
#include "state/faults/fault_plan.hpp"
#include "state/io/files/progress_log.hpp"

namespace sluice {

struct supervisor_config {
  query_plan_ptr plan;
  query_listener listener;                 // receives query_event messages
  fault_plan_ptr faults;                   // may be null
  std::shared_ptr<progress_log> progress;  // the run's --progress file, one per run (null = none)
  bool commit_events = false;              // send the listener a "committed" event per trigger
  /// The query's checkpoint (may be null): aligned epochs every `checkpoint_interval_us`
  /// (0: after every trigger), recovery from the last one (docs/checkpoints.md).
  std::shared_ptr<state_store> checkpoint;
  int64_t checkpoint_interval_us = 5'000'000;
  std::function<void()> broker_down;  // the broker:down fault point's action (may be empty)
};

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
  trigger_committed resumed;                            // where this run started (the beginning, without a checkpoint)
  bool restore = false;                                 // the next launch restores stage state from the checkpoint
  std::vector<std::shared_ptr<record_reader>> readers;  // of the current generation, by input
  int64_t last_epoch = 0;                               // last committed epoch (epochs)
  int64_t published_epoch = 0;                          // last epoch whose output is published
  std::map<int64_t, std::vector<std::string>> replay;   // logged triggers after `committed` (epochs)
  int64_t resume_from = 0;                              // announce resuming from this epoch (0: no)
  int64_t launch_us = 0;
  static inline const char* name = "supervisor";
};

}  // namespace sluice
