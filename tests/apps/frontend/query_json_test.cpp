// The query front end (apps/frontend/query_json.hpp) beyond the replay format's types: a
// registered keyed processor and CDC apply, written in a pipeline file, run by the real binary
// (process) or built into the plan (cdc); refusals name the field.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

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

namespace {

/// A part file that appears whole (written hidden, then renamed), as a sink publishes one.
void publish_part(const test::temp_dir& dir, const std::string& name, int first, int count) {
  std::string tmp = dir.str("purchases/." + name);
  {
    std::ofstream out(tmp);
    for (int i = first; i < first + count; ++i)
      out << R"({"id":)" << i << R"(,"product_id":)" << i % 6 << R"(,"ts":)" << 1767225600000 + i << "}\n";
  }
  std::filesystem::rename(tmp, dir.str("purchases/" + name));
}

void write_products(const test::temp_dir& dir, const std::string& version) {
  std::ofstream out(dir.str("products.tmp"));
  for (int p = 0; p < 5; ++p)  // product 5 has no row: a miss
    out << R"({"product_id":)" << p << R"(,"name":"p)" << p << "-" << version << R"(","category":"c)" << p % 2
        << "\"}\n";
  out.close();
  std::filesystem::rename(dir.str("products.tmp"), dir.str("products.jsonl"));
}

}  // namespace

// A lookup join in a pipeline file, run by the binary: purchases read as part files appear get
// their product's name; the product file goes (a warning; the last good copy stays), comes back
// changed, and purchases read after the refresh see the new names; a purchase of an unknown
// product gets nulls (left).
BOOST_AUTO_TEST_CASE(a_lookup_joins_the_table_and_later_rows_see_its_refresh) {
  test::temp_dir dir("query-lookup");
  std::filesystem::create_directories(dir.str("purchases"));
  write_products(dir, "v1");
  publish_part(dir, "part-1.jsonl", 0, 60);
  std::ofstream(dir.str("enrich.json")) << R"({"name": "enrich", "trigger": "100ms",
    "query": {"type": "union", "inputs": {"purchases": {
      "source": {"type": "file", "path": ")" + dir.str("purchases") +
                                               R"(", "bounded": false},
      "columns": ["id:int64", "product_id:int64", "ts:timestamp"],
      "lookup": {"path": ")" + dir.str("products.jsonl") +
                                               R"(", "key": "product_id", "refresh": "100ms",
                 "columns": ["product_id:int64", "name:string", "category:string"]}}}},
    "sink": {"type": "file", "path": ")" + dir.str("out") +
                                               R"("}})";
  test::background_process p(std::string(SLUICE_BINARY) + " run " + dir.str("enrich.json"), dir.str("run.log"));
  auto rows = [&] { return test::read_lines(dir.str("out")); };
  for (int i = 0; i < 100 && rows().size() < 60; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  BOOST_TEST_REQUIRE(rows().size() == 60u);
  std::filesystem::remove(dir.str("products.jsonl"));  // a failed refresh: warned, v1 kept
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  write_products(dir, "v2");
  std::this_thread::sleep_for(std::chrono::milliseconds(600));  // several refresh intervals
  publish_part(dir, "part-2.jsonl", 60, 60);
  std::ofstream(dir.str("purchases/_SUCCESS")).close();
  BOOST_TEST(p.wait(30) == 0);
  auto log = test::read_file(dir.str("run.log"));
  BOOST_TEST(log.find("warning: lookup: lookup table " + dir.str("products.jsonl") +
                      ": no such file or folder (the lookup keeps version 1)") != std::string::npos,
             log);
  auto all = rows();
  BOOST_REQUIRE(all.size() == 120u);
  for (const auto& r : all) {
    auto o = json::parse(r).as_object();
    int64_t id = o.at("id").as_int64(), product = o.at("product_id").as_int64();
    if (product == 5) {
      BOOST_TEST(o.at("name").is_null(), r);
      continue;
    }
    std::string want = "p" + std::to_string(product) + (id < 60 ? "-v1" : "-v2");
    BOOST_TEST(o.at("name").as_string() == want, r);
    BOOST_TEST(o.at("category").as_string() == "c" + std::to_string(product % 2), r);
  }
}

// A lookup block names a file or a topic, one of them; a topic's brokers come from the block or
// the run, and `explain` shows the table without reading it.
BOOST_AUTO_TEST_CASE(a_lookup_reads_a_file_or_a_topic_and_says_which) {
  auto pipeline = [](const std::string& lookup) {
    return json::parse(R"({"name": "enrich", "trigger": "available_now",
      "query": {"type": "union", "inputs": {"purchases": {"source": {"type": "file", "path": "in"},
        "columns": ["id:int64", "product_id:int64"], "lookup": )" +
                       lookup + R"(}}}, "sink": {"type": "file", "path": "out"}})");
  };
  pipeline_json_context ctx;
  ctx.open_table = [](dimension_options d, std::shared_ptr<dimension_table>& t) {
    return dimension_table::declare(std::move(d), t);
  };
  auto refusal = [&](const std::string& lookup) {
    try {
      pipeline_from_json(pipeline(lookup), ctx);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  std::string columns = R"("key": "product_id", "columns": ["product_id:int64", "name"])";
  BOOST_TEST(refusal("{" + columns + "}").find("(\"path\") or its compacted Kafka topic") != std::string::npos);
  BOOST_TEST(refusal(R"({"path": "p.jsonl", "topic": "products", )" + columns + "}").find("one of them") !=
             std::string::npos);
  BOOST_TEST(refusal(R"({"topic": "products", )" + columns + "}").find("query.inputs.purchases.lookup.brokers") !=
             std::string::npos);
  ctx.brokers = [] { return std::string("127.0.0.1:9"); };
  auto plan = pipeline_from_json(pipeline(R"({"topic": "products", )" + columns + "}"), ctx);
  BOOST_TEST(plan->explain().find("LookupTable[kafka:products by product_id]") != std::string::npos, plan->explain());
}

BOOST_AUTO_TEST_CASE(a_cdc_query_plans_the_applier_over_its_kafka_input) {
  pipeline_json_context ctx;
  ctx.brokers = [] { return std::string("127.0.0.1:9"); };
  auto plan = pipeline_from_json(json::parse(R"({"name": "inventory", "trigger": "available_now",
    "query": {"type": "cdc", "table": "tables/customers", "topic": "inv.customers", "primary_key": ["id"],
      "inputs": {"changes": {"source": {"type": "kafka", "subscribe": "inv.customers"}, "format": "kafka"}}},
    "sink": {"type": "file", "path": "changelog"}})"),
                                 ctx);
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
