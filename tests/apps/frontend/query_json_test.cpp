// The query front end (apps/frontend/query_json.hpp) beyond the replay format's types: a
// registered keyed processor and CDC apply, written in a pipeline file, run by the real binary
// (process) or built into the plan (cdc); refusals name the field.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "apps/frontend/pipeline_json.hpp"
#include "state/operators/lookup/cdc_table_copy.hpp"
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

// docs/examples/temporal-join.json: generated purchases joined, as of their event time, with a
// generated Debezium product changelog read with "format": "debezium". The answers themselves
// are checked against the generators in tests/apps/prebuilt/enrich_temporal_test.cpp; here the
// file's path through the front end: every purchase up to the final watermark once (the last
// 2 s of 20,000 purchases 10 ms apart stay buffered), each product column from one version.
BOOST_AUTO_TEST_CASE(a_temporal_join_pipeline_file_runs_and_refusals_name_the_field) {
  test::temp_dir dir("query-temporal");
  std::string out;
  std::string example = std::string(SLUICE_SOURCE_DIR) + "/docs/examples/temporal-join.json";
  BOOST_TEST_REQUIRE(test::run_sluice("run " + example, out, dir.str()) == 0, out);
  auto rows = test::read_lines(dir.str("sluice-output/purchases-as-of"));
  BOOST_TEST(rows.size() == 19800u, out);
  std::set<int64_t> ids;
  size_t joined = 0;
  for (const auto& r : rows) {
    auto o = json::parse(r).as_object();
    ids.insert(o.at("purchase_id").as_int64());
    if (o.at("name").is_null()) continue;
    ++joined;
    BOOST_TEST(o.at("name").as_string() == "Product " + std::to_string(o.at("product_id").as_int64()) + " v" +
                                               std::to_string(o.at("catalog_revision").as_int64()),
               r);
  }
  BOOST_TEST(ids.size() == rows.size());
  BOOST_TEST(*ids.rbegin() == 19799);
  BOOST_TEST(joined > rows.size() / 2);
  BOOST_TEST(test::read_lines(dir.str("sluice-output/purchases-as-of/_dead_letters")).empty());

  std::string text = test::read_file(example);
  // As a chain's stage: its rows (every purchase up to the watermark, at 10 ms) counted per
  // 10-second window by a later stage — 1,000 in each closed window.
  {
    auto chain = json::parse(text).as_object();
    auto& query = chain["query"].as_object();
    json::object join = query;
    join.erase("inputs");
    query = json::object{{"type", "chain"},
                         {"inputs", query["inputs"]},
                         {"stages", json::array{join, json::parse(R"({"type": "aggregate", "from": 0,
          "group_by": [{"window": {"column": "ts", "size": "10s"}}],
          "aggregations": [{"fn": "count", "as": "n"}], "output_columns": ["window_start", "n"]})")}}};
    chain["name"] = "purchases-as-of-chain";
    chain["sink"] = json::parse(R"({"type": "file", "path": "chain-out"})");
    std::ofstream(dir.str("chain.json")) << json::serialize(chain);
    BOOST_TEST_REQUIRE(test::run_sluice("run chain.json", out, dir.str()) == 0, out);
    auto windows = test::read_lines(dir.str("chain-out"));
    BOOST_TEST(windows.size() == 19u, out);
    for (const auto& w : windows) BOOST_TEST(json::parse(w).at("n") == 1000, w);
  }
  auto refused = [&](const std::string& from, const std::string& to, const std::string& message) {
    std::string bad = text;
    bad.replace(bad.find(from), from.size(), to);
    std::ofstream(dir.str("bad.json")) << bad;
    BOOST_TEST(test::run_sluice("run bad.json", out, dir.str()) == 2, out);
    BOOST_TEST(out.find(message) != std::string::npos, out);
  };
  refused(R"("watermark": {"column": "__source_ts_ms", "delay": "2s"})", R"("event_time": "__source_ts_ms")",
          "a temporal join joins by event time: input 'products' needs a watermark");
  refused(R"("deleted": "__deleted")", R"("deleted": "name")",
          "query: temporal join: the deleted flag 'name' must be a boolean column, not string");
  refused(R"("columns": ["name", "price", "catalog_revision"])", R"("columns": ["name", "product_id"])",
          "table column 'product_id' clashes with a column of input 'purchases'");
  refused(R"("join_type": "left_outer")", R"("join_type": "full_outer")",
          "query.join_type: a temporal join is left_outer (the default) or inner, not 'full_outer'");
}

// A lookup table read from the CDC table `sluice run cdc` keeps applying, while it runs (two
// processes: LevelDB's lock keeps the applier's table to itself, so the lookup reads copies).
// Every joined row carries a customer row the applier wrote (name "Customer <id> v<round>",
// email "c<id>@example.org"), and the table was read again as the applier changed it.
BOOST_AUTO_TEST_CASE(a_lookup_reads_the_cdc_table_another_process_is_applying) {
  test::temp_dir dir("query-cdc-lookup");
  std::string cdc_out;
  int cdc_rc = -1;
  std::thread cdc([&] {
    cdc_rc = test::run_app("cdc", "--set changes.count=20000 --set changes.rate=2000 --set changes.keys=300",
                           dir.str("cdc"), cdc_out);
  });
  // Until the applier wrote its first rows (its consumer joins the group first).
  BOOST_REQUIRE(test::wait_for(
      [&] {
        size_t rows = 0;
        auto count = [&](std::string_view, std::string_view) { ++rows; };
        return is_cdc_table(dir.str("cdc/table")) && read_cdc_table(dir.str("cdc/table"), dir.str(), count).is_ok() &&
               rows > 0;
      },
      60));
  std::ofstream(dir.str("visits.json")) << R"({"name": "visits", "trigger": "200ms",
    "query": {"type": "union", "inputs": {"visits": {
      "source": {"type": "generator", "kind": "keyed", "count": 3000, "users": 300, "rate": 1000},
      "lookup": {"path": ")" << dir.str("cdc/table")
                                        << R"(", "key": "id", "on": "key", "refresh": "200ms",
                 "columns": ["id:int64", "name:string", "email:string"]}}}},
    "sink": {"type": "file", "path": "out"}})";
  std::string out;
  int rc = test::run_sluice("run visits.json --progress progress.jsonl", out, dir.str());
  cdc.join();
  BOOST_TEST_REQUIRE(cdc_rc == 0, cdc_out);
  BOOST_TEST_REQUIRE(rc == 0, out);
  auto rows = test::read_lines(dir.str("out"));
  BOOST_TEST(rows.size() == 3000u);
  size_t joined = 0;
  for (const auto& r : rows) {
    auto o = json::parse(r).as_object();
    if (o.at("name").is_null()) continue;
    ++joined;
    std::string id = std::to_string(o.at("key").as_int64());
    BOOST_TEST(std::string(o.at("name").as_string()).rfind("Customer " + id + " v", 0) == 0, r);
    BOOST_TEST(o.at("email").as_string() == "c" + id + "@example.org", r);
  }
  auto progress = test::split_lines(test::read_file(dir.str("progress.jsonl")));
  BOOST_REQUIRE(!progress.empty());
  BOOST_TEST(joined > 0u, progress.back());
  auto table = json::parse(progress.back()).at("lookups").at(0).as_object();
  BOOST_TEST(table.at("version").as_int64() >= 2, progress.back());
  BOOST_TEST(table.at("failedRefreshes").as_int64() == 0, progress.back());
}

BOOST_AUTO_TEST_SUITE_END()
