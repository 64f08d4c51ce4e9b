// cdc end to end through the binary over the embedded broker: the generator's Debezium changes
// (creates, updates, deletes of customers) applied to the table must leave exactly the rows a
// database would hold — worked out here by replaying the records with plain maps — and a
// changelog entry per change.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <map>

#include "state/generator_reader.hpp"
#include "test_support.hpp"

using namespace sluice;
namespace json = boost::json;

BOOST_AUTO_TEST_SUITE(apps_cdc)

BOOST_AUTO_TEST_CASE(the_table_ends_as_the_database_did) {
  generator_spec g;
  g.kind = "cdc";
  g.count = 3000;
  g.keys = 200;
  g.seed = 4;
  std::map<std::string, json::value> want;
  int64_t deletes = 0;
  for (uint64_t n = 0; n < g.count; ++n) {
    auto o = json::parse(generate_record(g, n)).as_object();
    std::string op(o["op"].as_string());
    if (op == "d") {
      want.erase(json::serialize(o["before"].as_object()["id"]));
      ++deletes;
    } else {
      want[json::serialize(o["after"].as_object()["id"])] = o["after"];
    }
  }
  BOOST_REQUIRE(deletes > 50);
  test::temp_dir dir("cdc-app");
  std::string out;
  BOOST_REQUIRE_EQUAL(test::run_sluice("run cdc --set changes.count=3000 --set changes.keys=200 --set changes.seed=4"
                                       " --set trigger=100ms --set output=" +
                                           dir.str("out"),
                                       out),
                      0);
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
  // One changelog entry per applied change (every record here changes the table).
  BOOST_TEST(test::read_lines(dir.str("out/changelog")).size() == 3000u);
  // A second run into the kept table (the embedded broker is new, its topic holds the same
  // records at the same offsets): the table remembers what it consumed, so nothing changes.
  BOOST_REQUIRE_EQUAL(test::run_sluice("run cdc --set changes.count=3000 --set changes.keys=200 --set changes.seed=4"
                                       " --set trigger=100ms --set output.overwrite=false --set output=" +
                                           dir.str("out"),
                                       out),
                      0);
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
