// query_runner: runs built queries in one actor system until they finish, fail, or are
// asked to stop — the piece between the CLI (or a test) and the supervisors.
//
// It owns the actor system for the run (scheduler threads = cores, per platform-notes §2),
// spawns one supervisor per query, relays their events to `on_event`, turns a raised
// `stop_requested` flag (Ctrl-C in the CLI) into a graceful stop (in-flight triggers finish),
// stops the other queries the same way once one has failed for good (a query reading its
// output would wait for it without end), and never hangs at shutdown: every actor is told to
// exit before the system goes away.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "actors/api/operator_interface.hpp"
#include "actors/plan/query_plan.hpp"
#include "state/faults/fault_plan.hpp"

namespace sluice {

struct run_options {
  std::string progress_path;  // "" = no progress file
  /// Handed each progress record's JSON line as it is written (with or without a file).
  std::function<void(const std::string&)> on_progress;
  fault_plan_ptr faults;                              // may be null
  const std::atomic<bool>* stop_requested = nullptr;  // polled every 50 ms
  std::function<void(const query_event&)> on_event;   // restarts, ends, failures
  size_t threads = 0;                                 // 0 = hardware concurrency
  /// Checkpoints (docs/checkpoints.md): query Q keeps its epochs in `<checkpoint_dir>/<Q>`;
  /// "" = none.
  std::string checkpoint_dir;
  int64_t checkpoint_interval_us = 5'000'000;
  std::function<void()> broker_down;  // the broker:down fault point's action (may be empty)
};

struct run_result {
  bool ok = true;
  std::vector<query_event> outcomes;  // one "finished" or "failed" per query
};

run_result run_queries(const std::vector<query_plan_ptr>& plans, const run_options& opts);

/// Why query `name` cannot keep its checkpoint in `<checkpoint_dir>/<name>` ("" = it can): the
/// name must be one path component, so a checkpoint never lands outside the directory given.
std::string checkpoint_name_problem(const std::string& name);

}  // namespace sluice
