#include "messages/expr/expression.hpp"

#include <boost/json.hpp>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace sluice {
namespace {
namespace json = boost::json;
using node = expression::node;
using node_ptr = std::shared_ptr<const node>;

const value null_value{};
const value true_value{true};
const value false_value{false};

struct column_ref final : node {
  size_t index;
  column_type t;
  std::string name;
  column_ref(size_t i, column_type ty, std::string n) : index(i), t(ty), name(std::move(n)) {}
  const value& eval(const row& r, value&) const override { return r.values[index]; }
  column_type type() const override { return t; }
  std::string describe() const override { return name; }
};

struct literal final : node {
  value v;
  explicit literal(value x) : v(std::move(x)) {}
  const value& eval(const row&, value&) const override { return v; }
  column_type type() const override {
    switch (v.index()) {
      case 0:
        return column_type::null;
      case 1:
        return column_type::boolean;
      case 2:
        return column_type::int64;
      case 3:
        return column_type::float64;
      default:
        return column_type::string;
    }
  }
  std::string describe() const override { return to_display(v); }
};

enum class op { eq, ne, lt, le, gt, ge, add, sub, mul, div, mod, and_, or_, not_, is_null, is_not_null, coalesce };

struct operation final : node {
  op o;
  std::string name;
  std::vector<node_ptr> args;
  operation(op x, std::string n, std::vector<node_ptr> a) : o(x), name(std::move(n)), args(std::move(a)) {}

  const value& eval(const row& r, value& scratch) const override {
    switch (o) {
      case op::and_:
        for (const auto& a : args) {
          value s;
          const value& v = a->eval(r, s);
          if (!(v.index() == 1 && std::get<bool>(v))) return false_value;
        }
        return true_value;
      case op::or_:
        for (const auto& a : args) {
          value s;
          const value& v = a->eval(r, s);
          if (v.index() == 1 && std::get<bool>(v)) return true_value;
        }
        return false_value;
      case op::not_: {
        value s;
        const value& v = args[0]->eval(r, s);
        return v.index() == 1 && std::get<bool>(v) ? false_value : true_value;
      }
      case op::is_null: {
        value s;
        return is_null(args[0]->eval(r, s)) ? true_value : false_value;
      }
      case op::is_not_null: {
        value s;
        return is_null(args[0]->eval(r, s)) ? false_value : true_value;
      }
      case op::coalesce:
        for (const auto& a : args) {
          const value& v = a->eval(r, scratch);
          if (!is_null(v)) {
            if (&v != &scratch) scratch = v;
            return scratch;
          }
        }
        return null_value;
      default:
        break;
    }
    value sa, sb;
    const value& a = args[0]->eval(r, sa);
    const value& b = args[1]->eval(r, sb);
    if (o <= op::ge) {
      int c;
      if (!compare_values(a, b, c)) return false_value;
      bool res = o == op::eq   ? c == 0
                 : o == op::ne ? c != 0
                 : o == op::lt ? c < 0
                 : o == op::le ? c <= 0
                 : o == op::gt ? c > 0
                               : c >= 0;
      return res ? true_value : false_value;
    }
    if (is_null(a) || is_null(b)) return null_value;
    if (a.index() == 2 && b.index() == 2 && o != op::div)
      return arithmetic(std::get<int64_t>(a), std::get<int64_t>(b), scratch);
    double x, y;
    if (!as_double(a, x) || !as_double(b, y)) return null_value;
    return arithmetic(x, y, scratch);
  }

  // + − × ÷ % on one number kind; division or remainder by zero gives null.
  template <class T>
  const value& arithmetic(T x, T y, value& scratch) const {
    switch (o) {
      case op::add:
        scratch = x + y;
        break;
      case op::sub:
        scratch = x - y;
        break;
      case op::mul:
        scratch = x * y;
        break;
      case op::div:
        if (y == 0) return null_value;
        scratch = x / y;
        break;
      default:
        if (y == 0) return null_value;
        if constexpr (std::is_integral_v<T>)
          scratch = x % y;
        else
          scratch = std::fmod(x, y);
    }
    return scratch;
  }

  column_type type() const override {
    switch (o) {
      case op::add:
      case op::sub:
      case op::mul:
      case op::mod:
        return args[0]->type() == column_type::int64 && args[1]->type() == column_type::int64 ? column_type::int64
                                                                                              : column_type::float64;
      case op::div:
        return column_type::float64;
      case op::coalesce:
        return args[0]->type();
      default:
        return column_type::boolean;
    }
  }

  std::string describe() const override {
    std::string out = "(" + name;
    for (const auto& a : args) out += " " + a->describe();
    return out + ")";
  }
};

node_ptr build(const json::value& spec, const expression::resolver& resolve) {
  auto column = [&](std::string_view name) -> node_ptr {
    auto found = resolve(name);
    if (!found) throw std::invalid_argument("expression refers to unknown column '" + std::string(name) + "'");
    return std::make_shared<column_ref>(found->first, found->second, std::string(name));
  };
  switch (spec.kind()) {
    case json::kind::null:
      return std::make_shared<literal>(value{});
    case json::kind::bool_:
      return std::make_shared<literal>(value{spec.get_bool()});
    case json::kind::int64:
      return std::make_shared<literal>(value{spec.get_int64()});
    case json::kind::uint64:
      return std::make_shared<literal>(value{static_cast<int64_t>(spec.get_uint64())});
    case json::kind::double_:
      return std::make_shared<literal>(value{spec.get_double()});
    case json::kind::string:
      return column(spec.get_string());
    case json::kind::object: {
      const auto& o = spec.get_object();
      if (auto* lit = o.if_contains("lit")) {
        if (lit->is_string()) return std::make_shared<literal>(value{std::string(lit->get_string())});
        return build(*lit, resolve);
      }
      if (auto* c = o.if_contains("col"); c && c->is_string()) return column(c->get_string());
      throw std::invalid_argument("expression object must be {\"lit\": …} or {\"col\": name}, got " +
                                  json::serialize(spec));
    }
    case json::kind::array:
      break;
  }
  const auto& arr = spec.get_array();
  if (arr.empty() || !arr[0].is_string())
    throw std::invalid_argument("expression array must start with an operator name, got " + json::serialize(spec));
  std::string name(arr[0].get_string());
  static const std::vector<std::pair<std::string, op>> ops = {{"=", op::eq},
                                                              {"==", op::eq},
                                                              {"!=", op::ne},
                                                              {"<>", op::ne},
                                                              {"<", op::lt},
                                                              {"<=", op::le},
                                                              {">", op::gt},
                                                              {">=", op::ge},
                                                              {"+", op::add},
                                                              {"-", op::sub},
                                                              {"*", op::mul},
                                                              {"/", op::div},
                                                              {"%", op::mod},
                                                              {"and", op::and_},
                                                              {"or", op::or_},
                                                              {"not", op::not_},
                                                              {"is_null", op::is_null},
                                                              {"is_not_null", op::is_not_null},
                                                              {"coalesce", op::coalesce}};
  const op* found = nullptr;
  for (const auto& [n, o] : ops)
    if (n == name) found = &o;
  if (!found)
    throw std::invalid_argument("unknown operator '" + name +
                                "' (accepted: and or not = != < <= > >= + - * / % is_null is_not_null coalesce)");
  std::vector<node_ptr> args;
  for (size_t i = 1; i < arr.size(); ++i) args.push_back(build(arr[i], resolve));
  size_t n = args.size();
  op o = *found;
  bool ok = (o == op::and_ || o == op::or_ || o == op::coalesce)          ? n >= 1
            : (o == op::not_ || o == op::is_null || o == op::is_not_null) ? n == 1
                                                                          : n == 2;
  if (!ok)
    throw std::invalid_argument("operator '" + name + "' given " + std::to_string(n) + " operands in " +
                                json::serialize(spec));
  return std::make_shared<operation>(o, name, std::move(args));
}

}  // namespace

expression expression::compile(const boost::json::value& spec, const resolver& resolve) {
  return expression(build(spec, resolve));
}

expression expression::compile(const boost::json::value& spec, const schema& s) {
  return compile(spec, schema_resolver(s));
}

expression::resolver schema_resolver(const schema& s) {
  return [&s](std::string_view name) -> std::optional<std::pair<size_t, column_type>> {
    auto i = s.index_of(name);
    if (!i) return std::nullopt;
    return std::make_pair(*i, s.at(*i).type);
  };
}

}  // namespace sluice
