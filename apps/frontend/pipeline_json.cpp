#include "apps/frontend/pipeline_json.hpp"

#include <boost/json.hpp>
#include <optional>
#include <stdexcept>

#include "actors/plan/pipeline.hpp"
#include "apps/frontend/json_fields.hpp"
#include "apps/frontend/query_json.hpp"
#include "messages/codec/json_codec.hpp"
#include "messages/expr/expression.hpp"
#include "state/io/gen/generator_schema.hpp"

namespace sluice {
namespace {
namespace json = boost::json;
using namespace json_fields;

// "alerts": {"rules": [{"name", "when": expr, "key", "window": true, "severity", "message"}],
//   "to": sink block, "max_per_key", "per", "memory": directory}
stream parse_alerts(const json::object& a, stream in, const pipeline_json_context& ctx) {
  check_fields(a, "alerts", {"rules", "to", "max_per_key", "per", "memory"});
  auto* rs = a.if_contains("rules");
  if (!rs || !rs->is_array() || rs->get_array().empty()) fail("alerts.rules", "expected a list of rules");
  auto sch = in.schema();
  std::vector<alert_rule> rules;
  for (const auto& r : rs->get_array()) {
    const auto& ro = as_object(r, "alerts.rules");
    check_fields(ro, "alerts.rules", {"name", "when", "key", "window", "severity", "message"});
    alert_rule rule;
    rule.name = get_string(ro, "name", "alerts.rules");
    std::string path = "alerts.rules." + rule.name;
    auto* when = ro.if_contains("when");
    if (!when) fail(path + ".when", "a rule needs a condition, e.g. [\">\", \"count\", 5]");
    try {
      auto e = std::make_shared<expression>(expression::compile(*when, *sch));
      rule.when = [e](const record& rec) { return e->test(rec.raw()); };
    } catch (const std::invalid_argument& e) {
      fail(path + ".when", e.what());
    }
    rule.when_description = json::serialize(*when);
    rule.key_column = get_string(ro, "key", path);
    if (auto* w = ro.if_contains("window"); w && w->is_bool() && w->get_bool()) {
      rule.window_start_column = sch->index_of("window_start") ? "window_start" : "session_start";
      rule.window_end_column = sch->index_of("window_end") ? "window_end" : "session_end";
    }
    rule.severity = get_string(ro, "severity", path, "warning");
    rule.message = get_string(ro, "message", path, rule.name + " for {" + rule.key_column + "}");
    rules.push_back(std::move(rule));
  }
  sink_plan to = sinks::console(1000);
  if (auto* t = a.if_contains("to")) {
    const auto& to_o = as_object(*t, "alerts.to");
    if (get_string(to_o, "type", "alerts.to", "console") != "console") to = parse_sink(to_o, "alerts.to", ctx);
  }
  alert_limits limits;
  limits.max_per_key = static_cast<int64_t>(get_number(a, "max_per_key", "alerts", 0, 0, 1e9));
  if (auto* per = a.if_contains("per")) limits.per_us = duration_us(*per, "alerts.per");
  try {
    return in.alerts(rules, to, limits, get_string(a, "memory", "alerts"));
  } catch (const std::invalid_argument& e) {
    fail("alerts", e.what());
  }
  return in;
}

/// An input's source: its "source" block, read as "format" says (json, raw, kafka rows, or
/// debezium changes read as flat rows).
source_spec input_source(const std::string& name, const json::object& in, const std::string& path, schema_ptr columns,
                         bool bounded_default, const pipeline_json_context& ctx) {
  auto* src = in.if_contains("source");
  if (!src) fail(path + ".source", "an input needs a source block");
  const auto& src_o = as_object(*src, path + ".source");
  std::string format = get_string(in, "format", path, "json");
  if (format != "json" && format != "raw" && format != "kafka" && format != "debezium")
    fail(path + ".format", "expected \"json\", \"raw\", \"kafka\" or \"debezium\"");
  std::string src_type = get_string(src_o, "type", path + ".source");
  if (format == "kafka" && src_type != "kafka")
    fail(path + ".format", "\"kafka\" rows come from a kafka source; use \"json\" or \"raw\"");
  if (format == "kafka" && columns)
    fail(path + ".columns", "a \"kafka\" input has Spark's Kafka columns; drop \"columns\" or use \"json\"");
  if (format != "kafka" && !columns) {
    if (src_type != "generator")
      fail(path + ".columns", "a file input needs its columns, e.g. [\"user:string\", \"ts:timestamp\"]");
    std::string kind = get_string(src_o, "kind", path + ".source", "events");
    columns = generator_schema(kind);
    if (!columns)
      fail(path + ".columns",
           "generator kind '" + kind + "' has no row columns; read it as \"format\": \"kafka\" or give columns");
  }
  auto spec = parse_source(name, src_o, path + ".source", columns, bounded_default, ctx);
  if (format == "raw") return sources::raw(std::move(spec));
  if (format == "debezium") return sources::debezium(std::move(spec));
  return spec;
}

/// The run settings at the top of the file: trigger, limits, policies, restart.
trigger_policy apply_run_settings(pipeline& p, const json::object& root) {
  trigger_policy trig;
  if (auto* t = root.if_contains("trigger")) {
    auto parsed = t->is_string() ? parse_trigger(std::string_view(t->get_string())) : std::nullopt;
    if (!parsed)
      fail("trigger",
           "expected an interval (\"1s\", \"0\"), \"once\" or \"available_now\", got " + json::serialize(*t));
    trig = *parsed;
  }
  p.with_trigger(trig);
  p.with_max_records_per_trigger(static_cast<int64_t>(get_number(root, "max_records_per_trigger", "", 10000, 0, 1e9)));
  p.with_trigger_credits(static_cast<int>(get_number(root, "trigger_credits", "", 2, 1, 64)));
  if (auto* w = root.if_contains("watermark_policy")) {
    auto parsed = w->is_string() ? parse_watermark_policy(std::string_view(w->get_string())) : std::nullopt;
    if (!parsed) fail("watermark_policy", "expected \"min\" or \"max\"");
    p.with_watermark_policy(*parsed);
  }
  if (auto* w = root.if_contains("watermark_scope")) {
    auto parsed = w->is_string() ? parse_watermark_scope(std::string_view(w->get_string())) : std::nullopt;
    if (!parsed) fail("watermark_scope", "expected \"partition\" (the default) or \"query\" (Spark's)");
    p.with_watermark_scope(*parsed);
  }
  if (auto* i = root.if_contains("idle_timeout"))
    p.with_idle_timeout(std::chrono::microseconds(duration_us(*i, "idle_timeout")));
  if (auto* f = root.if_contains("max_future_event_time"))
    p.with_max_future_event_time(duration_us(*f, "max_future_event_time"));
  if (auto* r = root.if_contains("restart")) {
    const auto& ro = as_object(*r, "restart");
    check_fields(ro, "restart", {"max", "within", "backoff"});
    restart_strategy rs;
    rs.max_restarts = static_cast<int>(get_number(ro, "max", "restart", 3, 0, 1000));
    if (auto* w = ro.if_contains("within")) rs.within_us = duration_us(*w, "restart.within");
    if (auto* b = ro.if_contains("backoff")) rs.initial_backoff_us = duration_us(*b, "restart.backoff");
    p.with_restart_strategy(rs);
  }
  p.with_no_data_batches(get_bool(root, "no_data_batches", "", true));
  p.with_overwrite_outputs(get_bool(root, "overwrite", "", false));
  return trig;
}

/// A sink block, and the chain stage it reads ("from"; none: the query's output).
struct sink_block {
  sink_plan plan;
  std::optional<size_t> from;
};

/// The sink blocks ("sink", or "sinks": a list, each written exactly once on its own) and the
/// dead-letter block.
std::vector<sink_block> apply_outputs(pipeline& p, const json::object& root, const pipeline_json_context& ctx) {
  std::vector<sink_block> out;
  std::string dead;
  if (root.contains("sink") && root.contains("sinks")) fail("sinks", "give \"sink\" or \"sinks\", not both");
  if (auto* s = root.if_contains("sink")) out.push_back({parse_sink(as_object(*s, "sink"), "sink", ctx, &dead), {}});
  if (auto* ss = root.if_contains("sinks")) {
    if (!ss->is_array() || ss->get_array().empty()) fail("sinks", "expected a list of sink blocks");
    for (size_t i = 0; i < ss->get_array().size(); ++i) {
      std::string path = "sinks[" + std::to_string(i) + "]";
      json::object block = as_object(ss->get_array()[i], path);
      std::optional<size_t> from;
      if (auto* f = block.if_contains("from")) {
        if (!f->is_int64() || f->get_int64() < 0)
          fail(path + ".from", "names a stage of the chain by its index, e.g. 0");
        from = static_cast<size_t>(f->get_int64());
        block.erase("from");
      }
      std::string d;
      out.push_back({parse_sink(block, path, ctx, &d), from});
      if (dead.empty()) dead = d;
    }
  }
  if (out.empty()) out.push_back({sinks::console(), {}});
  if (!dead.empty()) p.with_dead_letters(dead);
  if (auto* d = root.if_contains("dead_letters")) {
    if (d->is_object()) {
      const auto& dob = d->get_object();
      if (get_string(dob, "type", "dead_letters") != "kafka")
        fail("dead_letters.type", "expected \"kafka\" (or give a directory path instead of an object)");
      p.with_dead_letters(parse_kafka_sink(dob, "dead_letters", ctx));
    } else {
      if (!d->is_string()) fail("dead_letters", "expected a directory path or {\"type\": \"kafka\", \"topic\": …}");
      p.with_dead_letters(std::string(d->get_string()));
    }
  }
  return out;
}

}  // namespace

query_plan_ptr pipeline_from_json(const json::value& spec, const pipeline_json_context& ctx) {
  const auto& root = as_object(spec, "pipeline");
  check_fields(root, "",
               {"name", "trigger", "max_records_per_trigger", "trigger_credits", "watermark_policy", "watermark_scope",
                "idle_timeout", "query", "sink", "sinks", "dead_letters", "restart", "description", "alerts",
                "no_data_batches", "overwrite", "max_future_event_time"});
  pipeline p(get_string(root, "name", "name", "pipeline"));
  bool bounded_default = apply_run_settings(p, root).kind != trigger_kind::processing_time;
  auto* q = root.if_contains("query");
  if (!q) fail("query", "a pipeline needs a query: {\"type\": \"union\" | \"join\" | …, \"inputs\": {…}}");
  query_json_hooks hooks;
  hooks.input_fields = {"source", "format"};
  hooks.open_table = ctx.open_table;
  hooks.brokers = ctx.brokers;
  hooks.source = [&](const std::string& name, const json::object& in, const std::string& path, schema_ptr columns) {
    return input_source(name, in, path, std::move(columns), bounded_default, ctx);
  };
  auto built = build_query_json(p, as_object(*q, "query"), "query", hooks);
  auto blocks = apply_outputs(p, root, ctx);
  stream out = built.out;
  if (auto* al = root.if_contains("alerts")) out = parse_alerts(as_object(*al, "alerts"), out, ctx);
  // Sinks of the query's output first: the alert emitter, if any, sits in front of the first.
  for (auto& b : blocks)
    if (!b.from) out.to(std::move(b.plan));
  for (size_t i = 0; i < blocks.size(); ++i) {
    if (!blocks[i].from) continue;
    if (*blocks[i].from >= built.stages.size())
      fail("sinks[" + std::to_string(i) + "].from",
           "the query has " + std::to_string(built.stages.size()) + " stage(s) (a \"chain\" query's stages)");
    try {
      built.stages[*blocks[i].from].to(std::move(blocks[i].plan));
    } catch (const std::invalid_argument& e) {
      fail("sinks[" + std::to_string(i) + "]", e.what());
    }
  }
  return p.build();
}

query_plan_ptr pipeline_from_json_file(const std::string& path, const pipeline_json_context& ctx) {
  json::value v;
  auto err = read_json_file(path, v);
  if (!err.empty()) throw std::invalid_argument(path + ": " + err);
  try {
    return pipeline_from_json(v, ctx);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(path + ": " + e.what());
  }
}

}  // namespace sluice
