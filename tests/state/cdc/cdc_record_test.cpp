// cdc_record: malformed Debezium logical values are dead-letter reasons, not crashes, and one
// record's cost is bounded (a huge decimal or scale is refused before any work is done).
#include "state/cdc/cdc_record.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

using namespace sluice;
namespace json = boost::json;

namespace {

// A schema-wrapped create of row {id: 1, <field>: <value>} whose `after` declares <field> as
// the logical type <name> (with <parameters>).
cdc_event change_with(const std::string& field, const std::string& type_name, const std::string& parameters,
                      const std::string& value) {
  std::string column = R"({"type": "bytes", "optional": true, "field": ")" + field + R"(", "name": ")" + type_name +
                       "\"" + (parameters.empty() ? "" : ", \"parameters\": " + parameters) + "}";
  std::string schema = R"({"type": "struct", "fields": [{"type": "struct", "field": "after", "fields": [
      {"type": "int32", "field": "id"}, )" +
                       column + "]}]}";
  std::string payload = R"({"before": null, "after": {"id": 1, ")" + field + "\": " + value +
                        R"(}, "op": "c", "source": {"connector": "postgresql", "lsn": 10, "txId": 1}})";
  cdc_event e;
  e.topic = "shop.public.t";
  e.key = json::parse(R"({"id": 1})");
  e.value = json::parse(R"({"schema": )" + schema + R"(, "payload": )" + payload + "}");
  return e;
}

std::string reason_for(const cdc_event& e) {
  cdc_change c;
  return decode_cdc_change(e, false, c);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(state_cdc_cdc_record)

BOOST_AUTO_TEST_CASE(well_formed_logical_values_convert) {
  cdc_change c;
  BOOST_TEST(
      decode_cdc_change(change_with("price", "org.apache.kafka.connect.data.Decimal", R"({"scale": "2"})", R"("MDk=")"),
                        false, c) == "");
  BOOST_TEST(c.row.at("price").as_string() == "123.45");
  BOOST_TEST(decode_cdc_change(change_with("born", "io.debezium.time.Date", "", "19000"), false, c) == "");
  BOOST_TEST(c.row.at("born").as_string() == "2022-01-08");
  BOOST_TEST(
      decode_cdc_change(change_with("at", "io.debezium.time.MicroTimestamp", "", "1700000000000001"), false, c) == "");
  BOOST_TEST(c.row.at("at").as_string() == "2023-11-14T22:13:20.000001");
}

BOOST_AUTO_TEST_CASE(malformed_logical_values_are_dead_letter_reasons) {
  auto has = [](const std::string& reason, const std::string& what) {
    BOOST_TEST(reason.find(what) != std::string::npos, reason);
  };
  has(reason_for(change_with("born", "io.debezium.time.Date", "", "1.5")), "column 'born': Date 1.5 is not an integer");
  has(reason_for(change_with("price", "org.apache.kafka.connect.data.Decimal", R"({"scale": 1.5})", R"("MDk=")")),
      "Decimal scale 1.5 is not an integer");
  has(reason_for(change_with("at", "io.debezium.time.Timestamp", "", "1e30")),
      "column 'at': Timestamp 1e+30 is not an integer within years 0000–9999");
  has(reason_for(change_with("bal", "io.debezium.data.VariableScaleDecimal", "", R"({"scale": "x", "value": "MDk="})")),
      "Decimal scale \"x\" is not an integer");
  has(reason_for(change_with("bal", "io.debezium.data.VariableScaleDecimal", "", R"("MDk=")")),
      "VariableScaleDecimal is not");
  has(reason_for(
          change_with("price", "org.apache.kafka.connect.data.Decimal", R"({"scale": "2"})", R"("not base64!")")),
      "not base64");
}

BOOST_AUTO_TEST_CASE(what_one_record_may_cost_is_bounded) {
  // 48 KiB of decimal digits would take seconds of big-number division; a scale of 50 M would
  // pad a row to 50 MB. Both are refused up front.
  std::string huge(65536, 'A');
  auto r = reason_for(
      change_with("price", "org.apache.kafka.connect.data.Decimal", R"({"scale": "2"})", "\"" + huge + "\""));
  BOOST_TEST(r.find("over the bound") != std::string::npos, r);
  r = reason_for(
      change_with("price", "org.apache.kafka.connect.data.Decimal", R"({"scale": "50000000"})", R"("MDk=")"));
  BOOST_TEST(r.find("not an integer in 0..1000") != std::string::npos, r);
}

BOOST_AUTO_TEST_SUITE_END()
