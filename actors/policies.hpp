// policies: the enums that choose a query's behaviour, in one place (watermark policy lives
// with its state in state/watermark_state.hpp and is re-exported here).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "state/watermark_state.hpp"

namespace sluice {

/// When triggers run (Spark's Trigger): every `interval` (0 = back to back), once with all
/// input available now, or repeatedly until all input available now is read.
enum class trigger_kind { processing_time, once, available_now };

struct trigger_policy {
  trigger_kind kind = trigger_kind::processing_time;
  int64_t interval_us = 0;
};

/// `processing_time:1s`, `1s`, `once`, `available_now`.
std::optional<trigger_policy> parse_trigger(std::string_view text);
std::string to_string(const trigger_policy& t);
std::optional<watermark_policy> parse_watermark_policy(std::string_view text);
const char* to_string(watermark_policy p);

}  // namespace sluice
