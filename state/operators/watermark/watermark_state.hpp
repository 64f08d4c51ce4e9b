// watermark_state: per-input watermarks and the combined (global) watermark of a query,
// with Spark's rules (spark-semantics §1, WatermarkTracker.updateWatermark).
//
// Owner: the watermark tracker actor (actors/runtime/watermark_tracker.hpp); plain state, no CAF.
//
//   per trigger:  observe(input, event_time) for each row that reached the tracker
//                 end_trigger(now)  →  for each watermarked input:
//                     saw rows   → wm_i = max(wm_i, max_i − delay_i)   (first value taken as is)
//                     saw none   → wm_i stays; never defined yet → 0
//                 (watermark_scope::partition: `propose(input, v)` instead of observe, and
//                  wm_i = max(wm_i, v); the source took v over the input's partitions)
//                 combined = min (or max) over inputs, never decreasing
//
// Inputs without a watermark do not take part. Opt-in idle timeout (Flink's withIdleness,
// beyond Spark): an input that received no rows for `idle_timeout_us` of processing time is
// left out of the min until it speaks again (if all are idle the combined value holds).
// After a restart only the combined value is restored (`restore`); per-input values start
// empty, so under min it cannot move until every input has new data that beats it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "messages/control/policies.hpp"

namespace sluice {

struct watermark_input {
  std::string name;
  bool has_watermark = false;
  int64_t delay_us = 0;
  /// watermark_scope::partition: the source computes the input's watermark over its partitions
  /// and `propose`s it; `observe` is not used.
  bool by_partition = false;
};

class watermark_state {
 public:
  watermark_state(std::vector<watermark_input> inputs, watermark_policy policy,
                  std::optional<int64_t> idle_timeout_us = std::nullopt);

  void observe(size_t input, int64_t event_time_us) {
    auto& in = inputs_[input];
    if (!in.seen_in_trigger || event_time_us > in.trigger_max) in.trigger_max = event_time_us;
    in.seen_in_trigger = true;
  }
  /// watermark_scope::partition: the input's watermark as its source computed it this trigger
  /// (none while a partition holds it back), and whether the trigger had rows (for idleness).
  void propose(size_t input, std::optional<int64_t> wm_us, bool had_rows) {
    auto& in = inputs_[input];
    if (wm_us && (!in.proposed || *wm_us > *in.proposed)) in.proposed = wm_us;
    in.seen_in_trigger = in.seen_in_trigger || had_rows;
  }
  /// Closes a trigger and returns the combined watermark the next trigger runs with.
  int64_t end_trigger(int64_t now_us);
  int64_t current() const { return global_; }
  /// Restart: the combined value survives, per-input maxima do not.
  void restore(int64_t global_us);

  /// Per-input watermark (0 when never defined) for progress reporting.
  std::vector<std::pair<std::string, int64_t>> input_watermarks() const;
  /// The input whose watermark is the combined minimum (empty if none or policy max).
  std::string holding_input() const;
  watermark_policy policy() const { return policy_; }

 private:
  struct input_state {
    watermark_input spec;
    std::optional<int64_t> wm;
    bool seen_in_trigger = false;
    int64_t trigger_max = 0;
    int64_t last_data_us = 0;
    std::optional<int64_t> proposed;
  };
  std::vector<input_state> inputs_;
  watermark_policy policy_;
  std::optional<int64_t> idle_timeout_us_;
  int64_t global_ = 0;
  int64_t now_us_ = 0;
};

}  // namespace sluice
