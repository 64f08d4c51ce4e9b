#include "messages/codec/exact_json.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>
#include <charconv>
#include <random>

using namespace sluice;

BOOST_AUTO_TEST_SUITE(messages_codec_exact_json)

// Every double printed in shortest form reads back as itself — where Boost.JSON 1.81's own
// parser lands one ulp off for about one in ten (counted here, so the test shows the gap).
BOOST_AUTO_TEST_CASE(a_printed_double_reads_back_as_itself) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0, 1000);
  exact_json_parser p;
  int boost_off = 0;
  for (int i = 0; i < 20000; ++i) {
    double d = i % 2 ? u(rng) : -u(rng) * 1e-300 * static_cast<double>(i);
    std::string text = "[" + boost::json::serialize(boost::json::value(d)) + "]";
    boost::json::error_code ec;
    auto v = p.parse(text, ec);
    BOOST_REQUIRE(!ec);
    double back = v.as_array()[0].to_number<double>();
    BOOST_TEST_REQUIRE(back == d, text);
    boost_off += boost::json::parse(text).as_array()[0].to_number<double>() != d;
  }
  BOOST_TEST_MESSAGE("Boost.JSON's parser: " << boost_off << " of 20000 one ulp off");
}

BOOST_AUTO_TEST_CASE(documents_build_as_boost_json_builds_them) {
  std::string text = R"({"a":[1,-2,18446744073709551615,2.5,"x\u00e9",true,null,{"b":{}}],"c":1e400})";
  boost::json::error_code ec;
  auto exact = parse_json_exact(text, ec);
  BOOST_REQUIRE(!ec);
  auto plain = boost::json::parse(text);
  BOOST_TEST(boost::json::serialize(exact) == boost::json::serialize(plain));
  BOOST_TEST(exact.at("a").as_array()[2].is_uint64());
}

BOOST_AUTO_TEST_CASE(bad_documents_are_errors) {
  boost::json::error_code ec;
  for (const char* bad : {"", "[1,", "{\"a\":1} x", "[1] [2]", "nul", "{\"a\" 1}"}) {
    parse_json_exact(bad, ec);
    BOOST_TEST(static_cast<bool>(ec), bad);
  }
  boost::json::parse_options lax;
  lax.allow_comments = true;
  lax.allow_trailing_commas = true;
  auto v = parse_json_exact("[1, 2, /* three */ 3,]", ec, lax);
  BOOST_TEST(!ec);
  BOOST_TEST(v.as_array().size() == 3u);
}

BOOST_AUTO_TEST_SUITE_END()
