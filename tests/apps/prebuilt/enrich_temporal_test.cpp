// enrich with products.source=cdc end to end through the binary over the embedded Kafka broker:
// purchases join, by a temporal join, the product version valid at each purchase's event time,
// read from a Debezium changelog topic the app feeds beside the purchases. The answer is
// worked out here from the two generators alone (for each purchase, the last change of its
// product at or before the purchase's time; nulls when there is none or it is a delete) and
// must come out exactly — the purchases at or below the final watermark, once each — in three
// runs at different paces: two topic partitions fed at 2,000/s; one partition read 300
// records per trigger as fast as it goes; and a run whose join crashes and resumes from its
// checkpoint. Same input, same output: replay equals live.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <map>

#include "test_support.hpp"

using namespace sluice;
namespace json = boost::json;

namespace {

constexpr uint64_t purchases = 6000, products = 200, product_ids = 240;
constexpr int64_t change_every_us = 100'000, delay_us = 2'000'000;

const generator_spec input = test::generated("purchases", purchases, 5, product_ids, 10'000);

struct change {
  int64_t time_us;
  json::value after;  // null: a delete
};

/// Every product's changes in time order, from the changelog generator alone.
std::map<int64_t, std::vector<change>> product_history() {
  generator_spec g;
  g.kind = "product-changes";
  g.seed = 7;
  g.keys = products;
  g.count = purchases * 10'000 / change_every_us + 1;  // the app's: up to the last purchase's time
  g.spacing_us = change_every_us;
  std::map<int64_t, std::vector<change>> h;
  for (uint64_t n = 0; n < g.count; ++n) {
    std::string text = generate_record(g, n);
    auto envelope = json::parse(text.substr(0, text.find('\n'))).as_object();
    int64_t t = envelope["source"].as_object()["ts_ms"].as_int64() * 1000;
    const auto& after = envelope["after"];
    int64_t id = (after.is_null() ? envelope["before"] : after).as_object().at("product_id").as_int64();
    h[id].push_back(change{t, after});
  }
  return h;
}

/// The expected output line's product columns for each purchase id, and the purchase times.
struct expectation {
  std::vector<json::object> rows;  // by purchase id: purchase columns + product columns
  std::vector<int64_t> times_us;
};

expectation expected() {
  auto history = product_history();
  expectation e;
  test::for_each_generated(input, [&](uint64_t, json::object& o, int64_t ts_us) {
    json::value product;
    auto it = history.find(o["product_id"].as_int64());
    if (it != history.end())
      for (const auto& c : it->second)
        if (c.time_us <= ts_us) product = c.after;
    for (const char* col : {"name", "category", "price", "catalog_revision"})
      o[col] = product.is_null() ? json::value() : product.as_object().at(col);
    e.rows.push_back(o);
    e.times_us.push_back(ts_us);
  });
  return e;
}

/// The watermark the temporal join last emitted with (its eventTimeWatermarkForEviction in
/// the last progress record), µs.
int64_t final_watermark(const std::string& progress) {
  auto lines = test::split_lines(test::read_file(progress));
  BOOST_REQUIRE(!lines.empty());
  auto last = json::parse(lines.back()).as_object();
  const auto& op = last["stateOperators"].as_array().at(0).as_object();
  BOOST_REQUIRE(op.at("operatorName") == "temporalJoin");
  return op.at("customMetrics").as_object().at("eventTimeWatermarkForEviction").as_int64() * 1000;
}

/// Runs the app with `extra` settings, checks every output row against the expectation and
/// returns what the run printed.
std::string check_run(const expectation& want, const std::string& extra, const std::string& tag) {
  test::temp_dir dir("enrich-cdc-" + tag);
  std::string out, progress = dir.str("progress.jsonl");
  BOOST_REQUIRE_MESSAGE(
      test::run_app("enrich",
                    test::generator_args("purchases", input) + " --set products.source=cdc --set products.count=" +
                        std::to_string(products) + " --set products.delay=2s --progress " + progress + " " + extra,
                    dir.str("out"), out) == 0,
      out);
  int64_t watermark = final_watermark(progress);
  // The purchases' input ended: its watermark is its last event time less the delay.
  BOOST_TEST(watermark == want.times_us.back() - delay_us);
  std::vector<bool> seen(purchases, false);
  size_t rows = 0, misses = 0, wrong = 0;
  std::string first_wrong;
  for (const auto& line : test::read_lines(dir.str("out/enriched"))) {
    auto o = json::parse(line).as_object();
    int64_t id = o["purchase_id"].as_int64();
    BOOST_REQUIRE_MESSAGE(id >= 0 && id < static_cast<int64_t>(purchases) && !seen[static_cast<size_t>(id)],
                          tag << ": unexpected or repeated purchase " << line);
    seen[static_cast<size_t>(id)] = true;
    ++rows;
    const auto& w = want.rows[static_cast<size_t>(id)];
    bool same = test::iso_us(o["ts"]) == want.times_us[static_cast<size_t>(id)];
    for (const auto& kv : w) {
      const auto& got = o[kv.key()];
      if (kv.key() == "ts") continue;
      if (got.is_number() && kv.value().is_number())  // 161.00 is written 161
        same &= got.to_number<double>() == kv.value().to_number<double>();
      else
        same &= got == kv.value();
    }
    if (!same && wrong++ == 0) first_wrong = line;
    if (w.at("name").is_null()) ++misses;
  }
  BOOST_TEST(wrong == 0u, tag << ": " << wrong << " rows differ from the expectation, the first: " << first_wrong);
  size_t due = 0, missing = 0;
  for (size_t id = 0; id < purchases; ++id) {
    due += want.times_us[id] <= watermark;
    missing += seen[id] != (want.times_us[id] <= watermark);
  }
  BOOST_TEST(due > purchases / 2);
  BOOST_TEST(rows == due, tag);
  BOOST_TEST(missing == 0u, tag << ": purchases out that should not be, or not out that should");
  // Purchases of ids ≥ products, before a product's first version, and after a delete miss.
  BOOST_TEST(misses > 0u, tag);
  BOOST_TEST(misses < rows / 2, tag);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(apps_prebuilt_enrich_temporal)

BOOST_AUTO_TEST_CASE(purchases_join_the_product_version_valid_at_their_event_time_at_any_pace) {
  const expectation want = expected();
  // Several versions per product over the run (601 changes of 200 products: 3 rounds).
  check_run(want, "--set purchases.rate=2000 --set kafka.partitions=2 --set trigger=200ms", "live");
  check_run(want, "--set kafka.partitions=1 --set max_records_per_trigger=300 --set trigger=0", "capped");
  test::temp_dir ck("enrich-cdc-ck");
  std::string out =
      check_run(want,
                "--set purchases.rate=3000 --set trigger=200ms --set max_records_per_trigger=300 --checkpoint " +
                    ck.str("ck") + " --checkpoint-interval 0 --fail-at crash:temporal-join:200",
                "crash");
  BOOST_TEST(out.find("fault injected at crash:temporal-join") != std::string::npos, out);
  BOOST_TEST(out.find("[enrich] restarted") != std::string::npos, out);
  BOOST_TEST(out.find("resumed: from epoch") != std::string::npos, out);  // the join's state was restored
}

BOOST_AUTO_TEST_SUITE_END()
