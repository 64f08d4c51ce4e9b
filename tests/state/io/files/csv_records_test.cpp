// csv_records: RFC 4180 records turned into JSON objects by the schema's column types.
#include "state/io/files/csv_records.hpp"

#include <boost/test/unit_test.hpp>
#include <vector>

using namespace sluice;

namespace {

schema products() {
  return schema(std::vector<column>{{"product_id", column_type::int64},
                                    {"name", column_type::string},
                                    {"price", column_type::float64, false},
                                    {"active", column_type::boolean, false}});
}

struct result {
  std::vector<std::string> rows, bad;
};

result convert(std::string_view text) {
  result r;
  csv_to_json_rows(
      text, products(), [&](const std::string& j) { r.rows.push_back(j); },
      [&](const std::string& why) { r.bad.push_back(why); });
  return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(state_io_files_csv_records)

BOOST_AUTO_TEST_CASE(fields_are_typed_by_the_schema_and_quotes_follow_rfc_4180) {
  auto r = convert(
      "product_id,name,price,active,extra\r\n"
      "1,pen,2.5,true,x\r\n"
      "\n"
      "2,\"ink, blue\",,false,y\n"
      "3,\"say \"\"hi\"\"\nthere\",abc,yes,z\n"
      "4,\"\",7,,w\n"
      "+5,x,.5,,v\n"
      "007,y,1.,,u");
  BOOST_TEST(r.bad.empty());
  BOOST_TEST(
      r.rows == (std::vector<std::string>{R"({"product_id":1,"name":"pen","price":2.5,"active":true})",
                                          R"({"product_id":2,"name":"ink, blue","price":null,"active":false})",
                                          // a price that is not a number stays text: the row decoder refuses it
                                          R"({"product_id":3,"name":"say \"hi\"\nthere","price":"abc","active":"yes"})",
                                          R"({"product_id":4,"name":"","price":7,"active":null})",
                                          R"({"product_id":5,"name":"x","price":0.5,"active":null})",
                                          R"({"product_id":7,"name":"y","price":1,"active":null})"}),
      boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(records_of_the_wrong_width_and_open_quotes_are_reported) {
  auto r = convert("\xEF\xBB\xBFproduct_id,name\n1,a,b\n2,b\n3,\"open\n");
  BOOST_TEST(r.rows == (std::vector<std::string>{R"({"product_id":2,"name":"b"})"}), boost::test_tools::per_element());
  BOOST_TEST(r.bad == (std::vector<std::string>{"record 1 has 3 fields; the header has 2",
                                                "record 3: a quoted field is not closed"}),
             boost::test_tools::per_element());
  BOOST_TEST(is_csv_data_file("p.csv"));
  BOOST_TEST(!is_csv_data_file(".p.csv"));
  BOOST_TEST(!is_csv_data_file("p.jsonl"));
}

BOOST_AUTO_TEST_SUITE_END()
