#include "actors/operators/transform/transform.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

using namespace sluice;

namespace {
schema_ptr in_schema() {
  return std::make_shared<const schema>(
      std::vector<column>{
          {"user", column_type::string}, {"amount", column_type::float64}, {"ts", column_type::timestamp}},
      "ts");
}
batch sample() {
  batch b;
  b.schema = in_schema();
  b.rows = {row{{std::string("a"), 5.0, int64_t{1'000'000}}, 0}, row{{std::string("b"), 50.0, int64_t{3'000'000}}, 0},
            row{{std::string("c"), -1.0, int64_t{2'000'000}}, 0}};
  return b;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(actors_operators_transform_transform)

BOOST_AUTO_TEST_CASE(filter_select_and_computed_column) {
  auto s = in_schema();
  auto f = make_filter(
      s, [](const record& r) { return r.num("amount") > 0; }, "amount > 0");
  auto w = make_with_column(f->output_schema(), "double_amount",
                            expression::compile(boost::json::parse(R"(["*", "amount", 2])"), *s));
  auto sel = make_select(w->output_schema(), {"double_amount", "user"});
  batch b = sample();
  step_context ctx;
  apply_steps({f, w, sel}, b, ctx);
  BOOST_TEST(b.rows.size() == 2u);
  BOOST_TEST(b.schema->describe() == "double_amount:double, user:string");
  BOOST_TEST(std::get<double>(b.rows[1].values[0]) == 100.0);
  BOOST_TEST(std::get<std::string>(b.rows[1].values[1]) == "b");
  BOOST_CHECK_THROW(make_select(s, {"nope"}), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(watermark_probe_records_event_time_stats) {
  auto p = make_watermark_probe(in_schema(), "ts", 10'000'000);
  batch b = sample();
  step_context ctx;
  p->apply(b, ctx);
  BOOST_TEST(ctx.event_time.count == 3);
  BOOST_TEST(ctx.event_time.min_us == 1'000'000);
  BOOST_TEST(ctx.event_time.max_us == 3'000'000);
  BOOST_CHECK_THROW(make_watermark_probe(in_schema(), "user", 0), std::invalid_argument);  // not a timestamp
  BOOST_CHECK_THROW(make_watermark_probe(in_schema(), "ts", -1), std::invalid_argument);   // negative delay
}

BOOST_AUTO_TEST_CASE(validate_sends_failures_to_dead_letters) {
  auto v = make_validate(in_schema(), expression::compile(boost::json::parse(R"([">=", "amount", 0])"), *in_schema()),
                         "amount >= 0");
  batch b = sample();
  step_context ctx;
  ctx.trigger = 4;
  v->apply(b, ctx);
  BOOST_TEST(b.rows.size() == 2u);
  BOOST_REQUIRE(ctx.dead_letters.size() == 1u);
  BOOST_TEST(ctx.dead_letters[0].reason == "failed validation: amount >= 0");
  BOOST_TEST(ctx.dead_letters[0].record.find("\"user\":\"c\"") != std::string::npos);
  BOOST_TEST(ctx.dead_letters[0].trigger == 4);
}

BOOST_AUTO_TEST_CASE(from_json_parses_and_keeps_columns) {
  auto raw =
      std::make_shared<const schema>(std::vector<column>{{"value", column_type::string}, {"pos", column_type::string}});
  auto parsed = std::make_shared<const schema>(
      std::vector<column>{{"n", column_type::int64}, {"ts", column_type::timestamp, true, time_unit::seconds}}, "ts");
  auto step = make_from_json(raw, "value", parsed, {"pos"});
  batch b;
  b.schema = raw;
  b.rows = {row{{std::string(R"({"n":1,"ts":5})"), std::string("p0")}, 0},
            row{{std::string(R"({"n":"x","ts":5})"), std::string("p1")}, 0}};
  step_context ctx;
  step->apply(b, ctx);
  BOOST_TEST(b.rows.size() == 1u);
  BOOST_TEST(b.schema->describe() == "n:int64, ts:timestamp(event time), pos:string");
  BOOST_TEST(b.rows[0].event_time_us == 5'000'000);
  BOOST_REQUIRE(ctx.dead_letters.size() == 1u);
  BOOST_TEST(ctx.dead_letters[0].reason.find("column 'n' expects int64") == 0u);
  BOOST_TEST(ctx.dead_letters[0].origin.find("p1") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
