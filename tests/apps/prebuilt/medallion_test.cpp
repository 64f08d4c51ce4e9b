// The medallion app end to end through the real binary: every generated event ends up in
// silver or in the dead letters, once; the run is deterministic for a seed.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <set>

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

BOOST_AUTO_TEST_SUITE_END()
