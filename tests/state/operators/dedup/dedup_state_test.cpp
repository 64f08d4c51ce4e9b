// Deduplication state, hand-worked (spark-semantics §9, replay-format "Stage dedup"). Rows are
// (user, t seconds) held as µs; W is the watermark.
#include "state/operators/dedup/dedup_state.hpp"

#include <boost/test/unit_test.hpp>
#include <limits>

using namespace sluice;

namespace {
constexpr int64_t s = 1'000'000;

std::vector<row> rows(std::initializer_list<std::pair<const char*, int64_t>> xs) {
  std::vector<row> out;
  for (const auto& [u, t] : xs) out.push_back(row{{value{std::string(u)}, value{t * s}}, t * s});
  return out;
}

std::vector<std::string> users(const std::vector<row>& out) {
  std::vector<std::string> v;
  for (const auto& r : out) v.push_back(std::get<std::string>(r.values[0]));
  return v;
}

dedup_spec spec(std::vector<size_t> keys, bool within = false, int64_t delay_s = 0) {
  dedup_spec d;
  d.key_columns = std::move(keys);
  d.event_time_column = 1;
  d.within_watermark = within;
  d.delay_us = delay_s * s;
  return d;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(state_operators_dedup_dedup_state)

BOOST_AUTO_TEST_CASE(the_first_row_of_a_key_passes_and_late_rows_are_counted) {
  dedup_state d(spec({0}));
  std::vector<row> out;
  auto in = rows({{"a", 10}, {"b", 11}, {"a", 12}, {"c", 3}});
  d.process(in, 5 * s, out);
  BOOST_TEST(users(out) == (std::vector<std::string>{"a", "b"}));
  auto c = d.take_counters();
  BOOST_TEST(c.stored == 2);
  BOOST_TEST(c.duplicates == 1);
  BOOST_TEST(c.dropped_late == 1);  // (c, 3): 3 s ≤ W = 5 s
  // Keys without the event-time column are never evicted.
  d.evict(1000 * s);
  BOOST_TEST(d.keys() == 2);
  BOOST_TEST(d.take_counters().removed == 0);
}

BOOST_AUTO_TEST_CASE(keys_with_the_event_time_column_go_with_the_watermark) {
  dedup_state d(spec({0, 1}));
  std::vector<row> out;
  auto in = rows({{"a", 10}, {"a", 10}, {"a", 20}});
  d.process(in, 0, out);
  BOOST_TEST(out.size() == 2u);  // (a,10) and (a,20) are different keys
  d.evict(10 * s);               // (a,10): 10 ≤ 10
  BOOST_TEST(d.keys() == 1);
  BOOST_TEST(d.take_counters().removed == 1);
}

BOOST_AUTO_TEST_CASE(within_the_watermark_a_key_expires_delay_after_its_row) {
  dedup_state d(spec({0}, true, 5));
  std::vector<row> out;
  auto in = rows({{"a", 10}, {"b", 12}});
  d.process(in, 0, out);
  d.evict(14 * s);  // a expires at 15 s, b at 17 s
  BOOST_TEST(d.keys() == 2);
  d.evict(15 * s);
  BOOST_TEST(d.keys() == 1);
  out.clear();
  auto again = rows({{"a", 16}, {"b", 16}});
  d.process(again, 15 * s, out);
  BOOST_TEST(users(out) == (std::vector<std::string>{"a"}));  // b is still held
}

BOOST_AUTO_TEST_CASE(state_rows_round_trip_and_other_versions_are_refused) {
  dedup_state d(spec({0, 1}));
  std::vector<row> out;
  auto in = rows({{"a", 10}, {"b", 20}});
  d.process(in, 0, out);
  dedup_state back(spec({0, 1}));
  d.save([&](std::string k, std::string v) { BOOST_TEST(back.load(k, v).is_ok()); });
  BOOST_TEST(back.keys() == 2);
  out.clear();
  auto dup = rows({{"a", 10}});
  back.process(dup, 0, out);
  BOOST_TEST(out.empty());
  back.evict(15 * s);  // the restored expiry still evicts (a,10)
  BOOST_TEST(back.keys() == 1);
  BOOST_TEST(!back.load("k", std::string("\x02") + std::string(8, '\0')).is_ok());
  BOOST_TEST(!back.load("k", "\x01").is_ok());
}

BOOST_AUTO_TEST_SUITE_END()
