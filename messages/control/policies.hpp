// policies: the enums that choose a query's behaviour, in one header — watermark policy,
// trigger, join type, output mode — with their parsers (each accepts the spellings of the
// replay format and the JSON pipelines) and names.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice {

/// How per-input watermarks combine (Spark's spark.sql.streaming.multipleWatermarkPolicy).
enum class watermark_policy { min, max };

/// What an input's watermark is taken over (docs/watermarks.md): `partition` (the default) —
/// a frontier per partition, rows judged late against their own partition's, the input's
/// watermark the least over its open partitions (Flink's rule; the output does not depend on
/// trigger boundaries or reading pace); `query` — Spark's: one maximum over all the input's
/// rows per trigger, rows judged against the previous trigger's combined watermark.
enum class watermark_scope { partition, query };

/// When triggers run (Spark's Trigger): every `interval` (0 = back to back), once with all
/// input available now, repeatedly until all input available now is read — or `manual`: one
/// trigger each time the embedding program asks (sluice replay, tests).
enum class trigger_kind { processing_time, once, available_now, manual };

struct trigger_policy {
  trigger_kind kind = trigger_kind::processing_time;
  int64_t interval_us = 0;
};

/// Stream-stream join types: Spark's five plus left anti (beyond Spark: a left row is emitted
/// when it is evicted without ever having matched).
enum class join_type { inner, left_outer, right_outer, full_outer, left_semi, left_anti };

/// Spark's output modes.
enum class output_mode { append, update, complete };

std::optional<trigger_policy> parse_trigger(std::string_view text);  // 1s, processing_time:1s, once, available_now
std::string to_string(const trigger_policy& t);
std::optional<watermark_policy> parse_watermark_policy(std::string_view text);
const char* to_string(watermark_policy p);
std::optional<watermark_scope> parse_watermark_scope(std::string_view text);  // partition, query
const char* to_string(watermark_scope s);
std::optional<join_type> parse_join_type(std::string_view text);  // inner, left_outer, …, left_anti
const char* to_string(join_type t);
/// Spark's spelling in messages: Inner, LeftOuter, RightOuter, FullOuter, LeftSemi, LeftAnti.
const char* spark_name(join_type t);
std::optional<output_mode> parse_output_mode(std::string_view text);
const char* to_string(output_mode m);

}  // namespace sluice
