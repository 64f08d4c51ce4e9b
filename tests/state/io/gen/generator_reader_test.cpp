#include "state/io/gen/generator_reader.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

using namespace sluice;

BOOST_AUTO_TEST_SUITE(state_io_gen_generator_reader)

BOOST_AUTO_TEST_CASE(deterministic_and_seekable) {
  generator_spec spec;
  spec.count = 100;
  generator_reader a(spec), b(spec);
  std::vector<raw_record> ra, rb;
  BOOST_TEST(a.read(0, 0, ra).is_ok());
  BOOST_TEST(b.seek("40").is_ok());
  BOOST_TEST(b.read(0, 0, rb).is_ok());
  BOOST_TEST(ra.size() == 100u);
  BOOST_TEST(rb.size() == 60u);
  BOOST_TEST(ra[40].payload == rb[0].payload);
  BOOST_TEST(a.exhausted());
  spec.seed = 43;
  BOOST_TEST(generate_record(spec, 5) != ra[5].payload);
}

BOOST_AUTO_TEST_CASE(malformed_share_is_close_to_the_knob) {
  generator_spec spec;
  spec.malformed_fraction = 0.1;
  int bad = 0;
  for (uint64_t n = 0; n < 10000; ++n) {
    boost::system::error_code ec;
    auto v = boost::json::parse(generate_record(spec, n), ec);
    if (ec || !v.as_object().contains("ts") || !v.as_object()["amount"].is_number() ||
        v.as_object()["amount"].to_number<double>() < 0)
      ++bad;
  }
  BOOST_TEST(bad > 900);
  BOOST_TEST(bad < 1100);
}

BOOST_AUTO_TEST_CASE(rate_limit_releases_by_elapsed_time) {
  generator_spec spec;
  spec.rate = 1000;  // per second
  generator_reader g(spec);
  std::vector<raw_record> out;
  BOOST_TEST(g.read(0, 1'000'000, out).is_ok());  // the clock starts at the first read
  BOOST_TEST(out.size() == 1u);
  out.clear();
  BOOST_TEST(g.read(0, 1'500'000, out).is_ok());  // 0.5 s later: 500 more
  BOOST_TEST(out.size() == 500u);
  out.clear();
  BOOST_TEST(g.read(100, 3'000'000, out).is_ok());  // the cap still applies
  BOOST_TEST(out.size() == 100u);
}

BOOST_AUTO_TEST_CASE(event_time_advances_with_disorder_and_late_shares) {
  generator_spec spec;
  spec.late_fraction = 1.0;
  auto late = boost::json::parse(generate_record(spec, 1000));
  spec.late_fraction = 0;
  auto on_time = boost::json::parse(generate_record(spec, 1000));
  BOOST_TEST(on_time.at("ts").as_int64() - late.at("ts").as_int64() == spec.late_us / 1000);
}

BOOST_AUTO_TEST_SUITE_END()
