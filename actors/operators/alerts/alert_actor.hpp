// alert_actor: the alert emitter — sits in front of a query's sink, passes its rows through
// unchanged, and turns the rows that meet a rule into alert rows (state/operators/alerts/alert_state.hpp: once
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

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "actors/edges/sink_actor.hpp"
#include "actors/runtime/operator_host.hpp"
#include "state/faults/fault_plan.hpp"
#include "state/io/files/row_sink.hpp"
#include "state/operators/alerts/alert_state.hpp"

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
  std::shared_ptr<const alert_plan> plan;
  std::function<int64_t()> clock;    // processing time (µs); null = the system clock
  std::shared_ptr<row_sink> output;  // made from plan->make_output by the spawner
  // Checkpointed query: the memory lives in the checkpoint (namespace "alerts") and changes
  // with epochs; alert rows are staged until their epoch commits (exactly once).
  int64_t staged_after = -2;
};

/// The emitter: an operator, and an output (its alert rows) for epochs.
using alert_actor = operator_actor::extend_with<output_actor>;

/// The emitter's handler for the operator host (actors/runtime/operator_host.hpp), spawned
/// with `upstream` = the partitions in front of it; the host aligns their watermarks and
/// barriers, so the handler sees each trigger's end once.
class alert_handler {
 public:
  explicit alert_handler(alert_actor_config cfg) : cfg_(std::move(cfg)) {}
  schema_ptr output_schema() const { return cfg_.plan->input_schema; }
  void start(const host_context& ctx);
  void on_batch(batch& b, int64_t watermark_us, host_output& out);
  state_operator_progress on_watermark(const trigger_end& end, host_output& out);
  state_operator_progress stats() const;
  void take_delta(int64_t epoch, state_delta& delta);
  template <class Self>
  auto extra_handlers(Self*) {
    return std::make_tuple([this](prepare_output& p) { return prepare_sink(*cfg_.output, "alerts", p); },
                           [this](publish_output& p) { return publish_sink(*cfg_.output, p); });
  }

 private:
  std::shared_ptr<state_store> open_memory(const host_context& ctx) const;
  alert_actor_config cfg_;
  std::optional<alert_state> alerts_;
  std::map<int64_t, std::vector<row>> pending_;  // alert rows per trigger (triggers overlap)
};

}  // namespace sluice
