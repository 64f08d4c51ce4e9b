#include "actors/operators/transform/lookup_step.hpp"

#include <boost/test/unit_test.hpp>
#include <fstream>

#include "test_support.hpp"

using namespace sluice;

namespace {

struct fixture {
  test::temp_dir dir{"lookup-step"};
  std::shared_ptr<dimension_table> table;
  schema_ptr purchases = std::make_shared<const schema>(
      std::vector<column>{
          {"id", column_type::int64}, {"product_id", column_type::int64}, {"ts", column_type::timestamp}},
      "ts");
  fixture() {
    std::ofstream(dir.str("p.jsonl")) << R"({"product_id": 7, "name": "pen", "category": "office"})"
                                      << "\n";
    auto cols = std::make_shared<const schema>(std::vector<column>{
        {"product_id", column_type::int64}, {"name", column_type::string}, {"category", column_type::string}});
    BOOST_TEST_REQUIRE(dimension_table::open({dir.str("p.jsonl"), cols, "product_id", 0, "", ""}, table).is_ok());
  }
  batch two_rows() const {
    batch b;
    b.schema = purchases;
    b.rows = {row{{int64_t{1}, int64_t{7}, int64_t{10}}, 10}, row{{int64_t{2}, int64_t{8}, int64_t{20}}, 20}};
    return b;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(actors_operators_transform_lookup_step, fixture)

BOOST_AUTO_TEST_CASE(left_gives_nulls_and_inner_drops_rows_without_a_match) {
  auto left = make_lookup(purchases, "product_id", table, lookup_kind::left);
  BOOST_TEST(left->output_schema()->describe() ==
             "id:int64, product_id:int64, ts:timestamp(event time), name:string, "
             "category:string");
  batch b = two_rows();
  step_context ctx;
  left->apply(b, ctx);
  BOOST_REQUIRE(b.rows.size() == 2u);
  BOOST_TEST(std::get<std::string>(b.rows[0].values[3]) == "pen");
  BOOST_TEST(std::get<std::string>(b.rows[0].values[4]) == "office");
  BOOST_TEST(b.rows[1].values[3].index() == 0u);
  batch c = two_rows();
  make_lookup(purchases, "product_id", table, lookup_kind::inner)->apply(c, ctx);
  BOOST_REQUIRE(c.rows.size() == 1u);
  BOOST_TEST(std::get<int64_t>(c.rows[0].values[0]) == 1);
  BOOST_TEST(c.rows[0].event_time_us == 10);
}

BOOST_AUTO_TEST_CASE(unknown_keys_and_clashing_names_are_refused) {
  BOOST_CHECK_THROW(make_lookup(purchases, "sku", table, lookup_kind::left), std::invalid_argument);
  auto clash = std::make_shared<const schema>(
      std::vector<column>{{"product_id", column_type::int64}, {"name", column_type::string}});
  try {
    make_lookup(clash, "product_id", table, lookup_kind::left);
    BOOST_FAIL("a clash was accepted");
  } catch (const std::invalid_argument& e) {
    BOOST_TEST(std::string(e.what()).find("column 'name' has the name of a stream column") != std::string::npos);
  }
}

BOOST_AUTO_TEST_SUITE_END()
