// process_state: the state behind a keyed process partition — per-key value/list/map cells,
// timers in two time domains and TTL — and the driver the actor calls each trigger.
// The user-facing handles (value_state, list_state, map_state, keyed_context) are declared in
// state/operators/process/keyed_processor.hpp and implemented over this class.
//
//   trigger k:  run(rows, W_{k−1}, now)   late rows dropped (event-time mode), then per key in
//                                         first-arrival order: processor.process(key, rows)
//               fire(W, now)              due timers, earliest first (event ≤ W, processing ≤ now);
//                                         only timers due when firing starts (a timer set for
//                                         "now" inside a callback fires next trigger)
//               expire(now)               drops cells whose TTL ran out; a key with no cells and
//                                         no timers is removed
//
// Invariant: `event_timers_` / `processing_timers_` hold exactly the (t, key) pairs in the keys'
// own timer sets. Checkpoint rows (docs/formats/process-state.md, version 1) are one per key.
// No CAF; one owner, single-threaded.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "messages/data/row.hpp"
#include "messages/data/schema.hpp"
#include "state/operators/process/keyed_processor.hpp"
#include "state/store/status.hpp"

namespace sluice {

struct process_cell {
  enum kind_t : uint8_t { value_kind = 0, list_kind = 1, map_kind = 2 } kind = value_kind;
  value v;
  std::vector<value> list;
  std::map<std::string, value> map;
  int64_t written_us = 0;
};

struct process_counters {
  int64_t updated = 0;  // keys whose state was written this trigger
  int64_t removed = 0;  // keys removed (no state, no timers left)
  int64_t dropped_late = 0;
  int64_t timers_fired = 0;
  int64_t expired_cells = 0;  // by TTL
};

class process_state {
 public:
  /// `ttl_us`: state name → time to live (µs of processing time after the last write).
  explicit process_state(std::map<std::string, int64_t> ttl_us = {});

  /// Runs one trigger's rows: `key_column` picks the key; rows at or below `watermark_us` are
  /// dropped first when `drop_late`.
  void run(keyed_processor_base& p, const schema& s, const std::vector<row>& rows, size_t key_column,
           int64_t watermark_us, int64_t now_us, bool drop_late);
  void fire(keyed_processor_base& p, int64_t watermark_us, int64_t now_us);
  void expire(int64_t now_us);

  std::vector<std::vector<value>> take_output();
  process_counters take_counters();
  int64_t keys() const { return static_cast<int64_t>(keys_.size()); }
  int64_t timers() const { return static_cast<int64_t>(event_timers_.size() + processing_timers_.size()); }
  int64_t memory_used_bytes() const;

  void save(const std::function<void(std::string key, std::string value)>& put) const;
  status load(std::string_view key, std::string_view value);

  // For the handles (state/operators/process/keyed_processor.hpp): the current key's cells.
  process_cell* find(const std::string& name, process_cell::kind_t kind);
  process_cell& write(const std::string& name, process_cell::kind_t kind);
  void erase(const std::string& name);
  void clear_key();
  void add_timer(int64_t t, time_domain d);
  void delete_timer(int64_t t, time_domain d);
  std::vector<int64_t> key_timers(time_domain d) const;
  void emit(std::vector<value> cells);
  int64_t watermark_us() const { return watermark_; }
  int64_t now_us() const { return now_; }

 private:
  struct key_entry {
    value key;
    std::map<std::string, process_cell> cells;
    std::set<int64_t> timers[2];  // by time_domain
  };
  void select(const std::string& bytes, const value& key);
  void release_if_empty();

  std::map<std::string, int64_t> ttl_;
  std::unordered_map<std::string, key_entry> keys_;
  std::set<std::pair<int64_t, std::string>> event_timers_, processing_timers_;
  key_entry* current_ = nullptr;
  std::string current_bytes_;
  std::unordered_set<std::string> written_;
  std::vector<std::vector<value>> out_;
  process_counters counters_;
  int64_t watermark_ = 0, now_ = 0;
};

}  // namespace sluice
