// coordinator: a query's trigger clock and its flow control.
//
// One per query (re)start, spawned by the supervisor. It issues trigger k to every source
// (a `trigger_request`), at most `max_inflight_triggers` triggers at a time — these are the
// credits that keep every mailbox on the path bounded: a trigger's credit comes back only
// when the sink reports it done. When trigger k is done it finishes k's dead letters,
// writes k's progress record (Spark's StreamingQueryProgress, `--progress FILE`) and reports
// the commit to the supervisor with the source positions after k. Checkpointed, it logs each
// trigger's end positions once its sources have read it (before anything of it can commit),
// and runs the triggers logged by an earlier process again with exactly those ends.
//
//   idle ──start──▶ issuing k ──all sources replied──▶ (credits left? issue k+1)
//                                  sink: trigger_done k ──▶ dead letters k ──▶ committed k
//   bounded sources all exhausted (or `once`, or stop) and nothing in flight ──▶ complete
//
// Epochs (checkpointed queries; DESIGN.md "State and checkpoints", docs/checkpoints.md):
// every `checkpoint_interval_us`, right after requesting trigger k, it sends barrier N (after
// k) to every source. Epoch N then commits in this order, one epoch at a time:
//
//   barrier N sent ──▶ epoch_part N from every stateful actor (their deltas)
//                  ──▶ trigger k committed (positions after k known)
//                  ──▶ prepare_output to every output ──▶ their staged records
//                  ──▶ ONE synced WriteBatch: deltas + staged records + "epoch N"   [commit]
//                  ──▶ supervisor told ──▶ publish_output to every output             [publish]
//                  ──▶ "published N" + staged records deleted (unsynced batch)
// Fault points: exit:before-commit (deltas collected, batch not written), exit:after-commit
// (batch durable, nothing published). A failed write fails the coordinator: the supervisor
// restarts the query from the last committed epoch. Stop and end of input take a last epoch
// first, so everything the query wrote is published before it reports complete.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "actors/api/operator_interface.hpp"
#include "actors/plan/query_plan.hpp"
#include "state/checkpoint/checkpoint_record.hpp"
#include "state/faults/fault_plan.hpp"
#include "state/io/files/progress_log.hpp"

namespace sluice {

struct coordinator_config {
  query_plan_ptr plan;
  std::string query_id;
  std::string run_id;
  int64_t first_trigger = 0;
  query_summary totals;                    // carried over from before a restart
  std::shared_ptr<progress_log> progress;  // the run's --progress file (null = none)
  dead_letter_actor dead_letters;
  supervisor_actor supervisor;
  // Epochs (all unset: no checkpoint).
  std::shared_ptr<state_store> checkpoint;
  int64_t checkpoint_interval_us = 0;
  int64_t first_epoch = 1;
  size_t stateful_actors = 0;  // epoch_part messages per epoch
  int sinks = 1;               // trigger_done messages per trigger
  /// Triggers logged after the last committed epoch (docs/checkpoints.md): trigger → each
  /// source's end position; they run again reading exactly up to there.
  std::map<int64_t, std::vector<std::string>> replay;
  fault_plan_ptr faults;
  std::function<void()> broker_down;  // what the broker:down fault point does (may be empty)
};

/// Staged output records of `output` for `epoch`: namespace "out/<output>", key = epoch and
/// sequence number, big-endian (docs/formats/checkpoint.md).
std::string staged_output_ns(const std::string& output);
std::string staged_output_key(int64_t epoch, int64_t seq);
int64_t staged_output_epoch(std::string_view key);
/// Records epoch N as published in `wb` and deletes its staged records: `staged` holds, per
/// output, its name and how many records it staged (numbered from 0).
void add_published(leveldb::WriteBatch& wb, int64_t epoch, const std::vector<std::pair<std::string, size_t>>& staged);

coordinator_actor::behavior_type coordinator_impl(coordinator_actor::stateful_pointer<struct coordinator_state> self,
                                                  coordinator_config cfg);

struct coordinator_state {
  coordinator_config cfg;
  std::vector<source_actor> sources;
  query_outputs outputs;  // epochs: prepared and published, by name
  struct in_flight {
    int64_t start_us = 0;
    size_t replies_pending = 0;
    std::vector<std::string> end_positions;
    std::vector<std::string> end_frontiers;  // watermark_scope::partition: per input
    bool done = false;                       // every sink wrote it
    int sinks_done = 0;
    trigger_report report;  // the sinks' reports merged
  };
  std::map<int64_t, in_flight> triggers;
  int64_t next_trigger = 0;
  int64_t last_trigger_start_us = 0;
  int64_t last_idle_progress_us = 0;
  int64_t last_watermark_us = 0;
  bool issuing = false;
  bool all_exhausted = false;
  bool stopping = false;
  bool timer_pending = false;
  bool completed = false;
  int64_t manual_steps = 0;  // manual trigger: triggers asked for and not yet issued
  struct epoch_in_flight {
    int64_t trigger = 0;  // the last trigger it covers
    std::vector<state_delta> deltas;
    bool trigger_committed = false;
    epoch_record record;
    bool preparing = false;
    std::vector<output_prepared> prepared;
    bool publishing = false;
  };
  std::map<int64_t, epoch_in_flight> epochs;
  int64_t next_epoch = 1;
  int64_t last_barrier_us = 0;
  int64_t last_barrier_trigger = -1;  // the trigger the last barrier followed
  epoch_record last_committed;        // positions and totals after the last committed trigger
  std::set<int64_t> logged;           // triggers in the checkpoint's trigger log
  static inline const char* name = "coordinator";
};

}  // namespace sluice
