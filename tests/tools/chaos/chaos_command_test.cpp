// `sluice chaos`: the bounded runs CI does (a left outer join app with late payments and null
// rows whose joined rows fan out to two sinks, one through a chained hourly window; a window app
// with offline devices; the CDC app with its transaction topic; several kills and fault points
// each) must come out clean against a plain undisturbed run — nothing lost, doubled or changed
// in any output, late rows, null rows and the changelog included.
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
  test::sluice_says(
      "chaos orders-payments --kills 4 --seed 11 --set orders.count=12000 --set orders.rate=0 --set "
      "payments.late_by=30m --set join=left_outer --set max_records_per_trigger=1000 --set report=hourly --work " +
          work.str("w"),
      0, {", 0 lost, 0 duplicated, 0 changed", "SIGKILL ×", "clean: the output equals"});
  // Late payments and unpaid orders' null rows were there to compare.
  auto late = test::read_lines(work.str("w/base/out/late_rows"));
  BOOST_TEST(late.size() > 50u);
  size_t nulls = 0;
  for (const auto& l : test::read_lines(work.str("w/base/out/joined")))
    nulls += l.find("\"payment_id\":null") != std::string::npos;
  BOOST_TEST(nulls > 100u);
  // Both sinks were compared: the chained one wrote its two closed hours (3 segments each).
  for (const char* run : {"base", "chaos"})
    BOOST_TEST(test::read_lines(work.str(std::string("w/") + run + "/out/hourly")).size() == 6u, run);
}

BOOST_AUTO_TEST_CASE(the_window_app_survives_kills_and_faults) {
  test::temp_dir work("chaos-window");
  // Offline devices send late readings: with per-partition watermarks which are late does not
  // depend on where triggers fall.
  test::sluice_says(
      "chaos iot --kills 3 --seed 5 --set readings.count=8000 --set readings.offline=0.02 "
      "--set max_records_per_trigger=500 --work " +
          work.str("w"),
      0, {", 0 lost, 0 duplicated, 0 changed", "clean: the output equals"});
  BOOST_TEST(test::read_lines(work.str("w/base/out/late_readings")).size() > 20u);
}

BOOST_AUTO_TEST_CASE(the_cdc_app_with_its_transaction_topic_survives_kills_and_faults) {
  test::temp_dir work("chaos-cdc");
  // Transaction metadata on: which record completes a transaction depends on the triggers, so
  // the changelog matches only because killed runs re-read their logged triggers.
  test::sluice_says(
      "chaos cdc --kills 3 --seed 2 --set changes.count=6000 --set max_records_per_trigger=500 --work " + work.str("w"),
      0, {", 0 lost, 0 duplicated, 0 changed", "clean: the output equals"});
  BOOST_TEST(test::read_lines(work.str("w/base/out/changelog")).size() > 1000u);
}

BOOST_AUTO_TEST_CASE(bad_arguments_are_named) {
  test::sluice_says("chaos nosuchapp", 2, {"name a prebuilt app"});
  test::sluice_says("chaos iot --kills", 2, {"--kills needs a value"});
}

BOOST_AUTO_TEST_SUITE_END()
