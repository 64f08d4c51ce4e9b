#include "messages/data/value.hpp"

namespace sluice {

bool as_double(const value& v, double& out) {
  switch (v.index()) {
    case 1:
      out = std::get<bool>(v) ? 1.0 : 0.0;
      return true;
    case 2:
      out = static_cast<double>(std::get<int64_t>(v));
      return true;
    case 3:
      out = std::get<double>(v);
      return true;
    default:
      return false;
  }
}

bool compare_values(const value& a, const value& b, int& result) {
  if (is_null(a) || is_null(b)) return false;
  if (a.index() == 2 && b.index() == 2) {
    auto x = std::get<int64_t>(a), y = std::get<int64_t>(b);
    result = x < y ? -1 : (x > y ? 1 : 0);
    return true;
  }
  if (a.index() == 4 || b.index() == 4) {
    if (a.index() != b.index()) return false;
    result = std::get<std::string>(a).compare(std::get<std::string>(b));
    result = result < 0 ? -1 : (result > 0 ? 1 : 0);
    return true;
  }
  double x, y;
  if (!as_double(a, x) || !as_double(b, y)) return false;
  result = x < y ? -1 : (x > y ? 1 : 0);
  return true;
}

bool values_equal(const value& a, const value& b) {
  int c;
  return compare_values(a, b, c) && c == 0;
}

std::string to_display(const value& v) {
  switch (v.index()) {
    case 0:
      return "null";
    case 1:
      return std::get<bool>(v) ? "true" : "false";
    case 2:
      return std::to_string(std::get<int64_t>(v));
    case 3: {
      std::string s = std::to_string(std::get<double>(v));
      return s;
    }
    default:
      return "\"" + std::get<std::string>(v) + "\"";
  }
}

}  // namespace sluice
