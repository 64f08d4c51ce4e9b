// expression: the small expression form of JSON pipelines and replay cases
// (replay-format.md "Expressions"), compiled once against a schema, evaluated per row.
//
// Grammar (prefix JSON arrays):
//   ["and", e…] ["or", e…] ["not", e]                     logic, null counts as false
//   ["=", a, b] ["!=", a, b] ["<", a, b] ["<=", a, b] [">", a, b] [">=", a, b]
//                                                        a comparison with null is false
//   ["+", a, b] ["-", a, b] ["*", a, b] ["/", a, b] ["%", a, b]
//                                                        int64 op int64 is int64 (except /),
//                                                        else double; null in, null out
//   ["is_null", e] ["is_not_null", e] ["coalesce", e…]
//   "name"              a column (a bare name, or `left.x` / `right.y` where the resolver
//                       knows them); {"col": "name"} is the same
//   42, 2.5, true, null a literal; {"lit": "text"} a string literal
// Compile errors (unknown column, unknown operator, wrong arity) throw
// `std::invalid_argument` naming the offending part, so a bad pipeline is refused at build.
#pragma once

#include <boost/json/value.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "messages/data/row.hpp"
#include "messages/data/schema.hpp"

namespace sluice {

class expression {
 public:
  struct node {
    virtual ~node() = default;
    /// The result; may point into the row or into `scratch`.
    virtual const value& eval(const row& r, value& scratch) const = 0;
    virtual column_type type() const = 0;
    virtual std::string describe() const = 0;
  };

  /// Maps a column reference to its index in the evaluated row.
  using resolver = std::function<std::optional<std::pair<size_t, column_type>>(std::string_view)>;

  static expression compile(const boost::json::value& spec, const resolver& resolve);
  static expression compile(const boost::json::value& spec, const schema& s);

  value eval(const row& r) const {
    value scratch;
    return root_->eval(r, scratch);
  }
  /// True only for a true bool result (null and false both reject the row).
  bool test(const row& r) const {
    value scratch;
    const value& v = root_->eval(r, scratch);
    return v.index() == 1 && std::get<bool>(v);
  }
  column_type type() const { return root_->type(); }
  std::string describe() const { return root_->describe(); }

 private:
  explicit expression(std::shared_ptr<const node> root) : root_(std::move(root)) {}
  std::shared_ptr<const node> root_;
};

/// Resolver over one schema: bare column names.
expression::resolver schema_resolver(const schema& s);

}  // namespace sluice
