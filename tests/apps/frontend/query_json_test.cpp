// The query front end (apps/frontend/query_json.hpp) beyond the replay format's types: a
// registered keyed processor and CDC apply, written in a pipeline file, run by the real binary
// (process) or built into the plan (cdc); refusals name the field.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <fstream>

#include "apps/frontend/pipeline_json.hpp"
#include "test_support.hpp"

using namespace sluice;
namespace json = boost::json;

BOOST_AUTO_TEST_SUITE(apps_frontend_query_json)

BOOST_AUTO_TEST_CASE(a_process_query_runs_a_registered_processor) {
  test::temp_dir dir("query-process");
  std::ofstream(dir.str("spikes.json")) << R"({"name": "spikes", "trigger": "available_now",
    "query": {"type": "process", "key": "user", "processor": "spend_spike",
      "params": {"factor": 3, "min_history": 5, "idle": "24h"}, "partitions": 2,
      "inputs": {"transactions": {
        "source": {"type": "generator", "kind": "transactions", "count": 5000, "users": 50, "spacing": "250ms"},
        "columns": ["txn_id:int64", "user:string", "amount:double", "merchant:string", "country:string", "ts:timestamp"],
        "watermark": {"column": "ts", "delay": "1m"}}}},
    "sink": {"type": "file", "path": "out"}})";
  std::string out;
  BOOST_TEST_REQUIRE(test::run_sluice("run spikes.json", out, dir.str()) == 0, out);
  auto rows = test::read_lines(dir.str("out"));
  BOOST_TEST(rows.size() > 10u, out);
  for (const auto& r : rows) {  // every row is a spike by the processor's rule
    auto o = json::parse(r).as_object();
    BOOST_TEST(o.at("amount").to_number<double>() > 3 * o.at("running_avg").to_number<double>(), r);
    BOOST_TEST(o.at("history").to_number<int64_t>() >= 5, r);
  }
}

BOOST_AUTO_TEST_CASE(a_cdc_query_plans_the_applier_over_its_kafka_input) {
  auto plan = pipeline_from_json(json::parse(R"({"name": "inventory", "trigger": "available_now",
    "query": {"type": "cdc", "table": "tables/customers", "topic": "inv.customers", "primary_key": ["id"],
      "inputs": {"changes": {"source": {"type": "kafka", "subscribe": "inv.customers"}, "format": "kafka"}}},
    "sink": {"type": "file", "path": "changelog"}})"),
                                 pipeline_json_context{[] { return std::string("127.0.0.1:9"); }});
  auto text = plan->explain();
  BOOST_TEST(text.find("CdcApplier inv.customers → table tables/customers") != std::string::npos, text);
  BOOST_TEST(text.find("(pk:string, op:string, row:json") != std::string::npos, text);
}

BOOST_AUTO_TEST_CASE(refusals_name_the_field) {
  auto refused = [](const char* text) {
    try {
      pipeline_from_json(json::parse(text));
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  auto unknown = refused(R"({"query": {"type": "process", "key": "user", "processor": "nope",
    "inputs": {"e": {"source": {"type": "generator", "count": 1}}}}})");
  BOOST_TEST(
      unknown.find("query.processor: no registered processor 'nope'; registered: spend_spike") != std::string::npos,
      unknown);
  auto bad_param = refused(R"({"query": {"type": "process", "key": "user", "processor": "spend_spike",
    "params": {"factor": 0}, "inputs": {"e": {"source": {"type": "generator", "count": 1}}}}})");
  BOOST_TEST(bad_param.find("query.params.factor: expected a number from 1") != std::string::npos, bad_param);
  auto old_form = refused(R"({"inputs": {}, "join": {}})");
  BOOST_TEST(old_form.find("unknown field; accepted here:") != std::string::npos, old_form);
  auto no_cdc_columns = refused(R"({"query": {"type": "cdc", "table": "t", "topic": "x",
    "inputs": {"e": {"source": {"type": "generator", "count": 1}}}}})");
  BOOST_TEST(no_cdc_columns.find("query: apply_cdc: the input has no column 'key'") != std::string::npos,
             no_cdc_columns);
}

BOOST_AUTO_TEST_SUITE_END()
