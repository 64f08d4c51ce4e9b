// cdc_row: Debezium change records flattened as the unwrap SMT's rewrite mode gives them.
#include "state/cdc/cdc_row.hpp"

#include <boost/test/unit_test.hpp>

using namespace sluice;
namespace json = boost::json;

namespace {

cdc_event event(const std::string& key, const std::string& value) {
  cdc_event e;
  if (!key.empty()) e.key = json::parse(key);
  if (!value.empty()) e.value = json::parse(value);
  return e;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(state_cdc_cdc_row)

BOOST_AUTO_TEST_CASE(an_update_gives_its_after_image_with_op_and_times) {
  json::object row;
  cdc_row_kind kind;
  auto reason = flatten_cdc_record(
      event(R"({"id":7})",
            R"({"before":null,"after":{"id":7,"name":"b"},"source":{"ts_ms":1000},"op":"u","ts_ms":1087})"),
      row, kind);
  BOOST_TEST(reason == "");
  BOOST_TEST(static_cast<int>(kind) == static_cast<int>(cdc_row_kind::row));
  BOOST_TEST(json::serialize(row) ==
             R"({"id":7,"name":"b","__op":"u","__deleted":false,"__source_ts_ms":1000,"__ts_ms":1087})");
}

BOOST_AUTO_TEST_CASE(a_delete_gives_its_before_image_or_key_and_the_flag) {
  json::object row;
  cdc_row_kind kind;
  auto reason = flatten_cdc_record(
      event(R"({"id":7})", R"({"before":{"id":7},"after":null,"source":{"ts_ms":2000},"op":"d"})"), row, kind);
  BOOST_TEST(reason == "");
  BOOST_TEST(json::serialize(row) == R"({"id":7,"__op":"d","__deleted":true,"__source_ts_ms":2000,"__ts_ms":null})");
  reason = flatten_cdc_record(event(R"({"id":8})", R"({"before":null,"after":null,"op":"d"})"), row, kind);
  BOOST_TEST(reason == "");
  BOOST_TEST(row.at("id") == 8);
}

BOOST_AUTO_TEST_CASE(tombstones_and_heartbeats_give_no_row_and_bad_records_a_reason) {
  json::object row;
  cdc_row_kind kind;
  BOOST_TEST(flatten_cdc_record(event(R"({"id":7})", ""), row, kind) == "");
  BOOST_TEST(static_cast<int>(kind) == static_cast<int>(cdc_row_kind::skip));
  BOOST_TEST(flatten_cdc_record(event("", R"({"op":"m","ts_ms":5})"), row, kind) == "");
  BOOST_TEST(static_cast<int>(kind) == static_cast<int>(cdc_row_kind::skip));
  BOOST_TEST(flatten_cdc_record(event("", R"({"op":"t","source":{}})"), row, kind).find("truncate") !=
             std::string::npos);
  BOOST_TEST(flatten_cdc_record(event("", R"({"after":{"id":1}})"), row, kind) == "envelope has no 'op'");
}

BOOST_AUTO_TEST_CASE(a_deletes_before_image_gets_its_logical_types_converted) {
  json::object row;
  cdc_row_kind kind;
  std::string fields =
      R"([{"field":"id","type":"int32"},{"field":"since","type":"int32","name":"io.debezium.time.Date"}])";
  auto reason = flatten_cdc_record(
      event("", R"({"schema":{"type":"struct","fields":[{"field":"before","type":"struct","fields":)" + fields +
                    R"(},{"field":"after","type":"struct","fields":)" + fields +
                    R"(}]},"payload":{"before":{"id":7,"since":19723},"after":null,"op":"d","source":{"ts_ms":3}}})"),
      row, kind);
  BOOST_TEST(reason == "");
  BOOST_TEST(row.at("since") == "2024-01-01");
  BOOST_TEST(row.at("__deleted") == true);
}

BOOST_AUTO_TEST_SUITE_END()
