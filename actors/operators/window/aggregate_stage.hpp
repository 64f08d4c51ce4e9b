// aggregate_stage: a streaming aggregation as the query plan holds it — grouped by columns
// and at most one event-time window or session window — built by `stream::group_by`
// (actors/plan/pipeline.hpp) or from JSON, checked at build time with Spark's refusals
// (spark-semantics §3–4, UnsupportedOperationChecker):
//   • append without a watermark on the grouping time → "Append output mode not supported when
//     there are streaming aggregations on streaming DataFrames/DataSets without watermark"
//   • a session window in update mode → "Update output mode not supported for session window …"
//   • a session window as the only key → "Global aggregation with session window in streaming
//     query is not supported"
//   • count(DISTINCT) → "Distinct aggregations are not supported on streaming
//     DataFrames/Datasets. Consider using approx_count_distinct() instead."
//   • two windows, slide > size, |offset| ≥ slide, size ≤ 0, sum/avg of non-numbers, unknown columns
// Spawns a partition router and `partitions` aggregate partitions (actors/operators/window/aggregate_actor.hpp).
//
// Output columns (default: keys, window_start/window_end or session_start/session_end, then the
// aggregations in order): any key, window_start, window_end, session_start, session_end,
// session_duration_s (end − start in seconds, a double) and the aggregations' names.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "actors/api/stage.hpp"
#include "actors/operators/transform/transform.hpp"
#include "messages/control/policies.hpp"
#include "state/operators/window/aggregation.hpp"

namespace sluice {

struct group_key {
  std::string column;  // a plain column, or the time column of the window / session
  struct window_def {
    int64_t size_us = 0, slide_us = 0, offset_us = 0;  // slide 0 = tumbling
  };
  struct session_def {
    int64_t gap_us = 0;                         // fixed gap, or
    std::function<int64_t(const record&)> gap;  // dynamic gap per row (µs; ≤ 0 leaves it out)
    std::string gap_description;
  };
  std::optional<window_def> window;
  std::optional<session_def> session;
};

namespace keys {
group_key col(std::string column);
group_key window(std::string column, std::chrono::microseconds size, std::chrono::microseconds slide = {},
                 std::chrono::microseconds offset = {});
group_key session_window(std::string column, std::chrono::microseconds gap);
/// Dynamic gap: `gap(row)` in µs; a row whose gap is ≤ 0 is left out.
group_key session_window(std::string column, std::function<int64_t(const record&)> gap, std::string description);
}  // namespace keys

struct aggregation {
  aggregate_fn fn = aggregate_fn::count;
  std::string column;  // "" = count(*)
  std::string name;
  double rsd = 0.05;
  bool distinct = false;  // count(DISTINCT col): refused in streaming, as Spark does
  aggregation as(std::string n) const {
    aggregation a = *this;
    a.name = std::move(n);
    return a;
  }
};

namespace aggs {
aggregation count();
aggregation count(std::string column);
aggregation count_distinct(std::string column);  // refused at build time, with Spark's advice
aggregation sum(std::string column);
aggregation avg(std::string column);
aggregation min(std::string column);
aggregation max(std::string column);
aggregation collect_list(std::string column);
aggregation approx_count_distinct(std::string column, double rsd = 0.05);
}  // namespace aggs

struct aggregate_options {
  std::vector<group_key> group_by;
  std::vector<aggregation> aggregations;
  output_mode mode = output_mode::append;
  std::vector<std::string> output_columns;  // empty = the default order above
  int partitions = 1;
  bool route_late_rows = false;  // beyond Spark: late rows to the dead letters with the reason
};

struct aggregate_input {
  std::string name;
  schema_ptr schema;
  std::optional<std::string> watermark_column;
  int64_t watermark_delay_us = 0;
};

/// Throws std::invalid_argument with Spark's message for a refused aggregation.
stage_ptr make_aggregate_stage(const aggregate_input& in, const aggregate_options& options);

}  // namespace sluice
