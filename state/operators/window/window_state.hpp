// window_state: one partition of a grouped aggregation over event-time windows (tumbling or
// sliding, with an offset) or over plain columns — Spark's streaming aggregation
// (StateStoreRestoreExec / StateStoreSaveExec; spark-semantics §3).
//
//   window(t)  every [s, s + size) with s ≡ offset (mod slide) and s ≤ t < s + size
//              (⌈size/slide⌉ windows for a sliding window, one for a tumbling one)
//   group      (key columns…, window start) → one accumulator per aggregation
//   expiry     a group ends at its window's end, or — grouping by the watermarked event-time
//              column itself — at that column's value; it is expired when end ≤ W
//   late       a row's group already expired when the trigger runs: dropped, counted once per
//              (key, window) of the trigger (Spark counts aggregated rows, not input records)
//
// Modes and the trigger cycle: state/operators/window/aggregate_state.hpp. Complete mode never drops or evicts.
// Output rows: [key columns…, window_start, window_end (when windowed), results…].
// Checkpoints: the state tracks its own changes — groups created or updated since the last
// epoch (`changed_`) and removed groups whose rows are committed (`erased_`) — so an epoch's
// delta costs O(groups changed), not O(state). Rows are docs/formats/aggregate-state.md v3.
// Invariant: `expiry_` holds exactly the live groups that can expire, by their end; `changed_`
// exactly the live groups with `epoch_dirty`, each at its `changed_at`.
// Memory: about 120 B + key bytes per group plus each aggregation's buffer (HLL: 416 B at
// rsd 0.05) — docs/windows.md sizes a query from its rate.
#pragma once

#include <map>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "state/operators/window/aggregate_state.hpp"

namespace sluice {

struct window_grouping {
  std::vector<size_t> key_columns;  // plain grouping columns of the input
  struct window_bounds {
    size_t time_column = 0;
    int64_t size_us = 0, slide_us = 0, offset_us = 0;
  };
  std::optional<window_bounds> window;
  /// Index into key_columns of the watermarked event-time column, when grouped by it directly.
  std::optional<size_t> time_key;
  bool watermarked = false;  // the window's (or time key's) column carries the watermark
  output_mode mode = output_mode::append;
  std::vector<aggregate_column> aggregations;
};

/// Calls fn(start) for every window containing t, latest start first (no allocation: the
/// aggregation's per-row path).
template <class F>
void for_each_window_start(int64_t t, int64_t size, int64_t slide, int64_t offset, F&& fn) {
  int64_t m = (t - offset) % slide;
  for (int64_t s = t - (m < 0 ? m + slide : m); s > t - size; s -= slide) fn(s);
}
/// The same starts, ascending (for tests and explanations).
std::vector<int64_t> window_starts(int64_t t_us, int64_t size_us, int64_t slide_us, int64_t offset_us);

class window_state final : public aggregate_state {
 public:
  explicit window_state(window_grouping g);

  void process(const std::vector<row>& rows, int64_t watermark_us, std::vector<row>* late) override;
  void emit(int64_t watermark_us, bool had_data, std::vector<row>& out) override;
  void evict(int64_t watermark_us, std::vector<row>& out) override;
  int64_t rows_total() const override { return static_cast<int64_t>(groups_.size()); }
  int64_t memory_used_bytes() const override { return memory_; }
  void save(const std::function<void(std::string key, std::string value)>& put) const override;
  status load(std::string_view key, std::string_view value) override;
  void take_delta(state_delta& out) override;

 private:
  struct group {
    std::vector<value> key;
    int64_t start = 0, end = 0;  // the window (0, 0 when not windowed)
    int64_t expires = 0;         // expired when ≤ W; INT64_MAX never
    std::vector<accumulator> acc;
    bool dirty = false;        // changed this trigger (update mode's output)
    bool epoch_dirty = false;  // changed since the last epoch: in changed_
    bool stored = false;       // its row is committed (or in an epoch taken)
    uint32_t changed_at = 0;
  };
  using node = std::pair<const std::string, group>;
  bool tracks_changes() const override { return true; }
  node& find_or_add(const std::string& bytes, const row& r, int64_t start, int64_t end, int64_t expires);
  void touch(node& n);
  void clear_dirty();
  row output(const group& g) const;
  void encode_row(const group& g, std::string& v) const;
  static int64_t footprint(const std::string& key, const group& g);
  void remove_expired(int64_t watermark_us, std::vector<row>* out);

  window_grouping g_;
  std::unordered_map<std::string, group> groups_;
  // Keys point into groups_ (node keys do not move on rehash); one entry per live group.
  std::map<int64_t, std::vector<const std::string*>> expiry_;
  std::vector<group*> dirty_;                    // groups changed this trigger, first touch first
  std::vector<node*> changed_;                   // groups changed since the last epoch
  std::vector<std::string> erased_;              // committed groups removed since the last epoch
  std::unordered_set<std::string> late_groups_;  // this trigger's late (key, window)s
  std::string scratch_;
  int64_t memory_ = 0;
};

}  // namespace sluice
