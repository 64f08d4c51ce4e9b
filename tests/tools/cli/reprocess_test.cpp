// Kappa reprocessing end to end through the real binary against a Kafka-protocol broker the
// test owns: v1 of revenue runs unbounded (`run --deploy`, feeding the topic); `reprocess
// --from earliest --set window=1m` runs v2 from the start of the topic, catches up, swaps
// `current` to v2, and v1's process stops by itself; v2's one-minute windows equal sums worked
// out here from the generator's records. Usage errors change nothing.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <thread>

#include "state/io/gen/generator_reader.hpp"
#include "state/io/kafka/embedded_broker.hpp"
#include "test_support.hpp"
#include "tools/sluice_says.hpp"

using namespace sluice;

namespace {

/// Revenue and orders of `category` in [start, start + 1 min) from the records the app's feed
/// produces (revenue's defaults: seed 42, 2000 users, 200 ms apart).
std::pair<double, int64_t> expected_window(const std::string& category, int64_t start_us) {
  generator_spec g;
  g.kind = "sales";
  g.seed = 42;
  g.keys = 2000;
  g.spacing_us = 200'000;
  double revenue = 0;
  int64_t orders = 0;
  uint64_t first = static_cast<uint64_t>((start_us - g.start_us) / g.spacing_us);
  for (uint64_t n = first; n < first + 60'000'000 / g.spacing_us; ++n) {
    auto o = boost::json::parse(generate_record(g, n)).as_object();
    if (o["category"].as_string() != category) continue;
    revenue += o["amount"].to_number<double>();
    ++orders;
  }
  return {revenue, orders};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(tools_cli_reprocess)

BOOST_AUTO_TEST_CASE(a_new_version_catches_up_from_earliest_swaps_in_and_the_old_one_stops) {
  std::unique_ptr<embedded_broker> broker;
  BOOST_TEST_REQUIRE(embedded_broker::start(1, broker).is_ok());
  BOOST_TEST_REQUIRE(broker->create_topic("sales", 2).is_ok());
  test::temp_dir dir("reprocess");
  std::string root = dir.str("revenue"), out;
  std::string output = " --set output=" + root;

  // Nothing deployed yet: reprocess refuses, and writes nothing.
  test::sluice_says("reprocess revenue --from earliest" + output, 2, {"sluice run revenue --deploy"});
  BOOST_TEST(!std::filesystem::exists(root));

  test::background_process v1(std::string(SLUICE_BINARY) + " run revenue --deploy --brokers " + broker->bootstrap() +
                                  output + " --set kafka.feed=true --set sales.count=0 --set sales.rate=3000",
                              dir.str("v1.log"));
  BOOST_TEST_REQUIRE(test::wait_for([&] { return test::read_lines(root + "/v1/per_5m").size() > 5; }, 60),
                     test::read_file(dir.str("v1.log")));

  // A dry run says what it would do and changes nothing; v1's own group is refused.
  test::sluice_says("reprocess revenue --from earliest --set window=1m --dry-run" + output, 0,
                    {"would run revenue v2", "settings changed from v1: kafka.feed=false window=1m",
                     "would point " + root + "/current from v1 to v2"});
  test::sluice_says("reprocess revenue --from earliest --set kafka.group=sluice-revenue-v1" + output, 2,
                    {"v1's consumer group"});
  BOOST_TEST(!std::filesystem::exists(root + "/v2"));

  test::background_process v2(std::string(SLUICE_BINARY) + " reprocess revenue --from earliest --set window=1m" +
                                  " --set max_records_per_trigger=4000 --checkpoint-interval 1s" + output,
                              dir.str("v2.log"));
  BOOST_TEST_REQUIRE(
      test::wait_for([&] { return test::read_file(dir.str("v2.log")).find("swapped:") != std::string::npos; }, 90),
      test::read_file(dir.str("v2.log")));
  BOOST_TEST(v1.wait(30) == 0, test::read_file(dir.str("v1.log")));  // it saw current move and stopped
  BOOST_TEST(test::read_file(dir.str("v1.log")).find("v1 is no longer current") != std::string::npos);
  std::string log = test::read_file(dir.str("v2.log"));
  BOOST_TEST(log.find("v2 catching up: lag ") != std::string::npos, log);
  BOOST_TEST(std::filesystem::read_symlink(root + "/current").string() == "v2");
  test::sluice_says("versions revenue" + output, 0, {"v1   retired", "* v2   serving", "window=1m"});
  BOOST_TEST(v2.stop(30) == 0, test::read_file(dir.str("v2.log")));

  // v2's windows, read through the serving alias, equal sums over the generator's records.
  auto lines = test::read_lines(root + "/current/per_5m");
  BOOST_TEST(lines.size() > 10u);
  for (const auto& line : lines) {
    auto o = boost::json::parse(line).as_object();
    int64_t start = test::iso_us(o["window_start"]);
    BOOST_TEST(test::iso_us(o["window_end"]) - start == 60'000'000);
    auto [revenue, orders] = expected_window(std::string(o["category"].as_string()), start);
    BOOST_TEST(o["orders"].as_int64() == orders, line);
    BOOST_TEST(std::fabs(o["revenue"].to_number<double>() - revenue) < 1e-6, line);
  }
}

BOOST_AUTO_TEST_SUITE_END()
