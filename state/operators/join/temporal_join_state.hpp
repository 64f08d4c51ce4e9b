// temporal_join_state: one partition of an event-time temporal join — Flink's
// `JOIN table FOR SYSTEM_TIME AS OF probe.time` (TemporalRowTimeJoinOperator), beyond Spark.
// A probe row of time t joins the version of its key's table row valid at t: the table row
// with the latest version time ≤ t, unless that version is a delete (docs/enrichment.md,
// "Temporal joins").
//
// Owner: one temporal join partition (actors/operators/join/temporal_join_actor.hpp). Plain
// state, no CAF.
//
// Per trigger, with L = the late watermark the batch is judged against and W the watermark
// that ends the trigger:
//   add_probe(rows, L)    : drop rows with time ≤ L (late); buffer the rest by (time, arrival)
//   add_versions(rows, L) : drop versions with time ≤ L (late); insert the rest into their
//                           key's versions (a second version at the same time replaces the first)
//   advance(W)            : emit every buffered probe row with time ≤ W in (time, arrival)
//                           order, joined with its version (or nulls, or dropped when inner);
//                           then, per key, drop the versions older than the latest one ≤ W,
//                           and that one too when it is a delete (only when W moved or a
//                           version came since the last time)
// Why the answer does not depend on pace: a probe row is emitted only once W ≥ its time, and W
// never passes a table version that has not arrived yet (W is the minimum over the inputs, and
// a version arriving below it is late and dropped by the same rule every run applies). So the
// versions at or before the row's time are all in, and none is dropped that a buffered row
// (time > W) or a future one (time > W, or it is late) could need.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "messages/data/row.hpp"

namespace sluice {

struct temporal_join_spec {
  bool inner = false;                           // else left outer: a probe row without a valid version gets nulls
  std::vector<std::pair<size_t, size_t>> keys;  // (probe column, table column)
  size_t probe_time = 0, table_time = 0;        // the inputs' watermark columns
  std::optional<size_t> deleted;                // table column: true = the row is deleted from then on
  /// Builds one output row from a probe row (which it may move from) and its version (null: none).
  std::function<row(row& probe, const row* version)> project;
};

struct temporal_join_counters {
  int64_t probe_rows = 0, version_rows = 0;
  int64_t late_probe = 0, late_versions = 0;
  int64_t unkeyed_versions = 0;     // table rows with a null key cell: dropped
  int64_t emitted = 0, misses = 0;  // probe rows emitted, and those without a valid version
  int64_t versions_removed = 0;
};

class temporal_join_state {
 public:
  explicit temporal_join_state(temporal_join_spec spec) : spec_(std::move(spec)) {}

  void add_probe(std::vector<row>& rows, int64_t late_us, std::vector<row>* late = nullptr);
  void add_versions(std::vector<row>& rows, int64_t late_us, std::vector<row>* late = nullptr);
  void advance(int64_t watermark_us, std::vector<row>& out);

  int64_t buffered_probe_rows() const { return static_cast<int64_t>(probe_.size()); }
  int64_t versions() const { return versions_count_; }
  int64_t keys() const { return static_cast<int64_t>(versions_.size()); }
  int64_t memory_used_bytes() const { return bytes_; }
  temporal_join_counters take_counters();

  /// Every buffered probe row with its (time, arrival) order, and every version with its key
  /// bytes, for snapshots; both orders are stable while the row is kept.
  void for_each_probe(const std::function<void(int64_t time, uint64_t arrival, const row&)>& fn) const;
  void for_each_version(const std::function<void(const std::string& key, int64_t time, const row&)>& fn) const;
  /// Puts rows back as they were kept (restore from a snapshot); arrival numbers continue after
  /// the largest restored one.
  void restore_probe(int64_t time, uint64_t arrival, row r);
  void restore_version(row r);

 private:
  struct version {
    int64_t time = 0;
    bool deleted = false;
    row r;
  };
  struct probe {
    int64_t time = 0;
    uint64_t arrival = 0;
    row r;
  };

  bool key_of(const row& r, bool probe_side, std::string& key) const;
  void insert_version(std::string key, int64_t time, row r);
  const version* valid_at(const std::string& key, int64_t time) const;
  void prune(int64_t watermark_us);
  /// The heap order of probe_: the earliest (time, arrival) on top.
  static bool later(const probe& a, const probe& b);

  temporal_join_spec spec_;
  std::vector<probe> probe_;  // buffered probe rows: a min-heap on (time, arrival)
  std::unordered_map<std::string, std::vector<version>> versions_;  // sorted by time
  std::unordered_set<std::string> prunable_;                        // keys with several versions or a delete
  std::string key_;                                                 // advance()'s scratch: a probe row's key bytes
  int64_t pruned_at_ = INT64_MIN;  // the watermark of the last prune; nothing to do until it moves
  bool versions_added_ = false;    // … or a version came
  uint64_t next_arrival_ = 0;
  int64_t versions_count_ = 0;
  int64_t bytes_ = 0;
  temporal_join_counters counters_;
};

}  // namespace sluice
