#include "actors/plan/endpoints.hpp"

#include <stdexcept>

#include "state/io/gen/generator_schema.hpp"

namespace sluice {

namespace sources {

source_spec generator(std::string name, generator_spec spec, schema_ptr schema) {
  std::string d = "Generator[" + spec.kind + ", seed " + std::to_string(spec.seed) +
                  (spec.count ? ", " + std::to_string(spec.count) + " records" : ", unbounded") +
                  (spec.rate > 0 ? ", " + std::to_string(static_cast<int64_t>(spec.rate)) + "/s" : "") + "]";
  return source_spec{std::move(name), d, [spec] { return std::make_shared<generator_reader>(spec); },
                     record_format::json, std::move(schema)};
}

source_spec jsonl(std::string name, std::string path, schema_ptr schema, bool bounded, size_t max_files) {
  std::string d = "FileSource[" + path + (max_files ? ", maxFilesPerTrigger " + std::to_string(max_files) : "") + "]";
  return source_spec{std::move(name), d,
                     [path, bounded, max_files] { return std::make_shared<jsonl_reader>(path, bounded, max_files); },
                     record_format::json, std::move(schema)};
}

source_spec generated_rows(std::string name, generator_spec spec, schema_ptr schema) {
  if (spec.kind != "keyed")
    throw std::invalid_argument("source '" + name + "': typed rows come from generator kind keyed, not " + spec.kind);
  auto is = [&](size_t i, const char* n, column_type t) {
    return schema->size() == 3 && schema->at(i).name == n && schema->at(i).type == t;
  };
  if (!is(0, "key", column_type::int64) || !is(1, "ts", column_type::timestamp) || !is(2, "v", column_type::int64))
    throw std::invalid_argument("source '" + name +
                                "': typed keyed rows have the columns key:int64, ts:timestamp, "
                                "v:int64, not " +
                                schema->describe());
  std::string d = "GeneratedRows[" + spec.kind + "]";
  return source_spec{std::move(name), d, [spec] { return std::make_shared<generator_reader>(spec, true); },
                     record_format::rows, std::move(schema)};
}

source_spec memory(std::string name, std::shared_ptr<memory_reader::channel> channel, schema_ptr schema) {
  std::string n = name;
  return source_spec{std::move(name), "MemorySource[" + n + "]",
                     [channel, n] { return std::make_shared<memory_reader>(channel, n); }, record_format::json,
                     std::move(schema)};
}

source_spec kafka(std::string name, kafka_source_options options, schema_ptr schema) {
  auto s = options.validate();
  if (!s.is_ok()) throw std::invalid_argument("source '" + name + "': " + s.message());
  std::string d = options.describe();
  auto fmt = schema ? record_format::json : record_format::kafka;
  options.with_metadata = !schema;
  if (!schema) schema = kafka_record_schema();
  return source_spec{std::move(name), d, [options] { return std::make_shared<kafka_reader>(options); }, fmt,
                     std::move(schema)};
}

source_spec raw(source_spec s) {
  s.format = record_format::raw;
  s.schema = raw_landing_schema();
  return s;
}

source_spec debezium(source_spec s) {
  s.format = record_format::debezium;
  return s;
}

schema_ptr events_schema() {
  return generator_schema("events");
}

}  // namespace sources

namespace sinks {

sink_plan jsonl(std::string directory) {
  return sink_plan{"FileSink[" + directory + "]",
                   directory,
                   [directory] { return std::make_shared<jsonl_sink>(directory); },
                   [directory] {
                     std::FILE* f = std::fopen((directory + "/_SUCCESS").c_str(), "w");
                     if (f) std::fclose(f);
                   },
                   {},
                   {},
                   nullptr};
}

sink_plan console(size_t max_rows) {
  return sink_plan{"ConsoleSink", {}, [max_rows] { return std::make_shared<console_sink>(stdout, max_rows); },
                   nullptr,       {}, {},
                   nullptr};
}

sink_plan memory(std::shared_ptr<memory_sink::store> store) {
  return sink_plan{"MemorySink", {},     [store] { return std::make_shared<memory_sink>(store); }, nullptr, {},
                   {},           nullptr};
}

sink_plan kafka(kafka_sink_options options) {
  auto s = options.validate();
  if (!s.is_ok()) throw std::invalid_argument(s.message());
  sink_plan plan{"KafkaSink[" + options.topic + "]",
                 {},
                 [options] { return std::make_shared<kafka_sink>(options); },
                 nullptr,
                 {},
                 {},
                 nullptr};
  for (const auto* c : {&options.key_column, &options.value_column, &options.headers_column})
    if (!c->empty()) plan.required_columns.push_back(*c);
  return plan;
}

}  // namespace sinks

}  // namespace sluice
