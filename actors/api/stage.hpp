// stage: a stateful operator as the query plan holds it — something that spawns its actors
// between the watermark tracker and the rest of the query (a router and P partitions, each an
// operator host: actors/runtime/operator_host.hpp), knows its output schema, and explains
// itself. Join, window/session aggregation, keyed process and CDC apply are stages.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "actors/api/operator_interface.hpp"
#include "state/faults/fault_plan.hpp"
#include "state/store/state_delta.hpp"
#include "state/store/state_store.hpp"

namespace sluice {

struct stage_context {
  caf::local_actor* spawner = nullptr;                        // the query's supervisor
  std::function<void(const caf::actor&, std::string)> watch;  // monitor as a child of the query
  dead_letter_actor dead_letters;
  fault_plan_ptr faults;
  int64_t restored_watermark_us = 0;
  bool no_data_batches = true;
  std::shared_ptr<state_store> store;  // the query's checkpoint, if any
  bool restore = false;                // actors load their state from `store` (the last epoch)
  coordinator_actor coordinator;       // set: epochs on, actors send their deltas
  // Set per stage by the launcher (actors/runtime/query_launch.hpp):
  int index = 0;     // the stage's place in plan order: progress entry, and its actors' names
  int upstream = 1;  // actors sending each trigger's watermark to each of its partitions
  std::optional<int64_t> watermark_offset_us = 0;  // input watermark = W + this (none: no watermark)
  /// The name of the stage's actors and state namespace: `base`, and `base#i` past stage 0.
  std::string actor_name(const std::string& base) const {
    return index == 0 ? base : base + "#" + std::to_string(index);
  }
};

/// A column of a stream that carries the watermark (Spark: it has the event-time delay mark),
/// with the delay of the input it came from (spark-semantics §9, "Event-time columns").
struct event_time_column {
  std::string name;
  int64_t delay_us = 0;
};

class stateful_stage {
 public:
  virtual ~stateful_stage() = default;
  virtual schema_ptr output_schema() const = 0;
  virtual std::string explain() const = 0;
  /// Actors that send to `downstream`: how many watermarks per trigger it will receive.
  virtual int partitions() const = 0;
  /// Spawns the stage in front of `downstream`; returns the actor upstream sends to.
  virtual operator_actor spawn(stage_context& ctx, operator_actor downstream) const = 0;

  // ---- Chains (spark-semantics §9) ----
  /// Rule 3: its output watermark = its input watermark + this (≤ 0; a join holds it back).
  virtual int64_t output_watermark_offset_us() const { return 0; }
  /// Output columns that carry the watermark (an aggregate's window, a join's sides' columns).
  virtual std::vector<event_time_column> output_event_time() const { return {}; }
  /// Spark's global-watermark correctness check: may it emit rows older than the watermark
  /// (an aggregate outside append mode)?
  virtual bool emits_late_rows() const { return false; }
  /// Does it judge rows by event time (drops late rows, evicts by the watermark) — what that
  /// check protects downstream of a stage that emits late rows?
  virtual bool judges_event_time() const { return true; }
  /// What the stage is, in Spark's refusal messages and `explain`: "aggregate", "join", …
  virtual const char* kind() const = 0;
};

using stage_ptr = std::shared_ptr<const stateful_stage>;

/// Column `name` of input `input` (schema `s`), for a stage's build-time checks; throws
/// std::invalid_argument naming `what`, the input and the columns it has.
inline size_t input_column(const std::string& input, const schema& s, const std::string& name, const char* what) {
  auto i = s.index_of(name);
  if (!i)
    throw std::invalid_argument(std::string(what) + ": input '" + input + "' has no column '" + name + "' (it has " +
                                s.describe() + ")");
  return *i;
}

/// What every stateful partition does on start with `restore`: hand each committed row of its
/// namespace to `load` (a failure, or the first row `load` refuses, throws naming the partition).
/// With `baseline`, each row also seeds it (epochs diff against what is committed).
inline void restore_partition(const std::shared_ptr<state_store>& store, const std::string& name,
                              const std::function<status(std::string_view, std::string_view)>& load,
                              delta_baseline* baseline = nullptr) {
  if (!store) return;
  status bad;
  auto s = store->scan(name, key_kind::committed, "", [&](std::string_view k, std::string_view v) {
    if (baseline) baseline->seed(k, v);
    bad = load(k, v);
    return bad.is_ok();
  });
  if (!s.is_ok()) throw std::runtime_error("restoring " + name + ": " + s.to_string());
  if (!bad.is_ok()) throw std::runtime_error("restoring " + name + ": " + bad.message());
}

}  // namespace sluice
