// cdc_table_copy: a CDC table read while its writer holds it open (LevelDB's lock keeps a
// second open out), including rows only in the writer's log, and refusals.
#include "state/operators/lookup/cdc_table_copy.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <map>

#include "state/store/state_store.hpp"
#include "test_support.hpp"

using namespace sluice;

namespace {

std::map<std::string, std::string> read_all(const std::string& dir, const std::string& scratch, status& s) {
  std::map<std::string, std::string> rows;
  s = read_cdc_table(dir, scratch, [&](std::string_view pk, std::string_view row) { rows[std::string(pk)] = row; });
  return rows;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(state_operators_lookup_cdc_table_copy)

BOOST_AUTO_TEST_CASE(a_table_its_writer_holds_open_is_read_from_a_copy) {
  test::temp_dir dir("cdc-copy");
  std::unique_ptr<state_store> writer;
  BOOST_REQUIRE(state_store::open(dir.str("table"), {}, writer).is_ok());
  for (int id = 0; id < 3; ++id)
    BOOST_REQUIRE(writer
                      ->put("cdc", key_kind::committed, "r" + std::to_string(id),
                            std::string(1, '\x01') + R"({"id":)" + std::to_string(id) + "}")
                      .is_ok());
  BOOST_REQUIRE(writer->put("cdc", key_kind::committed, "o" + std::string("topic"), "12345678").is_ok());
  std::unique_ptr<state_store> second;
  BOOST_TEST(!state_store::open(dir.str("table"), {}, second).is_ok());  // the lock: why a copy is needed
  BOOST_TEST(is_cdc_table(dir.str("table")));
  status s;
  auto rows = read_all(dir.str("table"), dir.str("scratch"), s);
  BOOST_TEST_REQUIRE(s.is_ok(), s.to_string());
  BOOST_TEST(rows.size() == 3u);  // only 'r' rows: not the offsets
  BOOST_TEST(rows["1"] == R"({"id":1})");
  // The copy is gone, and the writer goes on.
  BOOST_TEST(std::filesystem::is_empty(dir.str("scratch")));
  std::string before, after;
  BOOST_REQUIRE(cdc_table_stamp(dir.str("table"), before).is_ok());
  BOOST_REQUIRE(writer->erase("cdc", key_kind::committed, "r0").is_ok());
  BOOST_REQUIRE(cdc_table_stamp(dir.str("table"), after).is_ok());
  BOOST_TEST(before != after);
  rows = read_all(dir.str("table"), dir.str("scratch"), s);
  BOOST_TEST_REQUIRE(s.is_ok(), s.to_string());
  BOOST_TEST(rows.size() == 2u);
  BOOST_TEST(!rows.count("0"));
}

BOOST_AUTO_TEST_CASE(rows_of_another_format_and_missing_tables_are_refused) {
  test::temp_dir dir("cdc-copy-bad");
  {
    std::unique_ptr<state_store> writer;
    BOOST_REQUIRE(state_store::open(dir.str("table"), {}, writer).is_ok());
    BOOST_REQUIRE(writer->put("cdc", key_kind::committed, "r7", std::string(1, '\x02') + "{}").is_ok());
  }
  status s;
  read_all(dir.str("table"), dir.str("scratch"), s);
  BOOST_TEST(s.to_string().find("row '7' has format version 2; this sluice reads version 1") != std::string::npos,
             s.to_string());
  read_all(dir.str("nothing"), dir.str("scratch"), s);
  BOOST_TEST(s.to_string().find("not a LevelDB directory") != std::string::npos, s.to_string());
  BOOST_TEST(!is_cdc_table(dir.str("nothing")));
}

BOOST_AUTO_TEST_SUITE_END()
