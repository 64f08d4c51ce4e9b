#include "messages/data/schema.hpp"

#include <stdexcept>

#include "messages/data/enum_names.hpp"

namespace sluice {

schema::schema(std::vector<column> columns, std::string event_time_column) : columns_(std::move(columns)) {
  for (size_t i = 0; i < columns_.size(); ++i)
    for (size_t j = i + 1; j < columns_.size(); ++j)
      if (columns_[i].name == columns_[j].name)
        throw std::invalid_argument("column '" + columns_[i].name + "' is declared twice");
  if (!event_time_column.empty()) {
    auto idx = index_of(event_time_column);
    if (!idx)
      throw std::invalid_argument("event-time column '" + event_time_column + "' is not a column of the stream (" +
                                  describe() + ")");
    if (columns_[*idx].type != column_type::timestamp)
      throw std::invalid_argument("event-time column '" + event_time_column + "' must have type timestamp, not " +
                                  to_string(columns_[*idx].type));
    event_time_ = idx;
  }
}

std::optional<size_t> schema::index_of(std::string_view name) const {
  for (size_t i = 0; i < columns_.size(); ++i)
    if (columns_[i].name == name) return i;
  return std::nullopt;
}

std::string schema::describe() const {
  std::string out;
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (i) out += ", ";
    out += columns_[i].name + ":" + to_string(columns_[i].type);
    if (event_time_ && *event_time_ == i) out += "(event time)";
  }
  return out;
}

namespace {
constexpr enum_name<column_type> column_type_names[] = {
    {column_type::null, "null"},      {column_type::boolean, "bool"},   {column_type::int64, "int64"},
    {column_type::float64, "double"}, {column_type::string, "string"},  {column_type::timestamp, "timestamp"},
    {column_type::json, "json"},      {column_type::int64, "long"},     {column_type::int64, "int"},
    {column_type::int64, "bigint"},   {column_type::int64, "integer"},  {column_type::float64, "float64"},
    {column_type::float64, "float"},  {column_type::boolean, "boolean"}};
constexpr enum_name<time_unit> time_unit_names[] = {
    {time_unit::seconds, "s"}, {time_unit::millis, "ms"}, {time_unit::micros, "us"}};
}  // namespace

const char* to_string(column_type t) {
  return name_of(t, column_type_names);
}

std::optional<column_type> parse_column_type(std::string_view n) {
  auto t = parse_name(n, column_type_names);
  if (t == column_type::null || t == column_type::json) return std::nullopt;  // not declarable
  return t;
}

std::optional<time_unit> parse_time_unit(std::string_view n) {
  return parse_name(n, time_unit_names);
}

}  // namespace sluice
