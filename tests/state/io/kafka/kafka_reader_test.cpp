// The Kafka reader against a real Kafka-protocol broker (librdkafka's mock cluster on
// localhost sockets), records produced by the sink's producer or kcat.
#include "state/io/kafka/kafka_reader.hpp"

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <set>

#include "state/io/kafka/embedded_broker.hpp"
#include "state/io/kafka/kafka_producer.hpp"

using namespace sluice;

namespace {

struct broker_fixture {
  std::unique_ptr<embedded_broker> broker;
  broker_fixture() { BOOST_TEST_REQUIRE(embedded_broker::start(1, broker).is_ok()); }
  void produce(const std::string& topic, int n, int32_t partition = RD_KAFKA_PARTITION_UA, size_t pad = 0,
               int first = 0) {
    std::unique_ptr<kafka_producer> p;
    BOOST_TEST_REQUIRE(kafka_producer::create(broker->bootstrap(), {}, p).is_ok());
    std::vector<std::pair<std::string, std::string>> headers = {{"source", "test"}};
    for (int i = first; i < first + n; ++i) {
      std::string key = "k" + std::to_string(i % 7);
      std::string value = "{\"i\":" + std::to_string(i) + ",\"pad\":\"" + std::string(pad, 'x') + "\"}";
      BOOST_TEST_REQUIRE(p->produce(topic, value, &key, &headers, partition).is_ok());
    }
    BOOST_TEST_REQUIRE(p->flush(10000).is_ok());
  }
  kafka_source_options options(const std::string& assign) {
    kafka_source_options o;
    o.brokers = broker->bootstrap();
    o.assign = assign;
    o.starting_offsets = "earliest";
    o.ending_offsets = "latest";
    return o;
  }
  static std::vector<raw_record> drain(kafka_reader& r, size_t max = 1000, size_t* largest = nullptr) {
    std::vector<raw_record> all;
    for (int i = 0; i < 200 && !r.exhausted(); ++i) {
      std::vector<raw_record> got;
      auto s = r.read(max, 0, got);
      BOOST_TEST_REQUIRE(s.is_ok(), s.to_string());
      if (largest) *largest = std::max(*largest, got.size());
      for (auto& g : got) all.push_back(std::move(g));
    }
    return all;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(state_io_kafka_kafka_reader, broker_fixture)

BOOST_AUTO_TEST_CASE(reads_every_record_with_its_metadata_and_ends_at_latest) {
  BOOST_TEST_REQUIRE(broker->create_topic("t", 2).is_ok());
  produce("t", 40, 0);
  produce("t", 25, 1, 0, 40);
  kafka_reader r(options(R"({"t":[0,1]})"));
  BOOST_TEST(r.blocking());
  auto all = drain(r);
  BOOST_TEST_REQUIRE(r.exhausted());
  BOOST_TEST(all.size() == 65u);
  std::set<int64_t> seen;
  for (const auto& rec : all) {
    BOOST_TEST_REQUIRE(rec.meta != nullptr);
    BOOST_TEST(rec.meta->topic == "t");
    BOOST_TEST(rec.meta->has_key);
    BOOST_TEST(rec.meta->headers == R"([{"key":"source","value":"test"}])");
    BOOST_TEST(rec.meta->timestamp_ms > 0);
    seen.insert(rec.meta->partition * 1000 + rec.meta->offset);
  }
  BOOST_TEST(seen.size() == 65u);
  BOOST_TEST(r.position() == R"({"t":{"0":40,"1":25}})");
  BOOST_TEST(origin_of(r, all.front()).rfind("kafka:t/", 0) == 0);
}

BOOST_AUTO_TEST_CASE(a_seeked_reader_continues_exactly_where_the_position_says) {
  BOOST_TEST_REQUIRE(broker->create_topic("s", 1).is_ok());
  produce("s", 50, 0);
  kafka_reader first(options(R"({"s":[0]})"));
  BOOST_TEST_REQUIRE(first.seek(R"({"s":{"0":30}})").is_ok());
  auto rest = drain(first);
  BOOST_TEST_REQUIRE(rest.size() == 20u);
  BOOST_TEST(rest.front().meta->offset == 30);
  BOOST_TEST(rest.back().payload.find("\"i\":49") != std::string::npos);
  kafka_reader bad(options(R"({"s":[0]})"));
  BOOST_TEST((bad.seek("{not json").error_code() == status::code::corruption));
}

BOOST_AUTO_TEST_CASE(max_offsets_per_trigger_caps_every_read) {
  BOOST_TEST_REQUIRE(broker->create_topic("m", 3).is_ok());
  produce("m", 90, 0);
  produce("m", 12, 1, 0, 90);
  auto o = options(R"({"m":[0,1,2]})");
  o.max_offsets_per_trigger = 30;
  kafka_reader r(o);
  size_t largest = 0;
  auto all = drain(r, 1000, &largest);
  BOOST_TEST(all.size() == 102u);
  // Spark's proportional shares: ⌊30·90/102⌋ + ⌊30·12/102⌋ = 26 + 3 in the first trigger.
  BOOST_TEST(largest <= 30u);
  BOOST_TEST(largest >= 29u);
}

BOOST_AUTO_TEST_CASE(vanished_offsets_fail_or_are_skipped_and_counted) {
  // The broker keeps 5 MiB per partition: 9 MB pushes the first offsets out.
  BOOST_TEST_REQUIRE(broker->create_topic("lossy", 1).is_ok());
  produce("lossy", 9000, 0, 1000);
  auto o = options(R"({"lossy":[0]})");
  o.starting_offsets = R"({"lossy":{"0":0}})";
  {
    kafka_reader r(o);
    std::vector<raw_record> got;
    auto s = r.read(100, 0, got);
    BOOST_TEST(!s.is_ok());
    BOOST_TEST(s.message().find("offsets vanished in lossy/0: the query wants offset 0") != std::string::npos,
               s.message());
    BOOST_TEST(s.message().find("set failOnDataLoss=false") != std::string::npos);
  }
  o.fail_on_data_loss = false;
  kafka_reader r(o);
  std::vector<std::string> warnings;
  r.set_warning_handler([&](std::string w) { warnings.push_back(std::move(w)); });
  auto all = drain(r, 5000);
  BOOST_TEST(r.data_loss_skipped() > 0);
  BOOST_TEST(static_cast<int64_t>(all.size()) + r.data_loss_skipped() == 9000);
  BOOST_TEST_REQUIRE(warnings.size() >= 1u);
  BOOST_TEST(warnings.front().find("offsets skipped") != std::string::npos, warnings.front());
}

// A topic deleted and created again: the stored position is past its new end. Never skipped
// silently: the read fails naming partition and offsets, or (failOnDataLoss=false) warns and
// reads the new records from the start.
BOOST_AUTO_TEST_CASE(a_position_past_the_end_of_a_recreated_topic_is_data_loss) {
  BOOST_TEST_REQUIRE(broker->create_topic("again", 1).is_ok());
  produce("again", 10, 0);
  auto o = options(R"({"again":[0]})");
  {
    kafka_reader r(o);
    BOOST_TEST_REQUIRE(r.seek(R"({"again":{"0":50}})").is_ok());
    std::vector<raw_record> got;
    auto s = r.read(100, 0, got);
    BOOST_TEST(!s.is_ok());
    BOOST_TEST(s.message().find("the query wants offset 50 but the partition holds 0..10") != std::string::npos,
               s.message());
    BOOST_TEST(s.message().find("recreated") != std::string::npos, s.message());
  }
  o.fail_on_data_loss = false;
  kafka_reader r(o);
  BOOST_TEST_REQUIRE(r.seek(R"({"again":{"0":50}})").is_ok());
  std::vector<std::string> warnings;
  r.set_warning_handler([&](std::string w) { warnings.push_back(std::move(w)); });
  auto all = drain(r, 100);
  BOOST_TEST(all.size() == 10u);  // the new topic's records, all of them
  BOOST_TEST_REQUIRE(warnings.size() >= 1u);
  BOOST_TEST(warnings.front().find("recreated or truncated") != std::string::npos, warnings.front());
}

// A bounded read whose broker is gone ends in a clear error after fetch_timeout_ms, instead of
// waiting forever (the supervisor then restarts the query a bounded number of times).
BOOST_AUTO_TEST_CASE(a_bounded_read_from_a_dead_broker_fails_within_the_fetch_timeout) {
  BOOST_TEST_REQUIRE(broker->create_topic("gone", 1).is_ok());
  produce("gone", 20, 0);
  auto o = options(R"({"gone":[0]})");
  o.fetch_timeout_ms = 2000;
  kafka_reader r(o);
  BOOST_TEST_REQUIRE(broker->set_down(1).is_ok());
  auto start = std::chrono::steady_clock::now();
  status s = status::ok();
  std::vector<raw_record> got;
  for (int i = 0; i < 50 && s.is_ok() && !r.exhausted(); ++i) {
    got.clear();
    s = r.read(5, 0, got);
  }
  auto took = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start).count();
  BOOST_TEST_REQUIRE(!s.is_ok());
  BOOST_TEST(s.message().find("gone/0") != std::string::npos, s.message());  // names the partition
  BOOST_TEST(took < 20);
  BOOST_TEST_REQUIRE(broker->set_up(1).is_ok());
}

BOOST_AUTO_TEST_CASE(a_group_member_resumes_from_offsets_the_query_committed) {
  BOOST_TEST_REQUIRE(broker->create_topic("g", 2).is_ok());
  produce("g", 30);
  kafka_source_options o;
  o.brokers = broker->bootstrap();
  o.topics = {"g"};
  o.group_id = "resume-group";
  o.starting_offsets = "earliest";
  o.end_signal = std::make_shared<std::atomic<bool>>(true);
  std::string pos;
  {
    kafka_reader r(o);
    auto all = drain(r);
    BOOST_TEST_REQUIRE(all.size() == 30u);
    pos = r.position();
    r.committed(pos);  // the query committed the trigger that ended there
  }
  produce("g", 5, RD_KAFKA_PARTITION_UA, 0, 30);
  kafka_reader again(o);  // no seek: only the group's committed offsets say where to go on
  auto rest = drain(again);
  BOOST_TEST(rest.size() == 5u);
  for (const auto& rec : rest) BOOST_TEST(rec.payload.find("\"i\":3") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(options_are_checked_with_the_fix) {
  kafka_source_options o;
  BOOST_TEST(o.validate().message().find("'brokers' is empty") != std::string::npos);
  o.brokers = "localhost:9092";
  BOOST_TEST(o.validate().message().find("either 'subscribe' (topics) or 'assign'") != std::string::npos);
  o.topics = {"t"};
  o.starting_offsets = "first";
  BOOST_TEST(o.validate().message().find("startingOffsets") != std::string::npos);
  o.starting_offsets = "latest";
  o.properties["enable.auto.commit"] = "true";
  BOOST_TEST(o.validate().message().find("enable.auto.commit=true") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
