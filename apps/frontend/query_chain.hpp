// query_chain: the `"type": "chain"` query of ../shared/spec/replay-format.md — several
// stateful operators ("stages") feeding each other in one query (spark-semantics §9), read
// into the pipeline API's graph. Each stage reads inputs or earlier stages (`from`: an input
// name or a stage index; defaults as the format says), has its own `output_columns` (the only
// columns the next stage sees) and the fields of its type (aggregate, join, dedup, union, and
// the engine's process and cdc); `output_mode` is the query's and applies to every stage.
// Per-stage watermarks, refusals and metrics come from the graph (actors/plan/pipeline.hpp).
// Owner: build_query_json (apps/frontend/query_json.hpp), which builds the inputs first.
#pragma once

#include <boost/json.hpp>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "actors/plan/pipeline.hpp"
#include "apps/processors/processor_catalog.hpp"

namespace sluice {

/// The chain's stages (each after its output_columns; the last is the query's output), built
/// from `inputs` (by name); throws std::invalid_argument naming the field
/// (query.stages[1].from …) or carrying Spark's refusal.
std::vector<stream> build_chain(const boost::json::object& q, const std::string& path,
                                std::map<std::string, stream>& inputs, output_mode mode,
                                const processor_catalog* processors);

/// Per input: the columns the chain's stages use as time (windows, join ranges, window keys).
void chain_time_columns(const boost::json::object& q, std::map<std::string, std::set<std::string>>& out);

/// A join's time columns on inputs `left` / `right` ("" = a side fed by a stage): window key
/// and range columns, then — as Spark compares a timestamp only with a timestamp — every
/// column an equi-key or a condition compares with a time column.
void join_time_columns(const boost::json::object& join, const std::string& left, const std::string& right,
                       std::map<std::string, std::set<std::string>>& out);

}  // namespace sluice
