#include "state/faults/fault_plan.hpp"

#include <boost/test/unit_test.hpp>

using namespace sluice;

BOOST_AUTO_TEST_SUITE(state_faults_fault_plan)

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

BOOST_AUTO_TEST_CASE(knows_the_checkpoint_points_and_exits_through_its_handler) {
  fault_plan f;
  BOOST_TEST(f.arm("exit:before-commit:2,exit:after-commit,leveldb:sync:3,broker:down").is_ok());
  BOOST_TEST(!f.arm("exit:whenever").is_ok());
  BOOST_TEST(!f.hit("exit:before-commit"));
  BOOST_TEST(f.hit("exit:before-commit"));
  // Without a handler an exit point throws (an embedding program, a test) …
  BOOST_CHECK_THROW(f.exit_process("exit:before-commit"), std::runtime_error);
  // … with one, the handler decides (the CLI ends the process).
  std::string seen;
  f.set_process_exit([&](const std::string& p) {
    seen = p;
    throw std::logic_error("handled");
  });
  BOOST_CHECK_THROW(f.exit_process("exit:after-commit"), std::logic_error);
  BOOST_TEST(seen == "exit:after-commit");
}

BOOST_AUTO_TEST_SUITE_END()
