#include "state/io/kafka/topic_log.hpp"

namespace sluice {

status topic_log::open(const std::string& brokers, const std::string& topic, std::unique_ptr<topic_log>& out) {
  rd_kafka_conf_t* conf = nullptr;
  auto s = make_kafka_conf(
      brokers,
      {{"enable.auto.commit", "false"}, {"enable.partition.eof", "true"}, {"group.id", "sluice-table." + topic}}, {},
      &conf);
  if (!s.is_ok()) return s;
  char err[512];
  kafka_handle rk(rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err));
  if (!rk) {
    rd_kafka_conf_destroy(conf);
    return status::io_error(std::string("kafka table ") + topic + ": " + err);
  }
  std::vector<int32_t> parts;
  s = kafka_topic_partitions(rk.get(), topic, parts);
  if (!s.is_ok()) return s;
  std::unique_ptr<topic_log> log(new topic_log(topic, std::move(rk)));
  auto* list = rd_kafka_topic_partition_list_new(static_cast<int>(parts.size()));
  for (auto p : parts) {
    int64_t low = 0, high = 0;
    s = query_kafka_watermarks(log->rk_.get(), topic, p, low, high);
    if (!s.is_ok()) {
      rd_kafka_topic_partition_list_destroy(list);
      return s;
    }
    if (high > low) log->pending_[p] = high;
    rd_kafka_topic_partition_list_add(list, topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  }
  auto err_code = rd_kafka_assign(log->rk_.get(), list);
  rd_kafka_topic_partition_list_destroy(list);
  if (err_code) return status::io_error("kafka table " + topic + ": " + rd_kafka_err2str(err_code));
  out = std::move(log);
  return status::ok();
}

topic_log::~topic_log() {
  if (rk_) rd_kafka_consumer_close(rk_.get());
}

status topic_log::poll(int timeout_ms, std::vector<topic_record>& out) {
  constexpr int max_records = 10000;
  for (int wait = timeout_ms, n = 0; n < max_records; wait = 0, ++n) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_.get(), wait);
    if (!m) return status::ok();
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) pending_.erase(m->partition);
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF || (m->err && is_transient_kafka_error(m->err))) {
      rd_kafka_message_destroy(m);
      continue;
    }
    if (m->err) {
      std::string why = rd_kafka_message_errstr(m);
      rd_kafka_message_destroy(m);
      return status::io_error("kafka table " + topic_ + ": " + why);
    }
    topic_record r;
    if (m->key) r.key.assign(static_cast<const char*>(m->key), m->key_len);
    r.tombstone = m->payload == nullptr;
    if (m->payload) r.value.assign(static_cast<const char*>(m->payload), m->len);
    auto p = pending_.find(m->partition);
    if (p != pending_.end() && m->offset + 1 >= p->second) pending_.erase(p);
    rd_kafka_message_destroy(m);
    out.push_back(std::move(r));
  }
  return status::ok();
}

}  // namespace sluice
