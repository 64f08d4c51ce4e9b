// record: a read-only view of one row by column name, what user lambdas (filters, computed
// columns, keyed processors) are handed. Valid only during the call that hands it out.
#pragma once

#include <string>
#include <string_view>

#include "messages/data/row.hpp"
#include "messages/data/schema.hpp"

namespace sluice {

/// Named access to one row for user lambdas: `r["amount"]`, `r.num("amount")`, `r.str("user")`.
class record {
 public:
  record(const schema& s, const row& r) : schema_(s), row_(r) {}
  const value& operator[](std::string_view column) const;
  double num(std::string_view column) const;       // 0 for null / non-numbers
  std::string str(std::string_view column) const;  // "" for null
  int64_t time_us() const { return row_.event_time_us; }
  const row& raw() const { return row_; }
  const schema& columns() const { return schema_; }

 private:
  const schema& schema_;
  const row& row_;
};

}  // namespace sluice
