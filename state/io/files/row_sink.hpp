// row_sink: where a sink actor puts rows — JSONL part files, a console stream, or memory.
//
// Owner: one sink actor. Contract: `write` is called with trigger k's batches in order,
// then `finish(k)` once; output of trigger k is complete (and, for files, visible) only
// after `finish(k)` returned ok. Implementations are plain classes (tests add their own,
// e.g. a deliberately slow sink, through this seam).
#pragma once

#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "messages/data/batch.hpp"
#include "state/io/files/part_file_writer.hpp"
#include "state/store/status.hpp"

namespace sluice {

/// A row a sink could not write, as text, with why.
struct rejected_row {
  std::string record;
  std::string reason;
};

class row_sink {
 public:
  virtual ~row_sink() = default;
  virtual status open() { return status::ok(); }
  virtual status write(const batch& b) = 0;
  virtual status finish(int64_t trigger, int64_t& rows) = 0;
  virtual std::string description() const = 0;
  /// True when `finish` may wait on the network: the sink actor then gets a thread of its own.
  virtual bool blocking() const { return false; }
  /// Where a sink reports trouble it rides out (a broker unreachable while flushing).
  virtual void set_warning_handler(std::function<void(std::string)> h) { (void)h; }
  /// Rows the last `write` refused without failing (a record too large for Kafka): the sink's
  /// actor sends them to the dead letters and the query goes on. Emptied by the call.
  virtual std::vector<rejected_row> take_rejected() { return {}; }

  // ---- Exactly-once output of checkpointed queries (docs/checkpoints.md) ----
  /// Who writes through this sink: the query's stable id and the output's name, so that a
  /// recovery recognises its own published records among other writers' in a shared topic.
  virtual void identify(const std::string& writer) { (void)writer; }
  // Called by the sink's actor, in this order: open, stage(K), then per trigger write… and
  // finish(k) (which now stages instead of publishing), and per epoch prepare and publish.
  /// From now on `finish(k)` stages trigger k's output; K = the last trigger of the last
  /// committed epoch (−1: none): output staged for later triggers is from an epoch that never
  /// committed and is discarded.
  virtual status stage(int64_t last_committed_trigger) {
    (void)last_committed_trigger;
    return status::ok();
  }
  /// Epoch N ends with trigger k: records of triggers ≤ k that must be in N's WriteBatch so
  /// `publish` can be repeated after a crash (files need none: they are synced on disk).
  virtual status prepare(int64_t last_trigger, std::vector<std::string>& durable) {
    (void)last_trigger;
    durable.clear();
    return status::ok();
  }
  /// Epoch N committed: make the output of triggers ≤ k visible. `recovering`: a process that
  /// died may have published some of it already (publish must then be idempotent).
  virtual status publish(int64_t epoch, int64_t last_trigger, const std::vector<std::string>& durable, bool recovering,
                         int64_t& published) {
    (void)epoch, (void)last_trigger, (void)durable, (void)recovering;
    published = 0;
    return status::ok();
  }
  /// What a checkpointed query's crash does to this output: "exactly-once" or "at-least-once".
  virtual const char* guarantee() const { return "at-least-once"; }
};

/// One JSONL part file per trigger in a directory (state/io/files/part_file_writer.hpp).
class jsonl_sink final : public row_sink {
 public:
  explicit jsonl_sink(std::string dir) : writer_(std::move(dir)) {}
  status open() override { return writer_.open(); }
  status write(const batch& b) override;
  status finish(int64_t trigger, int64_t& rows) override { return writer_.finish(trigger, rows); }
  std::string description() const override { return "FileSink[" + writer_.directory() + "]"; }
  status stage(int64_t last_committed_trigger) override;
  status publish(int64_t epoch, int64_t last_trigger, const std::vector<std::string>& durable, bool recovering,
                 int64_t& published) override;
  const char* guarantee() const override { return "exactly-once"; }

 private:
  part_file_writer writer_;
  std::string line_;
};

/// Rows as JSON lines on a stream, under a `-- trigger k --` header (Spark's console sink).
class console_sink final : public row_sink {
 public:
  explicit console_sink(std::FILE* out, size_t max_rows_per_trigger = 20)
      : out_(out), max_rows_(max_rows_per_trigger) {}
  status write(const batch& b) override;
  status finish(int64_t trigger, int64_t& rows) override;
  std::string description() const override { return "ConsoleSink"; }

 private:
  std::FILE* out_;
  size_t max_rows_;
  int64_t rows_ = 0;
  int64_t header_trigger_ = -1;
};

/// Keeps rows in memory, tagged with their trigger: for tests and `sluice replay`.
class memory_sink final : public row_sink {
 public:
  struct store {
    std::mutex mu;
    schema_ptr schema;
    std::vector<std::pair<int64_t, row>> rows;
    std::vector<int64_t> finished_triggers;
    size_t size() {
      std::lock_guard<std::mutex> g(mu);
      return rows.size();
    }
  };
  explicit memory_sink(std::shared_ptr<store> s) : store_(std::move(s)) {}
  status write(const batch& b) override;
  status finish(int64_t trigger, int64_t& rows) override;
  std::string description() const override { return "MemorySink"; }

 private:
  std::shared_ptr<store> store_;
  int64_t rows_ = 0;
};

}  // namespace sluice
