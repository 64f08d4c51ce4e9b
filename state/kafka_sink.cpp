#include "state/kafka_sink.hpp"

#include <boost/json.hpp>

#include "messages/json_codec.hpp"

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
    auto s = producer_->produce(options_.topic, payload, key_ptr, hp);
    if (!s.is_ok()) return s;
    if ((++n & 1023) == 0) producer_->poll();
  }
  rows_ += static_cast<int64_t>(b.rows.size());
  return status::ok();
}

status kafka_sink::finish(int64_t, int64_t& rows) {
  auto s = producer_->flush();
  rows = rows_;
  rows_ = 0;
  return s;
}

}  // namespace sluice
