// iot end to end through the binary. The expected windows, alerts and late readings are worked
// out here from the generator's records with a plain simulation of the rules — not with the
// engine's code. Per-partition watermarks (the default; the generator is one partition): a
// reading is late when its window's end ≤ ⌊largest event time before it⌋ rounded down to a
// tenth of the delay, minus the delay — whatever the trigger size. Spark's rules
// (watermark_scope=query): trigger k reads records [k·cap, (k+1)·cap) and runs with W = max
// event time before it − delay; a reading is late when its window's end ≤ W. Either way a
// window comes out once its end ≤ the watermark after the last trigger.
#include <algorithm>
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <thread>

#include "messages/data/time.hpp"
#include "test_support.hpp"

using namespace sluice;

namespace {

constexpr int64_t cap = 1000, count = 6000, delay_us = 120'000'000, window_us = 300'000'000;

struct window_agg {
  double temp_sum = 0, temp_max = -1e9, hum_sum = 0;
  int64_t n = 0;
};

struct expected {
  std::map<std::pair<std::string, int64_t>, window_agg> windows;  // (device, start) of closed windows
  std::set<std::string> alerts;
  int64_t late = 0;
};

// The input both the app and derive() work from (readings.spacing is the app's default,
// 100 ms); readings.offline is the generator's late_fraction.
const generator_spec input = test::generated("iot", count, 7, 10, 100'000);

enum class rule { per_partition, spark };

expected derive(double offline = 0.02, rule r = rule::per_partition) {
  generator_spec g = input;
  g.late_fraction = offline;
  expected e;
  std::map<std::pair<std::string, int64_t>, window_agg> all;
  int64_t max_seen = INT64_MIN, wm = 0;
  constexpr int64_t step = delay_us / 10;
  test::for_each_generated(g, [&](uint64_t n, boost::json::object& o, int64_t ts) {
    if (r == rule::spark && n % cap == 0 && max_seen != INT64_MIN)
      wm = std::max(wm, max_seen - delay_us);  // a new trigger
    if (r == rule::per_partition && max_seen != INT64_MIN) wm = max_seen / step * step - delay_us;
    int64_t start = ts - ((ts % window_us) + window_us) % window_us;
    max_seen = std::max(max_seen, ts);
    if (start + window_us <= wm) {
      ++e.late;
      return;
    }
    auto& w = all[{std::string(o["device_id"].as_string()), start}];
    double t = o["temperature"].to_number<double>(), h = o["humidity"].to_number<double>();
    w.temp_sum += t;
    w.temp_max = std::max(w.temp_max, t);
    w.hum_sum += h;
    ++w.n;
  });
  int64_t final_wm = std::max(wm, max_seen - delay_us);
  for (const auto& [k, w] : all) {
    if (k.second + window_us > final_wm) continue;  // still open at the end
    e.windows[k] = w;
    std::string when = format_iso8601_ms(k.second);
    if (w.temp_max > 80) e.alerts.insert("HIGH_TEMP|" + k.first + "|" + when);
    if (w.hum_sum / w.n > 90) e.alerts.insert("HIGH_HUMIDITY|" + k.first + "|" + when);
  }
  return e;
}

std::string run_iot(const test::temp_dir& dir, const std::string& extra, std::string& out) {
  std::string args =
      test::generator_run_args("readings", input, cap) + " --set readings.offline=0.02 --set partitions=3 " + extra;
  return std::to_string(test::run_app("iot", args, dir.str("out"), out));
}

/// The windows and late readings of a run in `dir` match `e`.
void check_windows(const test::temp_dir& dir, const expected& e, const std::string& out) {
  auto windows = test::read_lines(dir.str("out/windows"));
  BOOST_TEST(windows.size() == e.windows.size(), out);
  std::set<std::pair<std::string, int64_t>> seen;
  for (const auto& line : windows) {
    auto o = boost::json::parse(line).as_object();
    std::pair<std::string, int64_t> k{std::string(o["device_id"].as_string()), test::iso_us(o["window_start"])};
    BOOST_TEST(seen.insert(k).second, "window emitted twice: " << line);
    auto it = e.windows.find(k);
    BOOST_REQUIRE_MESSAGE(it != e.windows.end(), "unexpected window " << line);
    const auto& w = it->second;
    BOOST_TEST(o["readings"].as_int64() == w.n, line);
    BOOST_TEST(std::fabs(o["max_temp"].to_number<double>() - w.temp_max) < 1e-9, line);
    BOOST_TEST(std::fabs(o["avg_temp"].to_number<double>() - w.temp_sum / w.n) < 1e-9, line);
    BOOST_TEST(std::fabs(o["avg_humidity"].to_number<double>() - w.hum_sum / w.n) < 1e-9, line);
  }
  BOOST_TEST(static_cast<int64_t>(test::read_lines(dir.str("out/late_readings")).size()) == e.late);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(apps_prebuilt_iot)

BOOST_AUTO_TEST_CASE(windows_alerts_and_late_readings_match_an_independent_computation) {
  auto e = derive();
  BOOST_REQUIRE(e.late > 50);  // the input really has offline devices
  BOOST_REQUIRE(!e.alerts.empty());
  test::temp_dir dir("iot");
  std::string out;
  BOOST_REQUIRE_EQUAL(run_iot(dir, "", out), "0");
  check_windows(dir, e, out);
  std::set<std::string> alerts;
  for (const auto& line : test::read_lines(dir.str("out/alerts")))
    BOOST_TEST(alerts.insert(std::string(boost::json::parse(line).at("alert_id").as_string())).second, line);
  BOOST_TEST((alerts == e.alerts));

  // Without overwrite, a second run over the earlier output is refused and changes nothing.
  std::string again;
  BOOST_REQUIRE_EQUAL(run_iot(dir, "--set output.overwrite=false", again), "2");
  BOOST_TEST(again.find("holds the output of an earlier run of 'iot'") != std::string::npos, again);
  BOOST_TEST(test::read_lines(dir.str("out/alerts")).size() == e.alerts.size());
  // The outputs removed, the alert memory kept: a second run over the same input sends no alert again.
  for (const char* sub : {"windows", "alerts", "late_readings"})
    std::filesystem::remove_all(dir.str("out/" + std::string(sub)));
  BOOST_REQUIRE_EQUAL(run_iot(dir, "--set output.overwrite=false --progress " + dir.str("progress.jsonl"), again), "0");
  BOOST_TEST(test::read_lines(dir.str("out/alerts")).empty(), again);
  BOOST_TEST(!test::read_lines(dir.str("out/windows")).empty(), again);
  std::string progress;
  test::shell("cat " + dir.str("progress.jsonl"), progress);
  BOOST_TEST(progress.find("\"duplicatesSkipped\":") != std::string::npos);
  BOOST_TEST(!std::regex_search(progress, std::regex("\"alertsEmitted\":[1-9]")), progress);
}

// The same input with other trigger sizes gives the same answer (per-partition watermarks);
// Spark's rule, asked for, gives Spark's answer for the trigger size.
BOOST_AUTO_TEST_CASE(trigger_size_changes_nothing_unless_spark_rules_are_asked_for) {
  auto e = derive();
  for (const char* per_trigger : {"250", "0"}) {
    test::temp_dir dir("iot-cap");
    std::string out;
    BOOST_REQUIRE_EQUAL(run_iot(dir, std::string("--set max_records_per_trigger=") + per_trigger, out), "0");
    check_windows(dir, e, out);
  }
  auto spark = derive(0.02, rule::spark);
  BOOST_REQUIRE(spark.late != e.late);  // the two rules differ on this input
  test::temp_dir dir("iot-spark");
  std::string out;
  BOOST_REQUIRE_EQUAL(run_iot(dir, "--set watermark_scope=query", out), "0");
  check_windows(dir, spark, out);
}

// Alerts to a Kafka topic of `sluice broker`, read back with kcat: keyed by device, each once.
// No offline devices here, so the answer does not depend on how Kafka paces the triggers.
BOOST_AUTO_TEST_CASE(alerts_to_kafka) {
  auto e = derive(0);
  test::temp_dir dir("iot-kafka");
  std::unique_ptr<test::background_process> broker;
  std::string address = test::start_broker(broker, "--topic iot-readings:1", dir.str("broker.log"));
  BOOST_REQUIRE(!address.empty());
  std::string out;
  BOOST_REQUIRE_EQUAL(
      test::run_app("iot",
                    "--brokers " + address + " --set kafka.feed=true --set alerts.to=kafka:iot-alerts" +
                        test::generator_args("readings", input) + " --set readings.offline=0 --set trigger=100ms",
                    dir.str("out"), out),
      0);
  std::set<std::string> ids;
  for (const auto& rec : test::kcat_consume(address, "iot-alerts", "%k\t%s\n")) {
    auto tab = rec.find('\t');
    auto o = boost::json::parse(rec.substr(tab + 1)).as_object();
    BOOST_TEST(rec.substr(0, tab) == std::string(o["key"].as_string()));  // keyed by device
    BOOST_TEST(ids.insert(std::string(o["alert_id"].as_string())).second, rec);
  }
  BOOST_TEST((ids == e.alerts), out);
}

// The README's `alerts.to=stdout`: the same alerts, printed by the console sink.
BOOST_AUTO_TEST_CASE(alerts_to_stdout) {
  auto e = derive();
  test::temp_dir dir("iot-stdout");
  std::string out;
  BOOST_REQUIRE_EQUAL(run_iot(dir, "--set alerts.to=stdout", out), "0");
  std::set<std::string> ids;
  for (size_t p = out.find("\"alert_id\":\""); p != std::string::npos; p = out.find("\"alert_id\":\"", p + 1)) {
    size_t b = p + 12, end = out.find('"', b);
    ids.insert(out.substr(b, end - b));
  }
  BOOST_TEST((ids == e.alerts), out);
  BOOST_TEST(test::read_lines(dir.str("out/alerts")).empty());  // nothing written to files
}

BOOST_AUTO_TEST_CASE(bad_settings_name_the_setting) {
  test::temp_dir dir("iot-bad");
  std::string out;
  BOOST_TEST(test::run_sluice("run iot --set alerts.to=pager --set output=" + dir.str("o"), out) == 2);
  BOOST_TEST(out.find("alerts.to") != std::string::npos, out);
  BOOST_TEST(test::run_sluice("run iot --set window=0s --set input=generator --set output=" + dir.str("o"), out) == 2);
  BOOST_TEST(out.find("window duration") != std::string::npos, out);
}

BOOST_AUTO_TEST_SUITE_END()
