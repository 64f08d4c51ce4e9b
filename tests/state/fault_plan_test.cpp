#include "state/fault_plan.hpp"

#include <boost/test/unit_test.hpp>

using namespace sluice;

BOOST_AUTO_TEST_SUITE(state_fault_plan)

BOOST_AUTO_TEST_CASE(fires_once_on_kth_hit) {
  fault_plan f;
  BOOST_TEST(f.arm("crash:filter:3").is_ok());
  BOOST_TEST(!f.hit("crash:filter"));
  BOOST_TEST(!f.hit("crash:filter"));
  BOOST_TEST(f.hit("crash:filter"));
  BOOST_TEST(!f.hit("crash:filter"));
  BOOST_TEST(!f.hit("crash:sink"));
}

BOOST_AUTO_TEST_CASE(always_fires_every_kth_hit) {
  fault_plan f;
  BOOST_TEST(f.arm("crash:sink:2:always,crash:events").is_ok());
  BOOST_TEST(!f.hit("crash:sink"));
  BOOST_TEST(f.hit("crash:sink"));
  BOOST_TEST(!f.hit("crash:sink"));
  BOOST_TEST(f.hit("crash:sink"));
  BOOST_TEST(f.hit("crash:events"));  // K defaults to 1
}

BOOST_AUTO_TEST_CASE(refuses_malformed_specs_with_the_fix) {
  fault_plan f;
  auto st = f.arm("explode:now");
  BOOST_TEST(!st.is_ok());
  BOOST_TEST(st.message().find("crash:<actor>") != std::string::npos);
  BOOST_TEST(!f.arm("crash:filter:0").is_ok());
  BOOST_TEST(!f.arm("crash:filter:2:sometimes").is_ok());
}

BOOST_AUTO_TEST_SUITE_END()
