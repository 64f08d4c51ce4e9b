// topic_log: every record of a Kafka topic from its start, then each new one as it comes — how a
// compacted topic is read as a table (the lookup join's table, state/operators/lookup/
// dimension_table.hpp): the latest value per key, a tombstone (null value) deleting it.
//
// Owner: one table; `poll` from one thread at a time. All partitions are assigned (a group id of
// its own for librdkafka, nothing committed). `caught_up()` turns true once every partition
// reached the high watermark it had when the log opened (or its end: a transaction marker may
// hold the last offset): the table as it was then is complete. A poll takes at most 10,000
// records, so the caller gets to stop between polls.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "state/io/kafka/kafka_client.hpp"

namespace sluice {

struct topic_record {
  std::string key;
  std::string value;
  bool tombstone = false;
};

class topic_log {
 public:
  [[nodiscard]] static status open(const std::string& brokers, const std::string& topic,
                                   std::unique_ptr<topic_log>& out);
  ~topic_log();
  /// Waits up to `timeout_ms` for records; appends what came.
  [[nodiscard]] status poll(int timeout_ms, std::vector<topic_record>& out);
  bool caught_up() const { return pending_.empty(); }
  const std::string& topic() const { return topic_; }

 private:
  topic_log(std::string topic, kafka_handle rk) : topic_(std::move(topic)), rk_(std::move(rk)) {}
  std::string topic_;
  kafka_handle rk_;
  std::map<int32_t, int64_t> pending_;  // partitions not yet read to their first high watermark
};

}  // namespace sluice
