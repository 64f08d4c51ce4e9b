#include "state/operators/lookup/dimension_table.hpp"

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "state/store/bytes.hpp"
#include "test_support.hpp"

using namespace sluice;

namespace {

schema_ptr products() {
  return std::make_shared<const schema>(std::vector<column>{
      {"product_id", column_type::int64}, {"name", column_type::string}, {"price", column_type::float64, false}});
}

dimension_options options_for(const std::string& path, int64_t refresh_us = 0) {
  return dimension_options{path, products(), "product_id", refresh_us};
}

std::string name_of(const dimension_snapshot& s, const value& key) {
  std::string k;
  append_key_bytes(key, k);
  auto it = s.rows.find(k);
  return it == s.rows.end() ? "<none>" : std::get<std::string>(it->second[1]);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(state_operators_lookup_dimension_table)

BOOST_AUTO_TEST_CASE(rows_by_key_with_later_lines_winning_and_bad_lines_counted) {
  test::temp_dir dir("dimension");
  std::ofstream(dir.str("p.jsonl")) << R"({"product_id": 1, "name": "pen", "price": 2.5}
{"product_id": 2, "name": "ink"}
not json
{"product_id": 1, "name": "fountain pen"}
)";
  std::shared_ptr<dimension_table> t;
  BOOST_REQUIRE(dimension_table::open(options_for(dir.str("p.jsonl")), t).is_ok());
  auto s = t->current();
  BOOST_TEST(s->version == 1);
  BOOST_TEST(s->rows.size() == 2u);
  BOOST_TEST(s->skipped_lines == 1);
  BOOST_TEST(name_of(*s, int64_t{1}) == "fountain pen");
  BOOST_TEST(name_of(*s, 2.0) == "ink");  // 2 and 2.0 are one key
  BOOST_TEST(name_of(*s, int64_t{3}) == "<none>");
}

BOOST_AUTO_TEST_CASE(a_refresh_swaps_in_a_changed_source_and_keeps_the_last_good_one_on_failure) {
  test::temp_dir dir("dimension");
  std::filesystem::create_directories(dir.str("d"));
  std::ofstream(dir.str("d/a.jsonl")) << R"({"product_id": 1, "name": "pen"})"
                                      << "\n";
  std::shared_ptr<dimension_table> t;
  BOOST_REQUIRE(dimension_table::open(options_for(dir.str("d")), t).is_ok());
  auto first = t->current();
  BOOST_REQUIRE(t->refresh().is_ok());
  BOOST_TEST(t->current() == first);  // unchanged: the same snapshot
  std::ofstream(dir.str("d/b.jsonl")) << R"({"product_id": 2, "name": "ink"})"
                                      << "\n";
  BOOST_REQUIRE(t->refresh().is_ok());
  auto second = t->current();
  BOOST_TEST(second->version == 2);
  BOOST_TEST(name_of(*second, int64_t{2}) == "ink");
  BOOST_TEST(name_of(*first, int64_t{2}) == "<none>");  // a reader's snapshot never changes
  std::filesystem::remove_all(dir.str("d"));
  auto s = t->refresh();
  BOOST_TEST(!s.is_ok());
  BOOST_TEST(s.message().find("keeps version 2") != std::string::npos, s.message());
  BOOST_TEST(t->current() == second);
  BOOST_TEST(t->failed_refreshes() == 1);
}

BOOST_AUTO_TEST_CASE(the_refresh_thread_picks_up_a_change_and_a_missing_source_is_an_error) {
  test::temp_dir dir("dimension");
  std::shared_ptr<dimension_table> t;
  BOOST_TEST(!dimension_table::open(options_for(dir.str("none.jsonl")), t).is_ok());
  auto bad = options_for(dir.str("p.jsonl"));
  bad.key = "sku";
  std::ofstream(dir.str("p.jsonl")) << R"({"product_id": 1, "name": "pen"})"
                                    << "\n";
  auto s = dimension_table::open(bad, t);
  BOOST_TEST(s.message().find("key column 'sku'") != std::string::npos, s.message());
  BOOST_REQUIRE(dimension_table::open(options_for(dir.str("p.jsonl"), 50'000), t).is_ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::ofstream(dir.str("p.jsonl")) << R"({"product_id": 1, "name": "pencil"})"
                                    << "\n";
  for (int i = 0; i < 100 && t->current()->version == 1; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  BOOST_TEST(name_of(*t->current(), int64_t{1}) == "pencil");
}

BOOST_AUTO_TEST_SUITE_END()
