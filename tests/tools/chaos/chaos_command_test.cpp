// `sluice chaos`: the bounded runs CI does (a join app whose joined rows fan out to two sinks,
// one through a chained hourly window, and a window app; several kills and fault points each)
// must come out clean — nothing lost, doubled or changed in any output.
#include <boost/test/unit_test.hpp>

#include "tests/test_support.hpp"
#include "tests/tools/sluice_says.hpp"

using namespace sluice;

BOOST_AUTO_TEST_SUITE(tools_chaos_chaos_command)

BOOST_AUTO_TEST_CASE(lists_the_fault_points) {
  test::sluice_says("chaos --list-faults", 0,
                    {"crash:<actor>", "exit:before-commit", "exit:after-commit", "leveldb:sync", "broker:down"});
}

BOOST_AUTO_TEST_CASE(the_join_app_and_its_chained_second_sink_survive_kills_and_faults) {
  test::temp_dir work("chaos-join");
  // No late payments: which of them the watermark has passed depends on where triggers fall
  // (the first trigger runs with watermark 0), and kills move trigger boundaries.
  test::sluice_says(
      "chaos orders-payments --kills 4 --seed 11 --set orders.count=12000 --set orders.rate=0 --set "
      "payments.late=0 --set report=hourly --work " +
          work.str("w"),
      0, {", 0 lost, 0 duplicated, 0 changed", "SIGKILL ×4", "clean: the output equals"});
  // Both sinks were compared: the chained one wrote its two closed hours (3 segments each).
  for (const char* run : {"base", "chaos"})
    BOOST_TEST(test::read_lines(work.str(std::string("w/") + run + "/out/hourly")).size() == 6u, run);
}

BOOST_AUTO_TEST_CASE(the_window_app_survives_kills_and_faults) {
  test::temp_dir work("chaos-window");
  // No offline devices: which readings are late then cannot depend on how much the first
  // trigger happened to read (on a loaded machine, two undisturbed runs could differ).
  test::sluice_says(
      "chaos iot --kills 3 --seed 5 --set readings.count=8000 --set readings.offline=0 --work " + work.str("w"), 0,
      {", 0 lost, 0 duplicated, 0 changed", "clean: the output equals"});
}

BOOST_AUTO_TEST_CASE(bad_arguments_are_named) {
  test::sluice_says("chaos nosuchapp", 2, {"name a prebuilt app"});
  test::sluice_says("chaos iot --kills", 2, {"--kills needs a value"});
}

BOOST_AUTO_TEST_SUITE_END()
