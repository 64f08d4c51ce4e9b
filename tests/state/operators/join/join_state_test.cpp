// Hand-worked join cases: each expectation is derived in the comments from Spark's rules
// (spark-semantics §2). Times are seconds, stored as µs; W is the watermark a trigger runs with.
#include "state/operators/join/join_state.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <map>

using namespace sluice;

namespace {

constexpr int64_t s = 1'000'000;

// Left rows (key, time, value), right rows (key, time, value); output (lkey, rkey, ltime, rtime).
join_spec range_spec(join_type t, int64_t lower_s, int64_t upper_s) {
  join_spec j;
  j.type = t;
  j.keys = {{0, 0}};
  j.left_watermark_column = 1;
  j.right_watermark_column = 1;
  j.time_range = join_spec::range{join_side::left, 1, 1, time_bound{lower_s * s, true}, time_bound{upper_s * s, true}};
  j.project = [](const row* l, int64_t, const row* r, int64_t) {
    return row{{l ? l->values[0] : value{}, r ? r->values[0] : value{}, l ? l->values[1] : value{},
                r ? r->values[1] : value{}},
               0};
  };
  return j;
}

std::vector<row> rows(std::initializer_list<std::array<int64_t, 3>> xs) {
  std::vector<row> out;
  for (auto& x : xs) out.push_back(row{{x[0], x[1] * s, x[2]}, 0});
  return out;
}

// Output rows as strings "lk,rk,lt,rt" with times in seconds and "-" for null.
std::vector<std::string> text(const std::vector<row>& out) {
  std::vector<std::string> v;
  for (const auto& r : out) {
    std::string t;
    for (size_t i = 0; i < r.values.size(); ++i) {
      if (i) t += ",";
      if (is_null(r.values[i]))
        t += "-";
      else
        t += std::to_string(std::get<int64_t>(r.values[i]) / (i >= 2 ? s : 1));
    }
    v.push_back(t);
  }
  std::sort(v.begin(), v.end());
  return v;
}

using strings = std::vector<std::string>;

}  // namespace

BOOST_AUTO_TEST_SUITE(state_operators_join_join_state)

// replay-samples/join_left_outer_range.json, step by step.
BOOST_AUTO_TEST_CASE(left_outer_emits_null_rows_only_at_eviction) {
  join_state j(range_spec(join_type::left_outer, -5, 5));
  std::vector<row> out;
  auto l1 = rows({{1, 5, 2}, {3, 5, 6}});
  j.process(join_side::left, l1, 0, out);
  BOOST_TEST(out.empty());
  auto r1 = rows({{1, 10, 3}, {2, 5, 6}});
  j.process(join_side::right, r1, 0, out);
  BOOST_TEST(text(out) == strings{"1,1,5,10"}, boost::test_tools::per_element());
  out.clear();
  auto r2 = rows({{1, 11, 3}});  // 11−5 = 6 > 5: no match
  j.process(join_side::right, r2, 0, out);
  BOOST_TEST(out.empty());
  BOOST_TEST(j.rows_total() == 5);
  auto l2 = rows({{1, 7, 2}, {1, 30, 2}});
  j.process(join_side::left, l2, 0, out);
  BOOST_TEST(text(out) == (strings{"1,1,7,10", "1,1,7,11"}), boost::test_tools::per_element());
  out.clear();
  j.evict(1 * s, out);  // W = min(30−10, 11−10) = 1: left wm = 1−5−0.001, nothing goes
  BOOST_TEST(out.empty());
  BOOST_TEST(j.rows_total() == 7);
  BOOST_TEST(j.take_counters().updated == 7);
  auto r3 = rows({{0, 30, 0}});
  j.process(join_side::right, r3, 1 * s, out);
  BOOST_TEST(out.empty());
  j.evict(20 * s, out);  // W = 20: left evicts time ≤ 14.999 → (3,5) was never matched
  BOOST_TEST(text(out) == strings{"3,-,5,-"}, boost::test_tools::per_element());
  BOOST_TEST(j.rows_total() == 2);  // left (1,30), right (0,30)
  auto c = j.take_counters();
  BOOST_TEST(c.updated == 1);
  BOOST_TEST(c.removed == 3);  // right side only (left is preserved: not counted, as Spark)
  BOOST_TEST(c.evicted == 6);
}

BOOST_AUTO_TEST_CASE(right_outer_mirrors_left_outer) {
  // Same inputs as above, right outer: the unmatched right row (2,5) comes out at W = 20.
  join_state j(range_spec(join_type::right_outer, -5, 5));
  std::vector<row> out;
  auto l1 = rows({{1, 5, 2}, {3, 5, 6}});
  j.process(join_side::left, l1, 0, out);
  auto r1 = rows({{1, 10, 3}, {2, 5, 6}});
  j.process(join_side::right, r1, 0, out);
  auto r2 = rows({{1, 11, 3}});
  j.process(join_side::right, r2, 0, out);
  auto l2 = rows({{1, 7, 2}, {1, 30, 2}});
  j.process(join_side::left, l2, 0, out);
  out.clear();
  auto r3 = rows({{0, 30, 0}});
  j.process(join_side::right, r3, 1 * s, out);
  j.evict(20 * s, out);
  BOOST_TEST(text(out) == strings{"-,2,-,5"}, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(full_outer_emits_both_sides_and_late_rows_are_dropped) {
  join_state j(range_spec(join_type::full_outer, 0, 10));  // left in [right, right + 10]
  std::vector<row> out;
  auto l = rows({{1, 100, 0}, {2, 100, 0}});
  j.process(join_side::left, l, 0, out);
  auto r = rows({{1, 95, 0}, {3, 95, 0}});  // 1: 100 − 95 = 5 ∈ [0,10] → match; 3: no left
  j.process(join_side::right, r, 0, out);
  BOOST_TEST(text(out) == strings{"1,1,100,95"}, boost::test_tools::per_element());
  out.clear();
  // W = 200: left evicts time ≤ 200 + 0 − 0.001; right evicts time ≤ 200 − 10 − 0.001
  j.evict(200 * s, out);
  BOOST_TEST(text(out) == (strings{"-,3,-,95", "2,-,100,-"}), boost::test_tools::per_element());
  BOOST_TEST(j.rows_total() == 0);
  auto late = rows({{1, 150, 0}});  // 150 ≤ W = 200: late
  std::vector<row> late_out;
  j.process(join_side::left, late, 200 * s, out, &late_out);
  BOOST_TEST(late_out.size() == 1u);
  BOOST_TEST(j.take_counters().dropped_late[0] == 1);
}

BOOST_AUTO_TEST_CASE(inner_without_watermark_keeps_everything_and_matches_duplicates) {
  join_spec sp;
  sp.keys = {{0, 0}};
  sp.project = [](const row* l, int64_t, const row* r, int64_t) {
    return row{{l->values[0], l->values[1], r->values[1]}, 0};
  };
  join_state j(sp);
  std::vector<row> out;
  std::vector<row> l{row{{int64_t{1}, int64_t{2}}, 0}};
  j.process(join_side::left, l, 0, out);
  std::vector<row> r{row{{int64_t{1}, int64_t{3}}, 0}, row{{int64_t{10}, int64_t{30}}, 0}};
  j.process(join_side::right, r, 0, out);
  std::vector<row> r2{row{{int64_t{1}, int64_t{3}}, 0}};
  j.process(join_side::right, r2, 0, out);
  std::vector<row> l2{row{{int64_t{1}, int64_t{2}}, 0}};
  j.process(join_side::left, l2, 0, out);  // matches both stored (1,3) rows
  BOOST_TEST(out.size() == 4u);
  j.evict(1000 * s, out);  // nothing can be evicted without watermarks
  BOOST_TEST(j.rows_total() == 5);
  BOOST_TEST(!j.evictable(join_side::left));
}

BOOST_AUTO_TEST_CASE(null_keys_match_only_when_null_safe) {
  for (bool null_safe : {false, true}) {
    join_spec sp;
    sp.keys = {{0, 0}};
    sp.null_safe = null_safe;
    sp.project = [](const row* l, int64_t, const row* r, int64_t) { return row{{l->values[1], r->values[1]}, 0}; };
    join_state j(sp);
    std::vector<row> out, l{row{{value{}, int64_t{1}}, 0}}, r{row{{value{}, int64_t{2}}, 0}};
    j.process(join_side::left, l, 0, out);
    j.process(join_side::right, r, 0, out);
    BOOST_TEST(out.size() == (null_safe ? 1u : 0u));
  }
}

// replay-samples/join_windowed_left_semi.json
BOOST_AUTO_TEST_CASE(left_semi_on_window_key_emits_once_and_does_not_store_matched_arrivals) {
  join_spec sp;
  sp.type = join_type::left_semi;
  sp.keys = {{0, 0}};
  sp.left_watermark_column = 1;
  sp.right_watermark_column = 1;
  sp.window_key = join_spec::window{1, 1, 10 * s, 0, true};
  sp.project = [](const row* l, int64_t ws, const row*, int64_t) {
    // (key, window end, value), all in the units of `text`: times in µs at positions ≥ 2
    return row{{l->values[0], value{(ws + 10 * s) / s}, value{std::get<int64_t>(l->values[2]) * s}}, 0};
  };
  join_state j(sp);
  std::vector<row> out;
  auto l = rows({{1, 1, 2}, {2, 2, 4}, {3, 3, 6}, {4, 4, 8}, {5, 5, 10}});
  auto r = rows({{3, 3, 9}, {4, 4, 12}, {5, 5, 15}, {6, 6, 18}, {7, 7, 21}});
  j.process(join_side::left, l, 0, out);
  j.process(join_side::right, r, 0, out);
  BOOST_TEST(text(out) == (strings{"3,10,6", "4,10,8", "5,10,10"}), boost::test_tools::per_element());
  BOOST_TEST(j.rows_total() == 10);
  out.clear();
  auto r_again = rows({{3, 3, 9}});  // left 3 already matched: not emitted twice
  j.process(join_side::right, r_again, 0, out);
  BOOST_TEST(out.empty());
  j.take_counters();
  auto l2 = rows({{21, 21, 42}});
  auto r2 = rows({{22, 22, 66}});
  j.process(join_side::left, l2, 0, out);
  j.process(join_side::right, r2, 0, out);
  j.evict(11 * s, out);  // window [0,10) ends ≤ 11: evicted, semi emits nothing
  BOOST_TEST(out.empty());
  BOOST_TEST(j.rows_total() == 2);
  auto l3 = rows({{22, 22, 44}});
  j.process(join_side::left, l3, 11 * s, out);
  BOOST_TEST(text(out) == strings{"22,30,44"}, boost::test_tools::per_element());
  BOOST_TEST(j.rows_total() == 2);  // matched on arrival: not stored
  auto late = rows({{1, 1, 2}});    // window end 10 ≤ 11: late
  j.process(join_side::left, late, 11 * s, out);
  BOOST_TEST(j.take_counters().dropped_late[0] == 1);
}

BOOST_AUTO_TEST_CASE(left_anti_emits_rows_that_never_matched_when_evicted) {
  join_state j(range_spec(join_type::left_anti, -5, 5));
  std::vector<row> out;
  auto l = rows({{1, 10, 0}, {2, 10, 0}, {3, 10, 0}});
  j.process(join_side::left, l, 0, out);
  auto r = rows({{1, 12, 0}, {3, 30, 0}});  // 1 matches (|10−12| ≤ 5); 3 does not (20 apart)
  j.process(join_side::right, r, 0, out);
  BOOST_TEST(out.empty());
  auto l_matched = rows({{1, 13, 0}});  // matches right (1,12) on arrival: never an anti row
  j.process(join_side::left, l_matched, 0, out);
  BOOST_TEST(out.empty());
  j.evict(100 * s, out);
  BOOST_TEST(text(out) == (strings{"2,-,10,-", "3,-,10,-"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(exclusive_bounds_and_one_sided_ranges) {
  // left.t > right.t (exclusive lower 0), no upper: left evicts t ≤ W; right is never cleaned.
  join_spec sp = range_spec(join_type::inner, 0, 0);
  sp.time_range->lower = time_bound{0, false};
  sp.time_range->upper.reset();
  join_state j(sp);
  BOOST_TEST(*j.state_watermark(join_side::left, 50 * s) == 50 * s);
  BOOST_TEST(!j.state_watermark(join_side::right, 50 * s).has_value());
  std::vector<row> out;
  auto r = rows({{1, 10, 0}});
  j.process(join_side::right, r, 0, out);
  auto l = rows({{1, 10, 0}, {1, 11, 0}});  // 10 > 10 is false; 11 > 10 matches
  j.process(join_side::left, l, 0, out);
  BOOST_TEST(text(out) == strings{"1,1,11,10"}, boost::test_tools::per_element());
  // inclusive bounds subtract 1 ms (payments example: pay ≥ order ⇒ evict pay < W)
  join_state k(range_spec(join_type::inner, 0, 3600));
  BOOST_TEST(*k.state_watermark(join_side::left, 7200 * s) == 7200 * s - 1000);
  BOOST_TEST(*k.state_watermark(join_side::right, 7200 * s) == 3600 * s - 1000);
}

BOOST_AUTO_TEST_CASE(preserved_side_failing_its_own_condition_comes_out_at_once) {
  join_spec sp = range_spec(join_type::left_outer, -5, 5);
  sp.left_filter = [](const row& r) { return std::get<int64_t>(r.values[2]) > 0; };
  join_state j(sp);
  std::vector<row> out;
  auto l = rows({{1, 10, 0}, {2, 10, 1}});
  j.process(join_side::left, l, 0, out);
  BOOST_TEST(text(out) == strings{"1,-,10,-"}, boost::test_tools::per_element());
  BOOST_TEST(j.rows_total() == 1);  // never buffered
}

BOOST_AUTO_TEST_CASE(state_is_evicted_and_memory_accounted) {
  join_state j(range_spec(join_type::inner, -10, 10));
  std::vector<row> out;
  for (int t = 1; t <= 1000; ++t) {
    auto l = rows({{t % 50, t, 0}});
    auto r = rows({{t % 50, t, 0}});
    j.process(join_side::left, l, 0, out);
    j.process(join_side::right, r, 0, out);
  }
  BOOST_TEST(j.rows_total() == 2000);
  int64_t bytes = j.memory_used_bytes();
  BOOST_TEST(bytes > 2000 * 100);
  j.evict(995 * s, out);  // both sides evict t ≤ 995 − 10 − 0.001: keep 985..1000
  BOOST_TEST(j.rows_total() == 2 * 16);
  BOOST_TEST(j.memory_used_bytes() < bytes / 50);
}

// The changes handed out each epoch, applied to a map standing for the committed rows, must
// leave exactly the buffered rows, slot for slot — through stores, matched flags set, evictions,
// slots reused in one epoch, and a restore into a fresh state that goes on from there.
BOOST_AUTO_TEST_CASE(epoch_changes_bring_the_committed_rows_to_the_buffers) {
  using slot_row = std::pair<std::string, bool>;  // cells as text, matched
  std::map<std::pair<int, uint32_t>, slot_row> committed;
  auto commit = [&](join_state& j) {
    size_t puts = 0;
    j.take_changes(
        [&](join_side side, uint32_t slot) {
          BOOST_TEST(committed.erase({static_cast<int>(side), slot}) == 1u, "an erase of a slot never handed out");
        },
        [&](join_side side, uint32_t slot, const row& r, bool matched) {
          committed[{static_cast<int>(side), slot}] = {encode_cells(r.values), matched};
          ++puts;
        });
    std::map<std::pair<int, uint32_t>, slot_row> listed;
    j.for_each_slot([&](join_side side, uint32_t slot, const row& r, bool matched) {
      listed[{static_cast<int>(side), slot}] = {encode_cells(r.values), matched};
    });
    BOOST_TEST((listed == committed));
    return puts;
  };
  join_state j(range_spec(join_type::left_outer, -10, 10));
  std::vector<row> out;
  auto l = rows({{1, 1, 0}, {2, 2, 0}, {3, 3, 0}});
  j.process(join_side::left, l, 0, out);
  BOOST_TEST(commit(j) == 3u);
  BOOST_TEST(commit(j) == 0u);
  auto r = rows({{2, 4, 0}});  // matches left 2: its flag changes, the right row is new
  j.process(join_side::right, r, 0, out);
  BOOST_TEST(commit(j) == 2u);
  j.evict(20 * s, out);                         // left rows t ≤ 9.999 s and right rows t ≤ 9.999 s go
  auto again = rows({{4, 30, 0}, {5, 31, 0}});  // into the emptied slots, in the same epoch
  j.process(join_side::left, again, 20 * s, out);
  BOOST_TEST(commit(j) == 2u);
  BOOST_TEST(committed.size() == 2u);
  join_state back(range_spec(join_type::left_outer, -10, 10));
  for (const auto& [where, cells] : committed) {
    row restored;
    BOOST_REQUIRE(decode_cells(cells.first, restored.values));
    BOOST_TEST(back.restore(static_cast<join_side>(where.first), where.second, std::move(restored), cells.second));
  }
  BOOST_TEST(commit(back) == 0u);
  BOOST_TEST(!back.restore(join_side::left, committed.begin()->first.second,
                           row{{int64_t{9}, int64_t{0}, int64_t{0}}, 0}, false));
  auto more = rows({{6, 32, 0}, {7, 33, 0}, {8, 34, 0}});  // fill the free slots below and past the restored ones
  back.process(join_side::left, more, 20 * s, out);
  BOOST_TEST(commit(back) == 3u);
  back.evict(100 * s, out);
  BOOST_TEST(commit(back) == 0u);
  BOOST_TEST(committed.empty());
}

BOOST_AUTO_TEST_SUITE_END()
