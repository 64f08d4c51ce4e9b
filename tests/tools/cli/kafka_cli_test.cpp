// End to end through the real `sluice` binary against a Kafka-protocol broker (the mock
// cluster, owned by the test so it can take the broker down): kcat in, sluice, kcat out.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "state/io/gen/generator_reader.hpp"
#include "state/io/kafka/embedded_broker.hpp"
#include "test_support.hpp"

using namespace sluice;

namespace {

struct kafka_cli {
  std::unique_ptr<embedded_broker> broker;
  test::temp_dir dir{"kafka-cli"};
  kafka_cli() { BOOST_TEST_REQUIRE(embedded_broker::start(1, broker).is_ok()); }
  std::string b() const { return broker->bootstrap(); }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir.str(name)) << text;
    return dir.str(name);
  }
  void kcat_produce(const std::string& topic, const std::string& lines, const std::string& flags = "") {
    std::string file = write(topic + ".in", lines), out;
    int code = test::shell("kcat -b " + b() + " -P -t " + topic + " " + flags + " < " + file, out);
    BOOST_TEST_REQUIRE(code == 0, out);
  }
  static bool wait_for(const std::function<bool()>& done, int seconds) {
    for (int i = 0; i < seconds * 10; ++i) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return done();
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(tools_cli_kafka_cli, kafka_cli)

BOOST_AUTO_TEST_CASE(kcat_to_sluice_to_kcat_keeps_records_byte_identical) {
  BOOST_TEST_REQUIRE(broker->create_topic("in", 1).is_ok());
  BOOST_TEST_REQUIRE(broker->create_topic("out", 1).is_ok());
  std::string lines;
  for (int i = 0; i < 300; ++i)
    lines += "key" + std::to_string(i % 13) + "|{\"i\":" + std::to_string(i) + ",\"s\":\"ünï \\\"q\\\" \\\\ " +
             std::string(static_cast<size_t>(i % 5), ' ') + "\"}\n";
  kcat_produce("in", lines, "-K '|'");
  auto pipeline = write("copy.json", R"({"name": "copy", "trigger": "available_now",
    "query": {"type": "union", "inputs": {"in": {"source": {"type": "kafka", "assign": {"in": [0]}}, "format": "kafka"}},
      "output_columns": ["key", "value"]},
    "sink": {"type": "kafka", "topic": "out", "key_column": "key", "value_column": "value"}})");
  std::string out;
  int code = test::run_sluice("run " + pipeline + " --brokers " + b(), out, dir.str());
  BOOST_TEST_REQUIRE(code == 0, out);
  BOOST_TEST(out.find("300 input rows, 300 output rows") != std::string::npos, out);
  auto got = test::kcat_consume(b(), "out", "%k|%s\n");
  std::string joined;
  for (const auto& g : got) joined += g + "\n";
  BOOST_TEST(got.size() == 300u);
  BOOST_TEST(joined == lines);  // same keys, same bytes, same order (one partition)
  if (joined != lines) BOOST_TEST_MESSAGE(joined.substr(0, 300) << "\n---\n" << lines.substr(0, 300));
}

BOOST_AUTO_TEST_CASE(malformed_records_reach_the_dead_letter_topic_with_their_reason) {
  BOOST_TEST_REQUIRE(broker->create_topic("events", 2).is_ok());
  std::string out;
  BOOST_TEST_REQUIRE(
      test::run_sluice("gen events --count 2000 --malformed 0.02 --seed 5 --to kafka:events --brokers " + b(), out) ==
          0,
      out);
  // The expectation, worked out from the generator's own file output (not through Kafka).
  BOOST_TEST_REQUIRE(
      test::run_sluice("gen events --count 2000 --malformed 0.02 --seed 5 --to file:" + dir.str("ref.jsonl"), out) ==
      0);
  std::set<std::string> bad_expected;
  std::ifstream ref(dir.str("ref.jsonl"));
  for (std::string l; std::getline(ref, l);)
    if (l.find("\"ts\":") == std::string::npos || l.find("EUR") != std::string::npos ||
        l.find("\"amount\":-") != std::string::npos || l.back() != '}')
      bad_expected.insert(l);
  auto pipeline = write("clean.json", R"({"name": "clean", "trigger": "available_now",
    "query": {"type": "union", "inputs": {"events": {"source": {"type": "kafka", "subscribe": "events", "group_id": "clean"},
      "columns": ["event_id:int64", "user:string", "type:string", "amount:double", "ts:timestamp"],
      "filter": ["or", [">=", "amount", 0], ["is_null", "amount"]]}}},
    "sink": {"type": "kafka", "topic": "clean"},
    "dead_letters": {"type": "kafka", "topic": "dlq"}})");
  int code = test::run_sluice("run " + pipeline + " --brokers " + b(), out, dir.str());
  BOOST_TEST_REQUIRE(code == 0, out);
  auto dead = test::kcat_consume(b(), "dlq");
  auto clean = test::kcat_consume(b(), "clean");
  size_t negative = 0;
  for (const auto& l : bad_expected) negative += l.find("\"amount\":-") != std::string::npos;
  // Negative amounts are filtered out (not dead letters); the unparseable ones are dead letters.
  BOOST_TEST(dead.size() == bad_expected.size() - negative);
  BOOST_TEST(clean.size() == 2000 - bad_expected.size());
  for (const auto& d : dead) {
    BOOST_TEST(d.find("\"reason\":") != std::string::npos, d);
    BOOST_TEST(d.find("\"origin\":\"kafka:events/") != std::string::npos, d);
  }
}

// A row too large for the topic is a dead letter with the reason; the others are written once
// (checkpointed: the staged, exactly-once path).
BOOST_AUTO_TEST_CASE(a_row_over_the_producers_size_limit_is_a_dead_letter) {
  {
    std::ofstream in(dir.str("sized.jsonl"));
    for (int i = 0; i < 5; ++i)
      in << R"({"id":)" << i << R"(,"note":")" << std::string(i == 2 ? 50000 : 10, 'x') << "\"}\n";
  }
  auto pipeline = write("sized.json", R"({"name": "sized", "trigger": "available_now",
    "query": {"type": "union", "inputs": {"in": {"source": {"type": "file", "path": ")" +
                                          dir.str("sized.jsonl") + R"("}, "columns": ["id:int64", "note:string"]}}},
    "sink": {"type": "kafka", "topic": "sized", "properties": {"message.max.bytes": "20000"}},
    "dead_letters": ")" + dir.str("sized-dead") +
                                          R"("})");
  std::string out;
  BOOST_TEST_REQUIRE(
      test::run_sluice("run " + pipeline + " --brokers " + b() + " --checkpoint " + dir.str("sized-ck"), out) == 0,
      out);
  BOOST_TEST(test::kcat_consume(b(), "sized").size() == 4u);
  auto dead = test::read_lines(dir.str("sized-dead"));
  BOOST_REQUIRE(dead.size() == 1u);
  BOOST_TEST(dead[0].find("message.max.bytes 20000") != std::string::npos, dead[0].substr(dead[0].size() - 400));
  BOOST_TEST(dead[0].find(R"(\"id\":2)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(two_processes_in_one_group_process_every_record_once) {
  BOOST_TEST_REQUIRE(broker->create_topic("clicks", 4).is_ok());
  std::string out;
  BOOST_TEST_REQUIRE(
      test::run_sluice("gen keyed --count 6000 --users 500 --to kafka:clicks --brokers " + b(), out) == 0, out);
  auto pipeline = [&](const std::string& name) {
    return write(name + ".json", R"({"name": "share", "trigger": "200ms", "max_records_per_trigger": 200,
      "query": {"type": "union", "inputs": {"clicks": {"source": {"type": "kafka", "subscribe": "clicks", "group_id": "sharers"},
        "format": "kafka"}},
        "output_columns": ["partition", "offset", "value"]},
      "sink": {"type": "file", "path": ")" +
                                     dir.str(name) + R"("}})");
  };
  auto count = [&](const std::string& name) { return test::read_lines(dir.str(name)).size(); };
  test::background_process a(std::string(SLUICE_BINARY) + " run " + pipeline("a") + " --brokers " + b(),
                             dir.str("a.log"));
  // A joins alone and starts working through the topic 200 records per 200 ms trigger …
  BOOST_TEST_REQUIRE(wait_for([&] { return count("a") >= 400; }, 30), test::read_file(dir.str("a.log")));
  // … then B joins: the group rebalances and hands B partitions A was reading.
  test::background_process bp(std::string(SLUICE_BINARY) + " run " + pipeline("b") + " --brokers " + b(),
                              dir.str("b.log"));
  BOOST_TEST_REQUIRE(wait_for([&] { return count("b") > 0; }, 40), test::read_file(dir.str("b.log")));
  // More records while both run.
  BOOST_TEST_REQUIRE(
      test::run_sluice("gen keyed --count 2000 --seed 9 --users 500 --to kafka:clicks --brokers " + b(), out) == 0,
      out);
  wait_for([&] { return count("a") + count("b") >= 8000; }, 60);
  std::this_thread::sleep_for(std::chrono::seconds(1));  // anything doubled would show up by now
  BOOST_TEST(a.stop() == 0);
  BOOST_TEST(bp.stop() == 0);
  std::multiset<std::string> all;
  for (const auto& l : test::read_lines(dir.str("a"))) all.insert(l);
  size_t from_a = all.size();
  for (const auto& l : test::read_lines(dir.str("b"))) all.insert(l);
  BOOST_TEST(from_a > 0u);
  BOOST_TEST(all.size() - from_a > 0u);
  BOOST_TEST(all.size() == 8000u);
  // Every (partition, offset) of the topic exactly once across the two processes.
  std::set<std::string> unique(all.begin(), all.end());
  BOOST_TEST(unique.size() == all.size());
  std::map<int64_t, int64_t> per_partition;
  for (const auto& l : unique) ++per_partition[std::stoll(l.substr(l.find("\"partition\":") + 12))];
  int64_t total = 0;
  for (const auto& [p, n] : per_partition) {
    std::string probe = "{\"partition\":" + std::to_string(p) + ",\"offset\":" + std::to_string(n - 1) + ",";
    bool last_present = false;
    for (const auto& l : unique) last_present |= l.rfind(probe, 0) == 0;
    BOOST_TEST(last_present, "partition " << p << " has offsets 0.." << n - 1);
    total += n;
  }
  BOOST_TEST(total == 8000);
}

BOOST_AUTO_TEST_CASE(a_broker_outage_is_reported_and_ridden_out) {
  BOOST_TEST_REQUIRE(broker->create_topic("iot", 1).is_ok());
  std::string out;
  BOOST_TEST_REQUIRE(test::run_sluice("gen iot --count 500 --to kafka:iot --brokers " + b(), out) == 0, out);
  auto pipeline = write("iot.json", R"({"name": "iot-copy", "trigger": "200ms",
    "query": {"type": "union", "inputs": {"iot": {"source": {"type": "kafka", "assign": {"iot": [0]}},
      "columns": ["device_id:string", "temperature:double", "humidity:double", "ts:timestamp"]}}},
    "sink": {"type": "file", "path": ")" +
                                        dir.str("out") + R"("}})");
  test::background_process p(std::string(SLUICE_BINARY) + " run " + pipeline + " --brokers " + b(), dir.str("run.log"));
  auto count = [&] { return test::read_lines(dir.str("out")).size(); };
  BOOST_TEST_REQUIRE(wait_for([&] { return count() == 500; }, 30), test::read_file(dir.str("run.log")));
  BOOST_TEST_REQUIRE(broker->set_down(1).is_ok());
  BOOST_TEST(
      wait_for([&] { return test::read_file(dir.str("run.log")).find("broker unreachable") != std::string::npos; }, 20),
      test::read_file(dir.str("run.log")));
  BOOST_TEST(p.running());  // no crash while the broker is away
  BOOST_TEST_REQUIRE(broker->set_up(1).is_ok());
  BOOST_TEST_REQUIRE(test::run_sluice("gen iot --count 300 --seed 3 --to kafka:iot --brokers " + b(), out) == 0, out);
  BOOST_TEST(wait_for([&] { return count() == 800; }, 40), test::read_file(dir.str("run.log")));
  BOOST_TEST(p.stop() == 0);
  BOOST_TEST(count() == 800u);
}

// The README's tour: `sluice broker` in the background, its address from its first line, kcat
// sees its topics, and an app pointed at it with --brokers (feeding it) runs to the end.
BOOST_AUTO_TEST_CASE(sluice_broker_serves_kcat_and_an_app_pointed_at_it) {
  test::background_process broker_proc(std::string(SLUICE_BINARY) + " broker --topic orders:1 --topic payments:1",
                                       dir.str("broker.log"));
  std::string address;
  BOOST_TEST_REQUIRE(wait_for(
      [&] {
        auto log = test::read_file(dir.str("broker.log"));
        auto nl = log.find('\n');
        if (nl != std::string::npos && log.rfind("127.0.0.1:", 0) == 0) address = log.substr(0, nl);
        return !address.empty();
      },
      10));
  std::string out;
  BOOST_TEST_REQUIRE(test::shell("timeout 20 kcat -b " + address + " -L -t orders", out) == 0, out);
  BOOST_TEST(out.find("topic \"orders\" with 1 partitions") != std::string::npos, out);
  int code = test::run_sluice(
      "run orders-payments --brokers " + address + " --set kafka.feed=true --set output=" + dir.str("op") +
          " --set orders.count=1000 --set orders.rate=0 --set payments.late=0 --set trigger=200ms",
      out, dir.str());
  BOOST_TEST_REQUIRE(code == 0, out);
  BOOST_TEST(out.find("embedded Kafka broker") == std::string::npos, out);  // it used the given one
  // One partition per topic and no late payments: every paid order (95 % of 1,000 by default)
  // is joined, whatever the two topics' pace (the min watermark waits for the slower one).
  generator_spec payments;
  payments.kind = "payments";
  payments.missing_fraction = 0.05;
  payments.spacing_us = 1'000'000;
  size_t paid = 0;
  for (uint64_t n = 0; n < 1000; ++n) paid += !generate_record(payments, n).empty();
  BOOST_TEST(paid > 900u);
  BOOST_TEST(test::read_lines(dir.str("op/joined")).size() == paid);
  BOOST_TEST(test::kcat_consume(address, "orders").size() == 1000u);
  BOOST_TEST(broker_proc.stop() == 0);
}

BOOST_AUTO_TEST_CASE(bad_kafka_blocks_name_the_field) {
  auto pipeline = write("bad.json", R"({"name": "bad",
    "query": {"type": "union", "inputs": {"x": {"source": {"type": "kafka", "subscribe": "t", "startingOffsets": "first"},
      "columns": ["a:int64"]}}}})");
  std::string out;
  BOOST_TEST(test::run_sluice("run " + pipeline + " --brokers 127.0.0.1:1", out) == 2);
  BOOST_TEST(out.find("query.inputs.x.source") != std::string::npos, out);
  BOOST_TEST(out.find("startingOffsets: expected earliest, latest or JSON offsets") != std::string::npos, out);
  BOOST_TEST(test::run_sluice("gen events --to kafka:t", out) == 2);
  BOOST_TEST(out.find("needs a topic name and --brokers") != std::string::npos, out);
  BOOST_TEST(test::run_sluice("broker --topic nopartitions", out) == 2);
  BOOST_TEST(out.find("expected NAME:PARTITIONS") != std::string::npos, out);
}

// A dead broker: `sluice gen` retries each record with back-off for --timeout, then fails
// saying why, instead of waiting for ever.
BOOST_AUTO_TEST_CASE(gen_to_a_dead_broker_ends_in_a_clear_error) {
  std::string out;
  BOOST_TEST(test::run_sluice("gen events --count 5 --to kafka:t --brokers 127.0.0.1:1 --timeout 2", out) == 1);
  BOOST_TEST(out.find("could not be delivered: Local: Message timed out") != std::string::npos, out);
  BOOST_TEST(out.find("0 records delivered; a record waits at most --timeout 2 s") != std::string::npos, out);
  BOOST_TEST(test::run_sluice("gen events --count 5 --to kafka:t --brokers 127.0.0.1:1 --timeout 0", out) == 2);
  BOOST_TEST(out.find("--timeout takes seconds") != std::string::npos, out);
}

// The embedded broker keeps about 5 MiB per partition: gen says so when records it delivered
// are already gone, instead of reporting them all delivered (issue 15, item 13).
BOOST_AUTO_TEST_CASE(gen_says_when_the_broker_dropped_what_it_took) {
  test::temp_dir dir("gen-drop");
  std::unique_ptr<test::background_process> broker;
  std::string address = test::start_broker(broker, "--topic big:1", dir.str("broker.log"));
  BOOST_REQUIRE(!address.empty());
  std::string out;
  BOOST_TEST(test::run_sluice("gen debezium --count 20000 --to kafka:big --brokers " + address, out) == 1);
  BOOST_TEST(out.find("big/0 keeps only offsets") != std::string::npos, out);
  BOOST_TEST(out.find("about 5 MiB per partition") != std::string::npos, out);
  BOOST_TEST(test::run_sluice("gen debezium --count 200 --to kafka:small --brokers " + address, out) == 0, out);
}

// An app feeding the embedded broker at full speed more than a partition keeps is refused
// before it starts (else the broker drops records before the query reads them); a pace or
// more partitions make the same count fit.
BOOST_AUTO_TEST_CASE(an_app_refuses_an_unpaced_feed_the_embedded_broker_cannot_keep) {
  std::string out, common = "run orders-payments --set output=" + dir.str("op") + " --set orders.rate=0";
  BOOST_TEST(test::run_sluice(common + " --set orders.count=200000", out) == 2);
  BOOST_TEST(out.find("keeps only about 5 MiB of a partition") != std::string::npos, out);
  BOOST_TEST(out.find("'orders.rate'") != std::string::npos, out);
  BOOST_TEST(!std::filesystem::exists(dir.str("op")));
  BOOST_TEST(test::run_sluice(common + " --set orders.count=0", out) == 2);
  BOOST_TEST(out.find("an unbounded count") != std::string::npos, out);
  BOOST_TEST(test::run_sluice(common + " --set orders.count=60000", out) == 2);
  BOOST_TEST(test::run_sluice(common + " --set orders.count=60000 --set kafka.partitions=4 --set trigger=0", out) == 0,
             out);
  BOOST_TEST(out.find("116917 input rows") != std::string::npos, out);  // as read from the generator itself
}

BOOST_AUTO_TEST_SUITE_END()
