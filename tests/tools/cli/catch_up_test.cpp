#include "tools/cli/catch_up.hpp"

#include <boost/test/unit_test.hpp>

using namespace sluice;
using namespace sluice::cli;

namespace {

/// A progress line of `query` at `batch` whose Kafka source read to `end` of `latest`.
std::string progress(const std::string& query, int64_t batch, const std::string& end, const std::string& latest) {
  auto quote = [](std::string s) {
    std::string out;
    for (char c : s) out += c == '"' ? std::string("\\\"") : std::string(1, c);
    return out;
  };
  return "{\"name\":\"" + query + "\",\"batchId\":" + std::to_string(batch) + ",\"sources\":[{\"endOffset\":\"" +
         quote(end) + "\",\"latestOffset\":\"" + quote(latest) +
         "\"},{\"endOffset\":\"17\",\"latestOffset\":\"17\"}]}";  // the second: not Kafka
}

}  // namespace

BOOST_AUTO_TEST_SUITE(tools_cli_catch_up)

BOOST_AUTO_TEST_CASE(lag_counts_once_every_query_reads_a_partition) {
  catch_up c({"a", "b"});
  c.add(progress("a", 0, R"({"s":{"0":100,"1":50}})", R"({"s":{"0":1100,"1":2050}})"), 0);
  BOOST_TEST(!c.known());  // b has not reported
  c.add(progress("b", 0, "{}", "{}"), 0);
  BOOST_TEST(!c.known());  // b waits for its partitions
  c.add(progress("b", 1, R"({"s":{"0":600,"1":2050}})", R"({"s":{"0":1100,"1":2050}})"), 1'000'000);
  BOOST_TEST(c.known());
  // Per partition the slowest query: s/0 1000 (a), s/1 2000 (a).
  BOOST_TEST(c.per_partition().at("s/0") == 1000);
  BOOST_TEST(c.lag() == 3000);
  BOOST_TEST(c.last_batches().at("b") == 1);
  c.add(progress("a", 1, R"({"s":{"0":1100,"1":1050}})", R"({"s":{"0":1100,"1":2050}})"), 2'000'000);
  BOOST_TEST(c.lag() == 1500);  // s/0: b's 500; s/1: a's 1000
  auto text = c.describe();
  BOOST_TEST(text.find("lag 1,500 records (s/0 500 · s/1 1,000)") != std::string::npos, text);
  BOOST_TEST(text.find("closing at 1,500/s, ETA 1 s") != std::string::npos, text);  // 3000 → 1500 in 1 s
}

BOOST_AUTO_TEST_CASE(thousands_are_grouped) {
  BOOST_TEST(with_thousands(0) == "0");
  BOOST_TEST(with_thousands(999) == "999");
  BOOST_TEST(with_thousands(1000) == "1,000");
  BOOST_TEST(with_thousands(-1234567) == "-1,234,567");
}

BOOST_AUTO_TEST_SUITE_END()
