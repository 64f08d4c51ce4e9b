// embedded_broker: librdkafka's mock cluster — a Kafka-protocol broker on 127.0.0.1 sockets
// inside this process, for development, tests and demos (`sluice broker`, and `sluice run`
// without `--brokers`). Not a Kafka replacement: it keeps everything in memory (gone when the
// process ends), keeps only the last 5 MiB or 100 000 message sets per partition, picks its
// own random ports, and does not enforce read_committed (spec/platform-notes.md §3).
//
// Owner: whoever starts it; destroying it stops the brokers (clients then see them as down).
// Brokers are numbered 1..N; `set_down`/`set_up` simulate an outage for fault tests.
#pragma once

#include <memory>
#include <string>

#include "state/io/kafka/kafka_client.hpp"

typedef struct rd_kafka_mock_cluster_s rd_kafka_mock_cluster_t;

namespace sluice {

class embedded_broker {
 public:
  static status start(int brokers, std::unique_ptr<embedded_broker>& out);
  ~embedded_broker();
  embedded_broker(const embedded_broker&) = delete;
  embedded_broker& operator=(const embedded_broker&) = delete;

  /// "127.0.0.1:port,…" — what clients put in bootstrap.servers.
  const std::string& bootstrap() const { return bootstrap_; }
  int brokers() const { return brokers_; }
  /// Creates `topic` with `partitions` partitions (replication = min(3, brokers)).
  status create_topic(const std::string& topic, int partitions);
  /// Takes broker `id` (1..N) off the network / back on.
  status set_down(int id);
  status set_up(int id);

 private:
  embedded_broker() = default;
  kafka_handle owner_;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
  std::string bootstrap_;
  int brokers_ = 0;
};

}  // namespace sluice
