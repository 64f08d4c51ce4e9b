// temporal_join_actor: a partition's checkpoint rows (docs/formats/temporal-join-state.md) —
// what save() lists, loaded into a fresh handler, gives the same rows at the next watermark;
// values of another version and rows under unknown keys are refused.
#include "actors/operators/join/temporal_join_actor.hpp"

#include <boost/test/unit_test.hpp>
#include <map>

using namespace sluice;

namespace {

constexpr int64_t s = 1'000'000;

// Probe and table rows: (key, time, name); output: probe key, probe time, table name.
temporal_join_partition_options options() {
  temporal_join_partition_options o;
  o.spec.keys = {{0, 0}};
  o.spec.probe_time = 1;
  o.spec.table_time = 1;
  o.spec.deleted = 3;
  o.spec.project = [](row& p, const row* v) {
    return row{{p.values[0], p.values[1], v ? v->values[2] : value{}}, p.event_time_us};
  };
  auto cols =
      std::vector<column>{{"k", column_type::string}, {"t", column_type::timestamp}, {"n", column_type::string}};
  o.input_schemas[0] = o.input_schemas[1] = std::make_shared<const schema>(cols, "t");
  o.output_schema = o.input_schemas[0];
  return o;
}

batch rows(int input, std::vector<std::tuple<std::string, int64_t, std::string>> xs) {
  batch b;
  b.input = input;
  b.schema = options().input_schemas[0];
  for (auto& [k, t, n] : xs) b.rows.push_back(row{{k, t * s, n, n == "deleted"}, t * s});
  return b;
}

std::vector<std::string> emit(temporal_join_handler& h, int64_t watermark_s) {
  host_output out;
  trigger_end end;
  end.next_watermark_us = watermark_s * s;
  h.on_watermark(end, out);
  std::vector<std::string> v;
  for (const auto& r : out.rows)
    v.push_back(std::get<std::string>(r.values[0]) + "@" + std::to_string(std::get<int64_t>(r.values[1]) / s) + ":" +
                (r.values[2].index() == 4 ? std::get<std::string>(r.values[2]) : "-"));
  return v;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(actors_operators_join_temporal_join_actor)

BOOST_AUTO_TEST_CASE(saved_rows_loaded_into_a_fresh_partition_give_the_same_answers) {
  temporal_join_handler a(options());
  host_output out;
  auto versions = rows(1, {{"a-long-key-past-the-small-string-buffer", 10, "v1"},
                           {"a-long-key-past-the-small-string-buffer", 20, "v2"},
                           {"b", 5, "b1"}});
  a.on_batch(versions, 0, out);
  auto probes = rows(0, {{"a-long-key-past-the-small-string-buffer", 25, ""},
                         {"a-long-key-past-the-small-string-buffer", 15, ""},
                         {"b", 30, ""},
                         {"c", 12, ""}});
  a.on_batch(probes, 0, out);
  std::map<std::string, std::string> saved;
  a.save([&](std::string_view k, std::string_view v) { saved[std::string(k)] = v; });
  BOOST_TEST(saved.size() == 7u);  // 4 probe rows, 3 versions
  temporal_join_handler b(options());
  for (const auto& [k, v] : saved) BOOST_TEST_REQUIRE(b.load(k, v).is_ok());
  auto want = std::vector<std::string>{"c@12:-", "a-long-key-past-the-small-string-buffer@15:v1",
                                       "a-long-key-past-the-small-string-buffer@25:v2", "b@30:b1"};
  BOOST_TEST(emit(b, 40) == want, boost::test_tools::per_element());
  BOOST_TEST(emit(a, 40) == want, boost::test_tools::per_element());
  // Once every key is deleted and the watermark passed, nothing is held: the memory count
  // went back to zero on both, whatever the restored strings' capacities.
  for (auto* h : {&a, &b}) {
    auto deletes = rows(1, {{"a-long-key-past-the-small-string-buffer", 41, "deleted"}, {"b", 41, "deleted"}});
    h->on_batch(deletes, 40 * s, out);
    BOOST_TEST(emit(*h, 50).empty());
    BOOST_TEST(h->stats().num_rows_total == 0);
    BOOST_TEST(h->stats().memory_used_bytes == 0);
  }
}

BOOST_AUTO_TEST_CASE(other_versions_and_unknown_keys_are_refused) {
  temporal_join_handler h(options());
  std::string v = encode_temporal_row(row{{std::string("a"), int64_t{1}, std::string("x"), false}, 0});
  BOOST_TEST(h.load(temporal_version_key("k", 1), v).is_ok());
  v[0] = 0x02;
  auto st = h.load(temporal_version_key("k", 2), v);
  BOOST_TEST(st.to_string().find("format version 2; this sluice reads version 1") != std::string::npos, st.to_string());
  BOOST_TEST(!h.load(temporal_probe_key(1, 1), "").is_ok());
  BOOST_TEST(h.load("z", encode_temporal_row(row{})).to_string().find("unknown key") != std::string::npos);
  // Probe keys sort by time, negative times first.
  BOOST_TEST((temporal_probe_key(-5, 9) < temporal_probe_key(3, 0)));
  BOOST_TEST((temporal_probe_key(3, 0) < temporal_probe_key(3, 1)));
}

BOOST_AUTO_TEST_SUITE_END()
