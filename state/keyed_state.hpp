// keyed_state: the working state of one operator partition — a key/value map held in
// memory within a budget, spilling to LevelDB past it, whose changes since the last epoch
// go into the epoch's WriteBatch.
//
// Owner: one operator partition (single-threaded; no locking). Backed by `state_store`
// namespace `ns` = "<operator>/<partition>".
//
//   get(k):  hot map ──miss──▶ spilled ('x', this epoch's overflow) ──miss──▶ committed ('c')
//   put/erase: hot map, entry marked dirty
//   over budget: evict clean entries first (they can be re-read), then spill dirty ones
//                to 'x' keys (never visible to recovery: the store drops 'x' on open)
//   write_changes(batch): dirty + spilled → 'c' puts/deletes and 'x' deletes in `batch`;
//   changes_committed(): after the batch is durable, everything counts as clean.
//
// Invariant: the merged view (hot over spilled over committed) is the operator's state;
// committed alone is the state at the last epoch. Spark's RocksDB provider plays the same
// role (spark-semantics §7); the budget is `--state-memory`.
#pragma once

#include <leveldb/write_batch.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "state/state_store.hpp"
#include "state/status.hpp"

namespace sluice {

class keyed_state {
 public:
  keyed_state(state_store& store, std::string ns, size_t memory_budget_bytes);

  status get(std::string_view key, std::string& value);
  status put(std::string_view key, std::string_view value);
  status erase(std::string_view key);
  /// Every live entry (merged view), in key order. For inspection and restore, not hot paths.
  status for_each(const std::function<bool(const std::string&, const std::string&)>& fn);

  status write_changes(leveldb::WriteBatch& batch);
  void changes_committed();

  size_t memory_used_bytes() const { return memory_used_; }
  size_t entries_in_memory() const { return hot_.size(); }
  size_t spilled_entries() const { return spilled_.size(); }
  uint64_t spill_count() const { return spills_; }
  const std::string& name_space() const { return ns_; }

 private:
  struct entry {
    std::optional<std::string> value;  // nullopt = deleted
    bool dirty = false;
  };
  static size_t footprint(const std::string& key, const entry& e) {
    return key.size() + (e.value ? e.value->size() : 0) + 64;
  }
  void insert(std::string key, entry e);
  status enforce_budget();

  state_store& store_;
  std::string ns_;
  size_t budget_;
  size_t memory_used_ = 0;
  uint64_t spills_ = 0;
  std::unordered_map<std::string, entry> hot_;
  std::unordered_set<std::string> spilled_;
};

}  // namespace sluice
