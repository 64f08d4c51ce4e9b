#include "actors/policies.hpp"

#include "messages/time.hpp"

namespace sluice {

std::optional<trigger_policy> parse_trigger(std::string_view t) {
  if (t == "once") return trigger_policy{trigger_kind::once, 0};
  if (t == "available_now" || t == "available-now") return trigger_policy{trigger_kind::available_now, 0};
  std::string_view d = t;
  if (d.rfind("processing_time:", 0) == 0) d.remove_prefix(16);
  auto us = parse_duration_us(d);
  if (!us || *us < 0) return std::nullopt;
  return trigger_policy{trigger_kind::processing_time, *us};
}

std::string to_string(const trigger_policy& t) {
  switch (t.kind) {
    case trigger_kind::once:
      return "once";
    case trigger_kind::available_now:
      return "available_now";
    default:
      return "processing_time:" + std::to_string(t.interval_us / 1000) + "ms";
  }
}

std::optional<watermark_policy> parse_watermark_policy(std::string_view t) {
  if (t == "min") return watermark_policy::min;
  if (t == "max") return watermark_policy::max;
  return std::nullopt;
}

const char* to_string(watermark_policy p) {
  return p == watermark_policy::min ? "min" : "max";
}

}  // namespace sluice
