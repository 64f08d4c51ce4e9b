// Keyed process state without an actor system: value/list/map state, timers in both domains,
// TTL, late rows, checkpoint rows (save, load). Times are µs; W is the watermark.
#include "state/operators/process/process_state.hpp"

#include <boost/test/unit_test.hpp>

using namespace sluice;

namespace {

schema_ptr input_schema() {
  return std::make_shared<const schema>(std::vector<column>{{"user", column_type::string, true, time_unit::millis},
                                                            {"amount", column_type::float64, true, time_unit::millis},
                                                            {"ts", column_type::timestamp, true, time_unit::millis}},
                                        "ts");
}

row r(const char* user, double amount, int64_t ts) {
  return row{{value{std::string(user)}, value{amount}, value{ts}}, ts};
}

// Counts rows per key (value state), remembers amounts (list), counts per amount bucket (map),
// and at an event-time timer 100 µs after the key's first row emits (user, count, sum).
struct tally : keyed_processor<std::string> {
  void process(const std::string& user, keyed_context& ctx, const std::vector<record>& rows) override {
    auto n = ctx.get_value_state("n");
    auto amounts = ctx.get_list_state("amounts");
    auto buckets = ctx.get_map_state("buckets");
    if (!n.exists()) ctx.register_event_time_timer(rows.front().time_us() + 100);
    int64_t count = n.exists() ? std::get<int64_t>(*n.get()) : 0;
    for (const auto& x : rows) {
      ++count;
      amounts.append(x["amount"]);
      std::string b = x.num("amount") >= 100 ? "big" : "small";
      auto cur = buckets.get(b);
      buckets.put(b, value{(cur ? std::get<int64_t>(*cur) : 0) + 1});
    }
    n.set(value{count});
    (void)user;
  }
  void on_timer(const std::string& user, keyed_context& ctx, int64_t, time_domain d) override {
    double sum = 0;
    for (const auto& a : ctx.get_list_state("amounts").get()) sum += std::get<double>(a);
    auto big = ctx.get_map_state("buckets").get("big");
    ctx.emit({value{user}, *ctx.get_value_state("n").get(), value{sum}, big ? *big : value{int64_t{0}},
              value{d == time_domain::event_time}});
    ctx.clear_all();
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(state_operators_process_process_state)

BOOST_AUTO_TEST_CASE(state_accumulates_and_an_event_timer_fires_when_the_watermark_reaches_it) {
  process_state ps;
  tally t;
  auto s = input_schema();
  ps.run(t, *s, {r("a", 10, 1000), r("b", 200, 1010), r("a", 150, 1020)}, 0, 0, 0, true);
  ps.fire(t, 1099, 0);  // a's timer is at 1100: not yet
  BOOST_TEST(ps.take_output().empty());
  BOOST_TEST(ps.timers() == 2);
  ps.run(t, *s, {r("a", 5, 1050)}, 0, 1040, 0, true);  // runs with W = 1040: 1050 is on time
  ps.fire(t, 1100, 0);                                 // a fires (1100 ≤ 1100); b's is at 1110
  auto out = ps.take_output();
  BOOST_REQUIRE(out.size() == 1u);
  BOOST_TEST(encode_cells(out[0]) ==
             encode_cells({value{std::string("a")}, value{int64_t{3}}, value{165.0}, value{int64_t{1}}, value{true}}));
  BOOST_TEST(ps.keys() == 1);  // a cleared itself and is gone
  auto c = ps.take_counters();
  BOOST_TEST(c.timers_fired == 1);
  BOOST_TEST(c.removed == 1);
}

BOOST_AUTO_TEST_CASE(late_rows_are_dropped_and_past_timers_refused) {
  process_state ps;
  tally t;
  auto s = input_schema();
  ps.run(t, *s, {r("a", 1, 500), r("a", 1, 501)}, 0, 500, 0, true);  // 500 ≤ W = 500 is late
  BOOST_TEST(ps.take_counters().dropped_late == 1);
  struct past : keyed_processor<std::string> {
    void process(const std::string&, keyed_context& ctx, const std::vector<record>&) override {
      ctx.register_event_time_timer(ctx.watermark_us());
    }
  } p;
  BOOST_CHECK_THROW(ps.run(p, *s, {r("z", 1, 900)}, 0, 800, 0, true), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(processing_time_timers_and_ttl_follow_the_clock) {
  struct remember : keyed_processor<std::string> {
    void process(const std::string&, keyed_context& ctx, const std::vector<record>& rows) override {
      ctx.get_value_state("last").set(rows.back()["amount"]);
      ctx.get_value_state("forever").set(value{true});
      ctx.register_processing_time_timer(ctx.processing_time_us() + 1000);
    }
    void on_timer(const std::string& u, keyed_context& ctx, int64_t at, time_domain d) override {
      auto last = ctx.get_value_state("last").get();
      ctx.emit({value{u}, last ? *last : value{}, value{at}, value{d == time_domain::processing_time}});
    }
  } p;
  process_state ps({{"last", 500}});  // "last" lives 500 µs after its write
  auto s = input_schema();
  ps.run(p, *s, {r("a", 7, 1)}, 0, 0, 10'000, false);
  ps.fire(p, 0, 10'400);
  auto out = ps.take_output();
  BOOST_TEST(out.empty());
  ps.expire(10'499);
  BOOST_TEST(ps.take_counters().expired_cells == 0);
  ps.fire(p, 0, 11'000);  // the timer fires; "last" expired at 10'500 and reads empty
  out = ps.take_output();
  BOOST_REQUIRE(out.size() == 1u);
  BOOST_TEST(encode_cells(out[0]) ==
             encode_cells({value{std::string("a")}, value{}, value{int64_t{11'000}}, value{true}}));
  ps.expire(11'000);
  BOOST_TEST(ps.take_counters().expired_cells == 1);
  BOOST_TEST(ps.keys() == 1);  // "forever" has no TTL
}

BOOST_AUTO_TEST_CASE(save_load_round_trip_keeps_state_and_timers) {
  process_state ps;
  tally t;
  auto s = input_schema();
  ps.run(t, *s, {r("a", 10, 1000), r("a", 150, 1001), r("b", 1, 1002)}, 0, 0, 0, true);
  std::vector<std::pair<std::string, std::string>> saved;
  ps.save([&](std::string k, std::string v) { saved.emplace_back(std::move(k), std::move(v)); });
  process_state back;
  for (const auto& [k, v] : saved) BOOST_TEST(back.load(k, v).is_ok());
  BOOST_TEST(back.keys() == 2);
  BOOST_TEST(back.timers() == 2);
  back.fire(t, 2000, 0);
  auto out = back.take_output();
  BOOST_TEST(out.size() == 2u);
  std::string bad = saved[0].second;
  bad[0] = 0x09;
  BOOST_TEST(!process_state().load(saved[0].first, bad).is_ok());
}

BOOST_AUTO_TEST_SUITE_END()
