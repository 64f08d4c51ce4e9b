// schema: the column names and types of a stream, parsed once and shared by pointer.
//
// Contract: immutable after construction (held as `schema_ptr`, a shared_ptr to const);
// column names are unique; at most one column is the event-time column, and it has type
// timestamp. Timestamp columns also say how a bare JSON number is read (s, ms or µs);
// ISO-8601 strings are always accepted. DESIGN.md "Data".
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

/// `json`: a JSON value (array, object, …) held as its text in a string cell and written as
/// JSON, not as a string — collect_list's arrays, nested input fields.
enum class column_type : uint8_t { null, boolean, int64, float64, string, timestamp, json };

enum class time_unit : uint8_t { seconds, millis, micros };

/// What a timestamp column holds (spark-semantics §9): a time; an aggregate's `window` struct
/// of a fixed-size window, held as Spark's window_time (end − 1 µs, so a later window over it
/// takes that time) with its size (`window_size_us`); or window_time(window) itself, shown in
/// microseconds by the replay format.
enum class time_role : uint8_t { time, window, window_time };

struct column {
  std::string name;
  column_type type = column_type::string;
  bool required = true;                // a record missing it is a dead letter
  time_unit unit = time_unit::millis;  // timestamps given as numbers
  time_role role = time_role::time;
  int64_t window_size_us = 0;
};

class schema {
 public:
  schema() = default;
  explicit schema(std::vector<column> columns, std::string event_time_column = {});

  size_t size() const { return columns_.size(); }
  const column& at(size_t i) const { return columns_[i]; }
  const std::vector<column>& columns() const { return columns_; }
  std::optional<size_t> index_of(std::string_view name) const;
  /// Index of the event-time column, if the stream has one.
  std::optional<size_t> event_time_index() const { return event_time_; }
  std::string describe() const;  // "a:int64, ts:timestamp(event time)"

 private:
  std::vector<column> columns_;
  std::optional<size_t> event_time_;
};

using schema_ptr = std::shared_ptr<const schema>;

const char* to_string(column_type t);
/// Accepts int64/long/int/bigint, double/float64/float, string, bool/boolean, timestamp, null.
std::optional<column_type> parse_column_type(std::string_view name);
std::optional<time_unit> parse_time_unit(std::string_view name);  // s, ms, us

}  // namespace sluice
