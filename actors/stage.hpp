// stage: a stateful operator as the query plan holds it — something that spawns its actors
// (usually a router and P partition actors) between the watermark tracker and the rest of the
// query, knows its output schema, and explains itself. Joins implement it now; window
// aggregation and sessions plug in the same way.
#pragma once

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

#include "actors/operator_interface.hpp"
#include "state/fault_plan.hpp"
#include "state/state_delta.hpp"
#include "state/state_store.hpp"

namespace sluice {

using savepoint_atom = caf::atom_constant<caf::atom("savepoint")>;

/// What a stateful partition answers besides the operator interface: write your state to the
/// query's store (stop-with-savepoint); replies with the rows written.
using stateful_partition = caf::typed_actor<caf::replies_to<savepoint_atom>::with<int64_t>>;

struct stage_context {
  caf::local_actor* spawner = nullptr;                        // the query's supervisor
  std::function<void(const caf::actor&, std::string)> watch;  // monitor as a child of the query
  dead_letter_actor dead_letters;
  fault_plan_ptr faults;
  int64_t restored_watermark_us = 0;
  bool no_data_batches = true;
  std::shared_ptr<state_store> store;                     // the query's checkpoint store, if any
  bool restore = false;                                   // partitions load their state from `store`
  std::vector<stateful_partition>* partitions = nullptr;  // filled with the stage's partitions
  coordinator_actor coordinator;                          // set: epochs on, partitions send deltas
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
};

using stage_ptr = std::shared_ptr<const stateful_stage>;

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

/// What every stateful partition does on savepoint_atom: replace its namespace by the rows
/// `fill` puts (state_store::replace_committed); returns the rows written.
inline int64_t save_partition(const std::shared_ptr<state_store>& store, const std::string& name,
                              const std::function<void(const state_store::row_writer&)>& fill) {
  if (!store) throw std::runtime_error(name + ": savepoint without a state store");
  int64_t rows = 0;
  auto s = store->replace_committed(name, fill, rows);
  if (!s.is_ok()) throw std::runtime_error(name + ": savepoint failed: " + s.to_string());
  return rows;
}

/// What every stateful partition does when barrier N reaches it in a checkpointed query: its
/// state, listed by `fill` (the rows of a savepoint), diffed against the last epoch, goes to
/// the coordinator as N's part. Without a coordinator (no checkpoint) it does nothing.
template <class Self>
void snapshot_partition(Self* self, const coordinator_actor& coordinator, delta_baseline& baseline,
                        const std::string& name, int64_t epoch,
                        const std::function<void(const state_store::row_writer&)>& fill) {
  if (!coordinator) return;
  epoch_part part;
  part.epoch = epoch;
  part.delta.ns = name;
  baseline.diff(fill, part.delta);
  self->send(coordinator, std::move(part));
}

}  // namespace sluice
