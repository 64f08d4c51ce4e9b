#include "apps/frontend/pipeline_json.hpp"

#include <boost/json.hpp>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "actors/plan/pipeline.hpp"
#include "messages/codec/json_codec.hpp"
#include "messages/data/time.hpp"

namespace sluice {
namespace {
namespace json = boost::json;

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw std::invalid_argument(path + ": " + what);
}

const json::object& as_object(const json::value& v, const std::string& path) {
  if (!v.is_object()) fail(path, "expected a JSON object, got " + json::serialize(v));
  return v.get_object();
}

void check_fields(const json::object& o, const std::string& path, std::set<std::string> accepted) {
  for (const auto& kv : o)
    if (!accepted.count(std::string(kv.key()))) {
      std::string list;
      for (const auto& a : accepted) list += (list.empty() ? "" : ", ") + a;
      fail(path.empty() ? std::string(kv.key()) : path + "." + std::string(kv.key()),
           "unknown field; accepted here: " + list);
    }
}

std::string get_string(const json::object& o, const char* key, const std::string& path, std::string def = {}) {
  auto* v = o.if_contains(key);
  if (!v) return def;
  if (!v->is_string()) fail(path + "." + key, "expected a string, got " + json::serialize(*v));
  return std::string(v->get_string());
}

double get_number(const json::object& o, const char* key, const std::string& path, double def, double min, double max) {
  auto* v = o.if_contains(key);
  if (!v) return def;
  if (!v->is_number()) fail(path + "." + key, "expected a number, got " + json::serialize(*v));
  double d = v->to_number<double>();
  if (d < min || d > max) {
    std::ostringstream os;
    os << "expected a number from " << min << " to " << max << ", got " << d;
    fail(path + "." + key, os.str());
  }
  return d;
}

int64_t get_duration(const json::value& v, const std::string& path) {
  if (v.is_number()) return static_cast<int64_t>(v.to_number<double>() * 1e6);
  if (v.is_string()) {
    auto d = parse_duration_us(std::string_view(v.get_string()));
    if (d && *d >= 0) return *d;
  }
  fail(path,
       "expected a duration such as \"500ms\", \"10s\", \"5m\" (or a number of seconds), got " + json::serialize(v));
}

// A duration that may be negative: "-5s", -5.
int64_t get_signed_duration(const json::value& v, const std::string& path) {
  if (v.is_number()) return static_cast<int64_t>(v.to_number<double>() * 1e6);
  if (v.is_string() && !v.get_string().empty() && v.get_string()[0] == '-')
    return -get_duration(json::value(std::string(v.get_string()).substr(1)), path);
  return get_duration(v, path);
}

schema_ptr parse_columns(const json::value& v, const std::string& path, const std::string& event_time) {
  if (!v.is_array()) fail(path, "expected a list of columns");
  std::vector<column> cols;
  size_t i = 0;
  for (const auto& c : v.get_array()) {
    std::string p = path + "[" + std::to_string(i++) + "]";
    column col;
    std::string type = "string";
    if (c.is_string()) {
      std::string s(c.get_string());
      auto colon = s.find(':');
      col.name = s.substr(0, colon);
      if (colon != std::string::npos) type = s.substr(colon + 1);
    } else {
      const auto& o = as_object(c, p);
      check_fields(o, p, {"name", "type", "unit", "required"});
      col.name = get_string(o, "name", p);
      type = get_string(o, "type", p, "string");
      auto unit = get_string(o, "unit", p, "ms");
      auto u = parse_time_unit(unit);
      if (!u) fail(p + ".unit", "expected s, ms or us, got '" + unit + "'");
      col.unit = *u;
      if (auto* r = o.if_contains("required")) {
        if (!r->is_bool()) fail(p + ".required", "expected true or false");
        col.required = r->get_bool();
      }
    }
    if (col.name.empty()) fail(p, "a column needs a name");
    auto t = parse_column_type(type);
    if (!t) fail(p, "unknown type '" + type + "'; accepted: int64, double, string, bool, timestamp");
    col.type = *t;
    cols.push_back(std::move(col));
  }
  try {
    return std::make_shared<const schema>(std::move(cols), event_time);
  } catch (const std::invalid_argument& e) {
    fail(path, e.what());
  }
}

bool get_bool(const json::object& o, const char* key, const std::string& path, bool def) {
  auto* v = o.if_contains(key);
  if (!v) return def;
  if (!v->is_bool()) fail(path + "." + key, "expected true or false");
  return v->get_bool();
}

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
    if (auto* lb = o.if_contains("late_by")) g.late_us = get_duration(*lb, path + ".late_by");
    if (auto* sp = o.if_contains("spacing")) g.spacing_us = get_duration(*sp, path + ".spacing");
    if (g.spacing_us <= 0) fail(path + ".spacing", "must be positive");
    return sources::generator(name, g, std::move(schema));
  }
  if (type == "file") {
    check_fields(o, path, {"type", "path", "bounded"});
    std::string p = get_string(o, "path", path);
    if (p.empty()) fail(path + ".path", "a file source needs a path (a file or a directory of .jsonl files)");
    bool bounded = bounded_default;
    if (auto* b = o.if_contains("bounded")) {
      if (!b->is_bool()) fail(path + ".bounded", "expected true or false");
      bounded = b->get_bool();
    }
    return sources::jsonl(name, p, std::move(schema), bounded);
  }
  fail(path + ".type", "unknown source type '" + type + "'; accepted: generator, file, kafka");
}

// "aggregate": {"group_by": ["user", {"window": {"column", "size", "slide", "offset"}} |
//   {"session_window": {"column", "gap"}}], "aggregations": [{"fn", "column", "as", "rsd"}],
//   "output_mode", "output_columns", "partitions", "late_rows"}
stream parse_aggregate(const json::object& a, stream in) {
  check_fields(a, "aggregate",
               {"group_by", "aggregations", "output_mode", "output_columns", "partitions", "late_rows"});
  aggregate_options o;
  auto* g = a.if_contains("group_by");
  if (!g || !g->is_array()) fail("aggregate.group_by", "expected a list of columns and at most one window");
  for (const auto& k : g->get_array()) {
    if (k.is_string()) {
      o.group_by.push_back(keys::col(std::string(k.get_string())));
      continue;
    }
    const auto& ko = as_object(k, "aggregate.group_by");
    if (auto* w = ko.if_contains("window")) {
      const auto& wo = as_object(*w, "aggregate.group_by.window");
      check_fields(wo, "aggregate.group_by.window", {"column", "size", "slide", "offset"});
      auto d = [&](const char* f) {
        auto* v = wo.if_contains(f);
        return std::chrono::microseconds(v ? get_duration(*v, std::string("aggregate.group_by.window.") + f) : 0);
      };
      o.group_by.push_back(
          keys::window(get_string(wo, "column", "aggregate.group_by.window"), d("size"), d("slide"), d("offset")));
    } else if (auto* s = ko.if_contains("session_window")) {
      const auto& so = as_object(*s, "aggregate.group_by.session_window");
      check_fields(so, "aggregate.group_by.session_window", {"column", "gap"});
      auto* gap = so.if_contains("gap");
      if (!gap) fail("aggregate.group_by.session_window.gap", "a session window needs a gap, e.g. \"30m\"");
      o.group_by.push_back(
          keys::session_window(get_string(so, "column", "aggregate.group_by.session_window"),
                               std::chrono::microseconds(get_duration(*gap, "aggregate.group_by.session_window.gap"))));
    } else {
      fail("aggregate.group_by", "expected a column name, {\"window\": …} or {\"session_window\": …}");
    }
  }
  auto* ags = a.if_contains("aggregations");
  if (!ags || !ags->is_array() || ags->get_array().empty())
    fail("aggregate.aggregations", "expected a list such as [{\"fn\": \"count\", \"as\": \"n\"}]");
  for (const auto& x : ags->get_array()) {
    const auto& xo = as_object(x, "aggregate.aggregations");
    check_fields(xo, "aggregate.aggregations", {"fn", "column", "as", "rsd", "distinct"});
    std::string fn = get_string(xo, "fn", "aggregate.aggregations");
    auto f = parse_aggregate_fn(fn);
    if (!f)
      fail("aggregate.aggregations.fn",
           "unknown function '" + fn + "'; accepted: count, sum, avg, min, max, collect_list, approx_count_distinct");
    aggregation ag;
    ag.fn = *f;
    ag.column = get_string(xo, "column", "aggregate.aggregations");
    ag.name = get_string(xo, "as", "aggregate.aggregations", ag.column.empty() ? fn : fn + "(" + ag.column + ")");
    ag.rsd = get_number(xo, "rsd", "aggregate.aggregations", 0.05, 0, 1);
    if (auto* d = xo.if_contains("distinct")) ag.distinct = d->is_bool() && d->get_bool();
    o.aggregations.push_back(ag);
  }
  std::string mode = get_string(a, "output_mode", "aggregate", "append");
  auto m = parse_output_mode(mode);
  if (!m) fail("aggregate.output_mode", "expected append, update or complete");
  o.mode = *m;
  if (auto* oc = a.if_contains("output_columns")) {
    if (!oc->is_array()) fail("aggregate.output_columns", "expected a list of column names");
    for (const auto& c : oc->get_array()) o.output_columns.emplace_back(c.is_string() ? c.get_string() : "");
  }
  o.partitions = static_cast<int>(get_number(a, "partitions", "aggregate", 1, 1, 64));
  if (auto* lr = a.if_contains("late_rows")) o.route_late_rows = lr->is_bool() && lr->get_bool();
  try {
    return in.aggregate(o);
  } catch (const std::invalid_argument& e) {
    fail("aggregate", e.what());
  }
  return in;
}

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
    std::string type = get_string(to_o, "type", "alerts.to", "console");
    if (type == "file") {
      check_fields(to_o, "alerts.to", {"type", "path"});
      to = sinks::jsonl(get_string(to_o, "path", "alerts.to"));
    } else if (type == "kafka") {
      to = sinks::kafka(parse_kafka_sink(to_o, "alerts.to", ctx));
    } else if (type != "console") {
      fail("alerts.to.type", "unknown sink type '" + type + "'; accepted: file, console, kafka");
    }
  }
  alert_limits limits;
  limits.max_per_key = static_cast<int64_t>(get_number(a, "max_per_key", "alerts", 0, 0, 1e9));
  if (auto* per = a.if_contains("per")) limits.per_us = get_duration(*per, "alerts.per");
  try {
    return in.alerts(rules, to, limits, get_string(a, "memory", "alerts"));
  } catch (const std::invalid_argument& e) {
    fail("alerts", e.what());
  }
  return in;
}

}  // namespace

query_plan_ptr pipeline_from_json(const json::value& spec, const pipeline_json_context& ctx) {
  const auto& root = as_object(spec, "pipeline");
  check_fields(root, "",
               {"name", "trigger", "max_records_per_trigger", "trigger_credits", "watermark_policy", "idle_timeout",
                "inputs", "filter", "with_columns", "output_columns", "sink", "dead_letters", "restart", "description",
                "join", "aggregate", "alerts", "no_data_batches"});
  std::string name = get_string(root, "name", "name", "pipeline");
  pipeline p(name);
  trigger_policy trig;
  if (auto* t = root.if_contains("trigger")) {
    auto parsed = t->is_string() ? parse_trigger(std::string_view(t->get_string())) : std::nullopt;
    if (!parsed)
      fail("trigger",
           "expected an interval (\"1s\", \"0\"), \"once\" or \"available_now\", got " + json::serialize(*t));
    trig = *parsed;
  }
  p.with_trigger(trig);
  bool bounded_default = trig.kind != trigger_kind::processing_time;
  p.with_max_records_per_trigger(static_cast<int64_t>(get_number(root, "max_records_per_trigger", "", 10000, 0, 1e9)));
  p.with_trigger_credits(static_cast<int>(get_number(root, "trigger_credits", "", 2, 1, 64)));
  if (auto* w = root.if_contains("watermark_policy")) {
    auto parsed = w->is_string() ? parse_watermark_policy(std::string_view(w->get_string())) : std::nullopt;
    if (!parsed) fail("watermark_policy", "expected \"min\" or \"max\"");
    p.with_watermark_policy(*parsed);
  }
  if (auto* i = root.if_contains("idle_timeout"))
    p.with_idle_timeout(std::chrono::microseconds(get_duration(*i, "idle_timeout")));
  if (auto* r = root.if_contains("restart")) {
    const auto& ro = as_object(*r, "restart");
    check_fields(ro, "restart", {"max", "within", "backoff"});
    restart_strategy rs;
    rs.max_restarts = static_cast<int>(get_number(ro, "max", "restart", 3, 0, 1000));
    if (auto* w = ro.if_contains("within")) rs.within_us = get_duration(*w, "restart.within");
    if (auto* b = ro.if_contains("backoff")) rs.initial_backoff_us = get_duration(*b, "restart.backoff");
    p.with_restart_strategy(rs);
  }
  auto* inputs_v = root.if_contains("inputs");
  if (!inputs_v) fail("inputs", "a pipeline needs at least one input");
  const auto& inputs = as_object(*inputs_v, "inputs");
  if (inputs.empty()) fail("inputs", "a pipeline needs at least one input");
  if (auto* nd = root.if_contains("no_data_batches")) {
    if (!nd->is_bool()) fail("no_data_batches", "expected true or false");
    p.with_no_data_batches(nd->get_bool());
  }
  // With a join, its left input is added first (the engine processes left before right).
  const json::object* join_o = nullptr;
  std::vector<std::string> order;
  if (auto* j = root.if_contains("join")) {
    join_o = &as_object(*j, "join");
    std::string l = get_string(*join_o, "left", "join"), r = get_string(*join_o, "right", "join");
    if (!inputs.contains(l)) fail("join.left", "names no input ('" + l + "')");
    if (!inputs.contains(r)) fail("join.right", "names no input ('" + r + "')");
    if (inputs.size() != 2 || l == r)
      fail("join", "a join takes exactly the two inputs of the pipeline, left and right");
    order = {l, r};
  } else {
    for (const auto& kv : inputs) order.emplace_back(kv.key());
  }
  std::vector<stream> streams;
  for (const auto& in_name : order) {
    std::string path = "inputs." + in_name;
    const auto& in = as_object(inputs.at(in_name), path);
    check_fields(in, path, {"source", "format", "columns", "watermark", "filter", "event_time"});
    auto* src = in.if_contains("source");
    if (!src) fail(path + ".source", "an input needs a source block");
    const auto& src_o = as_object(*src, path + ".source");
    std::string format = get_string(in, "format", path, "json");
    if (format != "json" && format != "raw" && format != "kafka")
      fail(path + ".format", "expected \"json\", \"raw\" or \"kafka\"");
    std::string src_type = get_string(src_o, "type", path + ".source");
    if (format == "kafka" && src_type != "kafka")
      fail(path + ".format", "\"kafka\" rows come from a kafka source; use \"json\" or \"raw\"");
    std::string wm_col, event_time = get_string(in, "event_time", path);
    int64_t wm_delay = 0;
    if (auto* w = in.if_contains("watermark"); w && !w->is_null()) {
      const auto& wo = as_object(*w, path + ".watermark");
      check_fields(wo, path + ".watermark", {"column", "delay", "delay_s"});
      wm_col = get_string(wo, "column", path + ".watermark");
      if (wm_col.empty()) fail(path + ".watermark.column", "names the event-time column");
      if (auto* d = wo.if_contains("delay"))
        wm_delay = get_duration(*d, path + ".watermark.delay");
      else if (auto* ds = wo.if_contains("delay_s"))
        wm_delay = get_duration(*ds, path + ".watermark.delay_s");
      else
        fail(path + ".watermark", "needs a delay, e.g. \"delay\": \"10s\"");
      if (event_time.empty()) event_time = wm_col;
    }
    schema_ptr s;
    if (format == "kafka") {
      if (in.if_contains("columns"))
        fail(path + ".columns", "a \"kafka\" input has Spark's Kafka columns; drop \"columns\" or use \"json\"");
    } else if (auto* c = in.if_contains("columns")) {
      s = parse_columns(*c, path + ".columns", format == "raw" ? std::string{} : event_time);
    } else if (get_string(src_o, "type", path + ".source") == "generator") {
      s = sources::events_schema();
    } else {
      fail(path + ".columns", "a file input needs its columns, e.g. [\"user:string\", \"ts:timestamp\"]");
    }
    auto spec_src = parse_source(in_name, src_o, path + ".source", s, bounded_default, ctx);
    if (format == "raw") spec_src = sources::raw(std::move(spec_src));
    stream st = p.source(std::move(spec_src));
    try {
      if (auto* f = in.if_contains("filter")) st = st.where(*f);
      if (!wm_col.empty()) st = st.with_watermark(wm_col, std::chrono::microseconds(wm_delay));
    } catch (const std::invalid_argument& e) {
      fail(path, e.what());
    }
    streams.push_back(st);
  }
  stream out = streams.front();
  if (join_o) {
    const auto& j = *join_o;
    check_fields(j, "join",
                 {"left", "right", "type", "on", "null_safe", "window", "time_range", "condition", "output_columns",
                  "partitions", "late_rows"});
    join_options o;
    std::string type = get_string(j, "type", "join", "inner");
    auto t = parse_join_type(type);
    if (!t)
      fail("join.type", "unknown join type '" + type +
                            "'; accepted: inner, left_outer, right_outer, full_outer, left_semi, left_anti");
    o.type = *t;
    if (auto* on = j.if_contains("on")) {
      if (!on->is_array()) fail("join.on", "expected a list of [left column, right column] pairs");
      for (const auto& pair : on->get_array()) {
        if (!pair.is_array() || pair.get_array().size() != 2 || !pair.get_array()[0].is_string() ||
            !pair.get_array()[1].is_string())
          fail("join.on", "expected [left column, right column], got " + json::serialize(pair));
        o.on.emplace_back(std::string(pair.get_array()[0].get_string()), std::string(pair.get_array()[1].get_string()));
      }
    }
    if (auto* ns = j.if_contains("null_safe")) {
      if (!ns->is_bool()) fail("join.null_safe", "expected true or false");
      o.null_safe = ns->get_bool();
    }
    if (auto* w = j.if_contains("window")) {
      const auto& wo = as_object(*w, "join.window");
      check_fields(wo, "join.window", {"left_column", "right_column", "size", "offset"});
      join_options::window jw;
      jw.left_column = get_string(wo, "left_column", "join.window");
      jw.right_column = get_string(wo, "right_column", "join.window");
      if (auto* s = wo.if_contains("size")) jw.size_us = get_duration(*s, "join.window.size");
      if (auto* off = wo.if_contains("offset")) jw.offset_us = get_duration(*off, "join.window.offset");
      o.window_key = jw;
    }
    if (auto* r = j.if_contains("time_range")) {
      const auto& ro = as_object(*r, "join.time_range");
      check_fields(ro, "join.time_range", {"column", "other", "lower", "upper"});
      join_options::range jr;
      jr.column = get_string(ro, "column", "join.time_range");
      jr.other = get_string(ro, "other", "join.time_range");
      for (const char* b : {"lower", "upper"}) {
        auto* bv = ro.if_contains(b);
        if (!bv || bv->is_null()) continue;
        std::string bp = std::string("join.time_range.") + b;
        const auto& bo = as_object(*bv, bp);
        check_fields(bo, bp, {"offset", "inclusive"});
        time_bound tb;
        if (auto* off = bo.if_contains("offset")) tb.offset_us = get_signed_duration(*off, bp + ".offset");
        if (auto* inc = bo.if_contains("inclusive")) {
          if (!inc->is_bool()) fail(bp + ".inclusive", "expected true or false");
          tb.inclusive = inc->get_bool();
        }
        (std::string(b) == "lower" ? jr.lower : jr.upper) = tb;
      }
      o.time_range = jr;
    }
    if (auto* c = j.if_contains("condition")) o.condition = *c;
    if (auto* oc = j.if_contains("output_columns")) {
      if (!oc->is_array()) fail("join.output_columns", "expected a list such as [\"left.id\", \"right.amount\"]");
      for (const auto& c : oc->get_array()) {
        if (!c.is_string()) fail("join.output_columns", "expected column names, got " + json::serialize(c));
        o.output_columns.emplace_back(c.get_string());
      }
    }
    o.partitions = static_cast<int>(get_number(j, "partitions", "join", 1, 1, 64));
    if (auto* lr = j.if_contains("late_rows")) {
      if (!lr->is_bool()) fail("join.late_rows", "expected true or false");
      o.route_late_rows = lr->get_bool();
    }
    try {
      out = streams[0].join(streams[1], o);
    } catch (const std::invalid_argument& e) {
      fail("join", e.what());
    }
  } else {
    try {
      for (size_t i = 1; i < streams.size(); ++i) out = out.union_with(streams[i]);
    } catch (const std::invalid_argument& e) {
      fail("inputs", e.what());
    }
  }
  if (auto* a = root.if_contains("aggregate")) {
    if (join_o) fail("aggregate", "a query has one stateful operator: a join or an aggregate, not both");
    out = parse_aggregate(as_object(*a, "aggregate"), out);
  }
  try {
    if (auto* f = root.if_contains("filter")) out = out.where(*f);
  } catch (const std::invalid_argument& e) {
    fail("filter", e.what());
  }
  if (auto* wc = root.if_contains("with_columns")) {
    for (const auto& kv : as_object(*wc, "with_columns")) {
      try {
        out = out.with_column(std::string(kv.key()), kv.value());
      } catch (const std::invalid_argument& e) {
        fail("with_columns." + std::string(kv.key()), e.what());
      }
    }
  }
  if (auto* oc = root.if_contains("output_columns")) {
    if (!oc->is_array()) fail("output_columns", "expected a list of column names");
    std::vector<std::string> cols;
    for (const auto& c : oc->get_array()) {
      if (!c.is_string()) fail("output_columns", "expected column names, got " + json::serialize(c));
      cols.emplace_back(c.get_string());
    }
    try {
      out = out.select(cols);
    } catch (const std::invalid_argument& e) {
      fail("output_columns", e.what());
    }
  }
  auto* sink_v = root.if_contains("sink");
  sink_plan sink = sinks::console();
  if (sink_v) {
    const auto& so = as_object(*sink_v, "sink");
    std::string type = get_string(so, "type", "sink", "console");
    if (type == "file") {
      check_fields(so, "sink", {"type", "path"});
      std::string path = get_string(so, "path", "sink");
      if (path.empty()) fail("sink.path", "a file sink needs a directory");
      sink = sinks::jsonl(path);
      p.with_dead_letters(path + "/_dead_letters");
    } else if (type == "console") {
      check_fields(so, "sink", {"type", "max_rows"});
      sink = sinks::console(static_cast<size_t>(get_number(so, "max_rows", "sink", 20, 0, 1e9)));
    } else if (type == "kafka") {
      sink = sinks::kafka(parse_kafka_sink(so, "sink", ctx));
    } else {
      fail("sink.type", "unknown sink type '" + type + "'; accepted: file, console, kafka");
    }
  }
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
  if (auto* al = root.if_contains("alerts")) out = parse_alerts(as_object(*al, "alerts"), out, ctx);
  out.to(std::move(sink));
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
