#include "apps/launch/kafka_feed.hpp"

#include <chrono>

#include "state/io/gen/debezium_generator.hpp"

namespace sluice {

status produce_generated(kafka_producer& producer, const std::vector<feed_topic>& topics, double rate,
                         const std::atomic<bool>& stop, int64_t& produced) {
  uint64_t count = 0;
  bool unbounded = false;
  for (const auto& t : topics) {
    count = std::max(count, t.spec.count);
    unbounded |= t.spec.count == 0;
  }
  auto start = std::chrono::steady_clock::now();
  for (uint64_t i = 0; (unbounded || i < count) && !stop.load(); ++i) {
    if (rate > 0) {
      auto due = start + std::chrono::microseconds(static_cast<int64_t>(static_cast<double>(i) * 1e6 / rate));
      while (std::chrono::steady_clock::now() < due && !stop.load()) {
        producer.poll();
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
            due - std::chrono::steady_clock::now(), std::chrono::milliseconds(20)));
      }
    }
    for (const auto& t : topics) {
      if (t.spec.count != 0 && i >= t.spec.count) continue;
      std::string text = generate_record(t.spec, t.first + i);
      size_t begin = 0;
      while (begin < text.size()) {  // a position may hold two records (a late payment)
        size_t nl = text.find('\n', begin);
        if (nl == std::string::npos) nl = text.size();
        std::string rec = text.substr(begin, nl - begin);
        begin = nl + 1;
        std::string key, value;
        bool tombstone;
        split_generated_record(t.spec.kind, rec, key, value, tombstone);
        auto s = producer.produce(t.topic, tombstone ? std::string_view{} : std::string_view(value),
                                  key.empty() ? nullptr : &key);
        if (!s.is_ok()) return s;
        ++produced;
      }
    }
    if ((i & 1023) == 0) producer.poll();
  }
  return producer.flush();
}

kafka_feed::kafka_feed(std::string brokers, std::vector<feed_topic> topics, double rate,
                       std::function<void(std::string)> warn)
    : brokers_(std::move(brokers)), topics_(std::move(topics)), rate_(rate), warn_(std::move(warn)) {
  thread_ = std::thread([this] { run(); });
}

kafka_feed::~kafka_feed() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

std::string kafka_feed::error() const {
  std::lock_guard<std::mutex> g(mu_);
  return error_;
}

void kafka_feed::run() {
  std::unique_ptr<kafka_producer> producer;
  auto s = kafka_producer::create(brokers_, {}, producer);
  if (s.is_ok()) {
    producer->set_warning_handler(warn_);
    int64_t n = 0;
    s = produce_generated(*producer, topics_, rate_, stop_, n);
    produced_ = n;
  }
  if (!s.is_ok() && !stop_) {
    std::lock_guard<std::mutex> g(mu_);
    error_ = "input feed: " + s.message();
  }
  done_->store(true);
}

}  // namespace sluice
