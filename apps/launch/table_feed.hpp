// table_feed: a generated table written to a JSONL file and rewritten with its later revisions
// while a run goes on — how the `enrich` app's product catalog changes under a running query
// (a lookup join's table, state/operators/lookup/dimension_table.hpp).
//
// Owner: the run (app_runtime::keep_alive); destroying it stops the thread and waits for it.
// `write_table_revision` writes revision r of the table (generate_record of every record n <
// count(r) of spec with spec.revision = r) to a file beside the target and renames it over
// the target, so a reader sees one whole revision or the other; `produce_table_revision`
// produces it to a (compacted) topic instead, each row keyed by its natural key
// (generator_record_key). The feed writes revisions 2…last with its writer, one every `every`
// of processing time after it started; a failed write stops it and `error()` says why.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "state/io/gen/generator_reader.hpp"
#include "state/io/kafka/kafka_producer.hpp"
#include "state/store/status.hpp"

namespace sluice {

struct table_revisions {
  std::string path;     // the JSONL file readers read
  generator_spec spec;  // its kind and seed; count: rows of revision 1
  uint64_t growth = 0;  // rows added by each later revision
  uint64_t last = 1;    // the last revision the feed writes
  std::chrono::microseconds every{0};
  uint64_t rows(uint64_t revision) const { return spec.count + (revision - 1) * growth; }
};

[[nodiscard]] status write_table_revision(const table_revisions& t, uint64_t revision);
[[nodiscard]] status produce_table_revision(kafka_producer& producer, const std::string& topic,
                                            const table_revisions& t, uint64_t revision);

/// Writes one revision of a table somewhere.
using revision_writer = std::function<status(uint64_t revision)>;

class table_feed {
 public:
  /// Writes revisions 2…t.last in the background with `write` (none when t.last is 1).
  table_feed(table_revisions t, revision_writer write);
  ~table_feed();
  table_feed(const table_feed&) = delete;
  table_feed& operator=(const table_feed&) = delete;
  /// "" while fine; otherwise why the feed stopped.
  std::string error() const;

 private:
  void run();
  table_revisions table_;
  revision_writer write_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::string error_;
  std::thread thread_;
};

}  // namespace sluice
