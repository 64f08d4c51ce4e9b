#include "messages/control/policies.hpp"

#include "messages/data/enum_names.hpp"
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

namespace {
constexpr enum_name<watermark_policy> watermark_policy_names[] = {{watermark_policy::min, "min"},
                                                                  {watermark_policy::max, "max"}};
constexpr enum_name<watermark_scope> watermark_scope_names[] = {{watermark_scope::partition, "partition"},
                                                                {watermark_scope::query, "query"}};
constexpr enum_name<join_type> join_type_names[] = {{join_type::inner, "inner"},
                                                    {join_type::left_outer, "left_outer"},
                                                    {join_type::right_outer, "right_outer"},
                                                    {join_type::full_outer, "full_outer"},
                                                    {join_type::left_semi, "left_semi"},
                                                    {join_type::left_anti, "left_anti"},
                                                    {join_type::left_outer, "left"},
                                                    {join_type::right_outer, "right"},
                                                    {join_type::full_outer, "full"}};
constexpr enum_name<join_type> join_type_spark_names[] = {
    {join_type::inner, "Inner"},          {join_type::left_outer, "LeftOuter"}, {join_type::right_outer, "RightOuter"},
    {join_type::full_outer, "FullOuter"}, {join_type::left_semi, "LeftSemi"},   {join_type::left_anti, "LeftAnti"}};
constexpr enum_name<output_mode> output_mode_names[] = {
    {output_mode::append, "append"}, {output_mode::update, "update"}, {output_mode::complete, "complete"}};
}  // namespace

std::optional<watermark_policy> parse_watermark_policy(std::string_view t) {
  return parse_name(t, watermark_policy_names);
}

const char* to_string(watermark_policy p) {
  return name_of(p, watermark_policy_names);
}

std::optional<watermark_scope> parse_watermark_scope(std::string_view t) {
  return parse_name(t, watermark_scope_names);
}

const char* to_string(watermark_scope s) {
  return name_of(s, watermark_scope_names);
}

std::optional<join_type> parse_join_type(std::string_view t) {
  return parse_name(t, join_type_names);
}

const char* to_string(join_type t) {
  return name_of(t, join_type_names);
}

const char* spark_name(join_type t) {
  return name_of(t, join_type_spark_names);
}

std::optional<output_mode> parse_output_mode(std::string_view t) {
  return parse_name(t, output_mode_names);
}

const char* to_string(output_mode m) {
  return name_of(m, output_mode_names);
}

}  // namespace sluice
