#include "state/cdc/cdc_pending_txn.hpp"

#include <boost/json.hpp>

#include "messages/codec/exact_json.hpp"

namespace sluice {
namespace json = boost::json;

std::string encode_pending_txn(const std::optional<int64_t>& event_count,
                               const std::vector<std::pair<int64_t, cdc_event>>& events) {
  json::object o;
  o["version"] = 1;
  o["event_count"] = event_count ? json::value(*event_count) : json::value(nullptr);
  json::array a;
  for (const auto& [order, e] : events) {
    json::object r;
    r["order"] = order;
    r["topic"] = e.topic;
    r["partition"] = e.partition;
    r["offset"] = e.offset;
    r["key"] = e.key;
    r["value"] = e.value;
    a.push_back(std::move(r));
  }
  o["events"] = std::move(a);
  return json::serialize(o);
}

status decode_pending_txn(std::string_view row, const std::string& id, cdc_pending_txn& out) {
  auto bad = [&](const std::string& what) {
    return status::corruption("cdc table: pending transaction '" + id + "': " + what);
  };
  boost::system::error_code ec;
  auto j = parse_json_exact(row, ec);
  if (ec || !j.is_object() || !j.as_object().contains("version") || j.as_object().at("version") != 1)
    return bad("unknown format (version 1 expected)");
  const auto& o = j.as_object();
  out = cdc_pending_txn{};
  if (auto* n = o.if_contains("event_count"); n && n->is_int64()) out.event_count = n->get_int64();
  auto* events = o.if_contains("events");
  if (!events || !events->is_array()) return bad("no events");
  for (const auto& r : events->get_array()) {
    const auto* ro = r.if_object();
    if (!ro) return bad("an event is not an object");
    auto* topic = ro->if_contains("topic");
    auto* partition = ro->if_contains("partition");
    auto* offset = ro->if_contains("offset");
    auto* order = ro->if_contains("order");
    if (!topic || !topic->is_string() || !partition || !partition->is_int64() || !offset || !offset->is_int64() ||
        !order || !order->is_int64())
      return bad("an event lacks its topic, partition, offset or order");
    cdc_event e;
    e.topic = std::string(topic->get_string());
    e.partition = static_cast<int32_t>(partition->get_int64());
    e.offset = offset->get_int64();
    if (auto* k = ro->if_contains("key")) e.key = *k;
    if (auto* v = ro->if_contains("value")) e.value = *v;
    out.events.emplace_back(order->get_int64(), std::move(e));
  }
  return status::ok();
}

}  // namespace sluice
