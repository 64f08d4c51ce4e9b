#include "state/operators/watermark/watermark_state.hpp"

#include <algorithm>

namespace sluice {

watermark_state::watermark_state(std::vector<watermark_input> inputs, watermark_policy policy,
                                 std::optional<int64_t> idle_timeout_us)
    : policy_(policy), idle_timeout_us_(idle_timeout_us) {
  for (auto& in : inputs) inputs_.push_back(input_state{std::move(in), std::nullopt, false, 0, 0, std::nullopt});
}

int64_t watermark_state::end_trigger(int64_t now_us) {
  now_us_ = now_us;
  bool any = false;
  int64_t chosen = 0;
  for (auto& in : inputs_) {
    if (in.seen_in_trigger) in.last_data_us = now_us;
    if (!in.spec.has_watermark) {
      in.seen_in_trigger = false;
      continue;
    }
    if (in.spec.by_partition) {
      if (in.proposed && (!in.wm || *in.proposed > *in.wm)) in.wm = in.proposed;
      if (!in.wm) in.wm = 0;
    } else if (in.seen_in_trigger) {
      int64_t candidate = in.trigger_max - in.spec.delay_us;
      if (!in.wm || candidate > *in.wm) in.wm = candidate;
    } else if (!in.wm) {
      in.wm = 0;  // Spark: an input that has seen no data counts as 0
    }
    in.seen_in_trigger = false;
    in.proposed.reset();
    bool idle = idle_timeout_us_ && in.last_data_us + *idle_timeout_us_ < now_us && in.last_data_us != now_us;
    if (idle) continue;
    if (!any)
      chosen = *in.wm;
    else
      chosen = policy_ == watermark_policy::min ? std::min(chosen, *in.wm) : std::max(chosen, *in.wm);
    any = true;
  }
  if (any && chosen > global_) global_ = chosen;
  return global_;
}

void watermark_state::restore(int64_t global_us) {
  global_ = global_us;
  for (auto& in : inputs_) {
    in.wm.reset();
    in.seen_in_trigger = false;
  }
}

std::vector<std::pair<std::string, int64_t>> watermark_state::input_watermarks() const {
  std::vector<std::pair<std::string, int64_t>> out;
  for (const auto& in : inputs_)
    if (in.spec.has_watermark) out.emplace_back(in.spec.name, in.wm.value_or(0));
  return out;
}

std::string watermark_state::holding_input() const {
  if (policy_ != watermark_policy::min) return {};
  const input_state* lowest = nullptr;
  size_t with_wm = 0;
  for (const auto& in : inputs_) {
    if (!in.spec.has_watermark) continue;
    ++with_wm;
    if (!lowest || in.wm.value_or(0) < lowest->wm.value_or(0)) lowest = &in;
  }
  return with_wm > 1 && lowest ? lowest->spec.name : std::string{};
}

}  // namespace sluice
