#include "state/faults/restart_strategy.hpp"

#include <boost/test/unit_test.hpp>

using namespace sluice;

BOOST_AUTO_TEST_SUITE(state_faults_restart_strategy)

BOOST_AUTO_TEST_CASE(backoff_grows_and_intensity_escalates) {
  restart_intensity r(restart_strategy{3, 60'000'000, 100'000, 250'000, 2.0});
  BOOST_TEST(*r.on_failure(0) == 100'000);
  BOOST_TEST(*r.on_failure(1) == 200'000);
  BOOST_TEST(*r.on_failure(2) == 250'000);  // capped
  BOOST_TEST(!r.on_failure(3));             // a 4th within 60 s escalates
  BOOST_TEST(r.restarts() == 3);
}

BOOST_AUTO_TEST_CASE(old_failures_leave_the_window) {
  restart_intensity r(restart_strategy{1, 1'000'000, 0, 0, 1.0});
  BOOST_TEST(r.on_failure(0).has_value());
  BOOST_TEST(!r.on_failure(500'000).has_value());
  restart_intensity r2(restart_strategy{1, 1'000'000, 0, 0, 1.0});
  BOOST_TEST(r2.on_failure(0).has_value());
  BOOST_TEST(r2.on_failure(2'000'000).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
