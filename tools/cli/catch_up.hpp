// catch_up: how far a reprocessing version is behind its topics, read off its progress records
// — each Kafka source's endOffset (where the query has read to) and latestOffset (the
// partitions' high watermarks as its consumer last heard them; Spark's field) — as the lag per
// partition, the rate the lag closes at and an ETA: what `sluice reprocess` prints and swaps on.
//
// Owner: one reprocess run; fed from the progress log's observer (one line at a time). A source
// whose offsets are not Kafka's (a file, the generator) has no lag and is left out. Lag counts
// only once every query of the app has reported a partition it reads (before that — a consumer
// still waiting for its group's assignment — `known()` is false).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace sluice::cli {

class catch_up {
 public:
  explicit catch_up(std::vector<std::string> queries) : queries_(std::move(queries)) {}
  /// One progress record (its JSON line) written at `now_us`.
  void add(const std::string& progress_line, int64_t now_us);
  bool known() const;
  /// Records behind per partition: the slowest query's (queries of an app may read one topic).
  std::map<std::string, int64_t> per_partition() const;
  /// Records behind, summed over the partitions.
  int64_t lag() const;
  /// The queries and the batch of the last progress record of each.
  const std::map<std::string, int64_t>& last_batches() const { return batch_; }
  /// "lag 12,345 records (sales/0 6,000 · sales/1 6,345), closing at 8,000/s, ETA 2 s".
  std::string describe() const;

 private:
  std::vector<std::string> queries_;
  std::map<std::string, std::map<std::string, int64_t>> lag_;  // query → "topic/partition" → records
  std::map<std::string, int64_t> batch_;
  std::deque<std::pair<int64_t, int64_t>> history_;  // (time, lag) of the last seconds
};

/// 12345 → "12,345".
std::string with_thousands(int64_t n);

}  // namespace sluice::cli
