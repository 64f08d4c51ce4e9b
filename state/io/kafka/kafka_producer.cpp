#include "state/io/kafka/kafka_producer.hpp"

#include <chrono>
#include <cstdlib>

namespace sluice {

namespace {

void delivery_trampoline(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  static_cast<kafka_producer*>(opaque)->on_delivery(m);
}

void error_trampoline(rd_kafka_t*, int err, const char* reason, void* opaque) {
  static_cast<kafka_producer*>(opaque)->on_error(err, reason);
}

}  // namespace

status kafka_producer::create(const std::string& brokers, const kafka_properties& properties,
                              std::unique_ptr<kafka_producer>& out) {
  std::unique_ptr<kafka_producer> p(new kafka_producer());
  rd_kafka_conf_t* conf = nullptr;
  auto st = make_kafka_conf(brokers, {{"linger.ms", "5"}, {"acks", "all"}, {"enable.idempotence", "false"}}, properties,
                            &conf);
  if (!st.is_ok()) return st;
  rd_kafka_conf_set_opaque(conf, p.get());
  rd_kafka_conf_set_dr_msg_cb(conf, delivery_trampoline);
  rd_kafka_conf_set_error_cb(conf, error_trampoline);
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!rk) return status::io_error(std::string("kafka producer: ") + err);
  p->rk_.reset(rk);
  out = std::move(p);
  return status::ok();
}

void kafka_producer::on_delivery(const rd_kafka_message_t* m) {
  if (!m->err) {
    ++delivered_;
    if (outage_) {
      outage_ = false;
      if (warn_) warn_("kafka: delivering again");
    }
    return;
  }
  if (failed_++ == 0)
    first_failure_ = "a record for " + std::string(rd_kafka_topic_name(m->rkt)) + "/" + std::to_string(m->partition) +
                     " could not be delivered: " + rd_kafka_err2str(m->err);
}

void kafka_producer::on_error(int err, const char* reason) {
  auto e = static_cast<rd_kafka_resp_err_t>(err);
  if (is_transient_kafka_error(e)) {
    if (!outage_ && warn_)
      warn_("kafka: " + describe_kafka_error(e, reason) + "; records wait in the producer and are retried");
    outage_ = true;
  } else if (warn_) {
    warn_("kafka producer: " + describe_kafka_error(e, reason));
  }
}

status kafka_producer::produce(const std::string& topic, std::string_view value, const std::string* key,
                               const std::vector<std::pair<std::string, std::string>>* headers, int32_t partition) {
  rd_kafka_headers_t* hdrs = nullptr;
  for (;;) {
    if (headers && !headers->empty()) {
      hdrs = rd_kafka_headers_new(headers->size());
      for (const auto& [k, v] : *headers)
        rd_kafka_header_add(hdrs, k.data(), static_cast<ssize_t>(k.size()), v.data(), static_cast<ssize_t>(v.size()));
    }
    // Null headers are allowed; on success librdkafka takes them over.
    rd_kafka_resp_err_t err = rd_kafka_producev(
        rk_.get(), RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
        RD_KAFKA_V_KEY(key ? key->data() : nullptr, key ? key->size() : 0), RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_END);
    if (!err) return status::ok();
    if (hdrs) rd_kafka_headers_destroy(hdrs);  // not taken over on failure
    hdrs = nullptr;
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL)
      return status::io_error("kafka produce to '" + topic + "': " + rd_kafka_err2str(err));
    rd_kafka_poll(rk_.get(), 10);  // make room: serve delivery reports, then retry
  }
}

size_t kafka_producer::max_record_bytes() const {
  char buf[32];
  size_t size = sizeof buf;
  if (rd_kafka_conf_get(rd_kafka_conf(rk_.get()), "message.max.bytes", buf, &size) != RD_KAFKA_CONF_OK) return 1000000;
  return static_cast<size_t>(std::strtoull(buf, nullptr, 10));
}

status kafka_producer::flush(int timeout_ms) {
  auto start = std::chrono::steady_clock::now();
  while (rd_kafka_outq_len(rk_.get()) > 0) {
    rd_kafka_flush(rk_.get(), 200);
    if (timeout_ms > 0 && std::chrono::steady_clock::now() - start > std::chrono::milliseconds(timeout_ms))
      return status::io_error("kafka flush: " + std::to_string(rd_kafka_outq_len(rk_.get())) +
                              " records still undelivered after " + std::to_string(timeout_ms) + " ms");
  }
  rd_kafka_poll(rk_.get(), 0);
  if (failed_ > 0)
    return status::io_error(first_failure_ + (failed_ > 1 ? " (and " + std::to_string(failed_ - 1) + " more)" : ""));
  return status::ok();
}

}  // namespace sluice
