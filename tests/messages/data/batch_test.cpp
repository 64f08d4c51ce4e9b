#include "messages/data/batch.hpp"

#include <boost/test/unit_test.hpp>

using namespace sluice;

BOOST_AUTO_TEST_SUITE(messages_data_batch)

BOOST_AUTO_TEST_CASE(schema_text_round_trips) {
  auto s = std::make_shared<const schema>(
      std::vector<column>{{"k", column_type::string}, {"ts", column_type::timestamp}, {"v", column_type::float64}},
      "ts");
  auto back = decode_schema(encode_schema(s));
  BOOST_TEST(encode_schema(s) == "k:string,ts:timestamp@,v:double");
  BOOST_TEST(back->describe() == s->describe());
}

BOOST_AUTO_TEST_CASE(cells_round_trip_with_kinds) {
  std::vector<value> cells{value{}, true, int64_t{-3}, 1.0, std::string("x\"y")};
  std::vector<value> back;
  BOOST_TEST(decode_cells(encode_cells(cells), back));
  BOOST_TEST(back.size() == 5u);
  BOOST_TEST(back[2].index() == 2u);
  BOOST_TEST(back[3].index() == 3u);  // 1.0 stays a double
  BOOST_TEST(std::get<std::string>(back[4]) == "x\"y");
  BOOST_TEST(!decode_cells("not json", back));
}

BOOST_AUTO_TEST_SUITE_END()
