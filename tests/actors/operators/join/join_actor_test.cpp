// The join through real actors: router + partitions + sink.
#include "actors/operators/join/join_actor.hpp"

#include <boost/test/unit_test.hpp>

#include "actors/plan/pipeline.hpp"
#include "test_support.hpp"

using namespace sluice;

BOOST_AUTO_TEST_SUITE(actors_operators_join_join_actor)

// The router must send equal keys to the same partition even when their kinds differ
// (int64 1 and double 1.0 are one key for the join), else matches silently vanish.
BOOST_AUTO_TEST_CASE(int_and_double_keys_meet_in_one_of_four_partitions) {
  test::temp_dir dir("join-actor");
  auto ints = std::make_shared<memory_reader::channel>();
  auto doubles = std::make_shared<memory_reader::channel>();
  for (int k = 1; k <= 200; ++k) {
    ints->push("{\"k\":" + std::to_string(k) + ",\"a\":" + std::to_string(k) + "}");
    doubles->push("{\"k\":" + std::to_string(k) + ".0,\"b\":" + std::to_string(-k) + "}");
  }
  ints->close();
  doubles->close();
  auto out = std::make_shared<memory_sink::store>();
  pipeline p("kinds");
  p.with_trigger({trigger_kind::available_now, 0}).with_max_records_per_trigger(50).with_dead_letters(dir.str("dead"));
  auto l = p.source(sources::memory(
      "ints", ints,
      std::make_shared<const schema>(std::vector<column>{{"k", column_type::int64}, {"a", column_type::int64}})));
  auto r = p.source(sources::memory(
      "doubles", doubles,
      std::make_shared<const schema>(std::vector<column>{{"k", column_type::float64}, {"b", column_type::int64}})));
  join_options j;
  j.on = {{"k", "k"}};
  j.output_columns = {"left.a", "right.b"};
  j.partitions = 4;
  l.join(r, j).to(sinks::memory(out));
  auto result = test::run(p.build());
  BOOST_TEST(result.ok);
  BOOST_TEST(out->rows.size() == 200u);
  for (const auto& [t, row] : out->rows)
    BOOST_TEST(std::get<int64_t>(row.values[0]) == -std::get<int64_t>(row.values[1]));
}

// Version 1 rows (the cells as a JSON array) are read; version 2 packs them; others are refused.
BOOST_AUTO_TEST_CASE(join_rows_of_versions_1_and_2_decode_and_others_are_refused) {
  row r{{value{int64_t{7}}, value{std::string("ab")}, value{}, value{2.5}}, 1'000'000};
  std::string v2 = encode_join_row(join_side::right, r, true);
  BOOST_TEST(v2[0] == 0x02);
  std::string v1 = std::string(1, '\x01') + v2.substr(1, 10) + encode_cells(r.values);
  for (const std::string& v : {v1, v2}) {
    join_side side = join_side::left;
    row back;
    bool matched = false;
    std::string error;
    BOOST_REQUIRE(decode_join_row(v, side, back, matched, error));
    BOOST_TEST((side == join_side::right));
    BOOST_TEST(matched);
    BOOST_TEST(back.event_time_us == r.event_time_us);
    BOOST_TEST(encode_cells(back.values) == encode_cells(r.values));
  }
  std::string v3 = v2;
  v3[0] = 0x03;
  join_side side;
  row back;
  bool matched;
  std::string error;
  BOOST_TEST(!decode_join_row(v3, side, back, matched, error));
  BOOST_TEST(error.find("version 3") != std::string::npos);
  BOOST_TEST(!decode_join_row(v2 + "x", side, back, matched, error));  // trailing bytes
}

BOOST_AUTO_TEST_SUITE_END()
