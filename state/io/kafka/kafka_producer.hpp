// kafka_producer: a librdkafka producer that never loses a record silently.
//
// Owner: one sink, the dead-letter output, `sluice gen`, an app's feeder or a benchmark; one
// thread at a time. `produce` copies the record into librdkafka's queue, riding out
// QUEUE_FULL by serving delivery reports and retrying (platform-notes §3); `flush` waits
// until every record produced so far has a delivery report and fails if any record could not
// be delivered (its topic, partition and librdkafka's reason in the message). While a broker
// is unreachable librdkafka retries with back-off for `message.timeout.ms` (default 5 min);
// `flush` reports the outage once through the warning handler and keeps waiting.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "state/io/kafka/kafka_client.hpp"

namespace sluice {

class kafka_producer {
 public:
  static status create(const std::string& brokers, const kafka_properties& properties,
                       std::unique_ptr<kafka_producer>& out);
  ~kafka_producer() = default;

  /// `key` null = a null key; `headers` pairs become record headers.
  status produce(const std::string& topic, std::string_view value, const std::string* key = nullptr,
                 const std::vector<std::pair<std::string, std::string>>* headers = nullptr,
                 int32_t partition = RD_KAFKA_PARTITION_UA);
  /// Waits for all delivery reports (up to `timeout_ms`, 0 = as long as librdkafka retries).
  status flush(int timeout_ms = 0);
  /// Serves delivery reports without waiting (call now and then while producing a lot).
  void poll() { rd_kafka_poll(rk_.get(), 0); }

  /// The largest record (key + value + headers) librdkafka accepts: `message.max.bytes`.
  size_t max_record_bytes() const;

  int64_t delivered() const { return delivered_; }
  int64_t failed() const { return failed_; }
  rd_kafka_t* handle() const { return rk_.get(); }
  void set_warning_handler(std::function<void(std::string)> h) { warn_ = std::move(h); }

  /// librdkafka callbacks (public for the C trampolines only).
  void on_delivery(const rd_kafka_message_t* m);
  void on_error(int err, const char* reason);

 private:
  kafka_producer() = default;
  kafka_handle rk_;
  int64_t delivered_ = 0;
  int64_t failed_ = 0;
  std::string first_failure_;
  bool outage_ = false;
  std::function<void(std::string)> warn_;
};

}  // namespace sluice
