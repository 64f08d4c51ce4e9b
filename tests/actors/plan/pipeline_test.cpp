#include "actors/plan/pipeline.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <fstream>

#include "messages/codec/json_codec.hpp"
#include "test_support.hpp"

using namespace sluice;

namespace {
schema_ptr ts_schema() {
  return std::make_shared<const schema>(
      std::vector<column>{{"k", column_type::string},
                          {"v", column_type::int64},
                          {"eventTime", column_type::timestamp, true, time_unit::seconds}},
      "eventTime");
}
std::shared_ptr<memory_reader::channel> channel_of(std::vector<std::string> records) {
  auto ch = std::make_shared<memory_reader::channel>();
  for (auto& r : records) ch->push(std::move(r));
  ch->close();
  return ch;
}
std::vector<std::string> rows_of(memory_sink::store& st) {
  std::vector<std::string> out;
  for (auto& [t, r] : st.rows) out.push_back(encode_row(*st.schema, r));
  return out;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(actors_plan_pipeline)

BOOST_AUTO_TEST_CASE(filter_select_with_column_through_real_actors) {
  test::temp_dir dir("pipeline");
  auto out = std::make_shared<memory_sink::store>();
  pipeline p("q");
  p.with_trigger({trigger_kind::available_now, 0}).with_max_records_per_trigger(2).with_dead_letters(dir.str("dead"));
  p.source(sources::memory("in",
                           channel_of({R"({"k":"a","v":1,"eventTime":1})", R"({"k":"b","v":20,"eventTime":2})",
                                       R"(not json)", R"({"k":"c","v":30,"eventTime":3})"}),
                           ts_schema()))
      .with_watermark("eventTime", std::chrono::seconds(1))
      .filter([](const record& r) { return r.num("v") >= 10; }, "v >= 10")
      .with_column("v2", boost::json::parse(R"(["+", "v", 1])"))
      .select({"k", "v2"})
      .to(sinks::memory(out));
  auto result = test::run(p.build());
  BOOST_TEST(result.ok);
  BOOST_TEST(rows_of(*out) == (std::vector<std::string>{R"({"k":"b","v2":21})", R"({"k":"c","v2":31})"}),
             boost::test_tools::per_element());
  BOOST_TEST(result.outcomes[0].summary.input_rows == 4);
  BOOST_TEST(result.outcomes[0].summary.dead_letters == 1);
  auto dead = test::read_lines(dir.str("dead"));
  BOOST_REQUIRE(dead.size() == 1u);
  BOOST_TEST(dead[0].find("\"reason\":\"not valid JSON") != std::string::npos);
  BOOST_TEST(dead[0].find("\"origin\":\"memory:in@2\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(union_combines_watermarks_by_min_and_reports_progress) {
  test::temp_dir dir("union");
  auto out = std::make_shared<memory_sink::store>();
  pipeline p("u");
  p.with_trigger({trigger_kind::available_now, 0}).with_max_records_per_trigger(1).with_dead_letters(dir.str("dead"));
  auto in1 = p.source(sources::memory("in1", channel_of({R"({"k":"x","v":0,"eventTime":20})"}), ts_schema()))
                 .with_watermark("eventTime", std::chrono::seconds(10));
  auto in2 =
      p.source(sources::memory("in2",
                               channel_of({R"({"k":"y","v":0,"eventTime":30})", R"({"k":"y","v":0,"eventTime":100})"}),
                               ts_schema()))
          .with_watermark("eventTime", std::chrono::seconds(15));
  in1.union_with(in2).select({"eventTime"}).to(sinks::memory(out));
  run_options ro;
  ro.progress_path = dir.str("progress.jsonl");
  auto result = test::run(p.build(), ro);
  BOOST_TEST(result.ok);
  BOOST_TEST(out->rows.size() == 3u);
  std::ifstream in(ro.progress_path);
  std::vector<boost::json::object> progress;
  std::string line;
  while (std::getline(in, line)) progress.push_back(boost::json::parse(line).as_object());
  BOOST_REQUIRE(progress.size() == 2u);
  // trigger 0 ran with W = 0; after it W = min(20-10, 30-15) = 10
  BOOST_TEST(progress[0]["eventTime"].as_object()["watermark"].as_string() == "1970-01-01T00:00:00.000Z");
  BOOST_TEST(progress[1]["eventTime"].as_object()["watermark"].as_string() == "1970-01-01T00:00:10.000Z");
  BOOST_TEST(progress[0]["numInputRows"].as_int64() == 2);
  auto observed = progress[1]["observedMetrics"].as_object();
  BOOST_TEST(observed["inputWatermarks"].as_object()["in2"].as_string() == "1970-01-01T00:01:25.000Z");
  BOOST_TEST(observed["watermarkHeldBackBy"].as_string() == "in1");
}

BOOST_AUTO_TEST_CASE(build_refuses_unfinished_or_wrong_pipelines) {
  auto s = ts_schema();
  auto ch = channel_of({});
  {
    pipeline p("nosink");
    p.source(sources::memory("in", ch, s));
    BOOST_CHECK_EXCEPTION(p.build(), std::invalid_argument, [](const std::invalid_argument& e) {
      return std::string(e.what()).find("no sink") != std::string::npos;
    });
  }
  {
    pipeline p("twice");
    auto st = p.source(sources::memory("in", ch, s)).with_watermark("eventTime", std::chrono::seconds(1));
    BOOST_CHECK_EXCEPTION(st.with_watermark("eventTime", std::chrono::seconds(2)), std::invalid_argument,
                          [](const std::invalid_argument& e) {
                            return std::string(e.what()).find("Redefining watermark") != std::string::npos;
                          });
  }
  {
    pipeline p("cols");
    auto a = p.source(sources::memory("a", ch, s));
    auto b = p.source(sources::memory("b", ch, s)).select({"k"});
    BOOST_CHECK_THROW(a.union_with(b), std::invalid_argument);
    BOOST_CHECK_EXCEPTION(a.select({"missing"}), std::invalid_argument, [](const std::invalid_argument& e) {
      return std::string(e.what()).find("'missing'") != std::string::npos;
    });
  }
  {
    pipeline p("two-inputs");
    p.source(sources::memory("a", ch, s));
    p.source(sources::memory("b", ch, s)).to(sinks::console());
    BOOST_CHECK_EXCEPTION(p.build(), std::invalid_argument, [](const std::invalid_argument& e) {
      return std::string(e.what()).find("input 'a' reaches no sink") != std::string::npos;
    });
  }
}

BOOST_AUTO_TEST_CASE(explain_prints_the_plan) {
  pipeline p("explained");
  p.source(sources::memory("in", channel_of({}), ts_schema()))
      .with_watermark("eventTime", std::chrono::seconds(10))
      .where(boost::json::parse(R"([">", "v", 3])"))
      .to(sinks::console());
  std::string text = p.explain();
  BOOST_TEST(text.find("Sink ConsoleSink") != std::string::npos);
  BOOST_TEST(text.find("Filter (> v 3)") != std::string::npos);
  BOOST_TEST(text.find("EventTimeWatermark eventTime, delay 10000 ms") != std::string::npos);
  BOOST_TEST(text.find("Source 'in' MemorySource[in]") != std::string::npos);
}

// A chain through the C++ API: 2 s windows counted per key, those windows counted again per
// 4 s window (a window over a window), and the first stage's rows also written to a second
// sink. Both sinks, real actors; the second stage sees a first-stage window only once it closed.
BOOST_AUTO_TEST_CASE(a_chain_of_windows_with_a_fan_out_to_two_sinks) {
  test::temp_dir dir("pipeline-chain");
  auto first = std::make_shared<memory_sink::store>(), second = std::make_shared<memory_sink::store>();
  pipeline p("chain");
  p.with_trigger({trigger_kind::available_now, 0}).with_max_records_per_trigger(2).with_dead_letters(dir.str("dead"));
  std::vector<std::string> records;
  for (int t : {0, 1, 1, 2, 3, 5, 6, 9, 20})
    records.push_back(R"({"k":"a","v":1,"eventTime":)" + std::to_string(t) + "}");
  auto twos = p.source(sources::memory("in", channel_of(records), ts_schema()))
                  .with_watermark("eventTime", std::chrono::seconds(0))
                  .group_by({keys::col("k"), keys::window("eventTime", std::chrono::seconds(2))})
                  .with_output_columns({"k", "window", "n"})
                  .agg({aggs::count().as("n")})
                  .to(sinks::memory(first));
  twos.group_by({keys::col("k"), keys::window("window", std::chrono::seconds(4))})
      .with_output_columns({"k", "window_start", "windows", "n"})
      .agg({aggs::count().as("windows"), aggs::sum("n").as("n")})
      .to(sinks::memory(second));
  auto plan = p.build();
  BOOST_TEST(plan->explain().find("(stage 0, above)") != std::string::npos, plan->explain());
  auto result = test::run(plan);
  BOOST_TEST(result.ok);
  // [0,2) 3, [2,4) 2, [4,6) 1, [6,8) 1, [8,10) 1 close (W ends at 20); [20,22) stays open.
  BOOST_TEST(rows_of(*first).size() == 5u);
  BOOST_TEST(rows_of(*first)[0] ==
             R"({"k":"a","window":{"start":"1970-01-01T00:00:00.000Z","end":"1970-01-01T00:00:02.000Z"},"n":3})");
  // [0,4) holds [0,2) and [2,4): 5 rows; [4,8): 2; [8,12) is closed by W 20 too: 1.
  BOOST_TEST(rows_of(*second) ==
                 (std::vector<std::string>{R"({"k":"a","window_start":"1970-01-01T00:00:00.000Z","windows":2,"n":5})",
                                           R"({"k":"a","window_start":"1970-01-01T00:00:04.000Z","windows":2,"n":2})",
                                           R"({"k":"a","window_start":"1970-01-01T00:00:08.000Z","windows":1,"n":1})"}),
             boost::test_tools::per_element());
}

// Streams are values: a step on one handle is not seen through another handle of the same
// stream (Spark's DataFrames are immutable too).
BOOST_AUTO_TEST_CASE(a_step_on_one_handle_does_not_change_another) {
  test::temp_dir dir("pipeline-handles");
  auto all = std::make_shared<memory_sink::store>(), big = std::make_shared<memory_sink::store>();
  pipeline p("handles");
  p.with_trigger({trigger_kind::available_now, 0}).with_dead_letters(dir.str("dead"));
  auto in = p.source(sources::memory(
                         "in", channel_of({R"({"k":"a","v":1,"eventTime":1})", R"({"k":"b","v":20,"eventTime":2})"}),
                         ts_schema()))
                .with_watermark("eventTime", std::chrono::seconds(1));
  auto filtered = in.filter([](const record& r) { return r.num("v") >= 10; }, "v >= 10");
  in.to(sinks::memory(all));
  filtered.to(sinks::memory(big));
  BOOST_TEST(test::run(p.build()).ok);
  BOOST_TEST(rows_of(*all).size() == 2u);
  BOOST_TEST(rows_of(*big) == (std::vector<std::string>{R"({"k":"b","v":20,"eventTime":"1970-01-01T00:00:02.000Z"})"}),
             boost::test_tools::per_element());
}

// Spark's refusals of a chain, through the C++ API.
BOOST_AUTO_TEST_CASE(chains_spark_refuses) {
  auto ch = channel_of({});
  {
    pipeline p("update-then-window");
    auto counts = p.source(sources::memory("in", ch, ts_schema()))
                      .with_watermark("eventTime", std::chrono::seconds(0))
                      .group_by({keys::col("k"), keys::window("eventTime", std::chrono::seconds(2))})
                      .with_output_mode(output_mode::update)
                      .with_output_columns({"k", "window", "n"})
                      .agg({aggs::count().as("n")});
    BOOST_CHECK_EXCEPTION(counts.group_by({keys::window("window", std::chrono::seconds(4))}).agg({aggs::count()}),
                          std::invalid_argument, [](const std::invalid_argument& e) {
                            return std::string(e.what()).find("possible 'correctness' issue") != std::string::npos;
                          });
  }
  {
    pipeline p("redefine");
    auto counts = p.source(sources::memory("in", ch, ts_schema()))
                      .with_watermark("eventTime", std::chrono::seconds(0))
                      .group_by({keys::col("k"), keys::window("eventTime", std::chrono::seconds(2))})
                      .agg({aggs::count().as("n")});
    BOOST_CHECK_THROW(counts.with_watermark("window_end", std::chrono::seconds(1)), std::invalid_argument);
  }
}

BOOST_AUTO_TEST_SUITE_END()
