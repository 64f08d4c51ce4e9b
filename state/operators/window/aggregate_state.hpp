// aggregate_state: what the aggregate actor (actors/operators/window/aggregate_actor.hpp) drives — the state of
// one partition of a streaming aggregation, windows (state/operators/window/window_state.hpp) or sessions
// (state/operators/window/session_state.hpp), behind one interface so the actor is the same for both.
//
// A trigger k, as Spark runs it (spark-semantics §3–4), with W = the watermark it runs with
// (trigger k−1's) and W' = the one computed at its end:
//
//   process(rows, W)            rows whose group ends at or below W are late: dropped, counted
//        │                      (per aggregated group for windows, per row for sessions)
//   emit(W, had_data, out)      the data batch's output:  append → groups ending ≤ W, removed
//        │                                                update → groups changed this trigger,
//        │                                                         then groups ending ≤ W removed
//        │                                                complete → every group, nothing removed
//   evict(W', out)              the no-data batch (when enabled and W' > W): append emits and
//                               removes groups ending ≤ W'; update removes them silently
//
// Output rows are [group columns…, start, end, aggregation results…] in µs.
// Checkpoint rows: `save` hands out one (key, value) pair per group; `load` takes them back.
// Epoch deltas: `take_delta` gives what changed since the last epoch. A state that tracks its
// own changes (`tracks_changes`) lists only the groups it created, changed or removed since
// (O(changed groups)); any other is listed whole through `save` and diffed against what was
// last committed (state/store/state_delta.hpp), which `restore` seeds.
// Nothing here includes CAF; one owner, single-threaded.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "messages/control/policies.hpp"
#include "messages/data/row.hpp"
#include "state/operators/window/aggregation.hpp"
#include "state/store/state_delta.hpp"
#include "state/store/status.hpp"

namespace sluice {

struct aggregate_counters {
  int64_t updated = 0;       // groups written this trigger (Spark's numRowsUpdated)
  int64_t removed = 0;       // groups evicted (numRowsRemoved)
  int64_t dropped_late = 0;  // numRowsDroppedByWatermark
  int64_t late_input_rows = 0;
  int64_t input_rows = 0;
  int64_t emitted = 0;
};

class aggregate_state {
 public:
  virtual ~aggregate_state() = default;
  /// Adds rows judged against W; rows that count for nothing because they are late go to
  /// `late` when it is given.
  virtual void process(const std::vector<row>& rows, int64_t watermark_us, std::vector<row>* late) = 0;
  virtual void emit(int64_t watermark_us, bool had_data, std::vector<row>& out) = 0;
  virtual void evict(int64_t watermark_us, std::vector<row>& out) = 0;
  virtual int64_t rows_total() const = 0;
  virtual int64_t memory_used_bytes() const = 0;
  virtual void save(const std::function<void(std::string key, std::string value)>& put) const = 0;
  virtual status load(std::string_view key, std::string_view value) = 0;

  /// A committed row, while restoring: loaded, and remembered when changes are diffed.
  status restore(std::string_view key, std::string_view value) {
    if (!tracks_changes()) baseline_.seed(key, value);
    return load(key, value);
  }
  /// Barrier: the puts and deletes that bring the committed rows to the state as it is now.
  virtual void take_delta(state_delta& out) {
    baseline_.diff([&](const state_store::row_writer& put) { save([&](std::string k, std::string v) { put(k, v); }); },
                   out);
  }

  aggregate_counters take_counters() {
    aggregate_counters c = counters_;
    counters_ = {};
    return c;
  }

 protected:
  /// True when the state overrides take_delta with its own record of changes.
  virtual bool tracks_changes() const { return false; }
  aggregate_counters counters_;

 private:
  delta_baseline baseline_;
};

}  // namespace sluice
