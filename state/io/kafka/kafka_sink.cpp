#include "state/io/kafka/kafka_sink.hpp"

#include <boost/json.hpp>
#include <chrono>
#include <utility>

#include "messages/codec/json_codec.hpp"
#include "state/io/kafka/kafka_client.hpp"
#include "state/store/bytes.hpp"

namespace sluice {

namespace json = boost::json;

status kafka_sink_options::validate() const {
  if (brokers.empty()) return status::invalid_argument("kafka sink: 'brokers' is empty; give host:port[,host:port]");
  if (topic.empty()) return status::invalid_argument("kafka sink: 'topic' is empty; name the topic to write to");
  return status::ok();
}

status parse_kafka_headers(const std::string& text, std::vector<std::pair<std::string, std::string>>& out) {
  out.clear();
  json::error_code ec;
  auto v = json::parse(text, ec);
  if (ec) return status::invalid_argument("headers cell is not JSON: " + text);
  auto str = [](const json::value& x) { return x.is_string() ? std::string(x.as_string()) : json::serialize(x); };
  if (v.is_object()) {
    for (const auto& kv : v.as_object()) out.emplace_back(std::string(kv.key()), str(kv.value()));
    return status::ok();
  }
  if (v.is_array()) {
    for (const auto& h : v.as_array()) {
      const auto* o = h.if_object();
      if (!o || !o->contains("key")) return status::invalid_argument("headers: each entry needs a \"key\"");
      out.emplace_back(str(o->at("key")), o->contains("value") && !o->at("value").is_null() ? str(o->at("value")) : "");
    }
    return status::ok();
  }
  return status::invalid_argument("headers cell must be a JSON object or an array of {\"key\",\"value\"}");
}

status kafka_sink::open() {
  auto s = options_.validate();
  if (!s.is_ok()) return s;
  s = kafka_producer::create(options_.brokers, options_.properties, producer_);
  if (!s.is_ok()) return s;
  max_record_bytes_ = producer_->max_record_bytes();
  producer_->set_warning_handler(warn_);
  return status::ok();
}

status kafka_sink::write(const batch& b) {
  const schema& sc = *b.schema;
  auto col = [&](const std::string& name, const char* what) -> std::optional<size_t> {
    if (name.empty()) return std::nullopt;
    auto i = sc.index_of(name);
    if (!i)
      throw std::invalid_argument("kafka sink: " + std::string(what) + " column '" + name + "' is not in the rows");
    return i;
  };
  std::optional<size_t> key_i, value_i, headers_i;
  try {
    key_i = col(options_.key_column, "key");
    value_i = col(options_.value_column, "value");
    headers_i = col(options_.headers_column, "headers");
  } catch (const std::invalid_argument& e) {
    return status::invalid_argument(e.what());
  }
  std::string key;
  std::vector<std::pair<std::string, std::string>> headers;
  size_t n = 0;
  int64_t accepted = 0;
  for (const auto& r : b.rows) {
    const std::string* key_ptr = nullptr;
    if (key_i && !is_null(r.values[*key_i])) {
      const auto& kv = r.values[*key_i];
      key = std::holds_alternative<std::string>(kv) ? std::get<std::string>(kv) : to_display(kv);
      key_ptr = &key;
    }
    std::string_view payload;
    if (value_i) {
      const auto& v = r.values[*value_i];
      if (const auto* s = std::get_if<std::string>(&v)) {
        payload = *s;
      } else {
        value_ = is_null(v) ? "" : to_display(v);
        payload = value_;
      }
    } else {
      value_.clear();
      encode_row(sc, r, value_);
      payload = value_;
    }
    const std::vector<std::pair<std::string, std::string>>* hp = nullptr;
    if (headers_i) {
      if (const auto* s = std::get_if<std::string>(&r.values[*headers_i])) {
        auto hs = parse_kafka_headers(*s, headers);
        if (!hs.is_ok()) return hs;
        hp = &headers;
      }
    }
    if (auto why = oversize_reason(key_ptr, payload, hp); !why.empty()) {
      rejected_.push_back(rejected_row{std::string(payload), std::move(why)});
      continue;
    }
    ++accepted;
    if (staged_) {
      // Kept for the epoch: has-key, key, value, headers (docs/formats/checkpoint.md "out/").
      std::string rec;
      rec.push_back(key_ptr ? 1 : 0);
      put_bytes(rec, key_ptr ? *key_ptr : std::string());
      put_bytes(rec, payload);
      std::string hs;
      if (hp)
        for (const auto& [k, v] : *hp) {
          put_bytes(hs, k);
          put_bytes(hs, v);
        }
      put_bytes(rec, hs);
      pending_[b.trigger].push_back(std::move(rec));
      continue;
    }
    auto s = producer_->produce(options_.topic, payload, key_ptr, hp);
    if (!s.is_ok()) return s;
    if ((++n & 1023) == 0) producer_->poll();
  }
  rows_ += accepted;
  return status::ok();
}

std::string kafka_sink::oversize_reason(const std::string* key, std::string_view value,
                                        const std::vector<std::pair<std::string, std::string>>* headers) const {
  // Room for what publish adds (sluice-epoch, sluice-seq, sluice-writer) and header framing.
  const size_t reserved = 256 + writer_.size();
  size_t header_bytes = 0;
  if (headers)
    for (const auto& [k, v] : *headers) header_bytes += k.size() + v.size() + 12;
  size_t bytes = value.size() + (key ? key->size() : 0) + header_bytes;
  if (bytes + reserved <= max_record_bytes_) return {};
  return "record of " + std::to_string(bytes) + " bytes (key, value and headers) is over what the Kafka producer of " +
         description() + " sends: message.max.bytes " + std::to_string(max_record_bytes_) + " less " +
         std::to_string(reserved) + " for sluice's headers; raise message.max.bytes in the sink's properties (and " +
         "the topic's max.message.bytes) or write smaller rows";
}

std::vector<rejected_row> kafka_sink::take_rejected() {
  return std::exchange(rejected_, {});
}

status kafka_sink::stage(int64_t) {
  staged_ = true;  // nothing of a later trigger was produced: staged records live in memory
  return status::ok();
}

status kafka_sink::prepare(int64_t last_trigger, std::vector<std::string>& durable) {
  durable.clear();
  while (!pending_.empty() && pending_.begin()->first <= last_trigger) {
    for (auto& r : pending_.begin()->second) durable.push_back(std::move(r));
    pending_.erase(pending_.begin());
  }
  return status::ok();
}

status kafka_sink::published_seqs(int64_t epoch, size_t records, std::set<int64_t>& seen) {
  rd_kafka_conf_t* conf = nullptr;
  auto s = make_kafka_conf(options_.brokers,
                           {{"group.id", "sluice-tail-read"},
                            {"enable.auto.commit", "false"},
                            {"enable.partition.eof", "true"},
                            {"auto.offset.reset", "earliest"}},
                           {}, &conf);
  if (!s.is_ok()) return s;
  char err[512];
  kafka_handle rk(rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err));
  if (!rk) {
    rd_kafka_conf_destroy(conf);
    return status::io_error(std::string("kafka sink: cannot create a consumer for the tail read: ") + err);
  }
  struct consumer_close {
    rd_kafka_t* rk;
    ~consumer_close() { rd_kafka_consumer_close(rk); }
  } closing{rk.get()};
  std::vector<int32_t> parts;
  s = kafka_topic_partitions(rk.get(), options_.topic, parts);
  if (!s.is_ok()) return s;
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(static_cast<int>(parts.size()));
  std::map<int32_t, int64_t> end;
  for (int32_t p : parts) {
    int64_t low = 0, high = 0;
    s = query_kafka_watermarks(rk.get(), options_.topic, p, low, high);
    if (!s.is_ok()) break;
    if (high <= low) continue;
    // The epoch's records are the last this query wrote: at most `records` per partition,
    // with room for other writers in between.
    int64_t from = std::max(low, high - static_cast<int64_t>(records) - 10000);
    rd_kafka_topic_partition_list_add(list, options_.topic.c_str(), p)->offset = from;
    end[p] = high;
  }
  if (s.is_ok() && !end.empty()) {
    auto err = rd_kafka_assign(rk.get(), list);
    if (err) s = status::io_error("kafka sink: reading the tail of '" + options_.topic + "': " + rd_kafka_err2str(err));
  }
  rd_kafka_topic_partition_list_destroy(list);
  std::string want = std::to_string(epoch);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (s.is_ok() && !end.empty()) {
    if (std::chrono::steady_clock::now() > deadline) {
      s = status::io_error("kafka sink: reading the tail of '" + options_.topic + "' timed out");
      break;
    }
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk.get(), 200);
    if (!m) continue;
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      rd_kafka_headers_t* h = nullptr;
      const void* ev = nullptr;
      const void* sv = nullptr;
      const void* wv = nullptr;
      size_t el = 0, sl = 0, wl = 0;
      // Another writer's records (another query or output sharing the topic) are not ours.
      if (rd_kafka_message_headers(m, &h) == RD_KAFKA_RESP_ERR_NO_ERROR &&
          rd_kafka_header_get_last(h, "sluice-epoch", &ev, &el) == RD_KAFKA_RESP_ERR_NO_ERROR &&
          rd_kafka_header_get_last(h, "sluice-seq", &sv, &sl) == RD_KAFKA_RESP_ERR_NO_ERROR &&
          std::string(static_cast<const char*>(ev), el) == want &&
          (rd_kafka_header_get_last(h, "sluice-writer", &wv, &wl) == RD_KAFKA_RESP_ERR_NO_ERROR
               ? std::string(static_cast<const char*>(wv), wl) == writer_
               : writer_.empty()))
        seen.insert(std::stoll(std::string(static_cast<const char*>(sv), sl)));
      auto it = end.find(m->partition);
      if (it != end.end() && m->offset + 1 >= it->second) end.erase(it);
    } else if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      s = status::io_error("kafka sink: reading the tail of '" + options_.topic + "': " + rd_kafka_message_errstr(m));
    }
    rd_kafka_message_destroy(m);
  }
  return s;
}

status kafka_sink::publish(int64_t epoch, int64_t, const std::vector<std::string>& durable, bool recovering,
                           int64_t& published) {
  published = 0;
  std::set<int64_t> seen;
  if (recovering && !durable.empty()) {
    auto s = published_seqs(epoch, durable.size(), seen);
    if (!s.is_ok()) return s;
  }
  std::string key;
  std::vector<std::pair<std::string, std::string>> headers;
  for (size_t i = 0; i < durable.size(); ++i) {
    if (seen.count(static_cast<int64_t>(i))) continue;
    std::string_view in = durable[i], k, v, hs;
    if (in.empty()) return status::corruption("kafka sink: a staged record is empty");
    bool has_key = in[0] != 0;
    in.remove_prefix(1);
    if (!get_bytes(in, k) || !get_bytes(in, v) || !get_bytes(in, hs))
      return status::corruption("kafka sink: a staged record is truncated");
    headers.clear();
    std::string_view hk, hv;
    while (!hs.empty() && get_bytes(hs, hk) && get_bytes(hs, hv)) headers.emplace_back(hk, hv);
    headers.emplace_back("sluice-epoch", std::to_string(epoch));
    headers.emplace_back("sluice-seq", std::to_string(i));
    if (!writer_.empty()) headers.emplace_back("sluice-writer", writer_);
    key.assign(k);
    auto s = producer_->produce(options_.topic, v, has_key ? &key : nullptr, &headers);
    if (!s.is_ok()) return s;
    if ((++published & 1023) == 0) producer_->poll();
  }
  return producer_->flush();
}

status kafka_sink::finish(int64_t trigger, int64_t& rows) {
  if (staged_) {
    auto it = pending_.find(trigger);
    rows = it == pending_.end() ? 0 : static_cast<int64_t>(it->second.size());
    return status::ok();
  }
  auto s = producer_->flush();
  rows = rows_;
  rows_ = 0;
  return s;
}

}  // namespace sluice
