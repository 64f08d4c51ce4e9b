// state_delta: what one stateful partition changed since the last epoch, and the baseline it
// is measured against (DESIGN.md "State and checkpoints": each stateful actor writes its
// changes since N−1 into epoch N's WriteBatch).
//
// Owner: one operator partition (single-threaded). Every stateful operator already knows how
// to list its state as (key, value) rows (`save`); the
// baseline turns that listing into a delta, so every operator plugs into epochs the same way:
//
//   restore: seed(k, v) for every committed row   ──▶ baseline = the committed namespace
//   barrier N: diff(fill) ──▶ puts  = rows new or changed since N−1 (value digest differs)
//                          └─▶ deletes = committed keys the listing no longer has
//                          baseline := the listing (the coordinator commits N or the query
//                          restarts and a fresh baseline is seeded from the store)
//
// Cost: diff lists the whole state (CPU O(state)) but writes only what changed (I/O O(delta));
// the baseline holds each key plus a 64-bit xxHash of its value (docs/checkpoints.md).
// Invariant: after N commits, the namespace in LevelDB equals the operator's listing at N.
#pragma once

#include <leveldb/write_batch.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "state/store/state_store.hpp"

namespace sluice {

/// One partition's changes for one epoch, in its namespace of the state store.
struct state_delta {
  std::string ns;
  std::vector<std::pair<std::string, std::string>> puts;
  std::vector<std::string> deletes;
  int64_t rows = 0;   // rows of the whole state after the delta
  int64_t bytes = 0;  // key + value bytes: of the whole state (a diffed delta), of the puts (a tracked one)
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, state_delta& x) {
  return f(x.ns, x.puts, x.deletes, x.rows, x.bytes);
}

/// Adds the delta's puts and deletes (committed keys of its namespace) to `batch`.
void add_to_batch(const state_delta& d, leveldb::WriteBatch& batch);

class delta_baseline {
 public:
  /// A row that is committed in the store (called for each row while restoring).
  void seed(std::string_view key, std::string_view value);
  /// Lists the current state through `fill` and fills `out` with what differs from the
  /// baseline; the listing becomes the new baseline.
  void diff(const std::function<void(const state_store::row_writer&)>& fill, state_delta& out);
  size_t size() const { return last_.size(); }
  void clear() { last_.clear(); }

 private:
  struct digest {
    uint64_t hash = 0;
    uint64_t mark = 0;
  };
  std::unordered_map<std::string, digest> last_;
  uint64_t mark_ = 0;
};

}  // namespace sluice
