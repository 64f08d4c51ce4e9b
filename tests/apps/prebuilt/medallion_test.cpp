// The medallion app end to end through the real binary: every generated event ends up in
// silver or in the dead letters, once; the run is deterministic for a seed.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <map>
#include <set>
#include <tuple>

#include "messages/data/time.hpp"
#include "test_support.hpp"

using namespace sluice;

BOOST_AUTO_TEST_SUITE(apps_prebuilt_medallion)

BOOST_AUTO_TEST_CASE(bronze_silver_and_dead_letters_account_for_every_event) {
  test::temp_dir dir("medallion");
  std::string out;
  int code = test::run_app("medallion",
                           "--set events.count=5000 --set events.rate=0 --set trigger=100ms"
                           " --set silver.trigger=100ms --set events.malformed=0.05 --progress " +
                               dir.str("p.jsonl"),
                           dir.str("m"), out);
  BOOST_TEST_REQUIRE(code == 0, out);
  BOOST_TEST(out.find("output: bronze: " + dir.str("m") + "/bronze/") != std::string::npos);
  auto bronze = test::read_lines(dir.str("m/bronze"));
  auto silver = test::read_lines(dir.str("m/silver"));
  auto dead = test::read_lines(dir.str("m/dead_letters/silver"));
  BOOST_TEST(bronze.size() == 5000u);
  BOOST_TEST(silver.size() + dead.size() == 5000u);
  BOOST_TEST(dead.size() > 150u);  // ~5 %
  BOOST_TEST(dead.size() < 350u);
  BOOST_TEST(std::filesystem::exists(dir.str("m/bronze/_SUCCESS")));
  std::set<int64_t> ids;
  for (const auto& l : silver) {
    auto o = boost::json::parse(l).as_object();
    ids.insert(o["event_id"].as_int64());
    BOOST_TEST(o["amount"].to_number<double>() >= 0);
    BOOST_TEST(o["position"].as_string().find("generator:events@") == 0u);
  }
  BOOST_TEST(ids.size() == silver.size());  // no duplicates
  std::set<std::string> reasons;
  for (const auto& l : dead) {
    auto reason = std::string(boost::json::parse(l).as_object()["reason"].as_string());
    reasons.insert(reason.substr(0, reason.find(':')));
  }
  BOOST_TEST(reasons.count("not valid JSON") == 1u);
  BOOST_TEST(reasons.count("failed validation") == 1u);
}

BOOST_AUTO_TEST_CASE(same_seed_same_silver) {
  test::temp_dir dir("medallion-seed");
  std::string out;
  std::string args = "--set events.count=2000 --set events.rate=0 --set trigger=0 --set silver.trigger=0";
  BOOST_TEST_REQUIRE(test::run_app("medallion", args, dir.str("a"), out) == 0, out);
  BOOST_TEST_REQUIRE(test::run_app("medallion", args, dir.str("b"), out) == 0, out);
  auto strip = [](std::vector<std::string> v) {  // ingest_time differs by run
    std::multiset<std::string> s;
    for (auto& l : v) {
      auto o = boost::json::parse(l).as_object();
      o.erase("ingest_time");
      s.insert(boost::json::serialize(o));
    }
    return s;
  };
  BOOST_TEST((strip(test::read_lines(dir.str("a/silver"))) == strip(test::read_lines(dir.str("b/silver")))));
}

namespace {

/// Gold computed straight from silver's rows: (type, user, window start) → "events/amount_cents",
/// for the windows that close once gold has read everything (end ≤ last event time − delay).
std::map<std::string, std::string> gold_from_silver(const std::vector<std::string>& silver, int64_t window_us,
                                                    int64_t delay_us) {
  std::map<std::string, std::pair<int64_t, int64_t>> sums;
  int64_t last = 0;
  std::vector<std::tuple<std::string, int64_t, int64_t>> rows;
  for (const auto& l : silver) {
    auto o = boost::json::parse(l).as_object();
    int64_t ts = *parse_iso8601_us(std::string(o["ts"].as_string()));
    last = std::max(last, ts);
    rows.emplace_back(std::string(o["type"].as_string()) + "|" + std::string(o["user"].as_string()), ts,
                      o["amount_cents"].as_int64());
  }
  std::map<std::string, std::string> out;
  for (const auto& [key, ts, cents] : rows) {
    int64_t start = ts - ts % window_us;
    if (start + window_us > last - delay_us) continue;  // still open
    auto& s = sums[key + "|" + format_iso8601(start)];
    s.first += 1;
    s.second += cents;
  }
  for (const auto& [k, s] : sums) out[k] = std::to_string(s.first) + "/" + std::to_string(s.second);
  return out;
}

std::map<std::string, std::string> gold_rows(const std::vector<std::string>& gold) {
  std::map<std::string, std::string> out;
  for (const auto& l : gold) {
    auto o = boost::json::parse(l).as_object();
    std::string key = std::string(o["type"].as_string()) + "|" + std::string(o["user"].as_string()) + "|" +
                      std::string(o["window_start"].as_string());
    BOOST_TEST(out.count(key) == 0u, key);  // once per window
    out[key] = std::to_string(o["events"].as_int64()) + "/" + std::to_string(o["amount_cents"].as_int64());
  }
  return out;
}

}  // namespace

// Gold, the third query, against an aggregation of silver done here; with a checkpoint and
// gold's source (its input is named "silver") crashing once — gold alone restarts, from its own
// checkpoint — the same.
BOOST_AUTO_TEST_CASE(gold_aggregates_silver_per_type_user_and_window) {
  test::temp_dir dir("medallion-gold");
  std::string out;
  std::string args =
      "--set events.count=20000 --set events.rate=0 --set trigger=100ms --set silver.trigger=100ms"
      " --set gold.trigger=100ms --set gold.window=5s --set gold.watermark=2s";
  BOOST_TEST_REQUIRE(test::run_app("medallion", args, dir.str("a"), out) == 0, out);
  auto expected = gold_from_silver(test::read_lines(dir.str("a/silver")), 5'000'000, 2'000'000);
  auto gold = gold_rows(test::read_lines(dir.str("a/gold")));
  BOOST_TEST(expected.size() > 1000u);
  BOOST_TEST((gold == expected));
  BOOST_TEST(std::filesystem::exists(dir.str("a/gold/_SUCCESS")));

  BOOST_TEST_REQUIRE(test::run_app("medallion", args + " --checkpoint " + dir.str("ck") + " --fail-at crash:silver:3",
                                   dir.str("b"), out) == 0,
                     out);
  BOOST_TEST(out.find("[gold] restarted") != std::string::npos, out);
  BOOST_TEST(out.find("[silver] restarted") == std::string::npos, out);
  BOOST_TEST(out.find("[bronze] restarted") == std::string::npos, out);
  BOOST_TEST((gold_rows(test::read_lines(dir.str("b/gold"))) == expected));
}

BOOST_AUTO_TEST_SUITE_END()
