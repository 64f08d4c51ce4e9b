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

/// Sets spec.project; returns the output schema.
schema_ptr project_join_output(const join_input& left, const join_input& right, const join_options& o, join_spec& spec);

}  // namespace sluice
