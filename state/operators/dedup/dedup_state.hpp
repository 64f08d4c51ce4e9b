// dedup_state: one partition of a streaming deduplication — Spark's dropDuplicates with a
// watermark (StreamingDeduplicateExec) and dropDuplicatesWithinWatermark (3.5,
// StreamingDeduplicateWithinWatermarkExec); spark-semantics §9, replay-format "Stage dedup".
//
// Owner: one dedup partition (actors/operators/dedup/dedup_actor.hpp). Plain state, no CAF.
//
// Per trigger, with W = the watermark it runs with (trigger k−1's) and W' = trigger k's:
//   process(rows, W)   a row whose event-time column is at or below W is late: dropped, counted
//                      (only when the input has an event-time column); the first row of a key
//                      passes (arrival order) and stores the key; later rows of a stored key are
//                      dropped, counted as duplicates
//   evict(W')          without `within_watermark`: keys whose event-time value ≤ W' are removed,
//                      only when the keys include the event-time column (else kept for ever);
//                      with it: a key expires at the storing row's event time + the delay and
//                      is removed once W' ≥ that instant
// Checkpoint rows (docs/formats/dedup-state.md, version 1): key = the key cells' bytes
// (state/store/bytes.hpp, append_key_bytes: 1 and 1.0 are one key); value = 0x01 then the
// 8-byte expiry (µs; INT64_MAX = never).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "messages/data/row.hpp"
#include "state/store/status.hpp"

namespace sluice {

struct dedup_spec {
  std::vector<size_t> key_columns;
  std::optional<size_t> event_time_column;  // the input's watermark column, if it has one
  bool within_watermark = false;
  int64_t delay_us = 0;  // the event-time column's watermark delay (within_watermark)
  /// Whether stored keys ever go: within the watermark, or the keys hold the event-time column.
  bool expires() const {
    if (!event_time_column) return false;
    if (within_watermark) return true;
    for (size_t c : key_columns)
      if (c == *event_time_column) return true;
    return false;
  }
};

struct dedup_counters {
  int64_t stored = 0, removed = 0, dropped_late = 0, duplicates = 0;
};

class dedup_state {
 public:
  explicit dedup_state(dedup_spec spec) : spec_(std::move(spec)) {}

  /// The rows that pass, in arrival order, appended to `out`.
  void process(std::vector<row>& rows, int64_t watermark_us, std::vector<row>& out);
  void evict(int64_t watermark_us);
  dedup_counters take_counters();
  int64_t keys() const { return static_cast<int64_t>(expiry_.size()); }
  int64_t memory_used_bytes() const { return memory_; }

  void save(const std::function<void(std::string key, std::string value)>& put) const;
  [[nodiscard]] status load(std::string_view key, std::string_view value);

 private:
  /// When a key stored by `r` may go (INT64_MAX: never).
  int64_t expiry_of(const row& r) const;
  void store(std::string key, int64_t expiry);

  dedup_spec spec_;
  std::unordered_map<std::string, int64_t> expiry_;  // key cells → expiry
  std::set<std::pair<int64_t, std::string>> by_expiry_;
  dedup_counters counters_;
  int64_t memory_ = 0;
  std::string key_;  // scratch for the key of the row at hand
};

}  // namespace sluice
