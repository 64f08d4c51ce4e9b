// The C++ example of the README, verbatim between the markers, run on generated events.
#include <boost/test/unit_test.hpp>
#include <fstream>

#include "actors/plan/pipeline.hpp"
#include "actors/runtime/query_runner.hpp"
#include "state/io/gen/generator_reader.hpp"
#include "test_support.hpp"

BOOST_AUTO_TEST_SUITE(actors_plan_readme_example)

BOOST_AUTO_TEST_CASE(the_readme_pipeline_runs) {
  sluice::test::temp_dir dir("readme");
  std::string events = dir.str("events.jsonl"), out_dir = dir.str("big-out");
  {
    sluice::generator_spec g;
    g.malformed_fraction = 0.05;
    std::ofstream f(events);
    for (uint64_t n = 0; n < 1000; ++n) f << sluice::generate_record(g, n) << "\n";
  }
  // README begins (paths replaced by variables)
  sluice::pipeline p("big-spenders");
  p.with_trigger({sluice::trigger_kind::available_now, 0});
  p.source(sluice::sources::jsonl("events", events, sluice::sources::events_schema(), true))
      .with_watermark("ts", std::chrono::seconds(10))
      .filter([](const sluice::record& r) { return r.num("amount") > 400; }, "amount > 400")
      .select({"user", "amount", "ts"})
      .to(sluice::sinks::jsonl(out_dir));
  auto result = sluice::run_queries({p.build()}, {});
  // README ends
  BOOST_TEST(result.ok);
  auto rows = sluice::test::read_lines(out_dir);
  BOOST_TEST(rows.size() > 100u);
  for (const auto& r : rows) BOOST_TEST(r.find("\"user\":") == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
