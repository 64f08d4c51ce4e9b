// query_json: the one front end for the query vocabulary — the "query" object of
// ../shared/spec/replay-format.md, read by `sluice replay` (apps/frontend/replay_case.hpp)
// and by pipeline files (apps/frontend/pipeline_json.hpp, which add source and sink blocks).
// docs/pipeline-json.md is the reference. The replay format's fields:
//
//   "inputs": {NAME: {"columns": [...], "watermark": {"column", "delay_s"} | null, "filter": expr}}
//   "type": "join"      join_type, equi_keys, null_safe_keys, window_key, time_range, condition
//           "aggregate" group_by (columns, window, session_window), aggregations
//           "union"     output_columns are a projection
//   "output_mode", "output_columns"
//
// and what the engine adds (each checked, refused naming the field path):
//   durations also as strings: "delay": "10s" beside "delay_s": 10 (size, slide, offset, gap)
//   columns typed: "user:string", {"name", "type", "unit", "required"}; inputs' "event_time"
//   "from": a join's {"left": input, "right": input} (default inputs left and right); an
//           aggregate's, process's or cdc's input (default: input "in", else all inputs unioned)
//   "partitions", "late_rows" (late rows to the dead letters) on join, aggregate and process
//   "type": "process"   {"key", "processor": a registered name, "params", "ttl": {state: duration}}
//   "type": "cdc"       {"table", "topic", "transaction_topic", "flattened", "primary_key"}
//   after the operator: "filter" (expr), "with_columns" {name: expr}, "select" [names]
//
// Untyped columns are timestamps when the query uses them as time (watermark, window, range
// columns), else `hooks.infer` decides (replay: from the case's rows), else string.
#pragma once

#include <boost/json.hpp>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "actors/plan/pipeline.hpp"
#include "apps/processors/processor_catalog.hpp"

namespace sluice {

struct query_json_hooks {
  /// The source of input `name` (its object at `path`) given the schema its "columns" describe
  /// (null when it has none); throws std::invalid_argument naming the field.
  std::function<source_spec(const std::string& name, const boost::json::object& input, const std::string& path,
                            schema_ptr columns)>
      source;
  /// Fields an input object may have beyond columns, watermark, filter, event_time.
  std::set<std::string> input_fields;
  /// The type of an untyped column that is not a time column; null or nullopt = string.
  std::function<std::optional<column_type>(const std::string& input, size_t index)> infer;
  time_unit default_time_unit = time_unit::millis;  // of timestamps given as numbers
  bool required_by_default = true;                  // a record missing a column is a dead letter
  const processor_catalog* processors = &builtin_processors();
  /// Opens a lookup block's table; null = dimension_table::open (a seam: the fuzzer reads no files).
  std::function<status(dimension_options, std::shared_ptr<dimension_table>&)> open_table;
  /// The run's Kafka for a lookup block's "topic" without its own "brokers" (null: refused).
  std::function<std::string()> brokers;
};

/// The query built onto `p`: the stream after its operator and steps (no sink yet).
struct query_json_result {
  stream out;
  std::vector<stream> stages;  // a chain's stages, in order (a sink may read one: a fan-out)
  output_mode mode = output_mode::append;
  std::vector<std::string> output_columns;
};

/// Reads the query object at `path` (e.g. "query"); throws std::invalid_argument naming the
/// field for anything it cannot take, and Spark's refusals from the operators.
query_json_result build_query_json(pipeline& p, const boost::json::object& query, const std::string& path,
                                   const query_json_hooks& hooks);

/// Per input: the columns the query uses as event time (watermark, window, range columns).
std::map<std::string, std::set<std::string>> query_time_columns(const boost::json::object& query);

}  // namespace sluice
