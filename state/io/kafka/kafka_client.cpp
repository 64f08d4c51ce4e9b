#include "state/io/kafka/kafka_client.hpp"

#include <vector>

namespace sluice {

void kafka_handle_deleter::operator()(rd_kafka_t* rk) const {
  if (rk) rd_kafka_destroy(rk);
}

status make_kafka_conf(const std::string& brokers, const kafka_properties& defaults, const kafka_properties& user,
                       rd_kafka_conf_t** out) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  auto set = [&](const std::string& k, const std::string& v, const char* whose) -> status {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK)
      return status::invalid_argument(std::string(whose) + " Kafka property '" + k + "' = '" + v + "': " + err);
    return status::ok();
  };
  kafka_properties base = {{"reconnect.backoff.ms", "100"}, {"reconnect.backoff.max.ms", "10000"}, {"log_level", "3"}};
  if (!brokers.empty()) base["bootstrap.servers"] = brokers;
  for (const auto& [k, v] : defaults) base[k] = v;
  for (const auto& [k, v] : base) {
    if (user.count(k)) continue;
    auto s = set(k, v, "sluice's");
    if (!s.is_ok()) {
      rd_kafka_conf_destroy(conf);
      return s;
    }
  }
  for (const auto& [k, v] : user) {
    auto s = set(k, v, "the");
    if (!s.is_ok()) {
      rd_kafka_conf_destroy(conf);
      return s;
    }
  }
  // Library code never prints: librdkafka's own log lines are dropped; what matters reaches
  // the owner through the error callback (as a warning or an error value).
  rd_kafka_conf_set_log_cb(conf, [](const rd_kafka_t*, int, const char*, const char*) {});
  *out = conf;
  return status::ok();
}

bool is_transient_kafka_error(rd_kafka_resp_err_t err) {
  switch (err) {
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
    case RD_KAFKA_RESP_ERR__RESOLVE:
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
    case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION:
    case RD_KAFKA_RESP_ERR_NOT_COORDINATOR:
    case RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS:
    case RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION:
    case RD_KAFKA_RESP_ERR_BROKER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR__WAIT_COORD:
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
      return true;
    default:
      return false;
  }
}

std::string describe_kafka_error(rd_kafka_resp_err_t err, const char* reason) {
  std::string what = rd_kafka_err2str(err);
  if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN || err == RD_KAFKA_RESP_ERR__TRANSPORT ||
      err == RD_KAFKA_RESP_ERR__RESOLVE)
    what = "broker unreachable (" + what + ")";
  if (reason && *reason) what += ": " + std::string(reason);
  return what;
}

status query_kafka_watermarks(rd_kafka_t* rk, const std::string& topic, int32_t partition, int64_t& low, int64_t& high,
                              int timeout_ms) {
  auto err = rd_kafka_query_watermark_offsets(rk, topic.c_str(), partition, &low, &high, timeout_ms);
  if (err)
    return status::io_error("offsets of " + topic + "/" + std::to_string(partition) + ": " + rd_kafka_err2str(err));
  return status::ok();
}

status kafka_topic_partitions(rd_kafka_t* rk, const std::string& topic, std::vector<int32_t>& out, int timeout_ms) {
  out.clear();
  rd_kafka_topic_t* t = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  auto err = rd_kafka_metadata(rk, 0, t, &md, timeout_ms);
  rd_kafka_topic_destroy(t);
  if (err) return status::io_error("metadata of topic '" + topic + "': " + rd_kafka_err2str(err));
  status st = status::ok();
  for (int i = 0; i < md->topic_cnt; ++i) {
    const auto& tm = md->topics[i];
    if (tm.err) {
      st = status::not_found("topic '" + topic + "': " + rd_kafka_err2str(tm.err));
      continue;
    }
    for (int p = 0; p < tm.partition_cnt; ++p) out.push_back(tm.partitions[p].id);
  }
  rd_kafka_metadata_destroy(md);
  if (st.is_ok() && out.empty()) st = status::not_found("topic '" + topic + "' has no partitions");
  return st;
}

}  // namespace sluice
