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

// Spark's rate limit: shares in proportion to lag, a share below 1 rounded up, never past the
// end; no limit reads to the end; partitions without lag keep their position.
BOOST_AUTO_TEST_CASE(planned_ranges_share_the_limit_by_lag) {
  kafka_offset_map from{{{"t", 0}, 10}, {{"t", 1}, 0}, {{"t", 2}, 5}, {{"t", 3}, 7}};
  kafka_offset_map until{{{"t", 0}, 100}, {{"t", 1}, 9}, {{"t", 2}, 6}, {{"t", 3}, 7}};
  auto p = plan_ranges(from, until, 20);  // lags 90, 9, 1, 0 (total 100)
  BOOST_TEST(p.at({"t", 0}) == 10 + 18);  // ⌊20·0.9⌋
  BOOST_TEST(p.at({"t", 1}) == 0 + 1);    // ⌊1.8⌋
  BOOST_TEST(p.at({"t", 2}) == 5 + 1);    // ⌈0.2⌉, and the end
  BOOST_TEST(p.at({"t", 3}) == 7);
  auto all = plan_ranges(from, until, 0);
  BOOST_TEST(all.at({"t", 0}) == 100);
  BOOST_TEST(all.at({"t", 1}) == 9);
  auto big = plan_ranges(from, until, 1000);
  BOOST_TEST(big.at({"t", 0}) == 100);  // never past the end
  kafka_offset_map lone{{{"u", 0}, 3}};
  BOOST_TEST(plan_ranges(lone, until, 10).at({"u", 0}) == 3);  // no end known: stays
}

BOOST_AUTO_TEST_SUITE_END()
