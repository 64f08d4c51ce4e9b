// fraud end to end through the binary, checked against answers worked out here from the
// generator's records: velocity windows counted per (user, 5-minute window) and kept when
// closed by the final watermark; spend spikes by replaying each user's running average;
// model scores with the logistic formula. The producer retries 5 % of the transactions (the
// same record twice): the app drops them by txn_id, the answers here count each id once. None
// of it uses the engine's code.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <fstream>
#include <map>
#include <set>

#include "messages/data/time.hpp"
#include "test_support.hpp"

using namespace sluice;

namespace {

constexpr int64_t count = 8000, window_us = 300'000'000, delay_us = 60'000'000;

struct expected {
  std::map<std::pair<std::string, int64_t>, std::pair<int64_t, double>> windows;  // closed: (count, total)
  std::set<int64_t> spikes;                                                       // txn ids
};

// The input both the app and derive() work from (transactions.spacing is the app's default).
generator_spec with_retries(generator_spec g) {
  g.duplicate_fraction = 0.05;
  return g;
}
const generator_spec input = with_retries(test::generated("transactions", count, 11, 300, 250'000));

expected derive() {
  expected e;
  std::map<std::pair<std::string, int64_t>, std::pair<int64_t, double>> all;
  std::map<std::string, std::pair<int64_t, double>> history;  // user → (n, mean)
  std::set<int64_t> seen;
  int64_t retries = 0;
  int64_t max_ts = test::for_each_generated(input, [&](uint64_t, boost::json::object& o, int64_t ts) {
    if (!seen.insert(o["txn_id"].as_int64()).second) {
      ++retries;
      return;
    }
    std::string user(o["user"].as_string());
    double amount = o["amount"].to_number<double>();
    auto& w = all[{user, ts - ts % window_us}];
    ++w.first;
    w.second += amount;
    auto& h = history[user];
    if (h.first >= 5 && amount > 5 * h.second) e.spikes.insert(o["txn_id"].as_int64());
    ++h.first;
    h.second += (amount - h.second) / static_cast<double>(h.first);
  });
  for (const auto& [k, w] : all)
    if (k.second + window_us <= max_ts - delay_us) e.windows[k] = w;
  BOOST_TEST_REQUIRE(retries > 100);  // the input does hold retries
  return e;
}

std::string run_fraud(const test::temp_dir& dir, const std::string& extra, std::string& out) {
  return std::to_string(test::run_app(
      "fraud", test::generator_run_args("transactions", input, 2000) + " --set transactions.retries=0.05 " + extra,
      dir.str("out"), out));
}

std::set<std::string> alert_ids(const std::string& dir) {
  std::set<std::string> ids;
  for (const auto& line : test::read_lines(dir))
    ids.insert(std::string(boost::json::parse(line).at("alert_id").as_string()));
  return ids;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(apps_prebuilt_fraud)

BOOST_AUTO_TEST_CASE(velocity_windows_and_spend_spikes_match_an_independent_computation) {
  auto e = derive();
  std::set<std::string> velocity;
  std::map<std::pair<std::string, int64_t>, std::pair<int64_t, double>> flagged;
  for (const auto& [k, w] : e.windows)
    if (w.first > 5) {
      flagged[k] = w;
      velocity.insert("VELOCITY|" + k.first + "|" + format_iso8601_ms(k.second));
    }
  BOOST_REQUIRE(flagged.size() > 10u);
  BOOST_REQUIRE(e.spikes.size() > 10u);
  test::temp_dir dir("fraud");
  std::string out;
  BOOST_REQUIRE_EQUAL(run_fraud(dir, "", out), "0");
  auto lines = test::read_lines(dir.str("out/flagged_windows"));
  BOOST_TEST(lines.size() == flagged.size(), out);
  for (const auto& line : lines) {
    auto o = boost::json::parse(line).as_object();
    std::pair<std::string, int64_t> k{std::string(o["user"].as_string()), test::iso_us(o["window_start"])};
    auto it = flagged.find(k);
    BOOST_REQUIRE_MESSAGE(it != flagged.end(), "unexpected window " << line);
    BOOST_TEST(o["count"].as_int64() == it->second.first);
    BOOST_TEST(std::fabs(o["total"].to_number<double>() - it->second.second) < 1e-6, line);
    BOOST_TEST(o["merchants"].as_int64() >= 1);
  }
  BOOST_TEST((alert_ids(dir.str("out/alerts/velocity")) == velocity));
  std::set<int64_t> spikes;
  for (const auto& line : test::read_lines(dir.str("out/spikes")))
    spikes.insert(boost::json::parse(line).at("txn_id").as_int64());
  BOOST_TEST((spikes == e.spikes));
  BOOST_TEST(alert_ids(dir.str("out/alerts/spikes")).size() == e.spikes.size());
}

BOOST_AUTO_TEST_CASE(a_logistic_model_scores_each_window) {
  auto e = derive();
  test::temp_dir dir("fraud-model");
  {
    std::ofstream m(dir.str("model.json"));
    m << R"({"intercept": -8, "weights": {"count": 2}, "threshold": 0.5})";  // score > 0.5 ⇔ count > 4
  }
  std::set<std::string> scored;
  for (const auto& [k, w] : e.windows)
    if (w.first > 4) scored.insert("MODEL_SCORE|" + k.first + "|" + format_iso8601_ms(k.second));
  std::string out;
  BOOST_REQUIRE_EQUAL(run_fraud(dir, "--set model=" + dir.str("model.json"), out), "0");
  auto ids = alert_ids(dir.str("out/alerts/velocity"));
  std::set<std::string> model_ids;
  for (const auto& id : ids)
    if (id.rfind("MODEL_SCORE|", 0) == 0) model_ids.insert(id);
  BOOST_TEST((model_ids == scored), out);
  for (const auto& line : test::read_lines(dir.str("out/flagged_windows"))) {
    auto o = boost::json::parse(line).as_object();
    double want = 1 / (1 + std::exp(8 - 2 * static_cast<double>(o["count"].as_int64())));
    BOOST_TEST(std::fabs(o["score"].to_number<double>() - want) < 1e-12);
  }
  {
    std::ofstream m(dir.str("bad.json"));
    m << R"({"intercept": 1, "weights": {"velocity": 2}})";
  }
  BOOST_TEST(test::run_sluice("run fraud --set model=" + dir.str("bad.json"), out) == 2);
  BOOST_TEST(out.find("unknown feature 'velocity'") != std::string::npos, out);
}

BOOST_AUTO_TEST_SUITE_END()
