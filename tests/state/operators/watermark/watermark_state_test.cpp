#include "state/operators/watermark/watermark_state.hpp"

#include <boost/test/unit_test.hpp>

using namespace sluice;

namespace {
constexpr int64_t s = 1'000'000;
watermark_state two_inputs(watermark_policy p, std::optional<int64_t> idle = std::nullopt) {
  return watermark_state({{"in1", true, 10 * s}, {"in2", true, 15 * s}}, p, idle);
}
}  // namespace

BOOST_AUTO_TEST_SUITE(state_operators_watermark_watermark_state)

// The steps of replay-samples/watermark_policy_min.json.
BOOST_AUTO_TEST_CASE(min_policy_as_spark) {
  auto w = two_inputs(watermark_policy::min);
  w.observe(0, 20 * s);
  w.observe(1, 30 * s);
  BOOST_TEST(w.end_trigger(1) == 10 * s);  // min(20-10, 30-15)
  w.observe(0, 1 * s);
  BOOST_TEST(w.end_trigger(2) == 10 * s);  // never back
  w.restore(10 * s);                       // restart: only the global value survives
  w.observe(0, 1 * s);
  BOOST_TEST(w.end_trigger(3) == 10 * s);  // in2 has no data since restart: counts as 0
  w.observe(0, 120 * s);
  w.observe(1, 130 * s);
  BOOST_TEST(w.end_trigger(4) == 110 * s);
  w.observe(1, 1 * s);
  BOOST_TEST(w.end_trigger(5) == 110 * s);
  w.observe(1, 150 * s);
  BOOST_TEST(w.end_trigger(6) == 110 * s);  // in1 still at 110
  BOOST_TEST(w.holding_input() == "in1");
}

BOOST_AUTO_TEST_CASE(max_policy_moves_with_the_fastest_input) {
  auto w = two_inputs(watermark_policy::max);
  w.observe(0, 20 * s);
  BOOST_TEST(w.end_trigger(1) == 10 * s);  // in2 counts as 0, max picks in1
  w.observe(1, 100 * s);
  BOOST_TEST(w.end_trigger(2) == 85 * s);
}

BOOST_AUTO_TEST_CASE(an_input_without_data_holds_min_at_zero) {
  auto w = two_inputs(watermark_policy::min);
  w.observe(0, 1000 * s);
  BOOST_TEST(w.end_trigger(1) == 0);
  auto per = w.input_watermarks();
  BOOST_TEST(per[0].second == 990 * s);
  BOOST_TEST(per[1].second == 0);
}

BOOST_AUTO_TEST_CASE(inputs_without_watermark_do_not_count) {
  watermark_state w({{"a", true, 0}, {"b", false, 0}}, watermark_policy::min);
  w.observe(0, 50 * s);
  w.observe(1, 1 * s);
  BOOST_TEST(w.end_trigger(1) == 50 * s);
}

BOOST_AUTO_TEST_CASE(idle_timeout_releases_a_silent_input) {
  auto w = two_inputs(watermark_policy::min, 5 * s);
  w.observe(0, 100 * s);
  w.observe(1, 100 * s);
  BOOST_TEST(w.end_trigger(1 * s) == 85 * s);
  w.observe(0, 200 * s);
  BOOST_TEST(w.end_trigger(3 * s) == 85 * s);  // in2 silent 2 s: still holds
  w.observe(0, 300 * s);
  BOOST_TEST(w.end_trigger(10 * s) == 290 * s);  // in2 silent 9 s > 5 s: left out
  w.observe(1, 200 * s);
  BOOST_TEST(w.end_trigger(11 * s) == 290 * s);  // speaks again; combined never goes back
}

BOOST_AUTO_TEST_SUITE_END()
