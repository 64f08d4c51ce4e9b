#include "state/io/kafka/embedded_broker.hpp"

#include <librdkafka/rdkafka_mock.h>

#include <algorithm>

namespace sluice {

status embedded_broker::start(int brokers, std::unique_ptr<embedded_broker>& out) {
  if (brokers < 1 || brokers > 16) return status::invalid_argument("brokers must be from 1 to 16");
  rd_kafka_conf_t* conf = nullptr;
  auto st = make_kafka_conf("", {}, {}, &conf);
  if (!st.is_ok()) return st;
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!rk) return status::io_error(std::string("embedded broker: ") + err);
  std::unique_ptr<embedded_broker> b(new embedded_broker());
  b->owner_.reset(rk);
  b->cluster_ = rd_kafka_mock_cluster_new(rk, brokers);
  if (!b->cluster_) return status::io_error("embedded broker: librdkafka could not start its mock cluster");
  b->bootstrap_ = rd_kafka_mock_cluster_bootstraps(b->cluster_);
  b->brokers_ = brokers;
  out = std::move(b);
  return status::ok();
}

embedded_broker::~embedded_broker() {
  if (cluster_) rd_kafka_mock_cluster_destroy(cluster_);
  owner_.reset();
}

status embedded_broker::create_topic(const std::string& topic, int partitions) {
  if (topic.empty()) return status::invalid_argument("a topic needs a name");
  if (partitions < 1 || partitions > 1024)
    return status::invalid_argument("topic '" + topic + "': partitions must be from 1 to 1024");
  auto err = rd_kafka_mock_topic_create(cluster_, topic.c_str(), partitions, std::min(3, brokers_));
  if (err) return status::io_error("topic '" + topic + "': " + rd_kafka_err2str(err));
  return status::ok();
}

status embedded_broker::set_down(int id) {
  if (id < 1 || id > brokers_) return status::invalid_argument("no broker " + std::to_string(id));
  auto err = rd_kafka_mock_broker_set_down(cluster_, id);
  return err ? status::io_error(rd_kafka_err2str(err)) : status::ok();
}

status embedded_broker::set_up(int id) {
  if (id < 1 || id > brokers_) return status::invalid_argument("no broker " + std::to_string(id));
  auto err = rd_kafka_mock_broker_set_up(cluster_, id);
  return err ? status::io_error(rd_kafka_err2str(err)) : status::ok();
}

}  // namespace sluice
