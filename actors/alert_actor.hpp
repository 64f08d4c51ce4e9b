// alert_actor: the alert emitter — sits in front of a query's sink, passes its rows through
// unchanged, and turns the rows that meet a rule into alert rows (state/alert_state.hpp: once
// per (rule, key, window) even across restarts, a rate limit per key) written to an output of
// its own: Kafka, JSONL files or stdout (any row_sink).
//
//   … ─▶ transform ─▶ alert emitter ─▶ sink            (the query's rows)
//                          └──────────▶ alert output   (alert_schema() rows)
//
// Per trigger, when the last upstream watermark arrives: the alert output finishes the
// trigger (files become visible, Kafka deliveries confirmed), then the ids of the alerts sent
// are remembered in one synced LevelDB write, then the watermark goes on with the emitter's
// metrics (operator "alerts": numRowsTotal = remembered ids, custom alertsEmitted,
// duplicatesSkipped, suppressedByRateLimit). Publishing before remembering makes a crash
// between the two send an alert again (at least once), never lose it. A failure fails the
// actor, and the supervisor restarts the query. The alert memory opens once per run of the
// plan and is shared by its restarts.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "actors/operator_interface.hpp"
#include "state/alert_state.hpp"
#include "state/fault_plan.hpp"
#include "state/row_sink.hpp"

namespace sluice {

struct alert_plan {
  std::vector<alert_rule> rules;
  alert_limits limits;
  std::string state_dir;  // "" = remember within the process only
  schema_ptr input_schema;
  std::function<std::shared_ptr<row_sink>()> make_output;
  std::string output_description;
  /// The opened memory, shared by the query's restarts (opened on first use).
  struct opened {
    std::mutex mu;
    std::shared_ptr<state_store> store;
  };
  std::shared_ptr<opened> memory = std::make_shared<opened>();
  std::string explain() const;
};

struct alert_actor_config {
  std::string name = "alerts";
  std::shared_ptr<const alert_plan> plan;
  operator_actor downstream;
  fault_plan_ptr faults;
  std::function<int64_t()> clock;    // processing time (µs); null = the system clock
  int upstream = 1;                  // watermarks per trigger (a stage's partitions)
  std::shared_ptr<row_sink> output;  // made from plan->make_output by the spawner
  // Checkpointed query: the memory lives in the checkpoint (namespace "alerts") and changes
  // with epochs; alert rows are staged until their epoch commits (exactly once).
  std::shared_ptr<state_store> checkpoint;
  coordinator_actor coordinator;
  int64_t staged_after = -2;
};

/// The emitter: an operator, and an output (its alert rows) for epochs.
using alert_actor = operator_actor::extend_with<output_actor>;

alert_actor::behavior_type alert_actor_impl(alert_actor::pointer self, alert_actor_config cfg);

}  // namespace sluice
