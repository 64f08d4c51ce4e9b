// partition_watermarks: one input's event-time frontier per partition, and the watermark floor
// its rows are judged against — watermark_scope::partition, the default (Flink's
// per-partition watermarks; docs/watermarks.md).
//
// Owner: one source actor (actors/edges/source_actor.hpp); plain state, no CAF.
//
//   frontier F_p   = the largest event time among partition p's rows so far (in p's order)
//   floor of p     = ⌊F_p⌋_G − delay, G = max(1 ms, delay / 10): the floor moves in steps of
//                    G, so a trigger's rows of one partition share few floors (one batch each)
//   row r of p is judged late (by the stateful operator, by its own rule) against the floor
//   p had before r;
//   the input's watermark after a trigger = min over its open partitions of their floors:
//       an open partition without a frontier holds it back (no value) unless idle;
//       a partition silent for `idle_timeout` of processing time takes no part (opt-in);
//       a closed partition (read to its end) takes no part; when the reader is exhausted,
//       the max over F_p − delay (no row can follow).
//
// Why the output no longer depends on the pace: floors never decrease and the combined
// watermark W is never above the floor of a partition still open, so judging a row by its
// floor is never more lenient than by W (state evicted by W is never needed by a row that
// passes), and a row's floor depends on its partition's own earlier rows only — not on trigger
// boundaries, caps or how far the other partitions ran.
//
// Frontiers are checkpointed with the input's position (`encode`: a JSON object
// {"partition": F_p in µs}, inside the epoch record; docs/formats/checkpoint.md).
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "state/store/status.hpp"

namespace sluice {

struct partition_frontier {
  std::string partition;  // "topic/p" for Kafka, "" for a reader without partitions
  bool has_max = false;
  int64_t max_us = 0;        // the largest event time admitted
  int64_t last_data_us = 0;  // processing time of its last row, or when it was first seen open
};

class partition_watermarks {
 public:
  partition_watermarks(int64_t delay_us, std::optional<int64_t> idle_timeout_us);

  /// The frontier of `partition`, created empty the first time (references stay valid).
  partition_frontier& frontier(const std::string& partition, int64_t now_us);

  /// Takes a row's event time into `f`; true when that moved f's floor.
  bool advance(partition_frontier& f, int64_t event_time_us, int64_t now_us) const {
    f.last_data_us = now_us;
    if (f.has_max && event_time_us <= f.max_us) return false;
    bool moved = !f.has_max || step_of(event_time_us) != step_of(f.max_us);
    f.max_us = event_time_us;
    f.has_max = true;
    return moved;
  }
  /// The floor rows of `f` are judged against now: ⌊F⌋_G − delay, no_floor without a frontier.
  int64_t floor_of(const partition_frontier& f) const;

  /// The input's watermark now, given the partitions that may still deliver rows (`open`)
  /// and whether the reader is exhausted; none while an open partition holds it back.
  std::optional<int64_t> watermark(const std::vector<std::string>& open, bool exhausted, int64_t now_us);

  std::string encode() const;
  /// Restores frontiers written by `encode`; a malformed text is a corruption.
  [[nodiscard]] status decode(const std::string& text, int64_t now_us);

  const std::deque<partition_frontier>& frontiers() const { return frontiers_; }

 private:
  int64_t step_of(int64_t t) const { return t >= 0 ? t / step_us_ : -((-(t + 1)) / step_us_) - 1; }
  bool idle(const partition_frontier& f, int64_t now_us) const {
    return idle_timeout_us_ && f.last_data_us + *idle_timeout_us_ < now_us;
  }
  int64_t delay_us_;
  int64_t step_us_;  // G
  std::optional<int64_t> idle_timeout_us_;
  std::deque<partition_frontier> frontiers_;  // few (one per partition): searched linearly
};

}  // namespace sluice
