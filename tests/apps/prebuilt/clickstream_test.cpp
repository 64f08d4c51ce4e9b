// clickstream end to end through the binary, against sessions and funnel counts worked out
// here from the generator's records: a user's clicks split into sessions where the next click
// comes after the last click + gap; a session or window is out once the final watermark
// (max event time − delay) passed its end.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <map>
#include <set>

#include "test_support.hpp"

using namespace sluice;

namespace {

constexpr int64_t count = 6000, gap_us = 300'000'000, delay_us = 300'000'000, window_us = 600'000'000;

struct session {
  int64_t start = 0, end = 0;
  std::vector<std::string> pages;
  int64_t checkouts = 0;
};

struct funnel {
  int64_t views = 0, carts = 0, checkouts = 0;
  std::set<std::string> users;
};

struct expected {
  std::map<std::pair<std::string, int64_t>, session> sessions;  // closed, by (user, start)
  std::map<int64_t, funnel> windows;                            // closed, by start
};

// The input both the app and derive() work from (clicks.spacing is the app's default, 1 s).
const generator_spec input = test::generated("clicks", count, 5, 200, 1'000'000);

expected derive() {
  std::map<std::string, std::vector<session>> by_user;
  std::map<int64_t, funnel> windows;
  int64_t max_ts = test::for_each_generated(input, [&](uint64_t, boost::json::object& o, int64_t ts) {
    std::string user(o["user"].as_string()), action(o["action"].as_string());
    auto& ss = by_user[user];
    if (ss.empty() || ts > ss.back().end) ss.push_back(session{ts, ts, {}, 0});
    ss.back().end = ts + gap_us;
    ss.back().pages.emplace_back(o["page"].as_string());
    ss.back().checkouts += action == "checkout";
    auto& w = windows[ts - ts % window_us];
    w.views += action == "view";
    w.carts += action == "cart";
    w.checkouts += action == "checkout";
    w.users.insert(user);
  });
  expected e;
  int64_t final_wm = max_ts - delay_us;
  for (auto& [user, ss] : by_user)
    for (auto& s : ss)
      if (s.end <= final_wm) e.sessions[{user, s.start}] = s;
  for (auto& [start, w] : windows)
    if (start + window_us <= final_wm) e.windows[start] = w;
  return e;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(apps_prebuilt_clickstream)

BOOST_AUTO_TEST_CASE(sessions_and_funnel_match_an_independent_computation) {
  auto e = derive();
  size_t multi = 0;
  for (const auto& [k, s] : e.sessions) multi += s.pages.size() > 2;
  BOOST_REQUIRE(multi > 50u);  // sessions really merge several clicks
  test::temp_dir dir("clickstream");
  std::string out;
  BOOST_REQUIRE_EQUAL(
      test::run_app("clickstream",
                    test::generator_run_args("clicks", input, 1500) + " --set session.gap=5m --set partitions=3",
                    dir.str("out"), out),
      0);
  auto lines = test::read_lines(dir.str("out/sessions"));
  BOOST_TEST(lines.size() == e.sessions.size(), out);
  for (const auto& line : lines) {
    auto o = boost::json::parse(line).as_object();
    std::pair<std::string, int64_t> k{std::string(o["user"].as_string()), test::iso_us(o["session_start"])};
    auto it = e.sessions.find(k);
    BOOST_REQUIRE_MESSAGE(it != e.sessions.end(), "unexpected session " << line);
    const auto& s = it->second;
    BOOST_TEST(test::iso_us(o["session_end"]) == s.end, line);
    BOOST_TEST(o["session_duration_s"].to_number<double>() == static_cast<double>(s.end - s.start) / 1e6, line);
    BOOST_TEST(o["page_views"].as_int64() == static_cast<int64_t>(s.pages.size()), line);
    BOOST_TEST(o["checkouts"].as_int64() == s.checkouts, line);
    std::vector<std::string> pages;
    for (const auto& p : o["pages"].as_array()) pages.emplace_back(p.as_string());
    BOOST_TEST((pages == s.pages), line);
    std::set<std::string> distinct(s.pages.begin(), s.pages.end());
    // approx_count_distinct: a register collision can cost one value even this small.
    double want = static_cast<double>(distinct.size());
    BOOST_TEST(std::abs(o["distinct_pages"].to_number<double>() - want) <= std::max(1.0, 0.15 * want), line);
  }
  auto funnel_lines = test::read_lines(dir.str("out/funnel"));
  BOOST_TEST(funnel_lines.size() == e.windows.size());
  for (const auto& line : funnel_lines) {
    auto o = boost::json::parse(line).as_object();
    auto it = e.windows.find(test::iso_us(o["window_start"]));
    BOOST_REQUIRE_MESSAGE(it != e.windows.end(), "unexpected window " << line);
    const auto& w = it->second;
    BOOST_TEST(o["views"].as_int64() == w.views);
    BOOST_TEST(o["carts"].as_int64() == w.carts);
    BOOST_TEST(o["checkouts"].as_int64() == w.checkouts);
    BOOST_TEST(o["view_to_cart"].to_number<double>() == static_cast<double>(w.carts) / static_cast<double>(w.views));
    double users = static_cast<double>(w.users.size());
    BOOST_TEST(std::abs(o["visitors"].to_number<double>() - users) <= 0.15 * users, line);  // 3 rsd
  }
}

BOOST_AUTO_TEST_CASE(a_session_gap_of_zero_is_refused) {
  // (Update mode for sessions is refused too: tests/apps/frontend/replay_cases/session_update_refused.json.)
  std::string out;
  BOOST_TEST(test::run_sluice("run clickstream --set session.gap=0s --set input=generator", out) == 2);
  BOOST_TEST(out.find("session gap must be positive") != std::string::npos, out);
}

BOOST_AUTO_TEST_SUITE_END()
