// Window aggregation state, hand-worked (spark-semantics §3). Times are seconds, held as µs.
#include "state/operators/window/window_state.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <map>

#include "messages/data/packed_cells.hpp"
#include "state/store/bytes.hpp"

using namespace sluice;

namespace {
constexpr int64_t s = 1'000'000;

// Rows (key, t seconds, amount).
std::vector<row> rows(std::initializer_list<std::tuple<const char*, int64_t, double>> xs) {
  std::vector<row> out;
  for (const auto& [k, t, a] : xs) out.push_back(row{{value{std::string(k)}, value{t * s}, value{a}}, t * s});
  return out;
}

window_grouping grouping(output_mode mode, int64_t size_s, int64_t slide_s = 0) {
  window_grouping g;
  g.key_columns = {0};
  g.window = window_grouping::window_bounds{1, size_s * s, (slide_s ? slide_s : size_s) * s, 0};
  g.watermarked = true;
  g.mode = mode;
  aggregate_column count{aggregate_fn::count, std::nullopt, column_type::null, 0.05, "n"};
  aggregate_column sum{aggregate_fn::sum, 2, column_type::float64, 0.05, "total"};
  g.aggregations = {count, sum};
  return g;
}

// "key@start:n/total", sorted.
std::vector<std::string> show(const std::vector<row>& out) {
  std::vector<std::string> v;
  for (const auto& r : out)
    v.push_back(std::get<std::string>(r.values[0]) + "@" + std::to_string(std::get<int64_t>(r.values[1]) / s) + ":" +
                std::to_string(std::get<int64_t>(r.values[3])) + "/" +
                std::to_string(static_cast<int>(std::get<double>(r.values[4]))));
  std::sort(v.begin(), v.end());
  return v;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(state_operators_window_window_state)

BOOST_AUTO_TEST_CASE(window_starts_cover_tumbling_sliding_and_offset) {
  BOOST_TEST((window_starts(12 * s, 5 * s, 5 * s, 0) == std::vector<int64_t>{10 * s}));
  BOOST_TEST((window_starts(10 * s, 5 * s, 5 * s, 0) == std::vector<int64_t>{10 * s}));  // [10,15) holds 10
  BOOST_TEST((window_starts(12 * s, 10 * s, 5 * s, 2 * s) == std::vector<int64_t>{7 * s, 12 * s}));
  BOOST_TEST((window_starts(-3 * s, 5 * s, 5 * s, 0) == std::vector<int64_t>{-5 * s}));  // before the epoch
  BOOST_TEST(window_starts(0, 10 * s, 2 * s, 0).size() == 5u);                           // ⌈10/2⌉ windows
}

BOOST_AUTO_TEST_CASE(append_emits_a_window_once_when_the_watermark_passes_its_end) {
  window_state w(grouping(output_mode::append, 10));
  std::vector<row> out;
  w.process(rows({{"a", 1, 5}, {"a", 9, 7}, {"b", 3, 1}, {"a", 12, 2}}), 0, nullptr);
  w.emit(0, true, out);
  w.evict(9 * s, out);  // no-data batch with W = 9: [0,10) still open
  BOOST_TEST(out.empty());
  BOOST_TEST(w.rows_total() == 3);
  w.evict(10 * s, out);  // end 10 ≤ 10
  BOOST_TEST((show(out) == std::vector<std::string>{"a@0:2/12", "b@0:1/1"}));
  auto c = w.take_counters();
  BOOST_TEST(c.removed == 2);
  BOOST_TEST(c.updated == 3);
  BOOST_TEST(w.rows_total() == 1);
}

BOOST_AUTO_TEST_CASE(late_rows_are_dropped_and_counted_per_aggregated_row) {
  window_state w(grouping(output_mode::append, 10));
  std::vector<row> out, late;
  // W = 10: [0,10) is closed. Three late rows of a and one of b in it: 2 aggregated rows.
  w.process(rows({{"a", 1, 1}, {"a", 2, 1}, {"a", 3, 1}, {"b", 4, 1}, {"a", 15, 1}}), 10 * s, &late);
  w.emit(10 * s, true, out);
  auto c = w.take_counters();
  BOOST_TEST(c.dropped_late == 2);
  BOOST_TEST(c.late_input_rows == 4);
  BOOST_TEST(late.size() == 4u);
  BOOST_TEST(w.rows_total() == 1);
}

BOOST_AUTO_TEST_CASE(update_emits_changed_windows_and_removes_closed_ones_silently) {
  window_state w(grouping(output_mode::update, 10));
  std::vector<row> out;
  w.process(rows({{"a", 1, 5}, {"b", 2, 1}}), 0, nullptr);
  w.emit(0, true, out);
  BOOST_TEST((show(out) == std::vector<std::string>{"a@0:1/5", "b@0:1/1"}));
  out.clear();
  w.process(rows({{"a", 4, 5}}), 0, nullptr);
  w.emit(0, true, out);
  BOOST_TEST((show(out) == std::vector<std::string>{"a@0:2/10"}));  // b did not change
  out.clear();
  w.evict(10 * s, out);
  BOOST_TEST(out.empty());
  BOOST_TEST(w.rows_total() == 0);
}

BOOST_AUTO_TEST_CASE(complete_emits_everything_and_never_drops) {
  window_state w(grouping(output_mode::complete, 10));
  std::vector<row> out;
  w.process(rows({{"a", 1, 5}}), 100 * s, nullptr);  // far below W, still counted
  w.emit(100 * s, true, out);
  w.evict(200 * s, out);
  BOOST_TEST((show(out) == std::vector<std::string>{"a@0:1/5"}));
  out.clear();
  w.emit(200 * s, false, out);  // a trigger without data: Spark runs no batch
  BOOST_TEST(out.empty());
}

BOOST_AUTO_TEST_CASE(sliding_windows_count_a_row_in_each) {
  window_state w(grouping(output_mode::append, 10, 5));
  std::vector<row> out;
  w.process(rows({{"a", 7, 1}}), 0, nullptr);  // [0,10) and [5,15)
  w.emit(0, true, out);
  w.evict(15 * s, out);
  BOOST_TEST((show(out) == std::vector<std::string>{"a@0:1/1", "a@5:1/1"}));
}

BOOST_AUTO_TEST_CASE(save_load_round_trip_keeps_groups_and_refuses_other_versions) {
  auto g = grouping(output_mode::append, 10);
  aggregate_column hll{aggregate_fn::approx_count_distinct, 0, column_type::string, 0.05, "users"};
  aggregate_column list{aggregate_fn::collect_list, 2, column_type::float64, 0.05, "amounts"};
  g.aggregations.push_back(hll);
  g.aggregations.push_back(list);
  window_state w(g);
  w.process(rows({{"a", 1, 5}, {"a", 2, 6}, {"b", 11, 1}}), 0, nullptr);
  std::vector<std::pair<std::string, std::string>> saved;
  w.save([&](std::string k, std::string v) { saved.emplace_back(std::move(k), std::move(v)); });
  BOOST_TEST(saved.size() == 2u);
  window_state back(g);
  for (const auto& [k, v] : saved) BOOST_TEST(back.load(k, v).is_ok());
  std::vector<row> a, b;
  w.evict(20 * s, a);
  back.evict(20 * s, b);
  BOOST_TEST(show(a) == show(b));
  BOOST_TEST(encode_cells(a[0].values) == encode_cells(b[0].values));
  std::string bad = saved[0].second;
  bad[0] = 0x07;
  auto st = window_state(g).load(saved[0].first, bad);
  BOOST_TEST(!st.is_ok());
  BOOST_TEST(st.message().find("version 7") != std::string::npos);
}

// The epoch deltas, applied one after another to a map standing for the committed rows, must
// leave exactly what `save` lists — through creations, updates, evictions, a restore from the
// committed rows, and a state that lists nothing changed.
BOOST_AUTO_TEST_CASE(epoch_deltas_bring_the_committed_rows_to_the_state) {
  auto g = grouping(output_mode::append, 10);
  std::map<std::string, std::string> committed;
  auto commit = [&](aggregate_state& w) {
    state_delta d;
    w.take_delta(d);
    for (const auto& k : d.deletes) BOOST_TEST(committed.erase(k) == 1u, "a delete of a key never committed");
    for (auto& [k, v] : d.puts) committed[k] = v;
    std::map<std::string, std::string> listed;
    w.save([&](std::string k, std::string v) { listed[std::move(k)] = std::move(v); });
    BOOST_TEST((listed == committed));
    return d;
  };
  window_state w(g);
  std::vector<row> out;
  w.process(rows({{"a", 1, 5}, {"b", 2, 6}, {"c", 11, 1}}), 0, nullptr);
  BOOST_TEST(commit(w).puts.size() == 3u);
  BOOST_TEST(commit(w).puts.empty());  // nothing changed: nothing written
  w.process(rows({{"a", 3, 1}, {"d", 25, 1}}), 0, nullptr);
  auto d = commit(w);
  BOOST_TEST(d.puts.size() == 2u);             // a@0 updated, d@20 created; b and c untouched
  w.process(rows({{"e", 4, 1}}), 0, nullptr);  // created and evicted in one epoch: never written
  w.emit(10 * s, true, out);                   // windows [0,10) close: a, b, e
  d = commit(w);
  BOOST_TEST(d.deletes.size() == 2u);
  BOOST_TEST(d.puts.empty());
  window_state back(g);  // restore, then go on from the committed rows
  for (const auto& [k, v] : committed) BOOST_TEST(back.restore(k, v).is_ok());
  BOOST_TEST(commit(back).puts.empty());
  back.process(rows({{"c", 12, 1}, {"f", 13, 1}}), 10 * s, nullptr);
  back.emit(20 * s, true, out);  // c@10 updated then closed, f@10 created and closed
  d = commit(back);
  BOOST_TEST(d.deletes.size() == 1u);  // c only: f was never committed
  BOOST_TEST(committed.size() == 1u);  // d@20
}

// Rows of version 2 (written before cells were packed: the key cells as a JSON array) load.
BOOST_AUTO_TEST_CASE(version_2_rows_with_json_key_cells_are_read) {
  auto g = grouping(output_mode::append, 10);
  window_state w(g);
  w.process(rows({{"a", 1, 5}, {"a", 2, 6}}), 0, nullptr);
  std::string key, v3;
  w.save([&](std::string k, std::string v) { key = std::move(k), v3 = std::move(v); });
  std::string_view rest(v3);
  rest.remove_prefix(1 + 24);  // version, start, end, expires
  std::vector<value> cells;
  BOOST_REQUIRE(unpack_cells(rest, cells));
  std::string v2 = std::string(1, '\x02') + v3.substr(1, 24);
  put_bytes(v2, encode_cells(cells));
  v2 += rest;  // the accumulators, unchanged between versions 2 and 3
  window_state back(g);
  BOOST_REQUIRE(back.load(key, v2).is_ok());
  std::vector<row> a, b;
  w.evict(20 * s, a);
  back.evict(20 * s, b);
  BOOST_TEST(show(a) == show(b));
  BOOST_TEST(show(b) == std::vector<std::string>{"a@0:2/11"});
}

BOOST_AUTO_TEST_SUITE_END()
