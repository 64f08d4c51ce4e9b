// record_reader: where a source's records come from — a generator, JSONL files, or memory.
//
// Owner: one source actor. Plain state: no CAF, no threads of its own.
// Contract: `read` appends up to `max` records available now (a rate-limited generator
// releases rate × elapsed); `position()` names the next unread record in the reader's own
// offset form and `seek(position())` after a restart continues exactly there, so a replayed
// trigger reads exactly the same records (DESIGN.md "State and checkpoints").
// `exhausted()` is true once a bounded reader has handed out everything.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "messages/data/row.hpp"
#include <vector>

#include "state/store/status.hpp"

namespace sluice {

/// What a Kafka record carries besides its value (Spark's Kafka source columns).
struct record_metadata {
  std::string key;
  bool has_key = false;     // false: the key is null
  bool null_value = false;  // a tombstone: the value is null (not an empty string)
  std::string topic;
  int32_t partition = -1;
  int64_t offset = -1;
  int64_t timestamp_ms = -1;
  int32_t timestamp_type = -1;  // 0 = CreateTime, 1 = LogAppendTime (Spark's timestampType)
  std::string headers;          // JSON array of {"key":…,"value":…}; "" = none
};

struct raw_record {
  std::string payload;
  std::string origin;                           // where it came from, for dead letters; "" = origin_prefix() + ordinal
  uint64_t ordinal = 0;                         // the record's index in its reader (generators, memory)
  std::shared_ptr<const record_metadata> meta;  // Kafka records only
};

class record_reader {
 public:
  virtual ~record_reader() = default;
  virtual std::string description() const = 0;
  virtual status read(size_t max, int64_t now_us, std::vector<raw_record>& out) = 0;
  /// Reads exactly up to `position` — a replayed trigger's logged end (docs/checkpoints.md):
  /// what `read` returned between the two positions. The default reads one position at a time;
  /// it fails when the reader ends or stalls for 30 s before getting there.
  virtual status read_until(const std::string& position, int64_t now_us, std::vector<raw_record>& out);
  virtual bool exhausted() const = 0;
  virtual std::string position() const = 0;
  /// The position after everything the source holds now, in position()'s form (Spark's
  /// latestOffset): the difference to position() is how far the reader is behind. The default
  /// knows nothing beyond what it read.
  virtual std::string latest_position() const { return position(); }
  virtual status seek(const std::string& position) = 0;
  /// Readers that make typed rows without text (`record_format::rows`: a generator's in-memory
  /// rows, for benchmarks of the operators alone) fill `out` for a record they returned;
  /// the default has none.
  virtual bool typed_row(const raw_record& record, row& out) const {
    (void)record;
    (void)out;
    return false;
  }
  /// For records whose `origin` is empty: origin = origin_prefix() + ordinal (built only
  /// when a dead letter needs it, not per record).
  virtual std::string origin_prefix() const { return description() + "@"; }
  /// The partitions that may still deliver records, named as `partition_of` names them: a
  /// reader without partitions has one, "", until it is exhausted.
  virtual std::vector<std::string> open_partitions() const {
    if (exhausted()) return {};
    return {std::string()};
  }
  /// True when `read` may wait on the network: the source actor then gets a thread of its own
  /// (platform-notes §2: never block a scheduled actor).
  virtual bool blocking() const { return false; }
  /// The query committed the trigger that ended at `position` (called from the supervisor's
  /// thread, so thread-safe where overridden): a Kafka reader commits group offsets here.
  virtual void committed(const std::string& position) { (void)position; }
  /// Where a reader reports trouble it rides out (broker unreachable, skipped data): one line
  /// each, relayed to the query's events. Set before the first read.
  void set_warning_handler(std::function<void(std::string)> h) { warn_ = std::move(h); }

 protected:
  void warn(std::string message) const {
    if (warn_) warn_(std::move(message));
  }

 private:
  std::function<void(std::string)> warn_;
};

/// The partition a record came from: "topic/p" for Kafka records, "" otherwise.
inline std::string partition_of(const raw_record& r) {
  return r.meta ? r.meta->topic + "/" + std::to_string(r.meta->partition) : std::string();
}

inline std::string origin_of(const record_reader& reader, const raw_record& r) {
  if (!r.origin.empty()) return r.origin;
  if (r.meta)
    return "kafka:" + r.meta->topic + "/" + std::to_string(r.meta->partition) + "@" + std::to_string(r.ordinal);
  return reader.origin_prefix() + std::to_string(r.ordinal);
}

/// A data file of a JSONL folder: `.json`, `.jsonl` or `.ndjson`, not hidden (`.`) and not a
/// marker (`_SUCCESS`, `_sluice_output.json`) — what the file source and lookup tables read.
bool is_jsonl_data_file(const std::string& file_name);

/// JSONL files: one file, or every `*.json`/`*.jsonl` file of a directory in name order
/// (files whose name starts with `.` or `_`, or ends in `.tmp`, are not read). Position:
/// `<file name>:<byte offset>:<line number>`. Streaming (`bounded` false): new files and
/// appended complete lines are picked up by later reads; exhausted only once the directory
/// holds a `_SUCCESS` marker (written by a file sink whose query read all its input) and
/// everything was read — how a silver query knows its bronze input is complete.
class jsonl_reader final : public record_reader {
 public:
  /// `max_files` > 0: one read takes records from at most that many files (Spark's
  /// maxFilesPerTrigger; a file is not counted twice when a read goes on with it).
  jsonl_reader(std::string path, bool bounded, size_t max_files = 0);
  std::string description() const override { return "FileSource[" + path_ + "]"; }
  status read(size_t max, int64_t now_us, std::vector<raw_record>& out) override;
  bool exhausted() const override { return drained_ && (bounded_ || complete_); }
  std::string position() const override;
  status seek(const std::string& position) override;

 private:
  std::vector<std::string> list_files(status& st) const;
  std::string path_;
  bool bounded_;
  size_t max_files_;
  bool drained_ = false;
  bool complete_ = false;  // `_SUCCESS` seen before the last listing
  std::string file_;       // current file name ("" = before the first)
  uint64_t offset_ = 0;
  uint64_t line_ = 0;
};

/// Records pushed in by a test or a replay runner; bounded once `close()` was called.
class memory_reader final : public record_reader {
 public:
  struct channel {
    std::mutex mu;
    std::vector<std::string> records;
    bool closed = false;
    void push(std::string r) {
      std::lock_guard<std::mutex> g(mu);
      records.push_back(std::move(r));
    }
    void close() {
      std::lock_guard<std::mutex> g(mu);
      closed = true;
    }
  };
  explicit memory_reader(std::shared_ptr<channel> ch, std::string name = "memory")
      : channel_(std::move(ch)), name_(std::move(name)) {}
  std::string description() const override { return "MemorySource[" + name_ + "]"; }
  status read(size_t max, int64_t now_us, std::vector<raw_record>& out) override;
  bool exhausted() const override;
  std::string position() const override { return std::to_string(next_); }
  status seek(const std::string& position) override;
  std::string origin_prefix() const override { return "memory:" + name_ + "@"; }

 private:
  std::shared_ptr<channel> channel_;
  std::string name_;
  size_t next_ = 0;
};

}  // namespace sluice
