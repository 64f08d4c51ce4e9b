// cdc end to end through the binary over the embedded broker: the generator's Debezium changes
// (creates, updates, deletes of customers) applied to the table must leave exactly the rows a
// database would hold — worked out here by replaying the records with plain maps — and a
// changelog entry per change.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <map>

#include "state/io/gen/generator_reader.hpp"
#include "test_support.hpp"

using namespace sluice;
namespace json = boost::json;

BOOST_AUTO_TEST_SUITE(apps_prebuilt_cdc)

namespace {

// 3,000 positions: 1,000 complete transactions of 3 (changes.spacing is the app's default, 10 ms;
// the change events do not depend on it).
const generator_spec input = test::generated("debezium", 3000, 4, 200, 10'000);

// The table a database would hold after the positions of the generated stream `g`, worked out
// with a plain map: creates and updates set the row, deletes and tombstones remove it.
std::map<std::string, json::value> replay(const generator_spec& g, int64_t& deletes, int64_t& key_changes) {
  std::map<std::string, json::value> want;
  for (uint64_t n = 0; n < g.count; ++n) {
    auto lines = test::split_lines(generate_record(g, n));
    for (const auto& line : lines) {
      if (line.rfind("tombstone ", 0) == 0) {
        want.erase(json::serialize(json::parse(line.substr(10)).as_object()["id"]));
        continue;
      }
      auto o = json::parse(line).as_object();
      if (o["op"] == "d") {
        want.erase(json::serialize(o["before"].as_object()["id"]));
        ++deletes;
      } else {
        want[json::serialize(o["after"].as_object()["id"])] = o["after"];
      }
    }
    key_changes += lines.size() == 3;
  }
  return want;
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_table_ends_as_the_database_did) {
  // 3,000 positions: 1,000 complete transactions of 3. (With an unfinished last transaction the
  // table is not a function of the input alone: contract rule 9 applies its tombstones on
  // arrival, before or after earlier transactions complete depending on how the two topics'
  // consumers interleave; tests/state/cdc/cdc_cases covers that rule in a fixed order.)
  int64_t deletes = 0, key_changes = 0;
  auto want = replay(input, deletes, key_changes);
  BOOST_REQUIRE(deletes > 50);
  BOOST_REQUIRE(key_changes > 5);
  test::temp_dir dir("cdc-app");
  std::string out;
  BOOST_REQUIRE_EQUAL(
      test::run_app("cdc", test::generator_args("changes", input) + " --set trigger=100ms", dir.str("out"), out), 0);
  BOOST_TEST(out.find("embedded Kafka broker") != std::string::npos, out);
  std::string dump;
  BOOST_REQUIRE_EQUAL(test::run_sluice("table dump " + dir.str("out/table"), dump), 0);
  auto got = json::parse(dump).as_object();
  BOOST_TEST(got.size() == want.size());
  for (const auto& [pk, row] : want) {
    auto* g2 = got.if_contains(pk);
    BOOST_REQUIRE_MESSAGE(g2, "missing row " << pk);
    BOOST_TEST(*g2 == row, pk);
  }
  // The changelog has an entry per row change (at least one per row left in the table).
  BOOST_TEST(test::read_lines(dir.str("out/changelog")).size() >= want.size());
  BOOST_TEST(test::read_lines(dir.str("out/dead_letters")).empty());
  // A second run without overwrite is refused before it changes anything: the table, its
  // changelog and dead letters belong to the first run's output.
  BOOST_REQUIRE_EQUAL(
      test::run_app("cdc", test::generator_args("changes", input) + " --set trigger=100ms --set output.overwrite=false",
                    dir.str("out"), out),
      2);
  BOOST_TEST(out.find("holds the output of an earlier run of 'cdc'") != std::string::npos, out);
  std::string dump2;
  test::run_sluice("table dump " + dir.str("out/table"), dump2);
  BOOST_TEST(dump2 == dump);
}

BOOST_AUTO_TEST_CASE(bad_settings_are_named) {
  std::string out;
  BOOST_TEST(test::run_sluice("run cdc --set value_format=avro", out) == 2);
  BOOST_TEST(out.find("value_format") != std::string::npos, out);
  BOOST_TEST(test::run_sluice("run cdc --set input=generator", out) == 2);
  BOOST_TEST(out.find("reads Debezium topics") != std::string::npos, out);
}

BOOST_AUTO_TEST_SUITE_END()
