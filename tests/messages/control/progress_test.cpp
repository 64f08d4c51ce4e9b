#include "messages/control/progress.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

using namespace sluice;

BOOST_AUTO_TEST_SUITE(messages_control_progress)

BOOST_AUTO_TEST_CASE(spark_field_names_order_and_rounding) {
  progress_record p;
  p.id = "q";
  p.run_id = "r";
  p.name = "n";
  p.batch_id = 3;
  p.input_rows_per_second = 240.04;
  p.processed_rows_per_second = 1477.85;
  p.report.sources.push_back(source_progress{"src", "0", "10", "", 10, 0, false, false, 0, ""});
  p.report.event_time.add(1'000'000);
  p.report.event_time.add(3'000'000);
  p.report.watermark_us = 500'000;
  state_operator_progress op;
  op.operator_name = "symmetricHashJoin";
  op.num_rows_total = 5;
  p.report.operators.push_back(op);
  std::string text = to_json(p);
  auto v = boost::json::parse(text).as_object();
  std::vector<std::string> keys;
  for (const auto& kv : v) keys.emplace_back(kv.key());
  std::vector<std::string> expected{"id",
                                    "runId",
                                    "name",
                                    "timestamp",
                                    "batchId",
                                    "batchDuration",
                                    "numInputRows",
                                    "inputRowsPerSecond",
                                    "processedRowsPerSecond",
                                    "eventTime",
                                    "stateOperators",
                                    "sources",
                                    "sink"};
  BOOST_TEST(keys == expected, boost::test_tools::per_element());
  BOOST_TEST(text.find("\"inputRowsPerSecond\":240.0") != std::string::npos);
  BOOST_TEST(text.find("\"processedRowsPerSecond\":1477.9") != std::string::npos);  // half-up
  BOOST_TEST(v["eventTime"].as_object()["avg"].as_string() == "1970-01-01T00:00:02.000Z");
  BOOST_TEST(v["eventTime"].as_object()["watermark"].as_string() == "1970-01-01T00:00:00.500Z");
  BOOST_TEST(v["numInputRows"].as_int64() == 10);
  BOOST_TEST(v["stateOperators"].as_array()[0].as_object()["operatorName"].as_string() == "symmetricHashJoin");
  BOOST_TEST(!v["stateOperators"].as_array()[0].as_object().contains("customMetrics"));  // empty maps omitted
}

BOOST_AUTO_TEST_CASE(no_rows_means_no_event_time_stats) {
  progress_record p;
  auto v = boost::json::parse(to_json(p)).as_object();
  auto et = v["eventTime"].as_object();
  BOOST_TEST(!et.contains("avg"));
  BOOST_TEST(et.contains("watermark"));
}

BOOST_AUTO_TEST_CASE(lookup_tables_come_after_spark_fields_with_their_miss_rate) {
  progress_record p;
  BOOST_TEST(!boost::json::parse(to_json(p)).as_object().contains("lookups"));  // none: no field
  p.lookups.push_back(lookup_progress{"LookupTable[p.jsonl by id]", 2, 550, 1'000'000, 1, 3000, 250});
  auto v = boost::json::parse(to_json(p)).as_object();
  auto t = v["lookups"].as_array().at(0).as_object();
  BOOST_TEST(t["version"].as_int64() == 2);
  BOOST_TEST(t["numRows"].as_int64() == 550);
  BOOST_TEST(t["lastRefresh"].as_string() == "1970-01-01T00:00:01.000Z");
  BOOST_TEST(t["failedRefreshes"].as_int64() == 1);
  BOOST_TEST(t["numLookups"].as_int64() == 3000);
  BOOST_TEST(t["numMisses"].as_int64() == 250);
  BOOST_TEST(t["missRate"].as_double() == 0.0833);  // 250 / 3000, four decimals
}

BOOST_AUTO_TEST_SUITE_END()
