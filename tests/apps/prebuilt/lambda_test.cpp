// lambda end to end through the binary on a broker the test owns: the speed layer runs on,
// `sluice serve lambda` answers over HTTP, and each answer equals a recompute of the whole input
// from the generator's records — with no batch view yet, after a batch cut-off, after more input
// reached only the speed layer, and after a new batch cut-off.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cmath>
#include <map>
#include <thread>

#include "state/io/kafka/embedded_broker.hpp"
#include "test_support.hpp"
#include "tools/sluice_says.hpp"

using namespace sluice;

namespace {

const std::string gen_args = " --keys 2000 --spacing 200ms";  // the app's defaults: seed 42, 2000 users, 200 ms

struct totals {
  double revenue = 0;
  int64_t orders = 0;
};

/// Revenue and orders per category and per user of sales 0 … count − 1.
void recompute(uint64_t count, std::map<std::string, totals>& by_category, std::map<std::string, totals>& by_user) {
  test::for_each_generated(test::generated("sales", count, 42, 2000, 200'000),
                           [&](uint64_t, boost::json::object& o, int64_t) {
                             double amount = o["amount"].to_number<double>();
                             for (auto* m : {&by_category, &by_user}) {
                               auto& t = (*m)[std::string(o[m == &by_category ? "category" : "user"].as_string())];
                               t.revenue += amount;
                               ++t.orders;
                             }
                           });
}

boost::json::object get(const std::string& url) {
  std::string out;
  BOOST_TEST_REQUIRE(test::shell("curl -sf '" + url + "'", out) == 0, url << ": " << out);
  return boost::json::parse(out).as_object();
}

int64_t input_rows(const std::string& progress) {
  int64_t n = 0;
  for (const auto& line : test::split_lines(test::read_file(progress)))
    n += boost::json::parse(line).as_object()["numInputRows"].as_int64();
  return n;
}

/// The served views equal the recompute of sales 0 … count − 1, from batch view `batch`.
void check_served(const std::string& views, uint64_t count, int64_t batch) {
  std::map<std::string, totals> by_category, by_user;
  recompute(count, by_category, by_user);
  auto all = get(views + "/by_category");
  BOOST_TEST(all["batch"].as_int64() == batch);
  const auto& rows = all["rows"].as_object();
  BOOST_TEST(rows.size() == by_category.size());
  for (const auto& [category, want] : by_category) {
    const auto& got = rows.at(category).as_object();
    BOOST_TEST(got.at("orders").as_int64() == want.orders,
               category << " after " << count << ": " << got << " want " << want.orders);
    BOOST_TEST(std::fabs(got.at("revenue").to_number<double>() - want.revenue) < 1e-4, category << " after " << count);
  }
  for (const char* user : {"user_00007", "user_01999"}) {
    auto one = get(views + "/by_user?key=" + user);
    const auto& want = by_user[user];
    BOOST_TEST(one["value"].as_object()["orders"].as_int64() == want.orders, user);
    BOOST_TEST(std::fabs(one["value"].as_object()["revenue"].to_number<double>() - want.revenue) < 1e-4, user);
  }
  BOOST_TEST(get(views + "/by_user?key=nobody")["value"].is_null());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(apps_prebuilt_lambda)

BOOST_AUTO_TEST_CASE(served_answers_equal_a_recompute_while_the_speed_layer_runs_and_after_new_cutoffs) {
  std::unique_ptr<embedded_broker> broker;
  BOOST_TEST_REQUIRE(embedded_broker::start(1, broker).is_ok());
  BOOST_TEST_REQUIRE(broker->create_topic("sales", 2).is_ok());
  std::string b = " --brokers " + broker->bootstrap();
  test::temp_dir dir("lambda");
  std::string output = " --set output=" + dir.str("out"), progress = dir.str("progress.jsonl");
  test::sluice_says("gen sales --count 8000 --to kafka:sales" + gen_args + b, 0);

  test::background_process speed(
      std::string(SLUICE_BINARY) + " run lambda --set trigger=200ms" + output + b + " --progress " + progress,
      dir.str("speed.log"));
  BOOST_TEST_REQUIRE(test::wait_for([&] { return input_rows(progress) >= 8000; }, 60),
                     test::read_file(dir.str("speed.log")));
  test::background_process serve(std::string(SLUICE_BINARY) + " serve lambda --port 0" + output, dir.str("serve.log"));
  BOOST_TEST_REQUIRE(
      test::wait_for([&] { return test::read_file(dir.str("serve.log")).find("http://") != std::string::npos; }, 10));
  std::string log = test::read_file(dir.str("serve.log"));
  std::string views = log.substr(log.find("http://"), log.find("/views") + 6 - log.find("http://"));
  BOOST_TEST(get(views)["views"].as_array().size() == 2u);

  check_served(views, 8000, 0);  // the speed view alone
  test::sluice_says("run lambda --set layer=batch" + output, 0, {"8000 input rows"});
  check_served(views, 8000, 1);
  auto cutoff1 = test::iso_us(get(views + "/by_category")["cutoff"]);
  BOOST_TEST(cutoff1 > 0);

  test::sluice_says("gen sales --first 8000 --count 4000 --to kafka:sales" + gen_args + b, 0);
  BOOST_TEST_REQUIRE(test::wait_for([&] { return input_rows(progress) >= 12000; }, 60));
  check_served(views, 12000, 1);  // batch view 1 and everything after it from the speed layer
  test::sluice_says("run lambda --set layer=batch" + output, 0, {"12000 input rows"});
  check_served(views, 12000, 2);
  BOOST_TEST(test::iso_us(get(views + "/by_category")["cutoff"]) > cutoff1);

  BOOST_TEST(serve.stop(10) == 0);
  BOOST_TEST(speed.stop(30) == 0, test::read_file(dir.str("speed.log")));
}

BOOST_AUTO_TEST_SUITE_END()
