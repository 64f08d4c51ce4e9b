#include "apps/frontend/io_blocks.hpp"

#include "apps/frontend/json_fields.hpp"

namespace sluice {
namespace {
namespace json = boost::json;
using namespace json_fields;

std::string brokers_of(const json::object& o, const std::string& path, const pipeline_json_context& ctx) {
  std::string b = get_string(o, "brokers", path);
  if (!b.empty()) return b;
  if (!ctx.brokers)
    fail(path + ".brokers", "no Kafka broker: give \"brokers\": \"host:port\" here (or run with --brokers)");
  return ctx.brokers();
}

kafka_properties get_properties(const json::object& o, const std::string& path) {
  kafka_properties props;
  auto* v = o.if_contains("properties");
  if (!v) return props;
  for (const auto& kv : as_object(*v, path + ".properties")) {
    if (!kv.value().is_string())
      fail(path + ".properties." + std::string(kv.key()), "librdkafka settings are strings, e.g. \"500\"");
    props[std::string(kv.key())] = std::string(kv.value().get_string());
  }
  return props;
}

}  // namespace

kafka_sink_options parse_kafka_sink(const json::object& o, const std::string& path, const pipeline_json_context& ctx) {
  check_fields(o, path, {"type", "topic", "brokers", "key_column", "value_column", "headers_column", "properties"});
  kafka_sink_options k;
  k.topic = get_string(o, "topic", path);
  if (k.topic.empty()) fail(path + ".topic", "name the topic to write to");
  k.brokers = brokers_of(o, path, ctx);
  k.key_column = get_string(o, "key_column", path);
  k.value_column = get_string(o, "value_column", path);
  k.headers_column = get_string(o, "headers_column", path);
  k.properties = get_properties(o, path);
  return k;
}

source_spec parse_source(const std::string& name, const json::object& o, const std::string& path, schema_ptr schema,
                         bool bounded_default, const pipeline_json_context& ctx) {
  std::string type = get_string(o, "type", path);
  if (type == "kafka") {
    check_fields(o, path,
                 {"type", "brokers", "subscribe", "assign", "group_id", "startingOffsets", "endingOffsets",
                  "maxOffsetsPerTrigger", "failOnDataLoss", "include_headers", "properties"});
    kafka_source_options k;
    k.brokers = brokers_of(o, path, ctx);
    if (auto* s = o.if_contains("subscribe")) {
      if (s->is_string()) {
        k.topics.emplace_back(s->get_string());
      } else if (s->is_array()) {
        for (const auto& t : s->get_array()) {
          if (!t.is_string()) fail(path + ".subscribe", "expected topic names");
          k.topics.emplace_back(t.get_string());
        }
      } else {
        fail(path + ".subscribe", "expected a topic name or an array of them");
      }
    }
    if (auto* a = o.if_contains("assign")) k.assign = json::serialize(*a);
    k.group_id = get_string(o, "group_id", path);
    k.starting_offsets = o.if_contains("startingOffsets") && o.at("startingOffsets").is_object()
                             ? json::serialize(o.at("startingOffsets"))
                             : get_string(o, "startingOffsets", path, "earliest");
    k.ending_offsets = get_string(o, "endingOffsets", path, bounded_default ? "latest" : "");
    k.max_offsets_per_trigger = static_cast<int64_t>(get_number(o, "maxOffsetsPerTrigger", path, 0, 0, 1e12));
    k.fail_on_data_loss = get_bool(o, "failOnDataLoss", path, true);
    k.include_headers = get_bool(o, "include_headers", path, true);
    k.properties = get_properties(o, path);
    auto st = k.validate();
    if (!st.is_ok()) fail(path, st.message());
    return sources::kafka(name, std::move(k), std::move(schema));
  }
  if (type == "generator") {
    check_fields(o, path,
                 {"type", "kind", "count", "rate", "seed", "users", "malformed", "disorder", "late", "late_by",
                  "missing", "spacing"});
    generator_spec g;
    g.kind = get_string(o, "kind", path, "events");
    bool known = false;
    for (const auto& k : generator_kinds()) known |= k == g.kind;
    if (!known) fail(path + ".kind", "unknown generator kind '" + g.kind + "'");
    g.count = static_cast<uint64_t>(get_number(o, "count", path, 10000, 0, 9e18));
    g.rate = get_number(o, "rate", path, 0, 0, 1e9);
    g.seed = static_cast<uint64_t>(get_number(o, "seed", path, 42, 0, 9e18));
    g.keys = static_cast<uint64_t>(get_number(o, "users", path, 1000, 1, 1e12));
    g.malformed_fraction = get_number(o, "malformed", path, 0, 0, 1);
    g.disorder_fraction = get_number(o, "disorder", path, 0, 0, 1);
    g.late_fraction = get_number(o, "late", path, 0, 0, 1);
    g.missing_fraction = get_number(o, "missing", path, 0, 0, 1);
    if (auto* lb = o.if_contains("late_by")) g.late_us = duration_us(*lb, path + ".late_by");
    if (auto* sp = o.if_contains("spacing")) g.spacing_us = duration_us(*sp, path + ".spacing");
    if (g.spacing_us <= 0) fail(path + ".spacing", "must be positive");
    return sources::generator(name, g, std::move(schema));
  }
  if (type == "file") {
    check_fields(o, path, {"type", "path", "bounded", "maxFilesPerTrigger"});
    std::string p = get_string(o, "path", path);
    if (p.empty()) fail(path + ".path", "a file source needs a path (a file or a directory of .jsonl files)");
    bool bounded = bounded_default;
    if (auto* b = o.if_contains("bounded")) {
      if (!b->is_bool()) fail(path + ".bounded", "expected true or false");
      bounded = b->get_bool();
    }
    auto max_files = static_cast<size_t>(get_number(o, "maxFilesPerTrigger", path, 0, 0, 1e9));
    return sources::jsonl(name, p, std::move(schema), bounded, max_files);
  }
  fail(path + ".type", "unknown source type '" + type + "'; accepted: generator, file, kafka");
}

sink_plan parse_sink(const json::object& so, const std::string& path, const pipeline_json_context& ctx,
                     std::string* dead_letters) {
  std::string type = get_string(so, "type", path, "console");
  if (type == "file") {
    check_fields(so, path, {"type", "path"});
    std::string dir = get_string(so, "path", path);
    if (dir.empty()) fail(path + ".path", "a file sink needs a directory");
    if (dead_letters) *dead_letters = dir + "/_dead_letters";
    return sinks::jsonl(dir);
  }
  if (type == "console") {
    check_fields(so, path, {"type", "max_rows"});
    return sinks::console(static_cast<size_t>(get_number(so, "max_rows", path, 20, 0, 1e9)));
  }
  if (type == "kafka") return sinks::kafka(parse_kafka_sink(so, path, ctx));
  fail(path + ".type", "unknown sink type '" + type + "'; accepted: file, console, kafka");
}

}  // namespace sluice
