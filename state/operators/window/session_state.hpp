// session_state: one partition of a session-window aggregation (Spark's session_window;
// spark-semantics §4, MergingSessionsIterator and the session state store).
//
//   a row at t with gap g (the query's, or the row's own — dynamic gap) opens [t, t + g);
//   g ≤ 0 leaves the row out (not counted as late)
//   sessions of one key merge when one starts at or before the other's end (touching merges),
//   in any order and across triggers, so the result does not depend on arrival order:
//
//        [10,20)  [25,35)            a row at 18 with gap 10 opens [18,28):
//        └──────────┬─────┘          it touches both → one session [10,35)
//               [10,35)
//
//   late: t + g ≤ W (the row's own session already closed) — dropped, counted per row
//   append: a session is emitted once and removed when its end ≤ W; complete: all sessions
//   every data trigger, nothing dropped or removed. Update mode is refused by the stage.
//
// Per key the sessions are kept sorted by start and pairwise apart (invariant).
// Output rows: [key columns…, session_start, session_end, results…].
#pragma once

#include <functional>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "state/operators/window/aggregate_state.hpp"

namespace sluice {

struct session_grouping {
  std::vector<size_t> key_columns;
  size_t time_column = 0;
  /// The gap for a row, µs; ≤ 0 leaves the row out.
  std::function<int64_t(const row&)> gap_us;
  bool watermarked = false;
  output_mode mode = output_mode::append;
  std::vector<aggregate_column> aggregations;
};

class session_state final : public aggregate_state {
 public:
  explicit session_state(session_grouping g);

  void process(const std::vector<row>& rows, int64_t watermark_us, std::vector<row>* late) override;
  void emit(int64_t watermark_us, bool had_data, std::vector<row>& out) override;
  void evict(int64_t watermark_us, std::vector<row>& out) override;
  int64_t rows_total() const override { return sessions_; }
  int64_t memory_used_bytes() const override { return memory_; }
  void save(const std::function<void(std::string key, std::string value)>& put) const override;
  status load(std::string_view key, std::string_view value) override;

 private:
  struct session {
    int64_t start = 0, end = 0;
    std::vector<accumulator> acc;
  };
  struct key_sessions {
    std::vector<value> key;
    std::vector<session> sessions;  // sorted by start, apart
  };
  void insert(const std::string& key, key_sessions& ks, session s);
  row output(const key_sessions& ks, const session& s) const;
  void close_sessions(int64_t watermark_us, std::vector<row>* out);
  int64_t session_bytes(const session& s) const;

  session_grouping g_;
  std::unordered_map<std::string, key_sessions> keys_;
  std::multimap<int64_t, std::string> ends_;  // (a session's end at insertion, key): where to look on eviction
  std::unordered_set<std::string> touched_;   // keys changed this trigger
  int64_t sessions_ = 0;
  int64_t memory_ = 0;
  std::string scratch_;
};

}  // namespace sluice
