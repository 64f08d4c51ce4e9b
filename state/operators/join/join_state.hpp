// join_state: both side buffers of one stream-stream join partition, and Spark's rules for
// matching, storing and evicting (spark-semantics §2, StreamingSymmetricHashJoinExec).
//
// Owner: one join partition actor (actors/operators/join/join_actor.hpp). Plain state, no CAF: a match is one
// look at both buffers in one thread (DESIGN.md: two actors probing each other would race).
//
// Per trigger, with W = the watermark the trigger runs with (trigger k−1's):
//   process(left rows)  : drop late rows (time ≤ W, window end ≤ W); a row failing the
//                         preserved side's one-sided condition → emitted at once with nulls;
//                         else match against RIGHT state, mark matches, store the row
//                         (left semi: a matched row is emitted once and not stored)
//   process(right rows) : match against LEFT state (which now holds this trigger's left rows);
//                         store unless the right state watermark already evicts it (then
//                         kept only when unmatched in right/full outer, to emit its null)
//   evict(W_k)          : per side with a state watermark, remove rows whose state time ≤ it;
//                         preserved sides emit (row, nulls) for rows never matched; left anti
//                         emits the unmatched left row
// State watermarks: a window in the key (on a watermarked column) → both sides evict when
// window end ≤ W; an equi-key on a watermarked column → both evict when that key ≤ W; else, from the time range O.o + a
// ≤(<) S.c ≤(<) O.o + b with both columns watermarked: S evicts S.c ≤ W + a (− 1 ms when inclusive), O evicts O.o ≤ W −
// b (− 1 ms when inclusive). A side without one is never cleaned.
//
// Per-side storage: rows in slots, a key → slots index, and a min-heap on state time so
// eviction touches only what it removes. A row keeps its slot while buffered; checkpoint rows
// are keyed by (side, slot), and the state records which slots were stored, changed (a new
// row, a matched flag set) or emptied since the last epoch, so an epoch's delta lists only
// those (`take_changes`, O(changed rows)). Invariant: a slot with `epoch_dirty` is in its
// side's `changed` list once; a slot emptied while `stored` is in `erased` once.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <queue>
#include <string>
#include <unordered_map>
#include <vector>

#include "messages/control/policies.hpp"
#include "messages/data/row.hpp"

namespace sluice {

enum class join_side : uint8_t { left = 0, right = 1 };

struct time_bound {
  int64_t offset_us = 0;
  bool inclusive = true;
};

/// What the join needs, with columns already resolved to indexes.
struct join_spec {
  join_type type = join_type::inner;
  std::vector<std::pair<size_t, size_t>> keys;  // (left column, right column)
  bool null_safe = false;
  struct window {
    size_t left_column = 0, right_column = 0;
    int64_t size_us = 0, offset_us = 0;
    bool watermarked = false;  // some side's watermark column is its window column
  };
  std::optional<window> window_key;
  /// An equi-key pair whose column is a side's watermark column: both sides are cleaned by
  /// that key's time (state watermark = W), as by a watermarked window key.
  std::optional<std::pair<size_t, size_t>> time_key;
  struct range {
    join_side column_side = join_side::left;  // S: the side of `column`
    size_t column = 0;                        // S.c
    size_t other = 0;                         // O.o
    std::optional<time_bound> lower, upper;   // O.o + a <(=) S.c <(=) O.o + b
  };
  std::optional<range> time_range;
  std::optional<size_t> left_watermark_column, right_watermark_column;  // inputs' watermark columns
  std::function<bool(const row&)> left_filter, right_filter;            // one-sided conditions of preserved sides
  std::function<bool(const row&, const row&)> pair_condition;           // conditions over both sides
  /// Builds one output row from a left and a right row (either may be null).
  std::function<row(const row*, int64_t left_window_start, const row*, int64_t right_window_start)> project;
};

struct join_counters {
  int64_t updated = 0;  // rows stored
  int64_t removed = 0;  // rows evicted from non-preserved sides (Spark's numRowsRemoved)
  int64_t evicted = 0;  // all evictions
  int64_t dropped_late[2] = {0, 0};
  int64_t input_rows[2] = {0, 0};
  int64_t matched_rows[2] = {0, 0};  // input rows that found at least one match
  int64_t output_rows = 0;
};

/// Appends one key cell in the join's key encoding: equal values give equal bytes (numbers
/// compare numerically, so 1 and 1.0 are one key).
void append_join_key(std::string& key, const value& v);
/// Folds one key cell into a partition hash with the same numeric rule as `append_join_key`,
/// so the router and the join can never disagree about which keys are equal.
uint64_t hash_join_key(uint64_t seed, const value& v);

class join_state {
 public:
  explicit join_state(join_spec spec);

  /// Joins one side's rows of the current trigger; matches and immediate null rows go to
  /// `out`, late rows (if `late` is given) to `late`.
  void process(join_side side, std::vector<row>& rows, int64_t watermark_us, std::vector<row>& out,
               std::vector<row>* late = nullptr);
  /// Evicts with watermark W; emits null-padded rows of preserved sides and left-anti rows.
  void evict(int64_t watermark_us, std::vector<row>& out);

  /// The side's state watermark under W, if the side can be cleaned at all.
  std::optional<int64_t> state_watermark(join_side side, int64_t watermark_us) const;
  bool evictable(join_side side) const { return state_watermark(side, 0).has_value(); }

  int64_t rows_total() const { return sides_[0].live + sides_[1].live; }
  int64_t rows(join_side s) const { return sides_[static_cast<int>(s)].live; }
  int64_t memory_used_bytes() const { return sides_[0].bytes + sides_[1].bytes; }
  join_counters take_counters();
  const join_spec& spec() const { return spec_; }

  /// Every buffered row, for snapshots (side, row, matched).
  void for_each(const std::function<void(join_side, const row&, bool)>& fn) const;
  /// The same with each row's buffer slot (stable while the row stays buffered).
  void for_each_slot(const std::function<void(join_side, uint32_t, const row&, bool)>& fn) const;
  /// What changed since the last call: `put` for every buffered row that is new or whose
  /// matched flag was set, `erase` for every slot emptied whose row had been handed out;
  /// erases come first (a slot may be emptied and reused in one epoch).
  void take_changes(const std::function<void(join_side, uint32_t)>& erase,
                    const std::function<void(join_side, uint32_t, const row&, bool)>& put);
  /// Puts a row back into the slot it was checkpointed from; false when that slot is taken.
  [[nodiscard]] bool restore(join_side side, uint32_t slot, row r, bool matched);

 private:
  struct entry {
    row r;
    std::string key;
    int64_t state_time = 0;
    int64_t window_start = 0;
    bool matched = false;
    bool live = false;
    bool stored = false;       // handed out by take_changes (or restored) since it was stored
    bool epoch_dirty = false;  // in `changed`
    int64_t bytes = 0;
  };
  struct buffer {
    std::vector<entry> slots;
    std::vector<uint32_t> free;
    std::unordered_map<std::string, std::vector<uint32_t>> by_key;
    std::priority_queue<std::pair<int64_t, uint32_t>, std::vector<std::pair<int64_t, uint32_t>>, std::greater<>>
        by_time;
    std::vector<uint32_t> changed, erased;  // since the last take_changes
    int64_t live = 0;
    int64_t bytes = 0;
  };

  bool key_of(join_side side, const row& r, std::string& key, int64_t& window_start) const;
  int64_t late_time(join_side side, const row& r, int64_t window_start) const;  // time compared with W
  int64_t state_time(join_side side, const row& r, int64_t window_start) const;
  bool in_range(join_side side, const row& mine, const row& theirs) const;
  bool preserved(join_side side) const;
  uint32_t take_slot(buffer& b);
  void store(join_side side, row r, std::string key, int64_t window_start, bool matched, uint32_t slot);
  void remove(buffer& b, uint32_t slot);
  static void mark_changed(buffer& b, uint32_t slot);

  join_spec spec_;
  buffer sides_[2];
  join_counters counters_;
};

}  // namespace sluice
