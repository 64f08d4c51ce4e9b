// join_projection: a join's output row — the `output_columns` grammar of
// ../shared/spec/replay-format.md ("left.c", "right.c", window_start / window_end of either
// side with a window key, "coalesce(left.c,right.c)") turned into the output schema and the
// join_spec's `project` function (state/operators/join/join_state.hpp). Name clashes get a
// left_/right_ prefix; a missing side projects nulls. Throws std::invalid_argument naming the
// column it refuses.
#pragma once

#include <string>
#include <vector>

#include "actors/operators/join/join_stage.hpp"
#include "state/operators/join/join_state.hpp"

namespace sluice {

/// "left.x" → (left, "x"); anything else is refused naming `what`.
std::pair<join_side, std::string> side_column(const std::string& ref, const char* what);
size_t column_of(const join_input& in, const std::string& name, const char* what);

/// Where an output column comes from: side 0 (left) or 1 (right) and its column there, or
/// side −1 (coalesce, window bounds).
struct join_output_source {
  int side = -1;
  size_t column = 0;
};

/// Sets spec.project; returns the output schema and, per output column, its source.
schema_ptr project_join_output(const join_input& left, const join_input& right, const join_options& o, join_spec& spec,
                               std::vector<join_output_source>& sources);

}  // namespace sluice
