// lookup_step: the lookup join (Spark's stream-static join; Flink's lookup join) as a stateless
// step — each row finds its dimension row by key in a dimension_table
// (state/operators/lookup/dimension_table.hpp) and gets that row's columns appended.
//
// Inner: a row without a match is dropped. Left: it gets nulls. Each batch reads one snapshot
// of the table, so a refresh swaps in between batches, never inside one; a row is joined with
// the version current when its batch runs (a processing-time join, as Spark's and Flink's: a
// replay after the table changed can give other answers — docs/enrichment.md). The step's
// output: the stream's columns, then the table's other than its key; a name both have is
// refused with the fix. Steps are shared by every partition: no per-row allocation beyond the
// appended cells.
#pragma once

#include <memory>
#include <string>

#include "actors/operators/transform/transform.hpp"
#include "state/operators/lookup/dimension_table.hpp"

namespace sluice {

enum class lookup_kind { inner, left };

/// Throws std::invalid_argument naming the problem (an unknown key column, clashing names).
step_ptr make_lookup(schema_ptr in, std::string key_column, std::shared_ptr<dimension_table> table, lookup_kind kind);

}  // namespace sluice
