// kafka_sink: a row_sink that writes each row as one Kafka record — Spark's Kafka sink.
//
// Owner: one sink actor (on a thread of its own: `blocking()`). The value is the row as a
// JSON object, or the string column `value_column` as is (Spark's `value` column); the key is
// column `key_column` (null or absent = null key); `headers_column` holds a JSON object or
// array of {"key","value"} pairs. `finish(k)` waits for every delivery report of trigger k and
// fails if a record was not delivered, so trigger k commits only when Kafka has all of it. A
// row whose record would be over the producer's `message.max.bytes` is not sent: `write`
// keeps it for take_rejected(), and the sink's actor sends it to the dead letters.
// Without a checkpoint, delivery is at-least-once: a trigger replayed after a failure writes
// its records again.
//
// Checkpointed (staged, docs/checkpoints.md): records are kept per trigger instead of
// produced; `prepare` hands an epoch's records to the coordinator, which commits them in the
// epoch's WriteBatch; `publish` produces them with headers `sluice-epoch` and `sluice-seq`
// (their number in the epoch). After a crash during a publish, the recovery publish first reads
// the tail of every partition of the topic and skips the (epoch, seq) already there — exactly
// once without broker transactions (the embedded broker does not enforce read_committed). The
// tail read assumes no other query writes the same epoch numbers to the topic.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>

#include "state/io/files/row_sink.hpp"
#include "state/io/kafka/kafka_producer.hpp"

namespace sluice {

struct kafka_sink_options {
  std::string brokers;
  std::string topic;
  std::string key_column;      // "" = null keys
  std::string value_column;    // "" = the whole row as JSON
  std::string headers_column;  // "" = no headers
  kafka_properties properties;
  status validate() const;
};

class kafka_sink final : public row_sink {
 public:
  explicit kafka_sink(kafka_sink_options options) : options_(std::move(options)) {}
  status open() override;
  status write(const batch& b) override;
  status finish(int64_t trigger, int64_t& rows) override;
  std::string description() const override { return "KafkaSink[" + options_.topic + "]"; }
  bool blocking() const override { return true; }
  void identify(const std::string& writer) override { writer_ = writer; }
  status stage(int64_t last_committed_trigger) override;
  status prepare(int64_t last_trigger, std::vector<std::string>& durable) override;
  status publish(int64_t epoch, int64_t last_trigger, const std::vector<std::string>& durable, bool recovering,
                 int64_t& published) override;
  const char* guarantee() const override { return staged_ ? "exactly-once" : "at-least-once"; }
  void set_warning_handler(std::function<void(std::string)> h) override { warn_ = std::move(h); }
  std::vector<rejected_row> take_rejected() override;

 private:
  std::string writer_;  // the "sluice-writer" header of published records (identify)
  kafka_sink_options options_;
  std::unique_ptr<kafka_producer> producer_;
  std::function<void(std::string)> warn_;
  int64_t rows_ = 0;
  std::string value_;
  bool staged_ = false;
  std::map<int64_t, std::vector<std::string>> pending_;  // staged: encoded records by trigger
  size_t max_record_bytes_ = 1000000;                    // the producer's message.max.bytes
  std::vector<rejected_row> rejected_;                   // rows of the last write too large to send
  /// Why a record cannot be sent (over message.max.bytes); empty when it can.
  std::string oversize_reason(const std::string* key, std::string_view value,
                              const std::vector<std::pair<std::string, std::string>>* headers) const;
  /// The sequence numbers of `epoch` already in the topic's tail (recovery).
  status published_seqs(int64_t epoch, size_t records, std::set<int64_t>& seen);
};

/// Parses a headers cell (JSON object of strings, or array of {"key","value"}).
status parse_kafka_headers(const std::string& text, std::vector<std::pair<std::string, std::string>>& out);

}  // namespace sluice
