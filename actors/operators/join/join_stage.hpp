// join_stage: a stream-stream join as the query plan holds it — built from column names by
// `stream::join` (actors/plan/pipeline.hpp), checked at build time with Spark's refusals
// (spark-semantics §2, UnsupportedOperationChecker):
//   • no equality between the two sides → "Stream-stream join without equality predicate is not supported"
//   • an outer, semi or anti join whose preserved side(s) cannot be cleaned (no watermarked
//     window in the key, no watermark plus range bounding it) → "Stream-stream LeftOuter join
//     between two streaming DataFrame/Datasets is not supported without a watermark in the
//     join keys, or a watermark on the nullable side and an appropriate range condition"
//   • output mode other than append → "… only in Append output mode"
//   • equi-keys of incomparable types, unknown columns, bad output columns
// Spawns a router and `partitions` join partition actors (actors/operators/join/join_actor.hpp).
#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <vector>

#include "actors/api/stage.hpp"
#include "messages/control/policies.hpp"
#include "state/operators/join/join_state.hpp"

namespace sluice {

struct join_options {
  join_type type = join_type::inner;
  std::vector<std::pair<std::string, std::string>> on;  // (left column, right column) equalities
  bool null_safe = false;
  struct window {
    std::string left_column, right_column;
    int64_t size_us = 0, slide_us = 0, offset_us = 0;
  };
  std::optional<window> window_key;
  struct range {
    std::string column;                      // "left.x" or "right.y": S.c
    std::string other;                       // the other side's column: O.o
    std::optional<time_bound> lower, upper;  // O.o + a <(=) S.c <(=) O.o + b
  };
  std::optional<range> time_range;
  boost::json::value condition;  // null, or an expression over left.x / right.y
  /// `left.c`, `right.c` (also window_start / window_end), `coalesce(left.c,right.c)`;
  /// empty: every left column then every right column, prefixed `left_`/`right_` on clashes.
  std::vector<std::string> output_columns;
  int partitions = 1;
  bool route_late_rows = false;  // beyond Spark: late rows to the dead letters with the reason
  output_mode mode = output_mode::append;
  /// Output columns are named as written ("left.ts"), as a chain's later stages refer to them;
  /// otherwise by the column ("ts", "left_ts" on a clash).
  bool qualified_names = false;
};

struct join_input {
  std::string name;
  schema_ptr schema;
  std::optional<std::string> watermark_column;
  int64_t watermark_delay_us = 0;
};

/// Whether an equi-key may compare the two types (numbers with numbers, else the same type).
bool join_keys_comparable(column_type a, column_type b);

/// Throws std::invalid_argument with Spark's message for a refused join.
stage_ptr make_join_stage(const join_input& left, const join_input& right, const join_options& options);

}  // namespace sluice
