// value: one cell of a row.
//
// Contract: a value is null, a bool, an int64, a double or a string. Timestamps are int64
// microseconds since the Unix epoch, UTC; which int64 cells are timestamps is said by the
// schema (messages/data/schema.hpp), never by the value. Values compare with SQL rules in
// expressions (a comparison with null is false, see messages/expr/expression.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <variant>

namespace sluice {

using value = std::variant<std::monostate, bool, int64_t, double, std::string>;

inline bool is_null(const value& v) {
  return v.index() == 0;
}

/// Numeric view of a value: bools and ints widen to double; strings and nulls give false.
bool as_double(const value& v, double& out);

/// Three-way comparison for non-null values of compatible kinds (numbers with numbers,
/// strings with strings, bools with bools). Returns false when they cannot be compared.
bool compare_values(const value& a, const value& b, int& result);

/// Equality used for keys and `=`: numbers compare numerically (1 == 1.0).
bool values_equal(const value& a, const value& b);

/// Short human form for messages and logs: null, true, 42, 1.5, "text".
std::string to_display(const value& v);

}  // namespace sluice
