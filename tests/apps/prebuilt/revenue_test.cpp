// revenue end to end through the binary over the embedded Kafka broker (its default input),
// against sums worked out here from the generator's records: per category, 5-minute tumbling
// and 10-minute/2-minute sliding windows, kept when the final watermark passed their end.
// Sales arrive in event-time order on one partition, so no sale is late whatever the triggers.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <map>
#include <set>

#include "test_support.hpp"

using namespace sluice;

namespace {

constexpr int64_t count = 6000, delay_us = 60'000'000, m = 60'000'000;

struct totals {
  double revenue = 0;
  int64_t orders = 0;
  std::set<std::string> users;
};

using windows = std::map<std::pair<std::string, int64_t>, totals>;

// The input both the app and derive() work from (sales.spacing is the app's default, 200 ms).
const generator_spec input = test::generated("sales", count, 3, 500, 200'000);

void derive(windows& tumbling, windows& rolling) {
  windows t, r;
  int64_t max_ts = test::for_each_generated(input, [&](uint64_t, boost::json::object& o, int64_t ts) {
    std::string cat(o["category"].as_string()), user(o["user"].as_string());
    double amount = o["amount"].to_number<double>();
    auto add = [&](windows& w, int64_t start) {
      auto& x = w[{cat, start}];
      x.revenue += amount;
      ++x.orders;
      x.users.insert(user);
    };
    add(t, ts - ts % (5 * m));
    for (int64_t start = ts - ts % (2 * m); start > ts - 10 * m; start -= 2 * m) add(r, start);
  });
  int64_t wm = max_ts - delay_us;
  for (auto& [k, x] : t)
    if (k.second + 5 * m <= wm) tumbling[k] = x;
  for (auto& [k, x] : r)
    if (k.second + 10 * m <= wm) rolling[k] = x;
}

void check(const std::vector<std::string>& lines, const windows& want, bool users) {
  BOOST_TEST(lines.size() == want.size());
  for (const auto& line : lines) {
    auto o = boost::json::parse(line).as_object();
    auto it = want.find({std::string(o["category"].as_string()), test::iso_us(o["window_start"])});
    BOOST_REQUIRE_MESSAGE(it != want.end(), "unexpected window " << line);
    BOOST_TEST(std::fabs(o["revenue"].to_number<double>() - it->second.revenue) < 1e-6, line);
    BOOST_TEST(o["orders"].as_int64() == it->second.orders, line);
    if (users) {
      double exact = static_cast<double>(it->second.users.size());
      BOOST_TEST(std::fabs(o["unique_users"].to_number<double>() - exact) <= 0.15 * exact, line);  // 3 rsd
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(apps_prebuilt_revenue)

BOOST_AUTO_TEST_CASE(tumbling_and_rolling_revenue_over_kafka_match_an_independent_computation) {
  windows tumbling, rolling;
  derive(tumbling, rolling);
  BOOST_REQUIRE(tumbling.size() >= 18u);
  test::temp_dir dir("revenue");
  std::string out;
  BOOST_REQUIRE_EQUAL(test::run_app("revenue",
                                    test::generator_args("sales", input) +
                                        " --set trigger=100ms --set max_records_per_trigger=700 --set partitions=3",
                                    dir.str("out"), out),
                      0);
  BOOST_TEST(out.find("embedded Kafka broker") != std::string::npos, out);
  check(test::read_lines(dir.str("out/per_5m")), tumbling, true);
  check(test::read_lines(dir.str("out/rolling")), rolling, false);
}

BOOST_AUTO_TEST_CASE(update_mode_emits_every_change_and_ends_with_the_same_totals) {
  windows tumbling, rolling;
  derive(tumbling, rolling);
  test::temp_dir dir("revenue-update");
  std::string out;
  BOOST_REQUIRE_EQUAL(test::run_app("revenue", test::generator_run_args("sales", input, 500) + " --set mode=update",
                                    dir.str("out"), out),
                      0);
  // The last version of each closed window carries its final totals; windows show up more than once.
  std::map<std::pair<std::string, int64_t>, std::string> last;
  auto lines = test::read_lines(dir.str("out/per_5m"));
  for (const auto& line : lines) {
    auto o = boost::json::parse(line).as_object();
    last[{std::string(o["category"].as_string()), test::iso_us(o["window_start"])}] = line;
  }
  BOOST_TEST(lines.size() > last.size());
  std::vector<std::string> finals;
  for (const auto& [k, line] : last)
    if (tumbling.count(k)) finals.push_back(line);
  check(finals, tumbling, true);
  BOOST_TEST(test::run_sluice("run revenue --set mode=complete", out) == 2);
  BOOST_TEST(out.find("expected append or update") != std::string::npos, out);
}

BOOST_AUTO_TEST_SUITE_END()
