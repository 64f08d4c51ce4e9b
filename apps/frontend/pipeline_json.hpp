// pipeline_json: the JSON pipeline form of `sluice run PIPELINE.json` — the replay format's
// query vocabulary (inputs with columns, watermark and filter; output columns) plus source
// and sink blocks. docs/pipeline-json.md is the reference; in short:
//
//   { "name": "clean-events", "trigger": "1s" | "once" | "available_now",
//     "max_records_per_trigger": 10000, "watermark_policy": "min", "idle_timeout": "30s",
//     "inputs": { "events": {
//         "source": {"type": "generator", "kind": "events", "count": 1000, "rate": 0, "seed": 7,
//                    "malformed": 0.01}  |  {"type": "file", "path": "in/", "bounded": true}
//                 |  {"type": "kafka", "subscribe": ["t"] | "assign": {"t":[0]}, "brokers": "h:p",
//                     "group_id", "startingOffsets", "endingOffsets", "maxOffsetsPerTrigger",
//                     "failOnDataLoss", "include_headers", "properties": {librdkafka settings}},
//         "columns": ["user:string", {"name": "ts", "type": "timestamp", "unit": "ms"}, …],
//         "watermark": {"column": "ts", "delay": "10s"},   (or "delay_s": 10)
//         "filter": ["and", …] } },
//     "filter": […], "with_columns": {"name": expr, …}, "output_columns": ["user", …],
//     "sink": {"type": "file", "path": "out/"} | {"type": "console"}
//           | {"type": "kafka", "topic", "brokers", "key_column", "value_column", "headers_column",
//              "properties"},
//     "dead_letters": "out/_dead_letters" | {"type": "kafka", "topic": "dlq", "brokers"} }
//
// An input's "format": "json" (decode the value by "columns"), "raw" (land it unparsed) or
// "kafka" (Spark's Kafka columns: key, value, topic, partition, offset, timestamp, …).
// A Kafka block without "brokers" uses the run's broker (`--brokers`, or the embedded one).
//
// Several inputs are combined (union) before the query-level steps. Every field is checked
// when the file is read: unknown fields, wrong types and unknown columns are refused with a
// message naming the field path, e.g. `inputs.events.watermark.delay`.
#pragma once

#include <boost/json/value.hpp>
#include <functional>
#include <string>

#include "actors/plan/query_plan.hpp"

namespace sluice {

/// What a pipeline file may take from the run.
struct pipeline_json_context {
  /// The bootstrap address for Kafka blocks without "brokers" (may start the embedded broker);
  /// null = such blocks are refused.
  std::function<std::string()> brokers;
};

/// Builds the query; throws std::invalid_argument naming the offending field.
query_plan_ptr pipeline_from_json(const boost::json::value& spec, const pipeline_json_context& ctx = {});
query_plan_ptr pipeline_from_json_file(const std::string& path, const pipeline_json_context& ctx = {});

}  // namespace sluice
