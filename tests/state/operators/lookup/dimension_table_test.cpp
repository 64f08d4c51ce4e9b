#include "state/operators/lookup/dimension_table.hpp"

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "state/io/kafka/embedded_broker.hpp"
#include "state/io/kafka/kafka_producer.hpp"
#include "state/store/bytes.hpp"
#include "state/store/state_store.hpp"
#include "test_support.hpp"

using namespace sluice;

namespace {

schema_ptr products() {
  return std::make_shared<const schema>(std::vector<column>{
      {"product_id", column_type::int64}, {"name", column_type::string}, {"price", column_type::float64, false}});
}

dimension_options options_for(const std::string& path, int64_t refresh_us = 0) {
  return dimension_options{path, products(), "product_id", refresh_us, "", ""};
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

BOOST_AUTO_TEST_CASE(a_compacted_topic_is_read_to_its_end_then_followed_with_tombstones_deleting) {
  std::unique_ptr<embedded_broker> broker;
  BOOST_REQUIRE(embedded_broker::start(1, broker).is_ok());
  BOOST_REQUIRE(broker->create_topic("products", 2).is_ok());
  std::unique_ptr<kafka_producer> producer;
  BOOST_REQUIRE(kafka_producer::create(broker->bootstrap(), {}, producer).is_ok());
  auto put = [&](int id, const std::string& value) {
    std::string key = std::to_string(id);
    BOOST_REQUIRE(producer->produce("products", value, &key).is_ok());
  };
  for (int id = 0; id < 10; ++id)
    put(id, R"({"product_id":)" + std::to_string(id) + R"(,"name":"p)" + std::to_string(id) + R"(","price":1})");
  put(3, R"({"product_id":3,"name":"renamed","price":1})");  // a later value of a key wins
  put(99, "not json");                                       // skipped and counted
  BOOST_REQUIRE(producer->flush().is_ok());

  std::shared_ptr<dimension_table> table;
  dimension_options o{"", products(), "product_id", 50'000, "products", broker->bootstrap()};
  BOOST_REQUIRE(dimension_table::open(o, table).is_ok());
  auto first = table->current();
  BOOST_TEST(first->version == 1);
  BOOST_TEST(first->rows.size() == 10u);
  BOOST_TEST(first->skipped_lines == 1);
  BOOST_TEST(name_of(*first, value{int64_t{3}}) == "renamed");
  BOOST_TEST(table->description().find("kafka:products") != std::string::npos);

  put(5, R"({"product_id":5,"name":"five","price":2})");
  std::string key = "7";
  BOOST_REQUIRE(producer->produce("products", std::string_view{}, &key).is_ok());  // a tombstone
  BOOST_REQUIRE(producer->flush().is_ok());
  for (int i = 0; i < 100 && name_of(*table->current(), value{int64_t{7}}) != "<none>"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto later = table->current();
  BOOST_TEST(later->version > 1);
  BOOST_TEST(name_of(*later, value{int64_t{5}}) == "five");
  BOOST_TEST(name_of(*later, value{int64_t{7}}) == "<none>");
  BOOST_TEST(name_of(*first, value{int64_t{7}}) == "p7");  // a reader's snapshot never changes
}

// A CDC table (docs/formats/cdc-table.md) its writer holds open: read from a copy; a refresh
// sees the writer's later changes, a delete included.
BOOST_AUTO_TEST_CASE(a_cdc_table_is_read_while_its_writer_holds_it_and_refreshed) {
  test::temp_dir dir("dimension-cdc");
  std::unique_ptr<state_store> writer;
  BOOST_REQUIRE(state_store::open(dir.str("table"), {}, writer).is_ok());
  auto put = [&](int id, const std::string& name) {
    std::string row = std::string(1, '\x01') + R"({"product_id":)" + std::to_string(id) + R"(,"name":")" + name + "\"}";
    BOOST_REQUIRE(writer->put("cdc", key_kind::committed, "r" + std::to_string(id), row).is_ok());
  };
  put(1, "pen");
  put(2, "ink");
  std::shared_ptr<dimension_table> t;
  auto s = dimension_table::open(options_for(dir.str("table")), t);
  BOOST_TEST_REQUIRE(s.is_ok(), s.to_string());
  BOOST_TEST(t->current()->rows.size() == 2u);
  BOOST_TEST(name_of(*t->current(), int64_t{1}) == "pen");
  BOOST_TEST(t->refresh().is_ok());
  BOOST_TEST(t->current()->version == 1);  // unchanged: not read again
  put(1, "fountain pen");
  BOOST_REQUIRE(writer->erase("cdc", key_kind::committed, "r2").is_ok());
  BOOST_TEST(t->refresh().is_ok());
  auto now = t->current();
  BOOST_TEST(now->version == 2);
  BOOST_TEST(name_of(*now, int64_t{1}) == "fountain pen");
  BOOST_TEST(name_of(*now, int64_t{2}) == "<none>");
}

// A CSV table: header names the columns, a record that does not decode is skipped and counted;
// a folder may mix CSV and JSONL files (read in name order).
BOOST_AUTO_TEST_CASE(a_csv_table_is_read_by_its_header) {
  test::temp_dir dir("dimension-csv");
  std::filesystem::create_directories(dir.str("t"));
  std::ofstream(dir.str("t/a.csv")) << "name,product_id,price\n\"pen, red\",1,2.5\nink,two,3\nnib,3,\n";
  std::ofstream(dir.str("t/b.jsonl")) << R"({"product_id": 3, "name": "gold nib"})"
                                      << "\n";
  std::shared_ptr<dimension_table> t;
  BOOST_REQUIRE(dimension_table::open(options_for(dir.str("t")), t).is_ok());
  auto s = t->current();
  BOOST_TEST(s->rows.size() == 2u);
  BOOST_TEST(s->skipped_lines == 1);
  BOOST_TEST(name_of(*s, int64_t{1}) == "pen, red");
  BOOST_TEST(name_of(*s, int64_t{3}) == "gold nib");
}

BOOST_AUTO_TEST_SUITE_END()
