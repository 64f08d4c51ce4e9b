#include "state/io/kafka/kafka_offsets.hpp"

#include <boost/json.hpp>
#include <cmath>

namespace sluice {

namespace json = boost::json;

status parse_kafka_offsets(const std::string& text, kafka_offset_map& out) {
  out.clear();
  json::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object())
    return status::invalid_argument("offsets '" + text +
                                    "' are not a JSON object like {\"topic\":{\"0\":23,\"1\":-2}} (-2 = earliest, "
                                    "-1 = latest)");
  for (const auto& t : v.as_object()) {
    std::string topic(t.key());
    if (!t.value().is_object())
      return status::invalid_argument("offsets for topic '" + topic + "' must be an object of partition: offset");
    for (const auto& p : t.value().as_object()) {
      std::string part(p.key());
      char* end = nullptr;
      long n = std::strtol(part.c_str(), &end, 10);
      if (part.empty() || *end != '\0' || n < 0 || n > INT32_MAX)
        return status::invalid_argument("offsets for topic '" + topic + "': partition '" + part +
                                        "' is not a partition number");
      auto off = p.value().if_int64();
      if (!off || *off < kafka_offset_earliest)
        return status::invalid_argument("offsets for topic '" + topic + "' partition " + part +
                                        ": expected an offset ≥ 0, -2 (earliest) or -1 (latest)");
      out[{topic, static_cast<int32_t>(n)}] = *off;
    }
  }
  return status::ok();
}

std::string format_kafka_offsets(const kafka_offset_map& offsets) {
  json::object o;
  for (const auto& [tp, off] : offsets) {
    auto& t = o[tp.first];
    if (!t.is_object()) t = json::object{};
    t.as_object()[std::to_string(tp.second)] = off;
  }
  // json::object keeps insertion order; the map is sorted by topic then partition number.
  return json::serialize(o);
}

kafka_offset_map plan_ranges(const kafka_offset_map& from, const kafka_offset_map& until, int64_t limit) {
  kafka_offset_map plan;
  double total = 0;
  for (const auto& [tp, begin] : from) {
    auto e = until.find(tp);
    if (e != until.end() && e->second > begin) total += static_cast<double>(e->second - begin);
  }
  for (const auto& [tp, begin] : from) {
    auto e = until.find(tp);
    if (e == until.end() || e->second <= begin) {
      plan[tp] = begin;
      continue;
    }
    double lag = static_cast<double>(e->second - begin);
    double share = static_cast<double>(limit) * (lag / total);
    int64_t take =
        limit <= 0 ? e->second - begin : static_cast<int64_t>(share < 1 ? std::ceil(share) : std::floor(share));
    plan[tp] = take >= e->second - begin ? e->second : begin + take;
  }
  return plan;
}

status kafka_starting_offsets::parse(const std::string& text, kafka_starting_offsets& out) {
  out = kafka_starting_offsets{};
  if (text == "earliest") {
    out.mode = kind::earliest;
    return status::ok();
  }
  if (text == "latest") {
    out.mode = kind::latest;
    return status::ok();
  }
  out.mode = kind::specific;
  auto st = parse_kafka_offsets(text, out.specific);
  if (!st.is_ok())
    return status::invalid_argument("startingOffsets: expected earliest, latest or JSON offsets; " + st.message());
  return status::ok();
}

int64_t kafka_starting_offsets::for_partition(const topic_partition& tp) const {
  switch (mode) {
    case kind::earliest:
      return kafka_offset_earliest;
    case kind::latest:
      return kafka_offset_latest;
    case kind::specific: {
      auto it = specific.find(tp);
      return it == specific.end() ? kafka_offset_latest : it->second;
    }
  }
  return kafka_offset_latest;
}

}  // namespace sluice
