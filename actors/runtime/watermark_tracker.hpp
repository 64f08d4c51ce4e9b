// watermark_tracker: where a query's inputs meet. Aligns trigger k across inputs, forwards
// their batches in a fixed input order (left before right, as Spark does), then computes the
// combined watermark and sends it after them, in-band (DESIGN.md "Flow").
//
//   input 0: batch k … wm k ┐
//   input 1: batch k … wm k ┼─▶ [batches of input 0][batches of input 1] … ─▶ wm k (value W_k)
//   input N: …              ┘
//
// Batches of the input whose turn it is pass at once; a later input's batches wait until the
// inputs before it finished trigger k (bounded by the coordinator's trigger credits).
// Rows of trigger k are judged downstream against W_{k−1}; W_k is what the watermark message
// carries (state/operators/watermark/watermark_state.hpp has the rules).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "actors/api/operator_interface.hpp"
#include "state/operators/watermark/watermark_state.hpp"

namespace sluice {

struct watermark_tracker_config {
  std::string name = "watermark";
  std::vector<watermark_input> inputs;
  watermark_policy policy = watermark_policy::min;
  std::optional<int64_t> idle_timeout_us;
  int64_t restored_watermark_us = 0;  // combined value to resume from
  int64_t first_trigger = 0;
  operator_actor downstream;
};

operator_actor::behavior_type watermark_tracker_impl(operator_actor::pointer self, watermark_tracker_config cfg);

}  // namespace sluice
