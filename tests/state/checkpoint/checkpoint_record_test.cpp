#include "state/checkpoint/checkpoint_record.hpp"

#include <boost/test/unit_test.hpp>

using namespace sluice;

BOOST_AUTO_TEST_SUITE(state_checkpoint_checkpoint_record)

BOOST_AUTO_TEST_CASE(identity_and_epoch_round_trip) {
  checkpoint_identity id{"orders-payments",      "uuid-1", "StreamingSymmetricHashJoin inner", 2,
                         {"orders", "payments"}, 42};
  checkpoint_identity back;
  BOOST_REQUIRE(decode_identity(encode_identity(id), back).is_ok());
  BOOST_TEST(back.query == id.query);
  BOOST_TEST(back.id == id.id);
  BOOST_TEST(back.partitions == 2);
  BOOST_TEST(back.inputs == id.inputs);
  epoch_record e;
  e.epoch = 7;
  e.trigger = 19;
  e.watermark_us = 123;
  e.positions = {"{\"orders\":{\"0\":5000}}", "{\"payments\":{\"0\":4639}}"};
  e.frontiers = {"{\"orders/0\":99}", ""};
  e.input_rows = 9639;
  epoch_record eb;
  BOOST_REQUIRE(decode_epoch(encode_epoch(e), eb).is_ok());
  BOOST_TEST(eb.epoch == 7);
  BOOST_TEST(eb.trigger == 19);
  BOOST_TEST(eb.positions == e.positions);
  BOOST_TEST(eb.frontiers == e.frontiers);
  BOOST_TEST(eb.input_rows == 9639);
  int64_t p = 0;
  BOOST_REQUIRE(decode_published(encode_published(6), p).is_ok());
  BOOST_TEST(p == 6);
}

BOOST_AUTO_TEST_CASE(unknown_versions_and_corrupt_records_are_refused) {
  epoch_record e;
  auto s = decode_epoch("{\"version\":3,\"epoch\":1}", e);
  BOOST_TEST(!s.is_ok());
  BOOST_TEST(s.message().find("version 3") != std::string::npos);
  // Version 1 (before partition frontiers) is still read, as an epoch without frontiers.
  s = decode_epoch(
      "{\"version\":1,\"epoch\":2,\"trigger\":5,\"watermark_us\":0,\"positions\":[\"3\"],\"triggers\":6,"
      "\"input_rows\":3,\"output_rows\":1,\"dead_letters\":0,\"committed_us\":1}",
      e);
  BOOST_TEST(s.is_ok(), s.to_string());
  BOOST_TEST(e.frontiers.empty());
  BOOST_TEST(e.trigger == 5);
  s = decode_epoch("not json", e);
  BOOST_TEST(!s.is_ok());
  BOOST_TEST(s.message().find("corrupt") != std::string::npos);
  s = decode_epoch("{\"version\":1,\"epoch\":1}", e);  // fields missing
  BOOST_TEST(!s.is_ok());
  BOOST_TEST(s.message().find("incomplete") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(another_query_or_an_incompatible_plan_is_refused_naming_the_field) {
  checkpoint_identity stored{"q", "id", "join A", 2, {"a", "b"}, 0};
  auto now = stored;
  BOOST_TEST(check_identity(stored, now).is_ok());
  now.query = "other";
  BOOST_TEST(check_identity(stored, now).message().find("belongs to query 'q'") != std::string::npos);
  now = stored;
  now.partitions = 3;
  BOOST_TEST(check_identity(stored, now).message().find("field 'partitions'") != std::string::npos);
  now = stored;
  now.inputs = {"a"};
  BOOST_TEST(check_identity(stored, now).message().find("field 'inputs'") != std::string::npos);
  now = stored;
  now.plan = "join B";
  BOOST_TEST(check_identity(stored, now).message().find("field 'plan'") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
