#include "messages/data/packed_cells.hpp"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <limits>

using namespace sluice;

BOOST_AUTO_TEST_SUITE(messages_data_packed_cells)

BOOST_AUTO_TEST_CASE(every_kind_of_value_comes_back_exactly) {
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<value> cells{value{},
                           value{true},
                           value{false},
                           value{int64_t{0}},
                           value{int64_t{-1}},
                           value{std::numeric_limits<int64_t>::min()},
                           value{std::numeric_limits<int64_t>::max()},
                           value{2.5},
                           value{-0.0},
                           value{inf},
                           value{-inf},
                           value{std::numeric_limits<double>::quiet_NaN()},
                           value{std::string()},
                           value{std::string("h\0llo \xe2\x82\xac", 10)}};
  std::string packed = "prefix";
  pack_cells(cells, packed);
  packed += "after";
  std::string_view in(packed);
  in.remove_prefix(6);
  std::vector<value> back{value{int64_t{7}}};  // replaced, not appended to
  BOOST_REQUIRE(unpack_cells(in, back));
  BOOST_TEST(in == "after");  // reads exactly its own bytes
  BOOST_REQUIRE_EQUAL(back.size(), cells.size());
  for (size_t i = 0; i < cells.size(); ++i) {
    BOOST_TEST(back[i].index() == cells[i].index(), "cell " << i);
    if (auto* d = std::get_if<double>(&cells[i])) {
      double b = std::get<double>(back[i]);
      BOOST_TEST((std::isnan(*d) ? std::isnan(b) : (b == *d && std::signbit(b) == std::signbit(*d))), "cell " << i);
    } else {
      BOOST_TEST((back[i] == cells[i]), "cell " << i);
    }
  }
}

BOOST_AUTO_TEST_CASE(small_numbers_take_two_bytes) {
  std::string packed;
  pack_cells({value{int64_t{-3}}, value{int64_t{60}}}, packed);
  BOOST_TEST(packed.size() == 5u);  // count, then tag + one zigzag byte each
}

BOOST_AUTO_TEST_CASE(truncated_or_foreign_input_is_refused) {
  std::string packed;
  pack_cells({value{int64_t{1} << 40}, value{1.5}, value{std::string("abc")}}, packed);
  std::vector<value> cells;
  for (size_t n = 0; n < packed.size(); ++n) {
    std::string_view cut(packed.data(), n);
    BOOST_TEST(!unpack_cells(cut, cells), "a prefix of " << n << " bytes was accepted");
  }
  std::string foreign = packed;
  foreign[1] = 0x09;  // no such tag
  std::string_view in(foreign);
  BOOST_TEST(!unpack_cells(in, cells));
  std::string huge = "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01";  // a count past 64 bits
  in = huge;
  BOOST_TEST(!unpack_cells(in, cells));
}

BOOST_AUTO_TEST_SUITE_END()
