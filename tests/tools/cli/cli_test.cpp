// End to end: the real `sluice` binary, as a user runs it.
#include <algorithm>
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "test_support.hpp"
#include "tests/tools/sluice_says.hpp"

using namespace sluice;

BOOST_AUTO_TEST_SUITE(tools_cli_cli)

BOOST_AUTO_TEST_CASE(help_and_unknown_verbs) {
  test::sluice_says("--help", 0, {"medallion"});
  test::sluice_says("frobnicate", 2, {"unknown verb 'frobnicate'"});
  test::sluice_says("run medallion --help", 0, {"events.malformed"});
  test::sluice_says("run --list-faults", 0, {"crash:<actor>"});
}

// Every verb reads its command line the same way (tools/cli/verb_options.hpp): --help exits 0,
// a malformed line or a missing operand exits 2.
BOOST_AUTO_TEST_CASE(verbs_share_help_and_usage_errors) {
  test::sluice_says("gen --help", 0, {"usage: sluice gen KIND [options]", "--count"});
  test::sluice_says("gen", 2, {"usage: sluice gen KIND"});
  test::sluice_says("gen events --bogus", 2, {"sluice gen: unrecognised option '--bogus' (see sluice gen --help)"});
  test::sluice_says("replay", 2, {"usage: sluice replay CASE.json…", "--observe"});
  test::sluice_says("broker --help", 0, {"usage: sluice broker", "--topic"});
  test::sluice_says("bench --help", 0, {"usage: sluice bench passthrough|join", "--records"});
  test::sluice_says("bench join --runs", 2, {"sluice bench: the required argument for option '--runs' is missing"});
  test::sluice_says("run --help", 0, {"usage: sluice run APP|PIPELINE.json [options]", "--checkpoint"});
  test::sluice_says("explain medallion extra", 2, {"(see sluice explain --help)"});
}

BOOST_AUTO_TEST_CASE(bad_flags_and_settings_name_the_field_and_the_fix) {
  test::sluice_says("run medallion --bogus", 2, {"bogus"});
  test::sluice_says("run medallion --set events.rate=fast", 2, {"setting 'events.rate' = 'fast': expected a number"});
  // the accepted keys are listed
  test::sluice_says("run medallion --set evnts.count=5", 2, {"unknown setting 'evnts.count'", "events.count"});
  test::sluice_says("run medallion --set trigger=sometimes", 2, {"expected a processing-time interval"});
  test::sluice_says("run medallion --fail-at boom", 2, {"unknown fault point; expected crash:<actor>"});
  test::sluice_says("run nothing-here", 2, {"neither a prebuilt app"});
}

BOOST_AUTO_TEST_CASE(json_pipeline_runs_and_bad_fields_are_named) {
  test::temp_dir dir("cli-json");
  {
    std::ofstream(dir.str("in.jsonl")) << R"({"user":"a","amount":5,"ts":"2026-01-01T00:00:01Z"})"
                                       << "\n"
                                       << R"({"user":"b","amount":50,"ts":"2026-01-01T00:00:02Z"})"
                                       << "\n"
                                       << R"({"user":"c","amount":"lots","ts":"2026-01-01T00:00:03Z"})"
                                       << "\n";
    std::ofstream(dir.str("p.json")) << R"({
      "name": "big-spenders", "trigger": "available_now",
      "query": {"type": "union", "inputs": {"payments": {
        "source": {"type": "file", "path": ")"
                                     << dir.str("in.jsonl") << R"("},
        "columns": ["user:string", "amount:double", "ts:timestamp"],
        "watermark": {"column": "ts", "delay": "10s"}}},
      "filter": [">", "amount", 10],
      "with_columns": {"cents": ["*", "amount", 100]},
      "select": ["user", "cents", "ts"]},
      "sink": {"type": "file", "path": ")"
                                     << dir.str("out") << R"("}})";
  }
  std::string out;
  BOOST_TEST(test::run_sluice("run " + dir.str("p.json") + " --progress " + dir.str("progress.jsonl"), out) == 0);
  auto rows = test::read_lines(dir.str("out"));
  BOOST_REQUIRE(rows.size() == 1u);
  BOOST_TEST(rows[0] == R"({"user":"b","cents":5000,"ts":"2026-01-01T00:00:02.000Z"})");
  auto dead = test::read_lines(dir.str("out/_dead_letters"));
  BOOST_REQUIRE(dead.size() == 1u);
  BOOST_TEST(dead[0].find("column 'amount' expects double") != std::string::npos);
  BOOST_TEST(dead[0].find("in.jsonl:3") != std::string::npos);
  // Again into the same folder: refused before anything changes, unless the pipeline overwrites.
  BOOST_TEST(test::run_sluice("run " + dir.str("p.json"), out) == 2);
  BOOST_TEST(out.find("output folder " + dir.str("out") + " holds the output of an earlier run of 'big-spenders'") !=
                 std::string::npos,
             out);
  BOOST_TEST(test::read_lines(dir.str("out")).size() == 1u);
  std::string p = test::read_file(dir.str("p.json"));
  std::ofstream(dir.str("p.json")) << p.insert(p.find('{') + 1, R"("overwrite": true, )");
  BOOST_TEST(test::run_sluice("run " + dir.str("p.json"), out) == 0, out);
  BOOST_TEST(test::read_lines(dir.str("out")).size() == 1u);  // replaced, not doubled
  BOOST_TEST(test::read_lines(dir.str("out/_dead_letters")).size() == 1u);
  // Another pipeline's folder is refused even with overwrite, and left as it is.
  std::ofstream(dir.str("p.json")) << p.replace(p.find("big-spenders"), 12, "other-name");
  BOOST_TEST(test::run_sluice("run " + dir.str("p.json"), out) == 2);
  BOOST_TEST(out.find("belongs to 'big-spenders' (no checkpoint), not 'other-name'") != std::string::npos, out);
  BOOST_TEST(test::read_lines(dir.str("out")).size() == 1u);

  std::ofstream(dir.str("bad.json"))
      << R"({"name": "x", "query": {"type": "union", "inputs": {"p": {"source": {"type": "file", "path": "in.jsonl"},
      "columns": ["user:string", "ts:timestamp"], "watermark": {"column": "ts", "delay": "soon"}}}}})";
  BOOST_TEST(test::run_sluice("run " + dir.str("bad.json"), out) == 2);
  BOOST_TEST(out.find("query.inputs.p.watermark.delay: expected a duration") != std::string::npos);
  std::ofstream(dir.str("bad2.json")) << R"({"name": "x", "fliter": [], "query": {}})";
  BOOST_TEST(test::run_sluice("run " + dir.str("bad2.json"), out) == 2);
  BOOST_TEST(out.find("fliter: unknown field") != std::string::npos);
  std::ofstream(dir.str("bad3.json"))
      << R"({"name": "x", "query": {"type": "union", "inputs": {"p": {"source": {"type": "file", "path": "in.jsonl"},
      "columns": ["user:string"]}}, "output_columns": ["usr"]}})";
  BOOST_TEST(test::run_sluice("run " + dir.str("bad3.json"), out) == 2);
  BOOST_TEST(out.find("query.output_columns: select: unknown column 'usr'") != std::string::npos);
}

// One row with a broken clock (year 2999) goes to the dead letters instead of moving the
// watermark past every later row; without the bound (0, Spark's behaviour) the later row is late.
BOOST_AUTO_TEST_CASE(an_event_time_far_ahead_of_processing_time_is_a_dead_letter) {
  test::temp_dir dir("cli-future");
  std::ofstream(dir.str("in.jsonl")) << R"({"ts":"2026-01-01T00:00:01Z"})"
                                     << "\n"
                                     << R"({"ts":"2999-01-01T00:00:00Z"})"
                                     << "\n"
                                     << R"({"ts":"2026-01-01T00:00:02Z"})"
                                     << "\n"
                                     << R"({"ts":"2026-01-01T00:05:00Z"})"
                                     << "\n";  // closes 00:00
  auto run = [&](const std::string& name, const std::string& bound) {
    std::ofstream(dir.str(name + ".json")) << R"({"name": ")" << name << R"(", "trigger": "available_now", )" << bound
                                           << R"("query": {"type": "aggregate", "inputs": {"e": {
          "source": {"type": "file", "path": ")"
                                           << dir.str("in.jsonl") << R"("}, "columns": ["ts:timestamp"],
          "watermark": {"column": "ts", "delay": "10s"}}},
        "group_by": [{"window": {"column": "ts", "size": "1m"}}], "aggregations": [{"fn": "count", "as": "n"}],
        "output_mode": "append"},
      "sink": {"type": "file", "path": ")" << dir.str(name)
                                           << R"("}})";
    std::string out;
    BOOST_TEST(test::run_sluice("run " + dir.str(name + ".json"), out) == 0, out);
  };
  run("bounded", "");  // the default bound: 1 day
  auto windows = test::read_lines(dir.str("bounded"));
  BOOST_REQUIRE(windows.size() == 1u);
  BOOST_TEST(windows[0].find("\"n\":2") != std::string::npos, windows[0]);
  auto dead = test::read_lines(dir.str("bounded/_dead_letters"));
  BOOST_REQUIRE(dead.size() == 1u);
  BOOST_TEST(dead[0].find("2999-01-01") != std::string::npos, dead[0]);
  BOOST_TEST(dead[0].find("max_future_event_time") != std::string::npos, dead[0]);
  run("unbounded", R"("max_future_event_time": "0", )");
  windows = test::read_lines(dir.str("unbounded"));
  BOOST_REQUIRE(windows.size() == 1u);  // the window of 00:00 holds one row: the other came late
  BOOST_TEST(windows[0].find("\"n\":1") != std::string::npos, windows[0]);
}

BOOST_AUTO_TEST_CASE(json_pipeline_with_an_aggregate_and_alerts) {
  // docs/examples/velocity-alerts.json: windows with more than 5 transactions, each alerted once.
  test::temp_dir dir("json-aggregate");
  std::string out;
  std::string example = std::string(SLUICE_SOURCE_DIR) + "/docs/examples/velocity-alerts.json";
  BOOST_REQUIRE_EQUAL(test::run_sluice("run " + example, out, dir.str()), 0);
  auto windows = test::read_lines(dir.str("sluice-output/velocity-alerts/windows"));
  auto alerts = test::read_lines(dir.str("sluice-output/velocity-alerts/alerts"));
  BOOST_TEST(windows.size() > 100u, out);
  BOOST_TEST(alerts.size() == windows.size());
  for (const auto& w : windows) {
    auto pos = w.find("\"n\":");
    BOOST_REQUIRE(pos != std::string::npos);
    BOOST_TEST(std::atoi(w.c_str() + pos + 4) > 5, w);
  }
  // Running again over the same folders is refused, and changes nothing: the output would mix.
  BOOST_TEST(test::run_sluice("run " + example, out, dir.str()) == 2);
  BOOST_TEST(out.find("holds the output of an earlier run of 'velocity-alerts'") != std::string::npos, out);
  BOOST_TEST(test::read_lines(dir.str("sluice-output/velocity-alerts/alerts")).size() == alerts.size());
  // Run again into new folders, the alert memory kept: it remembers the alerts, none is sent twice.
  std::string again = test::read_file(example);
  for (const char* sub : {"/alerts\"", "/windows\""})
    again.replace(again.find(sub), std::string(sub).size(), std::string(sub).insert(1, "again-"));
  std::ofstream(dir.str("again.json")) << again;
  BOOST_REQUIRE_EQUAL(test::run_sluice("run " + dir.str("again.json"), out, dir.str()), 0);
  BOOST_TEST(test::read_lines(dir.str("sluice-output/velocity-alerts/again-windows")).size() == windows.size());
  BOOST_TEST(test::read_lines(dir.str("sluice-output/velocity-alerts/again-alerts")).empty());
  // Refusals name the field.
  std::ofstream(dir.str("bad.json"))
      << R"({"query": {"type": "aggregate", "inputs": {"e": {"source": {"type": "generator", "count": 10}}},
             "group_by": [{"window": {"column": "ts", "size": "1m"}}],
             "aggregations": [{"fn": "median", "column": "amount"}]}})";
  BOOST_TEST(test::run_sluice("run " + dir.str("bad.json"), out) == 2);
  BOOST_TEST(out.find("query.aggregations.fn") != std::string::npos, out);
  std::ofstream(dir.str("bad2.json"))
      << R"({"query": {"type": "aggregate", "inputs": {"e": {"source": {"type": "generator", "count": 10}}},
             "group_by": [{"window": {"column": "ts", "size": "1m"}}],
             "aggregations": [{"fn": "count"}]}})";
  BOOST_TEST(test::run_sluice("run " + dir.str("bad2.json"), out) == 2);
  BOOST_TEST(out.find("Append output mode not supported") != std::string::npos, out);
}

BOOST_AUTO_TEST_CASE(crash_restart_then_escalation_with_exit_code) {
  test::temp_dir dir("cli-crash");
  std::string out;
  std::string common = "run medallion --set output=" + dir.str("m") +
                       " --set events.count=3000 --set events.rate=0 --set trigger=0 --set silver.trigger=0"
                       " --set max_records_per_trigger=500 --set restart.backoff=1ms";
  // once: silver's transform chain crashes at its 3rd batch, restarts, and the result is whole
  BOOST_TEST(test::run_sluice(common + " --fail-at crash:bronze:3", out) == 0);
  BOOST_TEST(out.find("[silver] restarted: actor 'bronze' failed (source_failed): fault injected at crash:bronze") !=
             std::string::npos);
  auto silver = test::read_lines(dir.str("m/silver"));
  auto dead = test::read_lines(dir.str("m/dead_letters/silver"));
  BOOST_TEST(silver.size() + dead.size() == 3000u);
  // always: the supervisor gives up after restart.max and sluice exits 1 naming the actor
  BOOST_TEST(test::run_sluice(common + " --set restart.max=2 --fail-at crash:sink:1:always", out) == 1);
  BOOST_TEST(out.find("query 'bronze' failed: actor 'sink' failed (sink_failed): fault injected at crash:sink") !=
             std::string::npos);
  BOOST_TEST(out.find("gave up after 2 restart(s)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(config_file_nested_keys_and_set_wins) {
  test::temp_dir dir("cli-config");
  std::ofstream(dir.str("c.json")) << R"({"output": ")" << dir.str("m") << R"(",
      // comments are fine
      "events": {"count": 300, "rate": 0, "malformed": 0}, "trigger": "0", "silver": {"trigger": "0"}})";
  std::string out;
  BOOST_TEST_REQUIRE(
      test::run_sluice("run medallion --config " + dir.str("c.json") + " --set events.count=400", out) == 0, out);
  BOOST_TEST(test::read_lines(dir.str("m/silver")).size() == 400u);  // --set won over the file
  std::ofstream(dir.str("bad.json")) << R"({"events": {"cout": 3}})";
  test::sluice_says("run medallion --config " + dir.str("bad.json"), 2, {"unknown setting 'events.cout'"});
  std::ofstream(dir.str("broken.json")) << "{";
  test::sluice_says("run medallion --config " + dir.str("broken.json"), 2, {"not valid JSON"});
}

BOOST_AUTO_TEST_CASE(explain_prints_the_plans_without_running) {
  test::temp_dir dir("cli-explain");
  std::string out;
  BOOST_TEST(test::run_sluice("explain orders-payments --set join=left_outer --set partitions=3", out, dir.str()) == 0);
  BOOST_TEST(out.find("StreamingSymmetricHashJoin left_outer on order_id = order_id") != std::string::npos, out);
  BOOST_TEST(out.find("3 partitions") != std::string::npos);
  BOOST_TEST(!std::filesystem::exists(dir.str("sluice-output")));  // nothing ran, nothing cleared
  test::sluice_says("explain medallion", 0, {"== Query 'bronze' ==", "== Query 'silver' =="}, dir.str());
  BOOST_TEST(test::run_sluice("explain medallion --set trigger=never", out, dir.str()) == 2);
}

// Ctrl-C: the triggers in flight finish, every visible part file is whole, exit 0.
BOOST_AUTO_TEST_CASE(ctrl_c_stops_an_unbounded_run_gracefully) {
  test::temp_dir dir("cli-sigint");
  std::string cmd = "cd '" + dir.str() + "' && (" + std::string(SLUICE_BINARY) +
                    " run medallion --set events.count=0 --set events.rate=20000 --set trigger=200ms"
                    " --set silver.trigger=200ms > run.txt 2>&1 & p=$!; sleep 2; " +
                    std::string(SLUICE_BINARY) +
                    " run medallion --set events.count=10 > second.txt 2>&1; echo second=$?;"
                    " kill -INT $p; wait $p; echo exit=$?)";
  std::FILE* f = ::popen(cmd.c_str(), "r");
  BOOST_REQUIRE(f);
  char buf[256];
  std::string status;
  while (std::fgets(buf, sizeof buf, f)) status += buf;
  ::pclose(f);
  std::ifstream log(dir.str("run.txt"));
  std::string text((std::istreambuf_iterator<char>(log)), {});
  BOOST_TEST(status.find("exit=0") != std::string::npos, status << text);
  // A second run into the folders the first is writing is refused (two runs never mix).
  BOOST_TEST(status.find("second=2") != std::string::npos, status);
  std::ifstream second_log(dir.str("second.txt"));
  std::string second((std::istreambuf_iterator<char>(second_log)), {});
  BOOST_TEST(second.find("is being written by another running query") != std::string::npos, second);
  BOOST_TEST(text.find("stopping: finishing the triggers in flight") != std::string::npos, text);
  BOOST_TEST(text.find("[bronze] finished") != std::string::npos, text);
  BOOST_TEST(text.find("[silver] finished") != std::string::npos, text);
  auto bronze = test::read_lines(dir.str("sluice-output/medallion/bronze"));
  BOOST_TEST(bronze.size() > 1000u);  // ~2 s at 20,000/s
  for (const auto& l : bronze) BOOST_TEST(l.front() == '{');
  BOOST_TEST(!std::filesystem::exists(dir.str("sluice-output/medallion/bronze/_SUCCESS")));  // stopped, not complete
  for (const auto& e : std::filesystem::directory_iterator(dir.str("sluice-output/medallion/bronze")))
    BOOST_TEST(e.path().extension() != ".tmp");
}

BOOST_AUTO_TEST_CASE(gen_writes_deterministic_records) {
  test::temp_dir dir("cli-gen");
  std::string out;
  BOOST_TEST(test::run_sluice("gen events --count 50 --seed 9 --to file:" + dir.str("a.jsonl"), out) == 0);
  BOOST_TEST(test::run_sluice("gen events --count 50 --seed 9 --to file:" + dir.str("b.jsonl"), out) == 0);
  std::ifstream a(dir.str("a.jsonl")), b(dir.str("b.jsonl"));
  std::string sa((std::istreambuf_iterator<char>(a)), {}), sb((std::istreambuf_iterator<char>(b)), {});
  BOOST_TEST(sa == sb);
  BOOST_TEST(std::count(sa.begin(), sa.end(), '\n') == 50);
  BOOST_TEST(test::run_sluice("gen widgets", out) == 2);
  // payments: --missing leaves orders unpaid; --spacing sets the event-time clock
  BOOST_TEST(test::run_sluice("gen payments --count 1000 --missing 0.5 --spacing 1s", out) == 0);
  auto lines = std::count(out.begin(), out.end(), '\n');
  BOOST_TEST(lines > 400);
  BOOST_TEST(lines < 600);
  BOOST_TEST(test::run_sluice("gen orders --count 2 --spacing 1s", out) == 0);
  BOOST_TEST(out.find("\"order_time\":1767225601000") != std::string::npos, out);  // 1 s after the first
  BOOST_TEST(test::run_sluice("gen keyed --count 1", out) == 0);
  BOOST_TEST(out.find("\"key\":") != std::string::npos);
  BOOST_TEST(test::run_sluice("gen orders --spacing never", out) == 2);
}

// docs/examples/spend-chain.json: dedup → 5-minute windows → hourly windows (a window over a
// window), the 5-minute windows also written to a second sink. Each hourly row must be the sum
// of its user's closed 5-minute rows of that hour, and explain shows the shared stage once.
BOOST_AUTO_TEST_CASE(json_pipeline_chain_with_two_sinks) {
  test::temp_dir dir("cli-chain");
  std::string example = std::string(SLUICE_SOURCE_DIR) + "/docs/examples/spend-chain.json";
  std::string out;
  BOOST_TEST_REQUIRE(test::run_sluice("run " + example, out, dir.str()) == 0, out);
  std::map<std::pair<std::string, int64_t>, std::pair<int64_t, double>> from_five;  // (user, hour) → (n, total)
  auto five = test::read_lines(dir.str("sluice-output/spend-chain/five-minute"));
  for (const auto& l : five) {
    auto o = boost::json::parse(l).as_object();
    int64_t start = test::iso_us(o["window_start"]);
    auto& h = from_five[{std::string(o["user"].as_string()), start - start % 3'600'000'000}];
    h.first += o["n"].as_int64();
    h.second += o["total"].to_number<double>();
  }
  auto hourly = test::read_lines(dir.str("sluice-output/spend-chain/hourly"));
  BOOST_TEST(five.size() == 800u);   // 50 users × 16 closed 5-minute windows (20,000 × 250 ms = 83 min)
  BOOST_TEST(hourly.size() == 50u);  // the first hour of each user; the second is still open at the end
  for (const auto& l : hourly) {
    auto o = boost::json::parse(l).as_object();
    auto it = from_five.find({std::string(o["user"].as_string()), test::iso_us(o["window_start"])});
    BOOST_REQUIRE_MESSAGE(it != from_five.end(), l);
    BOOST_TEST(o["windows"].as_int64() == 12);
    BOOST_TEST(o["n"].as_int64() == it->second.first, l);
    BOOST_TEST(std::fabs(o["total"].to_number<double>() - it->second.second) < 1e-6, l);
  }
  BOOST_TEST_REQUIRE(test::run_sluice("explain " + example, out, dir.str()) == 0, out);
  BOOST_TEST(out.find("+- (stage 1, above)") != std::string::npos, out);
}

BOOST_AUTO_TEST_CASE(json_pipeline_expresses_the_orders_payments_join) {
  test::temp_dir dir("cli-join");
  std::string example = std::string(SLUICE_SOURCE_DIR) + "/docs/examples/orders-payments.json";
  std::string out;
  BOOST_TEST_REQUIRE(test::run_sluice("run " + example, out, dir.str()) == 0, out);
  auto rows = test::read_lines(dir.str("sluice-output/orders-payments-json"));
  size_t nulls = 0;
  for (const auto& r : rows) nulls += r.find("\"payment_id\":null") != std::string::npos;
  BOOST_TEST(rows.size() > 4500u);  // 5,000 orders, ~95 % paid, unpaid ones out once the hour passed
  BOOST_TEST(nulls > 20u);          // 83 min of event time: unpaid orders of the first ~13 min are past W − 1 h
  // a join without equality is refused with Spark's message, naming the block
  std::ofstream(dir.str("nokey.json")) << R"({"name": "x", "trigger": "once",
    "query": {"type": "join", "from": {"left": "a", "right": "b"}, "equi_keys": [],
      "inputs": {"a": {"source": {"type": "generator", "kind": "keyed", "count": 1}, "columns": ["key:int64", "ts:timestamp"]},
                 "b": {"source": {"type": "generator", "kind": "keyed", "count": 1}, "columns": ["key:int64", "ts:timestamp"]}}}})";
  BOOST_TEST(test::run_sluice("run nokey.json", out, dir.str()) == 2);
  BOOST_TEST(out.find("query: Stream-stream join without equality predicate is not supported") != std::string::npos,
             out);
  std::ofstream(dir.str("outer.json")) << R"({"name": "x", "trigger": "once",
    "query": {"type": "join", "from": {"left": "a", "right": "b"}, "join_type": "left_outer", "equi_keys": [["key", "key"]],
      "inputs": {"a": {"source": {"type": "generator", "kind": "keyed", "count": 1}, "columns": ["key:int64", "ts:timestamp"]},
                 "b": {"source": {"type": "generator", "kind": "keyed", "count": 1}, "columns": ["key:int64", "ts:timestamp"]}}}})";
  BOOST_TEST(test::run_sluice("run outer.json", out, dir.str()) == 2);
  BOOST_TEST(out.find("Stream-stream LeftOuter join between two streaming DataFrame/Datasets is not supported without "
                      "a watermark") != std::string::npos,
             out);
}

BOOST_AUTO_TEST_CASE(bench_join_runs_and_agrees_with_its_baseline) {
  test::sluice_says("bench join --records 40000 --runs 1", 0, {"ratio sluice / baseline:", "bytes per buffered row"});
  // Rows made in memory on both sides: the same matches (exit 1 otherwise).
  test::sluice_says("bench join --records 40000 --runs 1 --input rows", 0,
                    {"input rows (in memory, no JSON)", "make rows → hash join"});
  test::sluice_says("bench join --input text", 2, {"--input 'text': expected json or rows"});
}

// The window and cdc benchmarks exit 1 when the engine and the baseline disagree (windows
// emitted, rows in the table), so a run is also a correctness check.
BOOST_AUTO_TEST_CASE(bench_window_and_cdc_run_and_agree_with_their_baselines) {
  test::sluice_says("bench window --records 50000 --runs 1", 0, {"ratio sluice / baseline:", "peak state rows"});
  test::sluice_says("bench window --records 50000 --runs 1 --input rows", 0, {"input rows (in memory, no JSON)"});
  test::sluice_says("bench cdc --records 20000 --runs 1", 0, {"ratio applier / raw:"});
  test::sluice_says("bench median", 2, {"accepted: passthrough, join, window, decode, kafka, cdc"});
  // The decoder and the raw parser read the same records (exit 1 otherwise).
  test::sluice_says("bench decode --records 20000 --runs 1", 0,
                    {"keyed (key:int64", "events (", "row_decoder: JSON text → typed row"});
}

BOOST_AUTO_TEST_CASE(bench_passthrough_runs_and_reports_a_ratio) {
  test::sluice_says("bench passthrough --records 20000 --runs 1", 0, {"ratio sluice / baseline:"});
}

BOOST_AUTO_TEST_CASE(a_stateless_checkpointed_query_finishes_and_stops_on_one_sigterm) {
  // No stateful operator sends an epoch delta: the last epoch must still commit and publish.
  test::temp_dir dir("cli-stateless-checkpoint");
  std::string out;
  std::string common = "run medallion --set output=" + dir.str("m") + " --checkpoint " + dir.str("ck");
  BOOST_TEST_REQUIRE(test::run_sluice(common + " --set events.count=2000 --set events.rate=0", out) == 0, out);
  BOOST_TEST(test::read_lines(dir.str("m/bronze")).size() == 2000u, out);
  // Unbounded: one SIGTERM stops it within seconds, the last epoch committed and published.
  test::background_process p(
      std::string(SLUICE_BINARY) + " " + common + "2 --set events.count=0 --set events.rate=5000", dir.str("run.log"));
  std::this_thread::sleep_for(std::chrono::seconds(3));
  auto t0 = std::chrono::steady_clock::now();
  BOOST_TEST(p.stop(10) == 0);
  auto took = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - t0).count();
  BOOST_TEST(took < 8);
  BOOST_TEST(test::read_lines(dir.str("m/bronze")).size() > 0u);  // what the stopped run published
}

// The runaway of issue 15: back-to-back triggers over an unbounded, unpaced input with
// --progress. Memory stays flat while it runs, and one Ctrl-C (SIGINT) stops it within seconds.
BOOST_AUTO_TEST_CASE(an_unbounded_back_to_back_run_keeps_its_memory_and_stops_on_one_sigint) {
  test::temp_dir dir("cli-runaway");
  test::background_process p(std::string(SLUICE_BINARY) + " run medallion --set output=" + dir.str("m") +
                                 " --set events.count=0 --set events.rate=0 --set trigger=0 --set silver.trigger=0"
                                 " --set max_records_per_trigger=2000 --progress " +
                                 dir.str("progress.jsonl"),
                             dir.str("run.log"));
  std::this_thread::sleep_for(std::chrono::seconds(3));
  int64_t early = p.rss_kib();
  std::this_thread::sleep_for(std::chrono::seconds(5));
  int64_t late = p.rss_kib();
  BOOST_TEST_REQUIRE(early > 0);
  BOOST_TEST(late < early + 64 * 1024, "RSS " << early << " KiB after 3 s, " << late << " KiB after 8 s");
  BOOST_TEST(late < 512 * 1024);
  auto t0 = std::chrono::steady_clock::now();
  BOOST_TEST(p.stop(15, SIGINT) == 0);
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  BOOST_TEST(took < 5000, "stopped " << took << " ms after SIGINT");
  std::ifstream progress(dir.str("progress.jsonl"));
  size_t lines = 0;
  for (std::string l; std::getline(progress, l); ++lines) {
    boost::system::error_code ec;
    boost::json::parse(l, ec);
    BOOST_TEST_REQUIRE(!ec, l.substr(0, 200));
  }
  BOOST_TEST(lines > 10u);
}

BOOST_AUTO_TEST_CASE(a_query_name_cannot_leave_the_checkpoint_directory) {
  test::temp_dir dir("cli-checkpoint-name");
  std::ofstream(dir.str("up.json")) << R"({"name": "../escape", "trigger": "available_now",
    "query": {"type": "union", "inputs": {"e": {"source": {"type": "generator", "count": 10}}}},
    "sink": {"type": "file", "path": "out"}})";
  test::sluice_says("run up.json --checkpoint ck", 2, {"query name '../escape' cannot name a checkpoint directory"},
                    dir.str());
  BOOST_TEST(!std::filesystem::exists(dir.str("escape")));
  BOOST_TEST(!std::filesystem::exists(dir.str("ck")));
}

BOOST_AUTO_TEST_CASE(an_empty_output_setting_is_refused_before_anything_is_cleared) {
  test::temp_dir dir("cli-empty-output");
  test::sluice_says("run orders-payments --set output=", 2, {"setting 'output' is empty"}, dir.str());
  BOOST_TEST(std::filesystem::is_empty(dir.str()));
}

BOOST_AUTO_TEST_CASE(replay_clears_only_a_work_directory_it_made) {
  test::temp_dir dir("cli-work-dir");
  std::string samples = std::string(SLUICE_SOURCE_DIR) + "/tests/apps/frontend/replay_cases/window_restart.json";
  std::filesystem::create_directories(dir.str("mine"));
  std::ofstream(dir.str("mine/keep.txt")) << "a user's file";
  test::sluice_says("replay " + samples + " --work-dir " + dir.str("mine"), 2,
                    {"was not made by sluice", "left untouched"});
  BOOST_TEST(std::filesystem::exists(dir.str("mine/keep.txt")));
  // A new directory is made and marked; the next run may clear it.
  test::sluice_says("replay " + samples + " --work-dir " + dir.str("scratch"), 0, {"0 failed"});
  BOOST_TEST(std::filesystem::exists(dir.str("scratch/.sluice-work")));
  test::sluice_says("replay " + samples + " --work-dir " + dir.str("scratch"), 0, {"0 failed"});
}

BOOST_AUTO_TEST_SUITE_END()
