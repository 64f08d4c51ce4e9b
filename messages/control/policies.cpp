#include "messages/control/policies.hpp"

#include "messages/data/time.hpp"

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
    case trigger_kind::manual:
      return "manual";
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

std::optional<join_type> parse_join_type(std::string_view t) {
  if (t == "inner") return join_type::inner;
  if (t == "left_outer" || t == "left") return join_type::left_outer;
  if (t == "right_outer" || t == "right") return join_type::right_outer;
  if (t == "full_outer" || t == "full") return join_type::full_outer;
  if (t == "left_semi") return join_type::left_semi;
  if (t == "left_anti") return join_type::left_anti;
  return std::nullopt;
}

const char* to_string(join_type t) {
  switch (t) {
    case join_type::inner:
      return "inner";
    case join_type::left_outer:
      return "left_outer";
    case join_type::right_outer:
      return "right_outer";
    case join_type::full_outer:
      return "full_outer";
    case join_type::left_semi:
      return "left_semi";
    case join_type::left_anti:
      return "left_anti";
  }
  return "?";
}

const char* spark_name(join_type t) {
  switch (t) {
    case join_type::inner:
      return "Inner";
    case join_type::left_outer:
      return "LeftOuter";
    case join_type::right_outer:
      return "RightOuter";
    case join_type::full_outer:
      return "FullOuter";
    case join_type::left_semi:
      return "LeftSemi";
    case join_type::left_anti:
      return "LeftAnti";
  }
  return "?";
}

std::optional<output_mode> parse_output_mode(std::string_view t) {
  if (t == "append") return output_mode::append;
  if (t == "update") return output_mode::update;
  if (t == "complete") return output_mode::complete;
  return std::nullopt;
}

const char* to_string(output_mode m) {
  return m == output_mode::append ? "append" : m == output_mode::update ? "update" : "complete";
}

}  // namespace sluice
