#include "state/operators/watermark/partition_watermarks.hpp"

#include <boost/test/unit_test.hpp>
#include <limits>

using namespace sluice;

namespace {
constexpr int64_t s = 1'000'000;
constexpr int64_t none = std::numeric_limits<int64_t>::min();
}  // namespace

BOOST_AUTO_TEST_SUITE(state_operators_watermark_partition_watermarks)

// The floor is the frontier rounded down to a tenth of the delay, minus the delay; it moves
// only forward, and `advance` says when it moved.
BOOST_AUTO_TEST_CASE(floor_follows_the_frontier_in_steps) {
  partition_watermarks w(10 * s, std::nullopt);
  auto& f = w.frontier("t/0", 0);
  BOOST_TEST(w.floor_of(f) == none);
  BOOST_TEST(w.advance(f, 100 * s + 500'000, 0));  // first row: a floor appears
  BOOST_TEST(w.floor_of(f) == 90 * s);
  BOOST_TEST(!w.advance(f, 100 * s + 900'000, 0));  // same 1 s step
  BOOST_TEST(!w.advance(f, 50 * s, 0));             // older: the frontier stays
  BOOST_TEST(w.floor_of(f) == 90 * s);
  BOOST_TEST(w.advance(f, 101 * s, 0));
  BOOST_TEST(w.floor_of(f) == 91 * s);
}

// The input's watermark: the least floor over open partitions; an open partition without rows
// holds it; a closed one takes no part; exhausted, the largest frontier minus the delay.
BOOST_AUTO_TEST_CASE(input_watermark_is_the_least_over_open_partitions) {
  partition_watermarks w(10 * s, std::nullopt);
  w.advance(w.frontier("t/0", 0), 100 * s, 0);
  BOOST_TEST(!w.watermark({"t/0", "t/1"}, false, 0).has_value());  // t/1 has no rows yet
  w.advance(w.frontier("t/1", 0), 200 * s + 300'000, 0);
  BOOST_TEST(*w.watermark({"t/0", "t/1"}, false, 0) == 90 * s);
  BOOST_TEST(*w.watermark({"t/1"}, false, 0) == 190 * s);  // t/0 read to its end
  BOOST_TEST(*w.watermark({}, true, 0) == 190 * s + 300'000);
}

// Opt-in idleness: a partition silent for the timeout stops holding the watermark.
BOOST_AUTO_TEST_CASE(an_idle_partition_stops_holding) {
  partition_watermarks w(10 * s, 5 * s);
  w.advance(w.frontier("t/0", 0), 100 * s, 0);
  w.frontier("t/1", 0);
  BOOST_TEST(!w.watermark({"t/0", "t/1"}, false, 1 * s).has_value());
  w.advance(w.frontier("t/0", 0), 120 * s, 6 * s);
  BOOST_TEST(*w.watermark({"t/0", "t/1"}, false, 6 * s) == 110 * s);
}

// Frontiers survive a restart; a damaged text is refused as a corruption.
BOOST_AUTO_TEST_CASE(frontiers_round_trip_and_damage_is_refused) {
  partition_watermarks w(10 * s, std::nullopt);
  w.advance(w.frontier("t/0", 0), 100 * s, 0);
  w.advance(w.frontier("t/1", 0), 42 * s, 0);
  w.frontier("t/2", 0);  // no rows: not written
  partition_watermarks back(10 * s, std::nullopt);
  BOOST_REQUIRE(back.decode(w.encode(), 0).is_ok());
  BOOST_TEST(back.frontiers().size() == 2u);
  BOOST_TEST(back.floor_of(back.frontier("t/0", 0)) == 90 * s);
  BOOST_TEST(back.floor_of(back.frontier("t/1", 0)) == 32 * s);
  partition_watermarks bad(10 * s, std::nullopt);
  auto st = bad.decode("{\"t/0\":\"x\"}", 0);
  BOOST_TEST(!st.is_ok());
  BOOST_TEST(st.message().find("corrupt") != std::string::npos);
  BOOST_TEST(!bad.decode("[1]", 0).is_ok());
}

// Event times near the ends of int64 do not overflow.
BOOST_AUTO_TEST_CASE(extreme_event_times_saturate) {
  partition_watermarks w(10 * s, std::nullopt);
  auto& f = w.frontier("", 0);
  w.advance(f, std::numeric_limits<int64_t>::min() + 5, 0);
  BOOST_TEST(w.floor_of(f) > none);
  w.advance(f, std::numeric_limits<int64_t>::max(), 0);
  BOOST_TEST(w.floor_of(f) < std::numeric_limits<int64_t>::max());
}

BOOST_AUTO_TEST_SUITE_END()
