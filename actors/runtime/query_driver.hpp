// query_driver: runs one query a trigger at a time, for programs that embed sluice and for
// `sluice replay`: `step()` runs one trigger (manual trigger) and returns what it committed;
// `restart()` stops the query (a stop commits a last epoch) and starts it again from its
// checkpoint, through the same recovery as `sluice run --checkpoint` — state and the combined
// watermark survive, per-input maxima do not (Spark).
//
// It owns its actor system; destroying the driver stops the query without hanging.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "actors/api/operator_interface.hpp"
#include "actors/plan/query_plan.hpp"
#include "state/faults/fault_plan.hpp"
#include "state/store/state_store.hpp"

namespace sluice {

class query_driver {
 public:
  /// `plan` must use the manual trigger. `checkpoint_dir` is the query's checkpoint, an epoch
  /// after every trigger ("" = in-memory LevelDB, for restarts within this driver only).
  query_driver(query_plan_ptr plan, const std::string& checkpoint_dir, fault_plan_ptr faults = nullptr);
  ~query_driver();
  query_driver(const query_driver&) = delete;
  query_driver& operator=(const query_driver&) = delete;

  /// Runs one trigger; the commit, or nullopt with `error` set.
  std::optional<trigger_committed> step(std::string& error, std::chrono::seconds timeout = std::chrono::seconds(60));
  /// Stop (committing a last epoch), then start again from the checkpoint. False with `error` set on failure.
  bool restart(std::string& error);
  /// The last committed trigger (trigger = −1: none yet).
  const trigger_committed& last() const { return last_; }

 private:
  bool start(std::string& error);
  bool stop(std::string& error);
  struct impl;
  std::unique_ptr<impl> impl_;
  query_plan_ptr plan_;
  fault_plan_ptr faults_;
  trigger_committed last_;
};

}  // namespace sluice
