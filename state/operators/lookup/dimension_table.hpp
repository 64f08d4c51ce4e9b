// dimension_table: the static side of a lookup join (Spark's stream-static join, Flink's lookup
// join) — rows by key, read from a JSONL or CSV file (state/io/files/csv_records.hpp: a header
// row, then records) or a folder of them, refreshed while the stream runs.
//
// Owner: the query plan (the lookup step holds it); one copy per process, shared by every
// partition that looks rows up. Readers take `current()` — an immutable snapshot, swapped in
// whole by an atomic shared_ptr store — and keep it for a batch, so a batch sees one version.
// `refresh()` reads the source again when a file changed (names, sizes, modification times),
// builds the new snapshot off to the side and swaps it in — unless a file changed again while
// it was read (then the next refresh reads it); when reading fails the last good snapshot
// stays and the failure is returned (and counted). With `refresh_us` > 0 a thread of
// the table's own calls refresh() at that interval, never blocking a reader; it stops with the
// table. Keys are compared as state/store/bytes.hpp's key bytes (1 and 1.0 are one key); a
// line that does not decode by the columns is skipped and counted; a later row of a key
// replaces an earlier one (files in name order). No CAF.
//
// From a CDC table (docs/formats/cdc-table.md: `path` is a LevelDB directory the CDC applier
// writes, recognised by its CURRENT file): each read takes a copy of the table and reads its
// rows (state/operators/lookup/cdc_table_copy.hpp: LevelDB lets one process open it, and the
// applier may be running); with `refresh_us` > 0 the table is read again when its files changed.
//
// From a compacted Kafka topic instead (`topic`, `brokers`): open() reads every partition to
// the end it had then (state/io/kafka/topic_log.hpp: the latest value per key, a tombstone —
// a null value, its message key the key column's value as JSON — deleting the row); with
// `refresh_us` > 0 the table's thread then follows the topic, applying each record as it comes
// to a copy of its own and swapping a new snapshot in at most every refresh_us when something
// changed — so a version may hold part of a batch of changes being produced.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "messages/data/row.hpp"
#include "messages/data/schema.hpp"
#include "state/io/kafka/topic_log.hpp"
#include "state/store/status.hpp"

namespace sluice {

struct dimension_options {
  std::string path;        // a .jsonl/.json/.ndjson/.csv file, a folder of them, or a CDC table …
  schema_ptr columns;      // how a line (a record's value) decodes
  std::string key;         // the column rows are found by
  int64_t refresh_us = 0;  // 0: read once
  std::string topic;       // … or a compacted Kafka topic on `brokers` (path empty)
  std::string brokers;
};

struct dimension_snapshot {
  int64_t version = 0;    // 1 for the first load, +1 per swap
  int64_t loaded_us = 0;  // wall clock
  int64_t skipped_lines = 0;
  std::string stamp;                                         // the files' names, sizes and times it was read from
  std::unordered_map<std::string, std::vector<value>> rows;  // key bytes → the row's cells
};

class dimension_table {
 public:
  /// Reads the source once (a failure here is an error: nothing to join against) and starts
  /// the refresh thread when options.refresh_us > 0.
  [[nodiscard]] static status open(dimension_options options, std::shared_ptr<dimension_table>& out);
  /// A table checked as open() checks it but not read yet (version 0, no rows, no refresh
  /// thread): for a plan that is only shown (`sluice explain`), or one whose table is written
  /// before its query starts (then start() it).
  [[nodiscard]] static status declare(dimension_options options, std::shared_ptr<dimension_table>& out);
  /// The first read of a declared table and its refresh thread (what open() does after declare()).
  [[nodiscard]] status start();
  ~dimension_table();
  dimension_table(const dimension_table&) = delete;
  dimension_table& operator=(const dimension_table&) = delete;

  std::shared_ptr<const dimension_snapshot> current() const { return std::atomic_load(&snapshot_); }
  /// Reads the source again if it changed since the current snapshot; swaps the new one in.
  [[nodiscard]] status refresh();
  /// Called with the reason of each failed background refresh (the last good copy stays).
  void set_warning_handler(std::function<void(const std::string&)> warn);

  const dimension_options& options() const { return options_; }
  size_t key_index() const { return key_index_; }
  int64_t failed_refreshes() const { return failed_.load(); }
  /// Counts a batch's `rows` looked up, `missed` of them without a table row (for progress).
  void count_lookups(int64_t rows, int64_t missed) {
    looked_up_.fetch_add(rows, std::memory_order_relaxed);
    missed_.fetch_add(missed, std::memory_order_relaxed);
  }
  int64_t looked_up() const { return looked_up_.load(std::memory_order_relaxed); }
  int64_t missed() const { return missed_.load(std::memory_order_relaxed); }
  std::string description() const;

 private:
  explicit dimension_table(dimension_options options, size_t key_index)
      : options_(std::move(options)), key_index_(key_index) {}
  /// Reads `files` (listed with `stamp`) into a snapshot of `version`.
  [[nodiscard]] status load(const std::vector<std::string>& files, const std::string& stamp, int64_t version,
                            std::shared_ptr<dimension_snapshot>& out) const;
  [[nodiscard]] status stamp_of(std::string& stamp, std::vector<std::string>& files) const;
  void refresh_loop();
  /// The topic's records applied to `rows` (the thread's working copy); true when one changed it.
  bool apply(const std::vector<topic_record>& records, std::unordered_map<std::string, std::vector<value>>& rows,
             int64_t& skipped) const;
  [[nodiscard]] status open_topic();
  /// The key cell a tombstone's message key names, by the key column's type.
  value tombstone_key(const std::string& text) const;
  void follow_topic(std::unordered_map<std::string, std::vector<value>> rows, int64_t skipped);

  dimension_options options_;
  size_t key_index_;
  std::shared_ptr<const dimension_snapshot> snapshot_;
  std::atomic<int64_t> failed_{0};
  std::atomic<int64_t> looked_up_{0};
  std::atomic<int64_t> missed_{0};
  std::mutex mu_;  // refresh() one at a time; the warning handler; the stop flag
  std::condition_variable wake_;
  bool stopping_ = false;
  std::function<void(const std::string&)> warn_;
  std::thread refresher_;
  std::unique_ptr<topic_log> topic_;  // a topic's table: read by the thread only, after open
};

}  // namespace sluice
