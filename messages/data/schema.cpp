#include "messages/data/schema.hpp"

#include <stdexcept>

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

const char* to_string(column_type t) {
  switch (t) {
    case column_type::null:
      return "null";
    case column_type::boolean:
      return "bool";
    case column_type::int64:
      return "int64";
    case column_type::float64:
      return "double";
    case column_type::string:
      return "string";
    case column_type::timestamp:
      return "timestamp";
    case column_type::json:
      return "json";
  }
  return "?";
}

std::optional<column_type> parse_column_type(std::string_view n) {
  if (n == "int64" || n == "long" || n == "int" || n == "bigint" || n == "integer") return column_type::int64;
  if (n == "double" || n == "float64" || n == "float") return column_type::float64;
  if (n == "string") return column_type::string;
  if (n == "bool" || n == "boolean") return column_type::boolean;
  if (n == "timestamp") return column_type::timestamp;
  if (n == "null") return column_type::null;
  if (n == "json") return column_type::json;
  return std::nullopt;
}

std::optional<time_unit> parse_time_unit(std::string_view n) {
  if (n == "s") return time_unit::seconds;
  if (n == "ms") return time_unit::millis;
  if (n == "us") return time_unit::micros;
  return std::nullopt;
}

}  // namespace sluice
