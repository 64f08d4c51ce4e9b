// The keyed process operator through real actors, driven trigger by trigger: per-key state and
// event-time timers across partitions, a restart through the epoch checkpoint in a real LevelDB
// directory, and a processor that throws failing the query with its name.
#include "actors/operators/process/keyed_process_actor.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <map>

#include "actors/plan/pipeline.hpp"
#include "actors/runtime/query_driver.hpp"
#include "test_support.hpp"

using namespace sluice;

namespace {

// Sums v per key; 10 s of event time after a key's first row, emits (key, sum, rows) and forgets it.
struct sum_until_timer final : keyed_processor<std::string> {
  void process(const std::string&, keyed_context& ctx, const std::vector<record>& rows) override {
    auto sum = ctx.get_value_state("sum");
    auto seen = ctx.get_list_state("seen");
    if (!sum.exists()) ctx.register_event_time_timer(rows.front().time_us() + 10'000'000);
    int64_t s = sum.exists() ? std::get<int64_t>(*sum.get()) : 0;
    for (const auto& r : rows) {
      s += std::get<int64_t>(r["v"]);
      seen.append(r["v"]);
    }
    sum.set(value{s});
  }
  void on_timer(const std::string& key, keyed_context& ctx, int64_t, time_domain) override {
    ctx.emit({value{key}, *ctx.get_value_state("sum").get(),
              value{static_cast<int64_t>(ctx.get_list_state("seen").get().size())}});
    ctx.clear_all();
  }
};

struct thrower final : keyed_processor<std::string> {
  void process(const std::string& key, keyed_context&, const std::vector<record>&) override {
    if (key == "bad") throw std::runtime_error("cannot handle key bad");
  }
};

schema_ptr input() {
  return std::make_shared<const schema>(std::vector<column>{{"k", column_type::string, true, time_unit::seconds},
                                                            {"v", column_type::int64, true, time_unit::seconds},
                                                            {"t", column_type::timestamp, true, time_unit::seconds}},
                                        "t");
}

std::vector<column> output() {
  return {{"k", column_type::string, true, time_unit::millis},
          {"sum", column_type::int64, true, time_unit::millis},
          {"rows", column_type::int64, true, time_unit::millis}};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(actors_operators_process_keyed_process_actor)

BOOST_AUTO_TEST_CASE(state_and_timers_survive_a_restart_across_partitions) {
  test::temp_dir dir("keyed-process");
  auto ch = std::make_shared<memory_reader::channel>();
  auto out = std::make_shared<memory_sink::store>();
  pipeline p("sums");
  p.with_trigger({trigger_kind::manual, 0}).with_max_records_per_trigger(0).with_trigger_credits(1);
  p.with_dead_letters(dir.str("dead"));
  p.source(sources::memory("in", ch, input()))
      .with_watermark("t", std::chrono::seconds(0))
      .key_by<std::string>("k")
      .with_partitions(3)
      .process<sum_until_timer>(output())
      .to(sinks::memory(out));
  query_driver d(p.build(), dir.str("checkpoint"));
  std::string err;
  for (int i = 0; i < 6; ++i) ch->push(R"({"k":"k)" + std::to_string(i) + R"(","v":1,"t":100})");
  BOOST_REQUIRE(d.step(err));  // W becomes 100; timers at 110
  BOOST_REQUIRE(d.restart(err));
  for (int i = 0; i < 6; ++i) ch->push(R"({"k":"k)" + std::to_string(i) + R"(","v":10,"t":105})");
  ch->push(R"({"k":"k0","v":5,"t":99})");  // at or below W = 100: late, dropped
  auto c = d.step(err);
  BOOST_REQUIRE(c);
  BOOST_TEST(out->size() == 0u);
  int64_t dropped = 0;
  for (const auto& op : c->report.operators) dropped += op.num_rows_dropped_by_watermark;
  BOOST_TEST(dropped == 1);
  ch->push(R"({"k":"other","v":1,"t":111})");  // W → 111: every timer at 110 fires
  c = d.step(err);
  BOOST_REQUIRE(c);
  std::lock_guard<std::mutex> g(out->mu);
  BOOST_REQUIRE(out->rows.size() == 6u);
  for (const auto& [trigger, r] : out->rows) {
    BOOST_TEST(std::get<int64_t>(r.values[1]) == 11);  // 1 before the restart + 10 after
    BOOST_TEST(std::get<int64_t>(r.values[2]) == 2);
  }
  int64_t keys = 0, fired = 0;
  for (const auto& op : c->report.operators) {
    BOOST_TEST(op.operator_name == "transformWithStateExec");
    keys += op.num_rows_total;
    fired += op.custom_metrics.at("timersFired");
  }
  BOOST_TEST(keys == 1);  // only "other" is left
  BOOST_TEST(fired == 6);
}

BOOST_AUTO_TEST_CASE(a_throwing_processor_fails_the_query_naming_the_partition) {
  test::temp_dir dir("keyed-process-throw");
  auto ch = std::make_shared<memory_reader::channel>();
  ch->push(R"({"k":"bad","v":1,"t":1})");
  ch->close();
  auto out = std::make_shared<memory_sink::store>();
  pipeline p("throws");
  p.with_trigger({trigger_kind::available_now, 0}).with_dead_letters(dir.str("dead"));
  p.with_restart_strategy(restart_strategy{0, 60000000, 0, 10000000, 2.0});
  p.source(sources::memory("in", ch, input()))
      .key_by<std::string>("k")
      .process<thrower>(output())
      .to(sinks::memory(out));
  auto result = test::run(p.build());
  BOOST_TEST(!result.ok);
  BOOST_TEST(result.outcomes.front().message.find("cannot handle key bad") != std::string::npos,
             result.outcomes.front().message);
  BOOST_TEST(result.outcomes.front().message.find("process") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(key_type_must_match_the_column) {
  auto ch = std::make_shared<memory_reader::channel>();
  pipeline p("types");
  auto s = p.source(sources::memory("in", ch, input()));
  BOOST_CHECK_EXCEPTION(s.key_by<int64_t>("k"), std::invalid_argument, [](const std::invalid_argument& e) {
    return std::string(e.what()).find("use key_by<std::string>") != std::string::npos;
  });
  BOOST_CHECK_THROW(s.key_by<std::string>("nope"), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
