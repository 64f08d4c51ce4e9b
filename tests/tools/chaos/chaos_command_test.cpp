// `sluice chaos`: the bounded runs CI does (a join app and a window app, several kills and
// fault points each) must come out clean — nothing lost, doubled or changed.
#include <boost/test/unit_test.hpp>

#include "tests/test_support.hpp"

using namespace sluice;

BOOST_AUTO_TEST_SUITE(tools_chaos_chaos_command)

BOOST_AUTO_TEST_CASE(lists_the_fault_points) {
  std::string out;
  BOOST_TEST(test::run_sluice("chaos --list-faults", out) == 0);
  for (const char* p : {"crash:<actor>", "exit:before-commit", "exit:after-commit", "leveldb:sync", "broker:down"})
    BOOST_TEST(out.find(p) != std::string::npos, p);
}

BOOST_AUTO_TEST_CASE(the_join_app_survives_kills_and_faults) {
  test::temp_dir work("chaos-join");
  std::string out;
  int rc = test::run_sluice(
      "chaos orders-payments --kills 4 --seed 11 --set orders.count=4000 --set orders.rate=0"
      " --work " +
          work.str("w"),
      out);
  BOOST_TEST_INFO(out);
  BOOST_TEST(rc == 0);
  BOOST_TEST(out.find(", 0 lost, 0 duplicated, 0 changed") != std::string::npos);
  BOOST_TEST(out.find("SIGKILL ×4") != std::string::npos);
  BOOST_TEST(out.find("clean: the output equals") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_window_app_survives_kills_and_faults) {
  test::temp_dir work("chaos-window");
  std::string out;
  // No offline devices: which readings are late then cannot depend on how much the first
  // trigger happened to read (on a loaded machine, two undisturbed runs could differ).
  int rc = test::run_sluice(
      "chaos iot --kills 3 --seed 5 --set readings.count=8000 --set readings.offline=0 --work " + work.str("w"), out);
  BOOST_TEST_INFO(out);
  BOOST_TEST(rc == 0);
  BOOST_TEST(out.find(", 0 lost, 0 duplicated, 0 changed") != std::string::npos);
  BOOST_TEST(out.find("clean: the output equals") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(bad_arguments_are_named) {
  std::string out;
  BOOST_TEST(test::run_sluice("chaos nosuchapp", out) == 2);
  BOOST_TEST(out.find("name a prebuilt app") != std::string::npos);
  BOOST_TEST(test::run_sluice("chaos iot --kills", out) == 2);
  BOOST_TEST(out.find("--kills needs a value") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
