// The CDC applier against the contract (../shared/spec/cdc-format.md): every sample and every
// hand-worked scenario in tests/state/cdc/cdc_cases/ (one per rule: snapshots, duplicates, partitions
// out of order, key changes, truncates, TOAST, flattened rows, transactions, logical types,
// MySQL positions) through the real `sluice cdc replay`; the logical-type conversions and the
// table's behaviour across a reopen directly.
#include "state/cdc/cdc_applier.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>

#include "test_support.hpp"

using namespace sluice;
namespace json = boost::json;

BOOST_AUTO_TEST_SUITE(state_cdc_cdc_applier)

BOOST_AUTO_TEST_CASE(every_sample_and_hand_worked_scenario_passes_through_sluice_cdc_replay) {
  test::temp_dir dir("cdc-replay");
  for (std::string folder : {std::string(SLUICE_SOURCE_DIR) + "/../shared/spec/cdc-samples",
                             std::string(SLUICE_SOURCE_DIR) + "/tests/state/cdc/cdc_cases"}) {
    size_t n = 0;
    std::string files;
    for (const auto& e : std::filesystem::directory_iterator(folder)) {
      files += " " + e.path().string();
      ++n;
    }
    BOOST_REQUIRE_MESSAGE(n >= 4, "no scenarios in " << folder);
    std::string out;
    int code = test::run_sluice(
        "cdc replay" + files + " --table " + dir.str("t") + " --dead-letters " + dir.str("dead.jsonl"), out);
    BOOST_TEST(code == 0, out);
    BOOST_TEST(out.find(std::to_string(3 * n) + " passed, 0 failed") != std::string::npos, out);
  }
  // Dead letters are written with their reason.
  std::string all;
  test::shell("cat " + dir.str("dead.jsonl"), all);
  BOOST_TEST(all.find("\"offset\":4,\"reason\":\"unknown op 'x'\"") != std::string::npos, all);
}

BOOST_AUTO_TEST_CASE(a_failing_expectation_fails_the_run_and_table_dump_shows_the_table) {
  test::temp_dir dir("cdc-wrong");
  std::FILE* f = std::fopen(dir.str("s.json").c_str(), "w");
  std::fputs(R"({"name": "wrong", "data_topic": "t", "source_config": {"value_format": "envelope"},
    "events": [{"partition": 0, "offset": 0, "key": {"id": 1},
                "value": {"before": null, "after": {"id": 1, "name": "A"}, "op": "c",
                          "source": {"connector": "postgresql", "snapshot": "false", "sequence": null, "lsn": 5}}}],
    "expected_table": {"1": {"id": 1, "name": "B"}}, "expected_dead_letters": []})",
             f);
  std::fclose(f);
  std::string out;
  BOOST_TEST(test::run_sluice("cdc replay " + dir.str("s.json") + " --table " + dir.str("t"), out) == 1);
  BOOST_TEST(out.find("2 passed, 1 failed") != std::string::npos, out);
  BOOST_TEST(test::run_sluice("table dump " + dir.str("t"), out) == 0);
  BOOST_TEST(out == "{\"1\":{\"id\":1,\"name\":\"A\"}}\n");
  BOOST_TEST(test::run_sluice("table get " + dir.str("t") + " 1", out) == 0);
  BOOST_TEST(test::run_sluice("table get " + dir.str("t") + " 2", out) == 1);
  BOOST_TEST(out.find("no row with key '2'") != std::string::npos);
  BOOST_TEST(test::run_sluice("cdc replay " + dir.str("s.json"), out) == 2);
  BOOST_TEST(out.find("--table DIR is required") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(logical_values) {
  bool ok;
  BOOST_TEST(decimal_from_base64("MDk=", 2, ok) == "123.45");   // 12345
  BOOST_TEST(decimal_from_base64("/zLs", 2, ok) == "-525.00");  // -52500
  BOOST_TEST(decimal_from_base64("AA==", 0, ok) == "0");
  BOOST_TEST(decimal_from_base64("BfXhAP8=", 2, ok) == "256000002.55");  // 25600000255, 5 bytes
  BOOST_TEST(date_from_days(0) == "1970-01-01");
  BOOST_TEST(date_from_days(-1) == "1969-12-31");
  BOOST_TEST(timestamp_from_us(1'700'000'000'123'456, 6) == "2023-11-14T22:13:20.123456");
  BOOST_TEST(timestamp_from_us(-1000, 3) == "1969-12-31T23:59:59.999");
}

BOOST_AUTO_TEST_CASE(consumed_offsets_and_the_floor_survive_a_reopen) {
  test::temp_dir dir("cdc-reopen");
  auto open = [&] {
    std::unique_ptr<state_store> s;
    BOOST_REQUIRE(state_store::open(dir.str("t"), {}, s).is_ok());
    return std::shared_ptr<state_store>(std::move(s));
  };
  auto change = [](int64_t offset, int id, const char* name, int64_t lsn) {
    cdc_event e;
    e.topic = "t";
    e.offset = offset;
    e.key = json::object{{"id", id}};
    e.value = json::object{{"op", "c"},
                           {"after", json::object{{"id", id}, {"name", name}}},
                           {"source", json::object{{"connector", "postgresql"}, {"lsn", lsn}}}};
    return e;
  };
  std::vector<cdc_dead_letter> dead;
  {
    cdc_applier a(cdc_options{"t", "", false, false, {"id"}}, open());
    BOOST_TEST(a.open().is_ok());
    BOOST_TEST(a.apply(change(0, 1, "A", 100), dead).is_ok());
    BOOST_TEST(a.sync().is_ok());
  }
  cdc_applier b(cdc_options{"t", "", false, false, {"id"}}, open());
  BOOST_TEST(b.open().is_ok());
  BOOST_TEST(b.apply(change(0, 1, "replayed", 100), dead).is_ok());  // offset 0 was consumed
  BOOST_TEST(b.apply(change(1, 1, "older", 50), dead).is_ok());      // stale position
  std::optional<json::object> row;
  BOOST_TEST(b.get("1", row).is_ok());
  BOOST_REQUIRE(row);
  BOOST_TEST(json::serialize(row->at("name")) == "\"A\"");
  BOOST_TEST(b.counters().duplicates == 1);
  BOOST_TEST(b.counters().stale == 1);
}

BOOST_AUTO_TEST_SUITE_END()
