#include "state/io/kafka/kafka_reader.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <optional>

#include "messages/codec/json_codec.hpp"
#include "state/io/kafka/kafka_producer.hpp"

namespace sluice {

namespace json = boost::json;

namespace {

void rebalance_trampoline(rd_kafka_t*, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts, void* opaque) {
  static_cast<kafka_reader*>(opaque)->on_rebalance(err, parts);
}

void error_trampoline(rd_kafka_t*, int err, const char* reason, void* opaque) {
  static_cast<kafka_reader*>(opaque)->on_error(err, reason);
}

status parse_assign(const std::string& text, std::vector<topic_partition>& out) {
  json::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object())
    return status::invalid_argument("assign '" + text + "': expected a JSON object like {\"topic\":[0,1]}");
  for (const auto& t : v.as_object()) {
    if (!t.value().is_array())
      return status::invalid_argument("assign: topic '" + std::string(t.key()) + "' needs an array of partitions");
    for (const auto& p : t.value().as_array()) {
      auto n = p.if_int64();
      if (!n || *n < 0 || *n > INT32_MAX)
        return status::invalid_argument("assign: topic '" + std::string(t.key()) +
                                        "' has a partition that is not a number");
      out.emplace_back(std::string(t.key()), static_cast<int32_t>(*n));
    }
  }
  if (out.empty()) return status::invalid_argument("assign: no partitions given");
  return status::ok();
}

}  // namespace

status kafka_source_options::validate() const {
  if (brokers.empty()) return status::invalid_argument("kafka source: 'brokers' is empty; give host:port[,host:port]");
  if (topics.empty() == assign.empty())
    return status::invalid_argument("kafka source: give either 'subscribe' (topics) or 'assign' (partitions), not " +
                                    std::string(topics.empty() ? "neither" : "both"));
  if (!assign.empty()) {
    std::vector<topic_partition> tps;
    auto s = parse_assign(assign, tps);
    if (!s.is_ok()) return s;
  }
  kafka_starting_offsets so;
  auto s = kafka_starting_offsets::parse(starting_offsets, so);
  if (!s.is_ok()) return s;
  if (!ending_offsets.empty() && ending_offsets != "latest")
    return status::invalid_argument("kafka source: endingOffsets '" + ending_offsets +
                                    "': only \"latest\" (or nothing, for an unbounded stream) is accepted");
  if (max_offsets_per_trigger < 0)
    return status::invalid_argument("kafka source: maxOffsetsPerTrigger must be ≥ 0 (0 = the query's cap)");
  for (const auto& [k, v] : properties)
    if (k == "enable.auto.commit" && v == "true")
      return status::invalid_argument(
          "kafka source: enable.auto.commit=true would commit offsets the query has not processed; sluice commits "
          "them itself after each trigger");
  return status::ok();
}

std::string kafka_source_options::describe() const {
  std::string s = "KafkaV2[";
  if (!topics.empty()) {
    s += "Subscribe[";
    for (size_t i = 0; i < topics.size(); ++i) s += (i ? "," : "") + topics[i];
  } else {
    s += "Assign[" + assign;
  }
  return s + "]]";
}

kafka_reader::kafka_reader(kafka_source_options options) : options_(std::move(options)) {
  kafka_starting_offsets::parse(options_.starting_offsets, starting_);
  subscribe_ = !options_.topics.empty();
  if (options_.group_id.empty()) options_.group_id = "sluice-" + options_.describe();
}

kafka_reader::~kafka_reader() {
  if (!rk_) return;
  if (subscribe_) {
    closing_ = true;
    rd_kafka_consumer_close(rk_.get());
  }
  rk_.reset();
}

std::vector<topic_partition> kafka_reader::assignment() const {
  std::lock_guard<std::mutex> g(mu_);
  return {assigned_.begin(), assigned_.end()};
}

status kafka_reader::open() {
  kafka_properties defaults = {
      {"enable.auto.commit", "false"},         {"enable.auto.offset.store", "false"},
      {"auto.offset.reset", "error"},          {"enable.partition.eof", "true"},
      {"session.timeout.ms", "6000"},  // Kafka's least: a killed member's partitions move on soon
      {"heartbeat.interval.ms", "500"},        {"partition.assignment.strategy", "range,roundrobin"},
      {"queued.max.messages.kbytes", "16384"}, {"group.id", options_.group_id},
  };
  rd_kafka_conf_t* conf = nullptr;
  auto st = make_kafka_conf(options_.brokers, defaults, options_.properties, &conf);
  if (!st.is_ok()) return st;
  rd_kafka_conf_set_opaque(conf, this);
  rd_kafka_conf_set_error_cb(conf, error_trampoline);
  if (subscribe_) rd_kafka_conf_set_rebalance_cb(conf, rebalance_trampoline);
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (!rk) return status::io_error(std::string("kafka consumer: ") + err);
  rk_.reset(rk);
  rd_kafka_poll_set_consumer(rk);
  if (subscribe_) {
    auto* list = rd_kafka_topic_partition_list_new(static_cast<int>(options_.topics.size()));
    for (const auto& t : options_.topics) rd_kafka_topic_partition_list_add(list, t.c_str(), RD_KAFKA_PARTITION_UA);
    auto e = rd_kafka_subscribe(rk, list);
    rd_kafka_topic_partition_list_destroy(list);
    if (e) return status::io_error(std::string("kafka subscribe: ") + rd_kafka_err2str(e));
  } else {
    std::vector<topic_partition> tps;
    auto s = parse_assign(options_.assign, tps);
    if (!s.is_ok()) return s;
    auto* list = rd_kafka_topic_partition_list_new(static_cast<int>(tps.size()));
    for (const auto& tp : tps) {
      auto it = position_.find(tp);
      int64_t start = 0;
      s = resolve_start(tp, it != position_.end() ? it->second : starting_.for_partition(tp), start);
      if (!s.is_ok()) {
        rd_kafka_topic_partition_list_destroy(list);
        return s;
      }
      rd_kafka_topic_partition_list_add(list, tp.first.c_str(), tp.second)->offset = start;
      std::lock_guard<std::mutex> g(mu_);
      assigned_.insert(tp);
      committed_[tp] = std::max(committed_.count(tp) ? committed_[tp] : 0, start);
    }
    auto e = rd_kafka_assign(rk, list);
    rd_kafka_topic_partition_list_destroy(list);
    if (e) return status::io_error(std::string("kafka assign: ") + rd_kafka_err2str(e));
  }
  opened_ = true;
  if (options_.ending_offsets == "latest") return determine_end();
  return status::ok();
}

status kafka_reader::resolve_start(const topic_partition& tp, int64_t wanted, int64_t& start) {
  int64_t low = 0, high = 0;
  auto s = query_kafka_watermarks(rk_.get(), tp.first, tp.second, low, high);
  if (!s.is_ok()) return s;
  if (wanted == kafka_offset_earliest) wanted = low;
  if (wanted == kafka_offset_latest) wanted = high;
  if (wanted < low || wanted > high) {
    std::string what = "offsets vanished in " + tp_name(tp) + ": the query wants offset " + std::to_string(wanted) +
                       " but the partition holds " + std::to_string(low) + ".." + std::to_string(high);
    if (options_.fail_on_data_loss)
      return status::io_error(what +
                              " (retention deleted them, or the topic was recreated); set failOnDataLoss=false "
                              "to go on from the earliest offset");
    // Below the log start: those offsets are gone. Past the end: the topic was recreated (or
    // truncated), so its records from the start are new ones, never read — read them.
    int64_t skipped = wanted < low ? low - wanted : 0;
    data_loss_skipped_ += skipped;
    warn(what + "; failOnDataLoss=false: going on from offset " + std::to_string(low) + " (" + std::to_string(skipped) +
         " offsets skipped" +
         (wanted > high ? std::string(", the partition was recreated or truncated") : std::string()) + ")");
    wanted = low;
  }
  start = wanted;
  position_[tp] = start;
  return status::ok();
}

status kafka_reader::handle_message(rd_kafka_message_t* m) {
  if (m->err) {
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      if (m->rkt) eof_[{rd_kafka_topic_name(m->rkt), m->partition}] = m->offset;
      return status::ok();
    }
    if ((m->err == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET || m->err == RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE) && m->rkt) {
      topic_partition tp{rd_kafka_topic_name(m->rkt), m->partition};
      int64_t wanted = position_.count(tp) ? position_[tp] : m->offset;
      int64_t start = 0;
      auto s = resolve_start(tp, wanted, start);  // fails (failOnDataLoss) or warns and moves on
      if (!s.is_ok()) return s;
      auto* list = rd_kafka_topic_partition_list_new(1);
      rd_kafka_topic_partition_list_add(list, tp.first.c_str(), tp.second)->offset = start;
      auto* e = rd_kafka_seek_partitions(rk_.get(), list, 10000);
      rd_kafka_topic_partition_list_destroy(list);
      if (e) {
        auto s2 = status::io_error("kafka seek " + tp_name(tp) + ": " + rd_kafka_error_string(e));
        rd_kafka_error_destroy(e);
        return s2;
      }
      return status::ok();
    }
    on_error(m->err, rd_kafka_message_errstr(m));
    return status::ok();
  }
  if (outage_) {
    warn("kafka: receiving again");
    outage_ = false;
  }
  partition_cursor& c = cursor(m->rkt, m->partition);
  if (!c.assigned) return status::ok();                            // from before a rebalance
  if (c.position && m->offset < *c.position) return status::ok();  // already handed out
  if (m->offset >= c.end) return status::ok();                     // past the end of a bounded read
  pending_record p;
  p.offset = m->offset;
  if (m->payload) p.record.payload.assign(static_cast<const char*>(m->payload), m->len);
  p.record.ordinal = static_cast<uint64_t>(m->offset);
  if (!options_.with_metadata) {  // decoded values: the record only needs its place (for dead letters)
    p.record.meta = c.place;
    c.queue->push_back(std::move(p));
    ++pending_count_;
    return status::ok();
  }
  auto meta = std::make_shared<record_metadata>(*c.place);
  meta->offset = m->offset;
  rd_kafka_timestamp_type_t tstype;
  meta->timestamp_ms = rd_kafka_message_timestamp(m, &tstype);
  meta->timestamp_type = tstype == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME ? 1 : 0;
  meta->null_value = m->payload == nullptr;
  if (m->key) {
    meta->has_key = true;
    meta->key.assign(static_cast<const char*>(m->key), m->key_len);
  }
  rd_kafka_headers_t* hdrs = nullptr;
  if (options_.include_headers && rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR && hdrs) {
    std::string h = "[";
    const char* name;
    const void* val;
    size_t size;
    for (size_t i = 0; rd_kafka_header_get_all(hdrs, i, &name, &val, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i) {
      h += i ? ",{\"key\":" : "{\"key\":";
      append_json_string(h, name);
      h += ",\"value\":";
      if (val)
        append_json_string(h, std::string_view(static_cast<const char*>(val), size));
      else
        h += "null";
      h += "}";
    }
    meta->headers = h + "]";
  }
  p.record.meta = std::move(meta);
  c.queue->push_back(std::move(p));
  ++pending_count_;
  return status::ok();
}

kafka_reader::partition_cursor& kafka_reader::cursor(const rd_kafka_topic_t* rkt, int32_t partition) {
  const char* name = rd_kafka_topic_name(rkt);
  auto it = cursors_.find({rkt, partition});
  if (it != cursors_.end() && it->second.place->topic == name) return it->second;
  topic_partition tp{name, partition};
  partition_cursor c;
  c.assigned = assigned_.count(tp) > 0;  // written only on this thread: no lock needed to read
  if (auto pos = position_.find(tp); pos != position_.end()) c.position = &pos->second;
  if (auto e = end_.find(tp); end_known_ && e != end_.end()) c.end = e->second;
  c.queue = &pending_[tp];
  auto place = std::make_shared<record_metadata>();
  place->topic = tp.first;
  place->partition = tp.second;
  c.place = std::move(place);
  return cursors_[{rkt, partition}] = std::move(c);
}

status kafka_reader::determine_end() {
  std::vector<topic_partition> tps;
  if (subscribe_) {
    for (const auto& t : options_.topics) {
      std::vector<int32_t> parts;
      auto s = kafka_topic_partitions(rk_.get(), t, parts);
      if (!s.is_ok()) return s;
      for (auto p : parts) tps.emplace_back(t, p);
    }
  } else {
    auto s = parse_assign(options_.assign, tps);
    if (!s.is_ok()) return s;
  }
  for (const auto& tp : tps) {
    int64_t low = 0, high = 0;
    auto s = query_kafka_watermarks(rk_.get(), tp.first, tp.second, low, high);
    if (!s.is_ok()) return s;
    end_[tp] = high;
    (void)low;
  }
  end_known_ = true;
  cursors_.clear();
  return status::ok();
}

bool kafka_reader::exhausted() const {
  if (!end_known_ || pending_count_ != 0) return false;
  for (const auto& [tp, end] : end_) {
    auto p = position_.find(tp);
    if (p == position_.end() ? end > 0 : p->second < end) return false;
  }
  return true;
}

void kafka_reader::hand_out(size_t budget, std::vector<raw_record>& out) {
  // Equal shares across partitions with records waiting; a share a partition cannot use goes to
  // the others (smallest queues are served first so their leftovers can be redistributed).
  std::vector<std::pair<size_t, topic_partition>> queues;
  for (const auto& [tp, q] : pending_)
    if (!q.empty()) queues.emplace_back(q.size(), tp);
  std::sort(queues.begin(), queues.end());
  size_t left = std::min(budget, pending_count_);
  for (size_t i = 0; i < queues.size() && left > 0; ++i) {
    size_t share = (left + (queues.size() - i) - 1) / (queues.size() - i);
    auto& q = pending_[queues[i].second];
    int64_t& position = position_[queues[i].second];
    size_t take = std::min(share, q.size());
    for (size_t k = 0; k < take; ++k) {
      position = q.front().offset + 1;
      out.push_back(std::move(q.front().record));
      q.pop_front();
    }
    pending_count_ -= take;
    left -= take;
  }
}

status kafka_reader::read(size_t max, int64_t, std::vector<raw_record>& out) {
  if (!opened_) {
    auto s = open();
    if (!s.is_ok()) return s;
  }
  if (!deferred_.is_ok()) return deferred_;
  if (options_.end_signal && !end_known_ && options_.end_signal->load()) {
    auto s = determine_end();
    if (!s.is_ok()) return s;
  }
  size_t budget = max == 0 ? 100000 : max;
  if (options_.max_offsets_per_trigger > 0)
    budget = std::min(budget, static_cast<size_t>(options_.max_offsets_per_trigger));
  if (end_known_) {
    if (subscribe_ && !assigned_once_) {  // the group's first assignment comes through polls
      auto s = await_assignment();
      if (!s.is_ok()) return s;
    }
    auto held = assignment();
    kafka_offset_map from;
    for (const auto& tp : held)
      if (auto p = position_.find(tp); p != position_.end()) from[tp] = p->second;
    return read_range(plan_ranges(from, end_, static_cast<int64_t>(budget)), out);
  }
  bool first = true;
  while (pending_count_ < budget) {
    int timeout = first && pending_count_ == 0 && !exhausted() ? options_.poll_timeout_ms : 0;
    first = false;
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_.get(), timeout);
    if (!m) break;
    auto s = handle_message(m);
    rd_kafka_message_destroy(m);
    if (!s.is_ok()) return s;
    if (!deferred_.is_ok()) return deferred_;
  }
  hand_out(budget, out);
  return status::ok();
}

status kafka_reader::seek(const std::string& position) {
  kafka_offset_map offsets;
  auto s = parse_kafka_offsets(position, offsets);
  if (!s.is_ok()) return status::corruption("kafka source position: " + s.message());
  if (opened_) return status::unsupported("kafka source: seek after the first read");
  for (const auto& [tp, off] : offsets) position_[tp] = off;
  return status::ok();
}

}  // namespace sluice
