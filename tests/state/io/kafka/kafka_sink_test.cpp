#include "state/io/kafka/kafka_sink.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>

#include "state/io/kafka/embedded_broker.hpp"
#include "test_support.hpp"

using namespace sluice;

namespace {

schema_ptr kv_schema() {
  return std::make_shared<const schema>(std::vector<column>{{"key", column_type::string, true, time_unit::millis},
                                                            {"value", column_type::string, true, time_unit::millis},
                                                            {"headers", column_type::string, true, time_unit::millis},
                                                            {"n", column_type::int64, true, time_unit::millis}});
}

batch rows(int n) {
  batch b;
  b.schema = kv_schema();
  b.trigger = 3;
  for (int i = 0; i < n; ++i) {
    row r;
    r.values = {value{"key-" + std::to_string(i)}, value{"päyload \"" + std::to_string(i) + "\"\ttab"},
                value{std::string(R"({"trace":"t)") + std::to_string(i) + "\"}"}, value{int64_t{i}}};
    b.rows.push_back(std::move(r));
  }
  return b;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(state_io_kafka_kafka_sink)

BOOST_AUTO_TEST_CASE(rows_reach_the_topic_with_key_value_and_headers) {
  std::unique_ptr<embedded_broker> broker;
  BOOST_TEST_REQUIRE(embedded_broker::start(1, broker).is_ok());
  kafka_sink_options o;
  o.brokers = broker->bootstrap();
  o.topic = "out";
  o.key_column = "key";
  o.value_column = "value";
  o.headers_column = "headers";
  kafka_sink sink(o);
  BOOST_TEST_REQUIRE(sink.open().is_ok());
  BOOST_TEST_REQUIRE(sink.write(rows(20)).is_ok());
  int64_t written = 0;
  BOOST_TEST_REQUIRE(sink.finish(3, written).is_ok());
  BOOST_TEST(written == 20);
  auto got = test::kcat_consume(broker->bootstrap(), "out", "%k|%s|%h\n");
  BOOST_TEST_REQUIRE(got.size() == 20u);
  std::sort(got.begin(), got.end());
  BOOST_TEST(got[0] == "key-0|päyload \"0\"\ttab|trace=t0");

  // Without a value column the row goes out as one JSON object.
  kafka_sink_options whole = o;
  whole.topic = "whole";
  whole.value_column.clear();
  whole.headers_column.clear();
  kafka_sink s2(whole);
  BOOST_TEST_REQUIRE(s2.open().is_ok());
  BOOST_TEST_REQUIRE(s2.write(rows(1)).is_ok());
  BOOST_TEST_REQUIRE(s2.finish(3, written).is_ok());
  auto one = test::kcat_consume(broker->bootstrap(), "whole");
  BOOST_TEST_REQUIRE(one.size() == 1u);
  BOOST_TEST(one[0] == R"({"key":"key-0","value":"päyload \"0\"\ttab","headers":"{\"trace\":\"t0\"}","n":0})");
}

// A row too large for the producer is refused, not sent and not failing the trigger: the
// sink's actor sends it to the dead letters; the rows around it are delivered.
BOOST_AUTO_TEST_CASE(a_record_over_message_max_bytes_is_refused_with_the_reason) {
  std::unique_ptr<embedded_broker> broker;
  BOOST_TEST_REQUIRE(embedded_broker::start(1, broker).is_ok());
  kafka_sink_options o;
  o.brokers = broker->bootstrap();
  o.topic = "sized";
  o.value_column = "value";
  o.properties["message.max.bytes"] = "10000";
  for (bool staged : {false, true}) {
    kafka_sink sink(o);
    BOOST_TEST_REQUIRE(sink.open().is_ok());
    if (staged) BOOST_TEST_REQUIRE(sink.stage(-1).is_ok());
    auto b = rows(3);
    b.rows[1].values[1] = value{std::string(20000, 'x')};
    BOOST_TEST_REQUIRE(sink.write(b).is_ok());
    auto refused = sink.take_rejected();
    BOOST_TEST_REQUIRE(refused.size() == 1u);
    BOOST_TEST(refused[0].record.size() == 20000u);
    BOOST_TEST(refused[0].reason.find("message.max.bytes 10000") != std::string::npos, refused[0].reason);
    BOOST_TEST(sink.take_rejected().empty());
    int64_t written = 0;
    BOOST_TEST_REQUIRE(sink.finish(3, written).is_ok());
    BOOST_TEST(written == 2);
  }
  BOOST_TEST(test::kcat_consume(broker->bootstrap(), "sized").size() == 2u);  // the unstaged run's
}

BOOST_AUTO_TEST_CASE(an_undeliverable_record_fails_the_trigger) {
  std::unique_ptr<embedded_broker> broker;
  BOOST_TEST_REQUIRE(embedded_broker::start(1, broker).is_ok());
  BOOST_TEST_REQUIRE(broker->create_topic("down", 1).is_ok());
  BOOST_TEST_REQUIRE(broker->set_down(1).is_ok());
  kafka_sink_options o;
  o.brokers = broker->bootstrap();
  o.topic = "down";
  o.properties["message.timeout.ms"] = "1500";
  kafka_sink sink(o);
  std::vector<std::string> warnings;
  sink.set_warning_handler([&](std::string w) { warnings.push_back(w); });
  BOOST_TEST_REQUIRE(sink.open().is_ok());
  BOOST_TEST_REQUIRE(sink.write(rows(5)).is_ok());
  int64_t written = 0;
  auto s = sink.finish(3, written);
  BOOST_TEST(!s.is_ok());
  BOOST_TEST(s.message().find("could not be delivered") != std::string::npos, s.message());
  BOOST_TEST(s.message().find("and 4 more") != std::string::npos, s.message());
}

BOOST_AUTO_TEST_CASE(headers_cells_are_objects_or_pairs) {
  std::vector<std::pair<std::string, std::string>> h;
  BOOST_TEST_REQUIRE(parse_kafka_headers(R"([{"key":"a","value":"1"},{"key":"a","value":null}])", h).is_ok());
  BOOST_TEST(h.size() == 2u);
  BOOST_TEST(!parse_kafka_headers("[1]", h).is_ok());
  kafka_sink_options o;
  BOOST_TEST(o.validate().message().find("'brokers' is empty") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(staged_records_are_published_once_even_when_a_publish_is_repeated) {
  std::unique_ptr<embedded_broker> broker;
  BOOST_TEST_REQUIRE(embedded_broker::start(1, broker).is_ok());
  BOOST_TEST_REQUIRE(broker->create_topic("eo", 3).is_ok());
  kafka_sink_options o;
  o.brokers = broker->bootstrap();
  o.topic = "eo";
  o.key_column = "key";
  o.value_column = "value";
  o.headers_column = "headers";
  kafka_sink sink(o);
  BOOST_TEST_REQUIRE(sink.open().is_ok());
  BOOST_TEST_REQUIRE(sink.stage(-1).is_ok());
  BOOST_TEST(std::string(sink.guarantee()) == "exactly-once");
  BOOST_TEST_REQUIRE(sink.write(rows(30)).is_ok());  // trigger 3
  int64_t n = 0;
  BOOST_TEST_REQUIRE(sink.finish(3, n).is_ok());
  BOOST_TEST(n == 30);
  BOOST_TEST(test::kcat_consume(broker->bootstrap(), "eo", "%s\n").size() <= 1u);  // nothing produced yet
  std::vector<std::string> durable;
  BOOST_TEST_REQUIRE(sink.prepare(3, durable).is_ok());
  BOOST_TEST_REQUIRE(durable.size() == 30u);
  // A process published the first 12 records of epoch 5 and died …
  std::vector<std::string> part(durable.begin(), durable.begin() + 12);
  BOOST_TEST_REQUIRE(sink.publish(5, 3, part, false, n).is_ok());
  BOOST_TEST(n == 12);
  // … the recovery publishes epoch 5 again from the checkpoint: the tail read skips those 12.
  kafka_sink again(o);
  BOOST_TEST_REQUIRE(again.open().is_ok());
  BOOST_TEST_REQUIRE(again.stage(3).is_ok());
  BOOST_TEST_REQUIRE(again.publish(5, 3, durable, true, n).is_ok());
  BOOST_TEST(n == 18);
  auto got = test::kcat_consume(broker->bootstrap(), "eo", "%k|%s|%h\n");
  got.erase(std::remove(got.begin(), got.end(), std::string()), got.end());
  BOOST_TEST_REQUIRE(got.size() == 30u);
  std::sort(got.begin(), got.end());
  BOOST_TEST((std::adjacent_find(got.begin(), got.end()) == got.end()));  // no duplicates
  BOOST_TEST(got[0].find("key-0|päyload \"0\"\ttab|trace=t0,sluice-epoch=5,sluice-seq=0") == 0u, got[0]);
}

BOOST_AUTO_TEST_CASE(a_recovery_skips_only_its_own_records_in_a_shared_topic) {
  // Two queries' outputs write one topic with the same epoch and sequence numbers: the second
  // one's recovery must not take the first one's records for its own.
  std::unique_ptr<embedded_broker> broker;
  BOOST_TEST_REQUIRE(embedded_broker::start(1, broker).is_ok());
  BOOST_TEST_REQUIRE(broker->create_topic("shared", 1).is_ok());
  kafka_sink_options o;
  o.brokers = broker->bootstrap();
  o.topic = "shared";
  o.value_column = "value";
  auto staged = [&](const std::string& writer, std::vector<std::string>& durable) {
    auto sink = std::make_unique<kafka_sink>(o);
    sink->identify(writer);
    BOOST_TEST_REQUIRE(sink->open().is_ok());
    BOOST_TEST_REQUIRE(sink->stage(-1).is_ok());
    BOOST_TEST_REQUIRE(sink->write(rows(10)).is_ok());  // trigger 3
    int64_t n = 0;
    BOOST_TEST_REQUIRE(sink->finish(3, n).is_ok());
    BOOST_TEST_REQUIRE(sink->prepare(3, durable).is_ok());
    return sink;
  };
  std::vector<std::string> a_records, b_records;
  auto a = staged("query-a/sink", a_records);
  int64_t n = 0;
  BOOST_TEST_REQUIRE(a_records.size() == 10u);
  BOOST_TEST_REQUIRE(a->publish(1, 3, a_records, false, n).is_ok());  // query A published epoch 1
  BOOST_TEST_REQUIRE(n == 10);
  auto b = staged("query-b/sink", b_records);
  BOOST_TEST_REQUIRE(b_records.size() == 10u);
  BOOST_TEST_REQUIRE(b->publish(1, 3, b_records, true, n).is_ok());  // B recovers epoch 1
  BOOST_TEST(n == 10);                                               // none of B's records were out yet
  auto got = test::kcat_consume(broker->bootstrap(), "shared", "%h\n");
  size_t from_b = 0;
  for (const auto& h : got) from_b += h.find("sluice-writer=query-b/sink") != std::string::npos;
  BOOST_TEST(from_b == 10u);
  // And B's own records are recognised when it recovers again.
  auto b2 = staged("query-b/sink", b_records);
  BOOST_TEST_REQUIRE(b2->publish(1, 3, b_records, true, n).is_ok());
  BOOST_TEST(n == 0);
}

BOOST_AUTO_TEST_SUITE_END()
