// endpoints: where a pipeline's rows come from and go to — `source_spec` and the `sources::`
// and `sinks::` factories (generator, JSONL files, memory, Kafka; JSONL part files, console,
// memory, Kafka) that `pipeline::source` and `stream::to` take.
//
// A factory checks its options at once (throwing std::invalid_argument with the fix) and
// returns a description plus a maker: readers and sinks are made when the query starts, one
// per run of it (a restart makes fresh ones).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "actors/plan/query_plan.hpp"
#include "state/io/files/record_reader.hpp"
#include "state/io/files/row_sink.hpp"
#include "state/io/gen/generator_reader.hpp"
#include "state/io/kafka/kafka_reader.hpp"
#include "state/io/kafka/kafka_sink.hpp"

namespace sluice {

/// A source as `pipeline::source` takes it.
struct source_spec {
  std::string name;
  std::string description;
  std::function<std::shared_ptr<record_reader>()> make_reader;
  record_format format = record_format::json;
  schema_ptr schema;
};

namespace sources {
source_spec generator(std::string name, generator_spec spec, schema_ptr schema);
/// A JSONL file or directory; `bounded` = read what is there and end (once/available-now).
source_spec jsonl(std::string name, std::string path, schema_ptr schema, bool bounded = false, size_t max_files = 0);
/// Generator kind `keyed` as typed rows, made in memory without JSON (generate_keyed_row):
/// for benchmarks of the operators alone. `schema` must be key:int64, ts:timestamp, v:int64.
source_spec generated_rows(std::string name, generator_spec spec, schema_ptr schema);
source_spec memory(std::string name, std::shared_ptr<memory_reader::channel> channel, schema_ptr schema);
/// Kafka (state/io/kafka/kafka_reader.hpp). With a schema, each record's value is decoded as JSON by
/// it; with none (nullptr), rows carry Spark's Kafka columns (key, value, topic, partition,
/// offset, timestamp, timestampType, headers) for `from_json` later. Options are checked here.
source_spec kafka(std::string name, kafka_source_options options, schema_ptr schema = nullptr);
/// The same source, landing each record unparsed (raw_landing_schema()).
source_spec raw(source_spec s);
/// The same source, each record a Debezium change read as its flat row (the row image plus
/// __op, __deleted, __source_ts_ms, __ts_ms: state/cdc/cdc_row.hpp) by `s`'s schema.
source_spec debezium(source_spec s);
/// The schema of generator kind `events`: event_id, user, type, amount, ts (ms).
schema_ptr events_schema();
}  // namespace sources

namespace sinks {
sink_plan jsonl(std::string directory);
sink_plan console(size_t max_rows_per_trigger = 20);
sink_plan memory(std::shared_ptr<memory_sink::store> store);
/// Each row as one Kafka record (state/io/kafka/kafka_sink.hpp); options are checked here.
sink_plan kafka(kafka_sink_options options);
}  // namespace sinks

}  // namespace sluice
