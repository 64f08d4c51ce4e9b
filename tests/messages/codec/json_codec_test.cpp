#include "messages/codec/json_codec.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "messages/data/time.hpp"

using namespace sluice;

namespace {
schema_ptr test_schema() {
  return std::make_shared<const schema>(std::vector<column>{{"id", column_type::int64, true, time_unit::millis},
                                                            {"name", column_type::string, false, time_unit::millis},
                                                            {"amount", column_type::float64, true, time_unit::millis},
                                                            {"ok", column_type::boolean, false, time_unit::millis},
                                                            {"ts", column_type::timestamp, true, time_unit::millis}},
                                        "ts");
}
}  // namespace

BOOST_AUTO_TEST_SUITE(messages_codec_json_codec)

BOOST_AUTO_TEST_CASE(decodes_typed_columns_and_event_time) {
  row_decoder d(test_schema());
  row r;
  BOOST_TEST(d.decode(R"({"id":7,"name":"a\"b","amount":2,"ok":true,"ts":1700000000123,"extra":[1]})", r) == "");
  BOOST_TEST(std::get<int64_t>(r.values[0]) == 7);
  BOOST_TEST(std::get<std::string>(r.values[1]) == "a\"b");
  BOOST_TEST(std::get<double>(r.values[2]) == 2.0);  // an int read into a double column
  BOOST_TEST(std::get<bool>(r.values[3]) == true);
  BOOST_TEST(r.event_time_us == 1700000000123000);
}

BOOST_AUTO_TEST_CASE(timestamps_from_iso_strings_and_units) {
  row_decoder d(test_schema());
  row r;
  BOOST_TEST(d.decode(R"({"id":1,"amount":1.5,"ts":"2026-03-02T10:15:30.120Z"})", r) == "");
  BOOST_TEST(format_iso8601_ms(r.event_time_us) == "2026-03-02T10:15:30.120Z");
  BOOST_TEST(d.decode(R"({"id":1,"amount":1.5,"ts":"2026-03-02T11:15:30.120+01:00"})", r) == "");
  BOOST_TEST(format_iso8601_ms(r.event_time_us) == "2026-03-02T10:15:30.120Z");
  auto secs =
      std::make_shared<const schema>(std::vector<column>{{"t", column_type::timestamp, true, time_unit::seconds}}, "t");
  row_decoder ds(secs);
  BOOST_TEST(ds.decode(R"({"t":10})", r) == "");
  BOOST_TEST(r.event_time_us == 10'000'000);
  BOOST_TEST(is_null(r.values[0]) == false);
}

BOOST_AUTO_TEST_CASE(bad_records_give_reasons) {
  row_decoder d(test_schema());
  row r;
  BOOST_TEST(d.decode("{\"id\":1,", r).find("not valid JSON") == 0u);
  BOOST_TEST(d.decode("[1,2]", r) == "not a JSON object");
  BOOST_TEST(d.decode(R"({"amount":1,"ts":1})", r) == "missing required column 'id'");
  BOOST_TEST(d.decode(R"({"id":1,"amount":1})", r) == "missing required column 'ts'");
  BOOST_TEST(d.decode(R"({"id":1.5,"amount":1,"ts":1})", r) == "column 'id' expects int64, got 1.5E0");
  BOOST_TEST(d.decode(R"({"id":1,"amount":"x","ts":1})", r).find("column 'amount' expects double") == 0u);
  BOOST_TEST(d.decode(R"({"id":1,"amount":1,"ts":"yesterday"})", r).find("is not an ISO-8601 timestamp") !=
             std::string::npos);
  // Out-of-range numbers and impossible dates are refused, not turned into null or garbage.
  BOOST_TEST(d.decode(R"({"id":1,"amount":1e400,"ts":1})", r).find("out of the range of a double") !=
             std::string::npos);
  BOOST_TEST(d.decode(R"({"id":1,"amount":1,"ts":1e300})", r).find("outside years 0001-9999") != std::string::npos);
  BOOST_TEST(d.decode(R"({"id":1,"amount":1,"ts":-1e300})", r).find("outside years 0001-9999") != std::string::npos);
  BOOST_TEST(d.decode(R"({"id":1,"amount":1,"ts":"2026-02-31T00:00:00Z"})", r).find("is not an ISO-8601") !=
             std::string::npos);
  BOOST_TEST(d.decode(R"({"id":1,"amount":1,"ts":"2024-02-29T00:00:00Z"})", r) == "");  // a leap day
  BOOST_TEST(d.decode(R"({"id":1,"amount":1,"ts":"2023-02-29T00:00:00Z"})", r) != "");
  // optional columns may be missing or null
  BOOST_TEST(d.decode(R"({"id":1,"amount":1,"ts":1,"name":null})", r) == "");
  BOOST_TEST(is_null(r.values[1]));
}

BOOST_AUTO_TEST_CASE(encodes_rows_with_iso_timestamps_and_escapes) {
  auto s = test_schema();
  row r{{int64_t{1}, std::string("tab\there"), 2.5, value{}, int64_t{1767225600000000}}, 0};
  BOOST_TEST(encode_row(*s, r) ==
             R"({"id":1,"name":"tab\there","amount":2.5,"ok":null,"ts":"2026-01-01T00:00:00.000Z"})");
}

BOOST_AUTO_TEST_CASE(strings_are_always_valid_utf8_json) {
  // Valid UTF-8 (2, 3 and 4 bytes) is kept; bytes that are not UTF-8 (a stray continuation, a
  // lone lead byte, an overlong '/', a surrogate, a cut sequence) become the text \xNN.
  std::string text = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \x80 \xff \xc0\xaf \xed\xa0\x80 \xe2\x82";
  std::string out;
  append_json_string(out, text);
  BOOST_TEST(out ==
             "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \\\\x80 \\\\xff \\\\xc0\\\\xaf "
             "\\\\xed\\\\xa0\\\\x80 \\\\xe2\\\\x82\"");
  boost::system::error_code ec;
  boost::json::parse(out, ec);  // Boost.JSON refuses invalid UTF-8
  BOOST_TEST(!ec, ec.message());
  out.clear();
  append_json_string(out, std::string("a\x01\x1f", 3));
  BOOST_TEST(out == "\"a\\u0001\\u001f\"");
}

// Found by tests/fuzz/json_row_fuzz.cpp: a json column printed Boost.JSON's `Infinity` for a
// number like 1e400 (output no JSON reader takes back), and long doubles came back an ulp off.
BOOST_AUTO_TEST_CASE(json_columns_and_doubles_print_what_reads_back) {
  auto s = std::make_shared<schema>(
      std::vector<column>{{"doc", column_type::json}, {"x", column_type::float64}, {"ts", column_type::timestamp}},
      "ts");
  row_decoder d(s);
  row r;
  BOOST_TEST(d.decode(R"({"doc":{"q":[3,20e329]},"x":1,"ts":1})", r).find("out of the range of a double") !=
             std::string::npos);
  BOOST_TEST_REQUIRE(d.decode(R"({"doc":{"q":[3,2.5]},"x":0.30000000000000004,"ts":1})", r) == "");
  row again;
  BOOST_TEST_REQUIRE(d.decode(encode_row(*s, r), again) == "");
  BOOST_TEST(std::get<double>(again.values[1]) == 0.30000000000000004);
  BOOST_TEST(std::get<std::string>(again.values[0]) == std::get<std::string>(r.values[0]));
  BOOST_TEST_REQUIRE(d.decode(R"({"doc":1,"x":474.59380568556355,"ts":1})", r) == "");
  BOOST_TEST(std::get<double>(r.values[1]) == 474.59380568556355);  // Boost.JSON 1.81 alone: 474.5938056855635
}

BOOST_AUTO_TEST_SUITE_END()
