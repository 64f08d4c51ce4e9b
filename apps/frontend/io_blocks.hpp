// io_blocks: the source and sink blocks of a pipeline file (docs/pipeline-json.md) —
//   source: {"type": "generator" | "file" | "kafka", …}
//   sink, alerts.to: {"type": "file" | "console" | "kafka", …}; dead_letters: a path or a kafka block
// read into the pipeline API's specs, every field checked and refused by its path.
#pragma once

#include <boost/json.hpp>
#include <functional>
#include <string>

#include "actors/plan/pipeline.hpp"

namespace sluice {

/// What a pipeline file may take from the run.
struct pipeline_json_context {
  /// The bootstrap address for Kafka blocks without "brokers" (may start the embedded broker);
  /// null = such blocks are refused.
  std::function<std::string()> brokers;
  /// Opens a lookup block's table; null = dimension_table::open (the fuzzer reads no files).
  std::function<status(dimension_options, std::shared_ptr<dimension_table>&)> open_table;
};

/// A source block; `bounded_default`: file and Kafka sources end at what is there at start.
source_spec parse_source(const std::string& name, const boost::json::object& o, const std::string& path,
                         schema_ptr schema, bool bounded_default, const pipeline_json_context& ctx);
kafka_sink_options parse_kafka_sink(const boost::json::object& o, const std::string& path,
                                    const pipeline_json_context& ctx);
/// A sink block ("sink", "alerts.to"): file, console or kafka. `dead_letters` (may be null) is
/// set to a file sink's dead-letter directory.
sink_plan parse_sink(const boost::json::object& o, const std::string& path, const pipeline_json_context& ctx,
                     std::string* dead_letters = nullptr);

}  // namespace sluice
