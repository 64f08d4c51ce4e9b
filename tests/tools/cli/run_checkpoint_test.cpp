// `sluice run --checkpoint`: the epoch commit is atomic. A fault at each point (the process
// exits before or after the commit, a LevelDB write fails, an operator throws) leaves a
// checkpoint that recovers to the output of an undisturbed run; foreign or corrupt
// checkpoints are refused; `sluice state` shows what a checkpoint holds.
#include <algorithm>
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <map>

#include "state/io/kafka/embedded_broker.hpp"
#include "tests/test_support.hpp"

using namespace sluice;

namespace {

struct checkpointed_join {
  std::unique_ptr<embedded_broker> broker;
  test::temp_dir dir{"run-checkpoint"};
  std::vector<std::string> reference;
  checkpointed_join() {
    BOOST_TEST_REQUIRE(embedded_broker::start(1, broker).is_ok());
    // The input, produced once.
    std::string out;
    int rc = test::run_sluice("run orders-payments --brokers " + broker->bootstrap() +
                                  " --set kafka.feed=true --set orders.count=2000 --set orders.rate=0 --set "
                                  "kafka.group=feed --set output=" +
                                  dir.str("feed"),
                              out);
    BOOST_TEST_REQUIRE(rc == 0, out);
    // The reference: an undisturbed run with the settings of the runs under test. The
    // watermark delay (10 h) is longer than the input spans, so no row is late whatever the
    // triggers read: small triggers make many epochs, and the output is the same every run.
    BOOST_TEST_REQUIRE(run("reference", "", out) == 0, out);
    reference = sorted(dir.str("reference/out/joined"));
    BOOST_TEST_REQUIRE(reference.size() > 1000u);
  }
  static std::vector<std::string> sorted(const std::string& d) {
    auto v = test::read_lines(d);
    std::sort(v.begin(), v.end());
    return v;
  }
  /// Runs the app on the fixed input with a checkpoint, an epoch after every trigger (or every
  /// `interval`) of at most 300 records per input, and `extra` flags.
  int run(const std::string& name, const std::string& extra, std::string& out, const char* interval = "0") {
    return test::run_sluice(
        "run orders-payments --brokers " + broker->bootstrap() + " --checkpoint " + dir.str(name + "/cp") +
            " --checkpoint-interval " + interval +
            " --set kafka.feed=false --set kafka.ending_offsets=latest"
            " --set trigger=0 --set max_records_per_trigger=300 --set watermark=10h --set output.overwrite=false"
            " --set kafka.group=" +
            name + " --set output=" + dir.str(name + "/out") + " " + extra,
        out);
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(tools_cli_run_checkpoint, checkpointed_join)

BOOST_AUTO_TEST_CASE(a_fault_at_each_point_recovers_to_the_undisturbed_output) {
  struct fault_case {
    std::string spec;
    int first_exit;  // 86: the process exits at the point; 0: the supervisor restarts in-process
  };
  for (const auto& f : std::vector<fault_case>{{"exit:before-commit:2", 86},
                                               {"exit:after-commit:2", 86},
                                               {"leveldb:sync:2", 0},
                                               {"crash:join/0:3", 0},
                                               {"crash:sink:2", 0}}) {
    BOOST_TEST_CONTEXT(f.spec) {
      std::string name = f.spec.substr(0, f.spec.find(':', 6));
      std::replace(name.begin(), name.end(), ':', '-');
      std::replace(name.begin(), name.end(), '/', '-');
      std::string out;
      int rc = run(name, "--fail-at " + f.spec, out);
      BOOST_TEST(rc == f.first_exit, out);
      std::string state;
      BOOST_TEST(test::run_sluice("state " + dir.str(name + "/cp"), state) == 0);
      if (f.spec.rfind("exit:before-commit", 0) == 0) {
        // Epoch 2's state never committed: the checkpoint is at epoch 1, fully published.
        BOOST_TEST(state.find("epoch:   1 after trigger") != std::string::npos, state);
        BOOST_TEST(state.find("published up to epoch 1") != std::string::npos, state);
      } else if (f.spec.rfind("exit:after-commit", 0) == 0) {
        // Epoch 2 committed, its output not yet published: recovery publishes it.
        BOOST_TEST(state.find("epoch:   2 after trigger") != std::string::npos, state);
        BOOST_TEST(state.find("published up to epoch 1") != std::string::npos, state);
      } else {
        BOOST_TEST(out.find("restarted:") != std::string::npos, out);
        BOOST_TEST(out.find("fault injected at " + f.spec.substr(0, f.spec.rfind(':'))) != std::string::npos, out);
      }
      if (f.first_exit != 0) {
        rc = run(name, "", out);
        BOOST_TEST(rc == 0, out);
        BOOST_TEST(out.find("resumed: from epoch") != std::string::npos, out);
      }
      auto got = sorted(dir.str(name + "/out/joined"));
      BOOST_TEST(got.size() == reference.size());
      BOOST_TEST((got == reference));
    }
  }
}

// Replayable triggers: the process dies before the only epoch commits; resumed with another
// trigger cap, it runs the logged triggers again with exactly their ranges (the same end
// offsets per trigger as the first run), then goes on.
BOOST_AUTO_TEST_CASE(logged_triggers_run_again_with_their_ranges) {
  auto ends = [](const std::string& progress) {
    std::map<int64_t, std::string> m;  // trigger → its sources' end offsets (idle triggers are not written)
    std::ifstream in(progress);
    for (std::string line; std::getline(in, line);) {
      auto o = boost::json::parse(line).as_object();
      std::string e;
      for (const auto& src : o["sources"].as_array())
        e += " " + std::string(src.as_object().at("endOffset").as_string());
      m[o["batchId"].as_int64()] = e;
    }
    return m;
  };
  std::string out;
  int rc = run("log", "--fail-at exit:before-commit:1 --progress " + dir.str("log/p1.jsonl"), out, "1h");
  BOOST_TEST_REQUIRE(rc == 86, out);
  auto first = ends(dir.str("log/p1.jsonl"));
  BOOST_TEST_REQUIRE(first.size() > 5u);
  rc = run("log", "--set max_records_per_trigger=5000 --progress " + dir.str("log/p2.jsonl"), out, "1h");
  BOOST_TEST_REQUIRE(rc == 0, out);
  auto second = ends(dir.str("log/p2.jsonl"));
  for (const auto& [k, e] : first) BOOST_TEST(second[k] == e, "trigger " << k);
  BOOST_TEST((sorted(dir.str("log/out/joined")) == reference));
}

BOOST_AUTO_TEST_CASE(state_shows_the_checkpoint_and_dumps_an_operator) {
  std::string out;
  BOOST_REQUIRE(run("plain", "", out) == 0);
  BOOST_TEST(sorted(dir.str("plain/out/joined")) == reference);
  std::string state;
  BOOST_TEST(test::run_sluice("state " + dir.str("plain/cp"), state) == 0);
  for (const char* s : {"query:   orders-payments", "epoch:", "offsets: orders =", "join/0", "join/1", "totals:"})
    BOOST_TEST(state.find(s) != std::string::npos, s << " in\n" << state);
  BOOST_TEST(test::run_sluice("state " + dir.str("plain/cp") + " --dump join/0", state) == 0);
  BOOST_TEST(state.rfind("{\"operator\":\"join/0\",\"key\":\"0x", 0) == 0, state.substr(0, 200));
  // Running again on the finished checkpoint reads nothing new and publishes nothing twice.
  BOOST_REQUIRE(run("plain", "", out) == 0);
  BOOST_TEST(sorted(dir.str("plain/out/joined")) == reference);
}

BOOST_AUTO_TEST_CASE(incompatible_and_corrupt_checkpoints_are_refused) {
  std::string out;
  BOOST_REQUIRE(run("refuse", "", out) == 0);
  BOOST_TEST(run("refuse", "--set partitions=3", out) == 1);
  BOOST_TEST(out.find("refused: field 'partitions'") != std::string::npos, out);
  // A corrupt identity record.
  {
    std::string cp = dir.str("refuse/cp/orders-payments");
    std::ofstream(cp + "/CURRENT", std::ios::trunc) << "garbage\n";
  }
  BOOST_TEST(run("refuse", "", out) == 1);
  BOOST_TEST(out.find("cannot be opened") != std::string::npos, out);
  BOOST_TEST(test::run_sluice("run orders-payments --checkpoint-interval 1s", out) == 2);
  BOOST_TEST(out.find("--checkpoint-interval needs --checkpoint DIR") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
