#include "messages/data/time.hpp"

#include <boost/test/unit_test.hpp>

using namespace sluice;

BOOST_AUTO_TEST_SUITE(messages_data_time)

BOOST_AUTO_TEST_CASE(parses_iso8601_forms) {
  BOOST_TEST(*parse_iso8601_us("1970-01-01T00:00:00Z") == 0);
  BOOST_TEST(*parse_iso8601_us("1970-01-01") == 0);
  BOOST_TEST(*parse_iso8601_us("1970-01-01 00:00:01.5") == 1'500'000);
  BOOST_TEST(*parse_iso8601_us("1969-12-31T23:59:59Z") == -1'000'000);
  BOOST_TEST(*parse_iso8601_us("2024-02-29T12:00:00.000001Z") == 1709208000000001);
  BOOST_TEST(!parse_iso8601_us("2024-13-01"));
  BOOST_TEST(!parse_iso8601_us("2024-01-01T12"));
  BOOST_TEST(!parse_iso8601_us("2024-01-01T12:00:00Zjunk"));
}

BOOST_AUTO_TEST_CASE(formats_like_spark_progress) {
  BOOST_TEST(format_iso8601_ms(0) == "1970-01-01T00:00:00.000Z");
  BOOST_TEST(format_iso8601_ms(-1) == "1969-12-31T23:59:59.999Z");
  BOOST_TEST(format_iso8601(1'000'001) == "1970-01-01T00:00:01.000001Z");
}

BOOST_AUTO_TEST_CASE(durations) {
  BOOST_TEST(*parse_duration_us("10s") == 10'000'000);
  BOOST_TEST(*parse_duration_us("500ms") == 500'000);
  BOOST_TEST(*parse_duration_us("1.5m") == 90'000'000);
  BOOST_TEST(*parse_duration_us("2") == 2'000'000);
  BOOST_TEST(!parse_duration_us("ten seconds"));
  BOOST_TEST(!parse_duration_us("5 parsecs"));
}

BOOST_AUTO_TEST_SUITE_END()
