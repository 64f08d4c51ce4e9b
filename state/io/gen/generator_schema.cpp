#include "state/io/gen/generator_schema.hpp"

#include <map>
#include <memory>

namespace sluice {
namespace {

schema_ptr make(std::vector<column> columns, const char* event_time) {
  return std::make_shared<const schema>(std::move(columns), event_time);
}

const std::map<std::string, schema_ptr>& schemas() {
  using t = column_type;
  static const std::map<std::string, schema_ptr> by_kind = {
      {"events", make({{"event_id", t::int64},
                       {"user", t::string},
                       {"type", t::string},
                       {"amount", t::float64},
                       {"ts", t::timestamp}},
                      "ts")},
      {"orders",
       make({{"order_id", t::int64}, {"customer", t::string}, {"amount", t::float64}, {"order_time", t::timestamp}},
            "order_time")},
      {"payments",
       make({{"payment_id", t::int64}, {"order_id", t::int64}, {"amount", t::float64}, {"pay_time", t::timestamp}},
            "pay_time")},
      {"keyed", make({{"key", t::int64}, {"ts", t::timestamp}, {"v", t::int64}}, "ts")},
      {"transactions", make({{"txn_id", t::int64},
                             {"user", t::string},
                             {"amount", t::float64},
                             {"merchant", t::string},
                             {"country", t::string},
                             {"ts", t::timestamp}},
                            "ts")},
      {"iot",
       make({{"device_id", t::string}, {"temperature", t::float64}, {"humidity", t::float64}, {"ts", t::timestamp}},
            "ts")},
      {"clicks", make({{"user", t::string}, {"page", t::string}, {"action", t::string}, {"ts", t::timestamp}}, "ts")},
      {"sales", make({{"order_id", t::int64},
                      {"category", t::string},
                      {"user", t::string},
                      {"amount", t::float64},
                      {"ts", t::timestamp}},
                     "ts")},
      {"purchases", make({{"purchase_id", t::int64},
                          {"user", t::string},
                          {"product_id", t::int64},
                          {"quantity", t::int64},
                          {"ts", t::timestamp}},
                         "ts")},
      {"products", make({{"product_id", t::int64},
                         {"name", t::string},
                         {"category", t::string},
                         {"price", t::float64},
                         {"catalog_revision", t::int64}},
                        "")},
  };
  return by_kind;
}

}  // namespace

schema_ptr generator_schema(const std::string& kind) {
  auto it = schemas().find(kind);
  return it == schemas().end() ? nullptr : it->second;
}

}  // namespace sluice
