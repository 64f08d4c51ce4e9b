// kafka_feed: generated records produced into Kafka topics in the background — how an app's
// default run gets its input on the embedded broker, and what `sluice gen --to kafka:TOPIC`
// does in the foreground.
//
// Owner: the run (app_runtime::keep_alive); destroying it stops the thread and waits for it.
// Record n of every topic is produced before record n+1 of any (so the streams keep pace),
// keyed by the record's natural key (generator_record_key), at `rate` records per second per
// topic (0 = as fast as the broker takes them). When all records are delivered, `done` is
// raised — Kafka sources given it as their end signal then end at the offsets of that moment.
// A record that cannot be delivered stops the feed; `error()` says why (and `done` is raised
// so the queries end and the run can report it).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "state/io/gen/generator_reader.hpp"
#include "state/io/kafka/kafka_producer.hpp"

namespace sluice {

struct feed_topic {
  std::string topic;
  generator_spec spec;  // spec.count records (0 = until stopped); spec.rate is ignored
  uint64_t first = 0;   // the index of the first record: records first … first + count − 1
};

/// Produces `spec.count` records of each topic (blocking); `stop` ends it early.
status produce_generated(kafka_producer& producer, const std::vector<feed_topic>& topics, double rate,
                         const std::atomic<bool>& stop, int64_t& produced);

class kafka_feed {
 public:
  kafka_feed(std::string brokers, std::vector<feed_topic> topics, double rate,
             std::function<void(std::string)> warn = nullptr);
  ~kafka_feed();
  std::shared_ptr<std::atomic<bool>> done() const { return done_; }
  /// "" while fine; otherwise why the feed stopped.
  std::string error() const;
  int64_t produced() const { return produced_; }

 private:
  void run();
  std::string brokers_;
  std::vector<feed_topic> topics_;
  double rate_;
  std::function<void(std::string)> warn_;
  std::shared_ptr<std::atomic<bool>> done_ = std::make_shared<std::atomic<bool>>(false);
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> produced_{0};
  mutable std::mutex mu_;
  std::string error_;
  std::thread thread_;
};

}  // namespace sluice
