// stage: a stateful operator as the query plan holds it — something that spawns its actors
// (usually a router and P partition actors) between the watermark tracker and the rest of the
// query, knows its output schema, and explains itself. Joins implement it now; window
// aggregation and sessions plug in the same way.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "actors/operator_interface.hpp"
#include "state/fault_plan.hpp"
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

}  // namespace sluice
