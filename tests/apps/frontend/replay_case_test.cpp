// Every case in ../shared/spec/replay-samples/ and chain-samples/ runs through the real
// `sluice replay`, and so do the cases of our own (replay_cases/, chain_cases/).
#include <boost/test/unit_test.hpp>
#include <filesystem>

#include "test_support.hpp"

using namespace sluice;

namespace {
std::string samples() {
  return std::string(SLUICE_SOURCE_DIR) + "/../shared/spec/replay-samples";
}
}  // namespace

BOOST_AUTO_TEST_SUITE(apps_frontend_replay_case)

BOOST_AUTO_TEST_CASE(every_sample_passes) {
  BOOST_REQUIRE_MESSAGE(std::filesystem::exists(samples()), "replay samples not found at " + samples());
  size_t ran = 0, aggregates = 0;
  for (const auto& e : std::filesystem::directory_iterator(samples())) {
    std::string name = e.path().filename().string();
    aggregates += name.rfind("window_", 0) == 0 || name.rfind("session_", 0) == 0;
    std::string out;
    int code = test::run_sluice("replay " + e.path().string(), out);
    BOOST_TEST(code == 0, name << ":\n" << out);
    BOOST_TEST(out.find(" 0 failed") != std::string::npos, name);
    ++ran;
  }
  BOOST_TEST(ran >= 7u);
  BOOST_TEST(aggregates >= 2u);
}

BOOST_AUTO_TEST_CASE(every_chain_sample_passes) {
  std::string dir = std::string(SLUICE_SOURCE_DIR) + "/../shared/spec/chain-samples";
  size_t ran = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    std::string out;
    BOOST_TEST(test::run_sluice("replay " + e.path().string(), out) == 0, e.path().filename() << ":\n" << out);
    BOOST_TEST(out.find(" 0 failed") != std::string::npos, e.path().filename());
    ++ran;
  }
  BOOST_TEST(ran >= 2u);
}

// Cases of our own, transcribed from Spark's suites or worked out by hand (their notes say
// how), in the same format: single operators, and chains of stateful operators.
BOOST_AUTO_TEST_CASE(every_in_repo_case_passes) {
  size_t ran = 0;
  for (const char* folder : {"replay_cases", "chain_cases"}) {
    std::string dir = std::string(SLUICE_SOURCE_DIR) + "/tests/apps/frontend/" + folder;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      std::string out;
      BOOST_TEST(test::run_sluice("replay " + e.path().string(), out) == 0, e.path().filename() << ":\n" << out);
      ++ran;
    }
  }
  BOOST_TEST(ran >= 30u);
}

BOOST_AUTO_TEST_CASE(observe_prints_what_the_engine_did_per_step) {
  std::string out;
  BOOST_TEST(test::run_sluice("replay --observe " + samples() + "/join_left_outer_range.json", out) == 0);
  BOOST_TEST(out.find(R"("emitted":[[3,null,5,null]])") != std::string::npos, out);
  BOOST_TEST(out.find(R"("operatorName":"symmetricHashJoin")") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_failing_expectation_fails_the_run) {
  test::temp_dir dir("replay-wrong");
  std::string c = R"({"name": "wrong", "kind": "join", "config": {"no_data_batches": true},
    "query": {"type": "join", "inputs": {"left": {"columns": ["k", "v"], "watermark": null},
                                          "right": {"columns": ["k", "w"], "watermark": null}},
              "join_type": "inner", "equi_keys": [["k", "k"]], "null_safe_keys": false, "window_key": null,
              "time_range": null, "condition": ["<", "left.v", "right.w"], "output_mode": "append",
              "output_columns": ["left.k", "left.v", "right.w"]},
    "steps": [{"add": {"left": [[1, 5]], "right": [[1, 3], [1, 9]]}}, {"expect": [[1, 5, 3]]}]})";
  std::FILE* f = std::fopen(dir.str("c.json").c_str(), "w");
  std::fputs(c.c_str(), f);
  std::fclose(f);
  std::string out;
  BOOST_TEST(test::run_sluice("replay " + dir.str("c.json"), out) == 1);
  BOOST_TEST(out.find("expected [[1,5,3]], got [[1,5,9]]") != std::string::npos, out);  // the condition held 5 < 9 only
  BOOST_TEST(out.find("0 passed, 1 failed") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
