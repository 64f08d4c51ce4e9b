// Session windows, hand-worked (spark-semantics §4). Times are seconds, held as µs.
#include "state/operators/window/session_state.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>

using namespace sluice;

namespace {
constexpr int64_t s = 1'000'000;

// Rows (user, t seconds, gap seconds).
std::vector<row> rows(std::initializer_list<std::tuple<const char*, int64_t, int64_t>> xs) {
  std::vector<row> out;
  for (const auto& [k, t, g] : xs) out.push_back(row{{value{std::string(k)}, value{t * s}, value{g}}, t * s});
  return out;
}

session_grouping grouping(output_mode mode) {
  session_grouping g;
  g.key_columns = {0};
  g.time_column = 1;
  g.gap_us = [](const row& r) { return std::get<int64_t>(r.values[2]) * s; };
  g.watermarked = true;
  g.mode = mode;
  g.aggregations = {aggregate_column{aggregate_fn::count, std::nullopt, column_type::null, 0.05, "n"}};
  return g;
}

// "user[start,end):n", sorted.
std::vector<std::string> show(const std::vector<row>& out) {
  std::vector<std::string> v;
  for (const auto& r : out)
    v.push_back(std::get<std::string>(r.values[0]) + "[" + std::to_string(std::get<int64_t>(r.values[1]) / s) + "," +
                std::to_string(std::get<int64_t>(r.values[2]) / s) +
                "):" + std::to_string(std::get<int64_t>(r.values[3])));
  std::sort(v.begin(), v.end());
  return v;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(state_operators_window_session_state)

BOOST_AUTO_TEST_CASE(touching_sessions_merge_in_any_order_and_across_triggers) {
  for (bool reversed : {false, true}) {
    session_state st(grouping(output_mode::append));
    auto r = rows({{"u", 10, 5}, {"u", 25, 10}, {"u", 15, 10}, {"v", 10, 5}});  // [10,15) [25,35) [15,25) touch
    if (reversed) std::reverse(r.begin(), r.end());
    st.process({r[0], r[1]}, 0, nullptr);
    std::vector<row> out;
    st.emit(0, true, out);
    st.process({r[2], r[3]}, 0, nullptr);
    st.emit(0, true, out);
    BOOST_TEST(out.empty());
    st.evict(35 * s, out);
    BOOST_TEST((show(out) == std::vector<std::string>{"u[10,35):3", "v[10,15):1"}), "reversed " << reversed);
    BOOST_TEST(st.rows_total() == 0);
  }
}

BOOST_AUTO_TEST_CASE(apart_sessions_stay_apart_and_close_separately) {
  session_state st(grouping(output_mode::append));
  std::vector<row> out;
  st.process(rows({{"u", 10, 5}, {"u", 16, 5}}), 0, nullptr);  // [10,15) and [16,21): 1 s apart
  st.emit(0, true, out);
  BOOST_TEST(st.rows_total() == 2);
  st.evict(15 * s, out);
  BOOST_TEST((show(out) == std::vector<std::string>{"u[10,15):1"}));
  BOOST_TEST(st.rows_total() == 1);
}

BOOST_AUTO_TEST_CASE(late_rows_and_non_positive_gaps) {
  session_state st(grouping(output_mode::append));
  std::vector<row> late;
  // W = 20: [5,15) is late (15 ≤ 20), [12,22) is not, gap 0 and −3 rows are left out uncounted.
  st.process(rows({{"u", 5, 10}, {"u", 12, 10}, {"u", 30, 0}, {"u", 31, -3}}), 20 * s, &late);
  std::vector<row> out;
  st.emit(20 * s, true, out);
  auto c = st.take_counters();
  BOOST_TEST(c.dropped_late == 1);
  BOOST_TEST(late.size() == 1u);
  BOOST_TEST(st.rows_total() == 1);
}

BOOST_AUTO_TEST_CASE(complete_mode_emits_all_sessions_every_data_trigger) {
  session_state st(grouping(output_mode::complete));
  std::vector<row> out;
  st.process(rows({{"u", 10, 5}, {"w", 1, 5}}), 100 * s, nullptr);
  st.emit(100 * s, true, out);
  st.evict(200 * s, out);
  BOOST_TEST((show(out) == std::vector<std::string>{"u[10,15):1", "w[1,6):1"}));
}

BOOST_AUTO_TEST_CASE(save_load_round_trip) {
  session_state st(grouping(output_mode::append));
  st.process(rows({{"u", 10, 5}, {"u", 30, 5}, {"v", 1, 2}}), 0, nullptr);
  std::vector<std::pair<std::string, std::string>> saved;
  st.save([&](std::string k, std::string v) { saved.emplace_back(std::move(k), std::move(v)); });
  session_state back(grouping(output_mode::append));
  for (const auto& [k, v] : saved) BOOST_TEST(back.load(k, v).is_ok());
  BOOST_TEST(back.rows_total() == 3);
  back.process(rows({{"u", 14, 20}}), 0, nullptr);  // [14,34) joins both of u's sessions
  std::vector<row> out;
  back.evict(100 * s, out);
  BOOST_TEST((show(out) == std::vector<std::string>{"u[10,35):3", "v[1,3):1"}));
}

BOOST_AUTO_TEST_SUITE_END()
