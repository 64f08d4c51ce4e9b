// pipeline_json: the pipeline file of `sluice run PIPELINE.json` — the query vocabulary of
// the replay format (apps/frontend/query_json.hpp: "query" with its inputs, type and fields)
// plus source, sink and alert blocks (apps/frontend/io_blocks.hpp) and run settings.
// docs/pipeline-json.md is the reference; in short:
//
//   { "name": "clean-events", "trigger": "1s" | "once" | "available_now",
//     "max_records_per_trigger": 10000, "watermark_policy": "min", "idle_timeout": "30s",
//     "query": { "type": "union" | "join" | "aggregate" | "process" | "cdc",
//       "inputs": { "events": {
//           "source": {"type": "generator", …} | {"type": "file", …} | {"type": "kafka", …},
//           "format": "json" | "raw" | "kafka",
//           "columns": ["user:string", {"name": "ts", "type": "timestamp", "unit": "ms"}, …],
//           "watermark": {"column": "ts", "delay": "10s"}, "filter": ["and", …] } },
//       …the type's fields…, "output_mode", "output_columns", "filter", "with_columns", "select" },
//     "alerts": {"rules": […], "to": sink block, …},
//     "sink": {"type": "file", "path": "out/"} | {"type": "console"} | {"type": "kafka", …},
//     "dead_letters": "out/_dead_letters" | {"type": "kafka", "topic": "dlq", "brokers"} }
//
// Every field is checked when the file is read: unknown fields, wrong types and unknown
// columns are refused with a message naming the field path, e.g.
// `query.inputs.events.watermark.delay`.
#pragma once

#include <boost/json/value.hpp>
#include <functional>
#include <string>

#include "actors/plan/query_plan.hpp"
#include "apps/frontend/io_blocks.hpp"

namespace sluice {

/// Builds the query; throws std::invalid_argument naming the offending field.
query_plan_ptr pipeline_from_json(const boost::json::value& spec, const pipeline_json_context& ctx = {});
query_plan_ptr pipeline_from_json_file(const std::string& path, const pipeline_json_context& ctx = {});

}  // namespace sluice
