#include "messages/data/record.hpp"

#include <stdexcept>

namespace sluice {

const value& record::operator[](std::string_view column) const {
  auto i = schema_.index_of(column);
  if (!i) throw std::out_of_range("no column '" + std::string(column) + "' in (" + schema_.describe() + ")");
  return row_.values[*i];
}

double record::num(std::string_view column) const {
  double d = 0;
  as_double((*this)[column], d);
  return d;
}

std::string record::str(std::string_view column) const {
  const value& v = (*this)[column];
  if (v.index() == 4) return std::get<std::string>(v);
  return is_null(v) ? std::string{} : to_display(v);
}

}  // namespace sluice
