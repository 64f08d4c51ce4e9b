// exact_sum: the same rows summed in any order give the same bits; the state round-trips.
#include "state/operators/window/exact_sum.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <random>
#include <vector>

using namespace sluice;

BOOST_AUTO_TEST_SUITE(state_operators_window_exact_sum)

BOOST_AUTO_TEST_CASE(any_order_gives_the_same_bits) {
  std::mt19937_64 g(7);
  std::uniform_real_distribution<double> money(0.01, 5000);
  std::vector<double> xs;
  for (int i = 0; i < 20000; ++i) xs.push_back(static_cast<double>(static_cast<int64_t>(money(g) * 100)) / 100);
  xs.push_back(1e-9);
  xs.push_back(-2500.125);
  exact_sum forward;
  for (double x : xs) forward.add(x);
  double plain_forward = 0, plain_shuffled = 0;
  for (double x : xs) plain_forward += x;
  for (int round = 0; round < 5; ++round) {
    std::shuffle(xs.begin(), xs.end(), g);
    exact_sum shuffled;
    for (double x : xs) shuffled.add(x);
    BOOST_TEST(shuffled.value() == forward.value());
    plain_shuffled = 0;
    for (double x : xs) plain_shuffled += x;
  }
  BOOST_TEST(forward.exact());
  BOOST_TEST(plain_forward != plain_shuffled);  // what a plain double sum does: the test means something
  // Two halves merged (sessions joining, partitions) give the same bits too.
  exact_sum a, b;
  for (size_t i = 0; i < xs.size(); ++i) (i % 2 ? a : b).add(xs[i]);
  a.add(b);
  BOOST_TEST(a.value() == forward.value());
}

BOOST_AUTO_TEST_CASE(the_result_is_the_sum_rounded_once) {
  exact_sum s;
  for (double x : {0.1, 0.2, 0.3}) s.add(x);
  // The three doubles add up to 0.60000000000000000555…, whose nearest double is 0.6; adding
  // them one by one in doubles gives 0.6000000000000001.
  BOOST_TEST(s.value() == 0.6);
  BOOST_TEST(0.1 + 0.2 + 0.3 == 0.6000000000000001);
  exact_sum r;
  for (double x : {0.3, 0.2, 0.1}) r.add(x);
  BOOST_TEST(r.value() == s.value());
  exact_sum neg;
  neg.add(-1.5);
  neg.add(0.25);
  BOOST_TEST(neg.value() == -1.25);
}

BOOST_AUTO_TEST_CASE(huge_or_non_finite_values_fall_back_to_the_plain_sum) {
  exact_sum s;
  s.add(1.0);
  s.add(1e300);
  BOOST_TEST(!s.exact());
  BOOST_TEST(s.value() == 1.0 + 1e300);
  exact_sum inf;
  inf.add(std::numeric_limits<double>::infinity());
  BOOST_TEST(!inf.exact());
}

BOOST_AUTO_TEST_CASE(state_round_trips_and_a_truncated_one_is_refused) {
  exact_sum s;
  for (double x : {12.5, -99.75, 1e-3, 4e12}) s.add(x);
  std::string bytes;
  s.encode(bytes);
  std::string_view in(bytes);
  exact_sum back;
  BOOST_TEST(back.decode(in));
  BOOST_TEST(in.empty());
  BOOST_TEST(back.value() == s.value());
  BOOST_TEST(back.exact());
  std::string_view cut(bytes.data(), bytes.size() - 3);
  exact_sum none;
  BOOST_TEST(!none.decode(cut));
}

BOOST_AUTO_TEST_SUITE_END()
