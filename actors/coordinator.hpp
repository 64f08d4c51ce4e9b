// coordinator: a query's trigger clock and its flow control.
//
// One per query (re)start, spawned by the supervisor. It issues trigger k to every source
// (a `trigger_request`), at most `max_inflight_triggers` triggers at a time — these are the
// credits that keep every mailbox on the path bounded: a trigger's credit comes back only
// when the sink reports it done. When trigger k is done it finishes k's dead letters,
// writes k's progress record (Spark's StreamingQueryProgress, `--progress FILE`) and reports
// the commit to the supervisor with the source positions after k.
//
//   idle ──start──▶ issuing k ──all sources replied──▶ (credits left? issue k+1)
//                                  sink: trigger_done k ──▶ dead letters k ──▶ committed k
//   bounded sources all exhausted (or `once`, or stop) and nothing in flight ──▶ complete
#pragma once

#include <string>
#include <vector>

#include "actors/operator_interface.hpp"
#include "actors/query_plan.hpp"

namespace sluice {

struct coordinator_config {
  query_plan_ptr plan;
  std::string query_id;
  std::string run_id;
  int64_t first_trigger = 0;
  query_summary totals;       // carried over from before a restart
  std::string progress_path;  // "" = none
  dead_letter_actor dead_letters;
  supervisor_actor supervisor;
};

coordinator_actor::behavior_type coordinator_impl(coordinator_actor::stateful_pointer<struct coordinator_state> self,
                                                  coordinator_config cfg);

struct coordinator_state {
  coordinator_config cfg;
  std::vector<source_actor> sources;
  struct in_flight {
    int64_t start_us = 0;
    size_t replies_pending = 0;
    std::vector<std::string> end_positions;
    bool done = false;
    trigger_report report;
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
  static inline const char* name = "coordinator";
};

}  // namespace sluice
