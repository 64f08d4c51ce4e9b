#include "actors/runtime/supervisor.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <set>

#include "test_support.hpp"

using namespace sluice;

namespace {

query_plan_ptr numbered_plan(const std::string& out_dir, const std::string& dead_dir, uint64_t count,
                             restart_strategy rs) {
  generator_spec g;
  g.count = count;
  g.seed = 3;
  pipeline p("numbers");
  p.with_trigger({trigger_kind::available_now, 0}).with_max_records_per_trigger(10).with_dead_letters(dead_dir);
  p.with_restart_strategy(rs);
  p.source(sources::generator("events", g, sources::events_schema()))
      .where(boost::json::parse(R"([">=", "amount", 0])"))
      .union_with(p.source(sources::generator(
          "more",
          [&] {
            auto h = g;
            h.seed = 4;
            return h;
          }(),
          sources::events_schema())))
      .select({"event_id", "user"})
      .to(sinks::jsonl(out_dir));
  return p.build();
}

restart_strategy quick(int max) {
  return restart_strategy{max, 60'000'000, 1'000, 10'000, 2.0};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(actors_runtime_supervisor)

BOOST_AUTO_TEST_CASE(crashed_operator_restarts_the_query_without_loss_or_duplicates) {
  test::temp_dir dir("sup");
  auto plan = numbered_plan(dir.str("out"), dir.str("dead"), 100, quick(3));
  auto faults = std::make_shared<fault_plan>();
  BOOST_REQUIRE(faults->arm("crash:transform:4,crash:sink:7").is_ok());  // the combined-stream transform, then the sink
  std::vector<query_event> events;
  run_options ro;
  ro.faults = faults;
  ro.on_event = [&](const query_event& e) { events.push_back(e); };
  auto result = test::run(plan, ro);
  BOOST_TEST(result.ok);
  size_t restarts = 0;
  for (const auto& e : events)
    if (e.kind == "restarted") {
      ++restarts;
      BOOST_TEST((e.message.find("actor 'transform' failed") != std::string::npos ||
                  e.message.find("actor 'sink' failed") != std::string::npos));
    }
  BOOST_TEST(restarts == 2u);
  BOOST_TEST(result.outcomes[0].summary.restarts == 2);
  auto lines = test::read_lines(dir.str("out"));
  std::multiset<std::string> seen(lines.begin(), lines.end());
  BOOST_TEST(lines.size() == 200u);  // 100 from each generator, each exactly once
  for (const auto& l : lines) BOOST_TEST(seen.count(l) == 1u);
}

BOOST_AUTO_TEST_CASE(escalates_past_the_restart_intensity_naming_the_actor) {
  test::temp_dir dir("esc");
  auto plan = numbered_plan(dir.str("out"), dir.str("dead"), 100, quick(2));
  auto faults = std::make_shared<fault_plan>();
  BOOST_REQUIRE(faults->arm("crash:events:1:always").is_ok());
  run_options ro;
  ro.faults = faults;
  std::vector<std::string> kinds;
  ro.on_event = [&](const query_event& e) { kinds.push_back(e.kind); };
  auto result = test::run(plan, ro);
  BOOST_TEST(!result.ok);
  BOOST_TEST(kinds == (std::vector<std::string>{"restarted", "restarted", "failed"}), boost::test_tools::per_element());
  const auto& msg = result.outcomes[0].message;
  BOOST_TEST(msg.find("actor 'events' failed (source_failed): fault injected at crash:events") != std::string::npos);
  BOOST_TEST(msg.find("gave up after 2 restart(s)") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
