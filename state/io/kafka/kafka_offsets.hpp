// kafka_offsets: Kafka offsets in Spark's JSON form — what a Kafka source's `startingOffsets`
// and `endingOffsets` accept and what its progress and checkpointed position hold.
//
//   {"orders":{"0":23,"1":-2},"payments":{"0":-1}}     -2 = earliest, -1 = latest
//
// Plain data, no librdkafka: the reader (state/io/kafka/kafka_reader.hpp) turns it into assignments.
// The same text is the source's position (`record_reader::position()`): the next offset to
// read per partition, sorted by topic and partition so equal positions are equal strings.
// Spark reference: Structured Streaming + Kafka Integration Guide, "startingOffsets".
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "state/store/status.hpp"

namespace sluice {

constexpr int64_t kafka_offset_earliest = -2;
constexpr int64_t kafka_offset_latest = -1;

using topic_partition = std::pair<std::string, int32_t>;
using kafka_offset_map = std::map<topic_partition, int64_t>;

/// "topic/partition", as messages and partition frontiers name a partition.
inline std::string tp_name(const topic_partition& tp) {
  return tp.first + "/" + std::to_string(tp.second);
}

/// Parses Spark's JSON offsets. Errors name the offending topic or partition.
status parse_kafka_offsets(const std::string& text, kafka_offset_map& out);
/// The JSON form (topics and partitions in order; "{}" when empty).
std::string format_kafka_offsets(const kafka_offset_map& offsets);

/// Spark's KafkaSource rate limit (`rateLimit`): where each partition of `from` ends its range
/// when a trigger may read `limit` offsets in all, up to `until` — a share of the limit in
/// proportion to the partition's lag (below 1 rounded up, so no partition starves; else down),
/// never past `until`. A partition missing from `until` keeps its position. The same positions,
/// ends and limit always give the same ranges, whatever has been fetched.
kafka_offset_map plan_ranges(const kafka_offset_map& from, const kafka_offset_map& until, int64_t limit);

/// `startingOffsets`: "earliest", "latest", or JSON offsets.
struct kafka_starting_offsets {
  enum class kind { earliest, latest, specific } mode = kind::latest;
  kafka_offset_map specific;  // partitions missing here start at `latest`, as in Spark
  static status parse(const std::string& text, kafka_starting_offsets& out);
  /// Where a partition starts when the query has no position for it.
  int64_t for_partition(const topic_partition& tp) const;
};

}  // namespace sluice
