#include "state/io/kafka/kafka_offsets.hpp"

#include <boost/test/unit_test.hpp>

using namespace sluice;

BOOST_AUTO_TEST_SUITE(state_io_kafka_kafka_offsets)

BOOST_AUTO_TEST_CASE(spark_json_round_trips_in_order) {
  kafka_offset_map m;
  BOOST_TEST_REQUIRE(parse_kafka_offsets(R"({"payments":{"10":5,"2":-2},"orders":{"0":23}})", m).is_ok());
  BOOST_TEST(m.size() == 3u);
  BOOST_TEST((m[{"payments", 2}]) == kafka_offset_earliest);
  // topics and partitions sorted numerically, so equal positions are equal strings
  BOOST_TEST(format_kafka_offsets(m) == R"({"orders":{"0":23},"payments":{"2":-2,"10":5}})");
  BOOST_TEST(format_kafka_offsets({}) == "{}");
}

BOOST_AUTO_TEST_CASE(bad_offsets_name_what_is_wrong) {
  kafka_offset_map m;
  auto s = parse_kafka_offsets(R"({"t":{"x":1}})", m);
  BOOST_TEST(s.message().find("partition 'x' is not a partition number") != std::string::npos, s.message());
  s = parse_kafka_offsets(R"({"t":{"0":-7}})", m);
  BOOST_TEST(s.message().find("-2 (earliest) or -1 (latest)") != std::string::npos, s.message());
  s = parse_kafka_offsets("earliest", m);
  BOOST_TEST(!s.is_ok());
}

BOOST_AUTO_TEST_CASE(starting_offsets_follow_spark) {
  kafka_starting_offsets so;
  BOOST_TEST_REQUIRE(kafka_starting_offsets::parse("earliest", so).is_ok());
  BOOST_TEST(so.for_partition({"t", 3}) == kafka_offset_earliest);
  BOOST_TEST_REQUIRE(kafka_starting_offsets::parse(R"({"t":{"0":42}})", so).is_ok());
  BOOST_TEST(so.for_partition({"t", 0}) == 42);
  BOOST_TEST(so.for_partition({"t", 1}) == kafka_offset_latest);  // unlisted partitions start at latest
  auto s = kafka_starting_offsets::parse("beginning", so);
  BOOST_TEST(s.message().find("startingOffsets: expected earliest, latest or JSON offsets") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
