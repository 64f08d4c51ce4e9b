// Hand-worked temporal join cases (Flink's FOR SYSTEM_TIME AS OF): a probe row of time t joins
// its key's version with the latest time ≤ t, unless that version is a delete. Times are
// seconds, stored as µs. Probe rows (key, time, id); versions (key, time, value, deleted);
// output "id:value" ("id:-" without a valid version).
#include "state/operators/join/temporal_join_state.hpp"

#include <boost/test/unit_test.hpp>

using namespace sluice;

namespace {

constexpr int64_t s = 1'000'000;

temporal_join_spec spec(bool inner = false) {
  temporal_join_spec j;
  j.inner = inner;
  j.keys = {{0, 0}};
  j.probe_time = 1;
  j.table_time = 1;
  j.deleted = 3;
  j.project = [](row& p, const row* v) { return row{{p.values[2], v ? v->values[2] : value{}}, p.event_time_us}; };
  return j;
}

std::vector<row> probes(std::initializer_list<std::array<int64_t, 3>> xs) {
  std::vector<row> out;
  for (auto& x : xs) out.push_back(row{{x[0], x[1] * s, x[2]}, x[1] * s});
  return out;
}

std::vector<row> versions(std::initializer_list<std::tuple<int64_t, int64_t, std::string, bool>> xs) {
  std::vector<row> out;
  for (auto& [k, t, v, d] : xs) out.push_back(row{{k, t * s, v, d}, t * s});
  return out;
}

std::vector<std::string> text(const std::vector<row>& out) {
  std::vector<std::string> v;
  for (const auto& r : out)
    v.push_back(std::to_string(std::get<int64_t>(r.values[0])) + ":" +
                (r.values[1].index() == 4 ? std::get<std::string>(r.values[1]) : "-"));
  return v;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(state_operators_join_temporal_join_state)

// Versions of key 1 at 10 s (a), 20 s (b), 30 s (deleted), 40 s (c). Probes at 5, 10, 15, 20,
// 35, 45 s join: none, a (valid from 10 s on), a, b, none (deleted), c.
BOOST_AUTO_TEST_CASE(each_probe_row_joins_the_version_valid_at_its_time) {
  temporal_join_state j(spec());
  auto v = versions({{1, 10, "a", false}, {1, 30, "", true}, {1, 20, "b", false}, {1, 40, "c", false}});
  j.add_versions(v, 0);
  auto p = probes({{1, 35, 5}, {1, 5, 1}, {1, 10, 2}, {1, 15, 3}, {1, 20, 4}, {1, 45, 6}});
  j.add_probe(p, 0);
  std::vector<row> out;
  j.advance(50 * s, out);
  // In time order, whatever the arrival order.
  BOOST_TEST(text(out) == (std::vector<std::string>{"1:-", "2:a", "3:a", "4:b", "5:-", "6:c"}),
             boost::test_tools::per_element());
  auto c = j.take_counters();
  BOOST_TEST(c.emitted == 6);
  BOOST_TEST(c.misses == 2);
}

// Rows wait for the watermark: a probe at 25 s is not emitted at W = 20 s, and a version that
// arrives before the watermark passes 25 s still counts for it.
BOOST_AUTO_TEST_CASE(rows_wait_until_the_watermark_passes_them) {
  temporal_join_state j(spec());
  auto v1 = versions({{1, 10, "a", false}});
  j.add_versions(v1, 0);
  auto p = probes({{1, 25, 1}, {1, 15, 2}});
  j.add_probe(p, 0);
  std::vector<row> out;
  j.advance(20 * s, out);
  BOOST_TEST(text(out) == (std::vector<std::string>{"2:a"}), boost::test_tools::per_element());
  BOOST_TEST(j.buffered_probe_rows() == 1);
  auto v2 = versions({{1, 22, "b", false}});
  j.add_versions(v2, 20 * s);
  out.clear();
  j.advance(30 * s, out);
  BOOST_TEST(text(out) == (std::vector<std::string>{"1:b"}), boost::test_tools::per_element());
}

// Late rows (time ≤ the late watermark) are dropped from both inputs and counted.
BOOST_AUTO_TEST_CASE(late_rows_are_dropped) {
  temporal_join_state j(spec());
  auto v = versions({{1, 10, "a", false}, {1, 30, "b", false}});
  std::vector<row> late;
  j.add_versions(v, 20 * s, &late);
  auto p = probes({{1, 20, 1}, {1, 35, 2}});
  j.add_probe(p, 20 * s, &late);
  BOOST_TEST(late.size() == 2u);
  std::vector<row> out;
  j.advance(40 * s, out);
  BOOST_TEST(text(out) == (std::vector<std::string>{"2:b"}), boost::test_tools::per_element());
  auto c = j.take_counters();
  BOOST_TEST(c.late_probe == 1);
  BOOST_TEST(c.late_versions == 1);
}

// After W, only the latest version ≤ W and later ones stay; a delete ≤ W takes its key away.
BOOST_AUTO_TEST_CASE(versions_older_than_the_watermark_are_dropped) {
  temporal_join_state j(spec());
  auto v = versions({{1, 10, "a", false},
                     {1, 20, "b", false},
                     {1, 40, "c", false},
                     {2, 10, "x", false},
                     {2, 20, "", true},
                     {3, 10, "y", false}});
  j.add_versions(v, 0);
  std::vector<row> out;
  j.advance(30 * s, out);
  BOOST_TEST(j.versions() == 3);  // 1@20, 1@40, 3@10
  BOOST_TEST(j.keys() == 2);
  BOOST_TEST(j.take_counters().versions_removed == 3);
  auto p = probes({{1, 31, 1}, {2, 31, 2}, {3, 31, 3}, {1, 41, 4}});
  j.add_probe(p, 30 * s);
  j.advance(50 * s, out);
  BOOST_TEST(text(out) == (std::vector<std::string>{"1:b", "2:-", "3:y", "4:c"}), boost::test_tools::per_element());
}

// A second version at the same instant replaces the first; inner drops rows without one.
BOOST_AUTO_TEST_CASE(same_instant_replaces_and_inner_drops_misses) {
  temporal_join_state j(spec(true));
  auto v = versions({{1, 10, "a", false}, {1, 10, "a2", false}});
  j.add_versions(v, 0);
  auto p = probes({{1, 12, 1}, {2, 12, 2}});
  j.add_probe(p, 0);
  std::vector<row> out;
  j.advance(20 * s, out);
  BOOST_TEST(text(out) == (std::vector<std::string>{"1:a2"}), boost::test_tools::per_element());
  BOOST_TEST(j.take_counters().misses == 1);
}

// What a snapshot lists, restored into a fresh state, gives the same answers.
BOOST_AUTO_TEST_CASE(restore_gives_the_same_answers) {
  temporal_join_state a(spec());
  auto v = versions({{1, 10, "a", false}, {1, 20, "b", false}});
  a.add_versions(v, 0);
  auto p = probes({{1, 25, 1}, {1, 15, 2}});
  a.add_probe(p, 0);
  temporal_join_state b(spec());
  a.for_each_probe([&](int64_t t, uint64_t arrival, const row& r) { b.restore_probe(t, arrival, r); });
  a.for_each_version([&](const std::string&, int64_t, const row& r) { b.restore_version(r); });
  BOOST_TEST(b.memory_used_bytes() == a.memory_used_bytes());
  std::vector<row> out_a, out_b;
  a.advance(30 * s, out_a);
  b.advance(30 * s, out_b);
  BOOST_TEST(text(out_b) == text(out_a), boost::test_tools::per_element());
  BOOST_TEST(text(out_b) == (std::vector<std::string>{"2:a", "1:b"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
