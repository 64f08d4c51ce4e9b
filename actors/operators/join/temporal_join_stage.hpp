// temporal_join_stage: an event-time temporal join as the query plan holds it — built from
// column names by `stream::temporal_join` (actors/plan/pipeline.hpp), checked at build time:
//   • both inputs need a watermark (the probe's time and the versions' time are their
//     watermark columns): "a temporal join joins by event time: input 'x' needs a watermark"
//   • at least one key pair, of comparable types; a `deleted` column of type boolean
//   • the appended table columns must not clash with the probe's columns
// Output: the probe's columns, then the table columns `columns` names (default: every table
// column but the keys and the deleted flag), nulls where no version is valid. The output's
// event time is the probe's. Spawns a router and `partitions` partitions
// (actors/operators/join/temporal_join_actor.hpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "actors/api/stage.hpp"
#include "actors/operators/join/join_stage.hpp"

namespace sluice {

struct temporal_join_options {
  bool inner = false;                                   // else left outer
  std::vector<std::pair<std::string, std::string>> on;  // (probe column, table column)
  std::optional<std::string> deleted;                   // table boolean column: true = deleted from then on
  std::vector<std::string> columns;                     // table columns to append; empty: all but keys, deleted
  int partitions = 1;
  bool route_late_rows = false;
};

/// Throws std::invalid_argument naming what it refuses.
stage_ptr make_temporal_join_stage(const join_input& probe, const join_input& table, const temporal_join_options& o);

}  // namespace sluice
