#include "messages/expr/expression.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

using namespace sluice;
namespace json = boost::json;

namespace {
const schema& s() {
  static const schema sc({{"a", column_type::int64}, {"b", column_type::float64}, {"c", column_type::string, false}});
  return sc;
}
row r(value a, value b, value c) {
  return row{{std::move(a), std::move(b), std::move(c)}, 0};
}
}  // namespace

BOOST_AUTO_TEST_SUITE(messages_expr_expression)

BOOST_AUTO_TEST_CASE(comparisons_and_logic) {
  auto e = expression::compile(json::parse(R"(["and", [">", "a", 1], ["<=", "b", 2.5]])"), s());
  BOOST_TEST(e.test(r(int64_t{2}, 2.5, value{})));
  BOOST_TEST(!e.test(r(int64_t{1}, 2.5, value{})));
  auto o = expression::compile(json::parse(R"(["or", ["=", "c", {"lit": "x"}], ["not", ["!=", "a", 3]]])"), s());
  BOOST_TEST(o.test(r(int64_t{3}, 0.0, value{})));
  BOOST_TEST(o.test(r(int64_t{0}, 0.0, std::string("x"))));
  BOOST_TEST(!o.test(r(int64_t{0}, 0.0, std::string("y"))));
}

BOOST_AUTO_TEST_CASE(null_compares_false_both_ways) {
  auto eq = expression::compile(json::parse(R"(["=", "c", {"lit": "x"}])"), s());
  auto ne = expression::compile(json::parse(R"(["!=", "c", {"lit": "x"}])"), s());
  BOOST_TEST(!eq.test(r(int64_t{0}, 0.0, value{})));
  BOOST_TEST(!ne.test(r(int64_t{0}, 0.0, value{})));
  auto isnull = expression::compile(json::parse(R"(["is_null", "c"])"), s());
  BOOST_TEST(isnull.test(r(int64_t{0}, 0.0, value{})));
}

BOOST_AUTO_TEST_CASE(arithmetic_types) {
  auto ints = expression::compile(json::parse(R"(["*", ["+", "a", 2], 3])"), s());
  BOOST_TEST((ints.type() == column_type::int64));
  BOOST_TEST(std::get<int64_t>(ints.eval(r(int64_t{1}, 0.0, value{}))) == 9);
  auto div = expression::compile(json::parse(R"(["/", "a", 2])"), s());
  BOOST_TEST((div.type() == column_type::float64));
  BOOST_TEST(std::get<double>(div.eval(r(int64_t{3}, 0.0, value{}))) == 1.5);
  BOOST_TEST(is_null(div.eval(r(int64_t{3}, 0.0, value{}))) == false);
  auto by_zero = expression::compile(json::parse(R"(["/", "a", 0])"), s());
  BOOST_TEST(is_null(by_zero.eval(r(int64_t{3}, 0.0, value{}))));
}

BOOST_AUTO_TEST_CASE(refuses_unknown_columns_and_operators) {
  BOOST_CHECK_EXCEPTION(
      expression::compile(json::parse(R"([">", "zz", 1])"), s()), std::invalid_argument,
      [](const std::invalid_argument& e) { return std::string(e.what()).find("'zz'") != std::string::npos; });
  BOOST_CHECK_EXCEPTION(expression::compile(json::parse(R"(["like", "c", 1])"), s()), std::invalid_argument,
                        [](const std::invalid_argument& e) {
                          return std::string(e.what()).find("unknown operator 'like'") != std::string::npos;
                        });
  BOOST_CHECK_THROW(expression::compile(json::parse(R"(["not", "a", "b"])"), s()), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
