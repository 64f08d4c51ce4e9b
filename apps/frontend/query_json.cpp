#include "apps/frontend/query_json.hpp"

#include "apps/frontend/json_fields.hpp"
#include "apps/frontend/query_chain.hpp"
#include "apps/frontend/query_operators.hpp"

namespace sluice {
namespace {
namespace json = boost::json;
using namespace json_fields;

const json::object* inputs_of(const json::object& q) {
  auto* v = q.if_contains("inputs");
  return v && v->is_object() ? &v->get_object() : nullptr;
}

/// The inputs a join reads: "from": {"left", "right"}, or the inputs named left and right.
std::pair<std::string, std::string> join_sides(const json::object& q, const std::string& path) {
  auto* from = present(q, "from");
  if (!from) return {"left", "right"};
  const auto& f = as_object(*from, child(path, "from"));
  check_fields(f, child(path, "from"), {"left", "right"});
  return {get_string(f, "left", child(path, "from"), "left"), get_string(f, "right", child(path, "from"), "right")};
}

std::string query_type(const json::object& q, const std::string& path) {
  std::string type = get_string(q, "type", path);
  static const std::set<std::string> types = {"join",  "temporal_join", "aggregate", "union",
                                              "dedup", "process",       "cdc",       "chain"};
  if (!types.count(type))
    fail(child(path, "type"),
         "expected join, temporal_join, aggregate, union, dedup, process, cdc or chain, got '" + type + "'");
  return type;
}

/// The order inputs are added in: a join's left input first (left is processed before right).
std::vector<std::string> input_order(const std::string& type, const json::object& q, const json::object& inputs,
                                     const std::string& path) {
  std::vector<std::string> order;
  if (type == "join" || type == "temporal_join") {
    auto [l, r] = join_sides(q, path);
    for (const auto& name : {l, r})
      if (!inputs.contains(name)) fail(child(path, "inputs"), "the join reads input '" + name + "'; there is none");
    if (inputs.size() != 2 || l == r) fail(child(path, "inputs"), "a join takes exactly two inputs, left and right");
    return {l, r};
  }
  for (const auto& kv : inputs) order.emplace_back(kv.key());
  return order;
}

column parse_column(const json::value& c, const std::string& p, const query_json_hooks& hooks, bool is_time,
                    const std::function<std::optional<column_type>()>& infer) {
  column col;
  col.required = hooks.required_by_default;
  col.unit = hooks.default_time_unit;
  std::optional<std::string> type;
  if (c.is_string()) {
    std::string s(c.get_string());
    auto colon = s.find(':');
    col.name = s.substr(0, colon);
    if (colon != std::string::npos) type = s.substr(colon + 1);
  } else {
    const auto& o = as_object(c, p);
    check_fields(o, p, {"name", "type", "unit", "required"});
    col.name = get_string(o, "name", p);
    if (o.contains("type")) type = get_string(o, "type", p);
    if (o.contains("unit")) {
      auto unit = get_string(o, "unit", p);
      auto u = parse_time_unit(unit);
      if (!u) fail(child(p, "unit"), "expected s, ms or us, got '" + unit + "'");
      col.unit = *u;
    }
    col.required = get_bool(o, "required", p, col.required);
  }
  if (col.name.empty()) fail(p, "a column needs a name");
  if (type) {
    auto t = parse_column_type(*type);
    if (!t) fail(p, "unknown type '" + *type + "'; accepted: int64, double, string, bool, timestamp");
    col.type = *t;
  } else if (is_time) {
    col.type = column_type::timestamp;
  } else {
    col.type = infer().value_or(column_type::string);
  }
  return col;
}

schema_ptr parse_columns(const std::string& input, const json::value& v, const std::string& path,
                         const std::string& event_time, const std::set<std::string>& time_columns,
                         const query_json_hooks& hooks) {
  if (!v.is_array()) fail(path, "expected a list of columns");
  std::vector<column> cols;
  for (size_t i = 0; i < v.get_array().size(); ++i) {
    auto infer = [&]() -> std::optional<column_type> { return hooks.infer ? hooks.infer(input, i) : std::nullopt; };
    const auto& c = v.get_array()[i];
    std::string name;
    if (c.is_string())
      name = std::string(c.get_string()).substr(0, c.get_string().find(':'));
    else if (c.is_object() && c.get_object().contains("name") && c.get_object().at("name").is_string())
      name = std::string(c.get_object().at("name").get_string());
    cols.push_back(parse_column(c, path + "[" + std::to_string(i) + "]", hooks, time_columns.count(name) > 0, infer));
    if (cols.back().name == event_time) cols.back().required = true;
  }
  try {
    return std::make_shared<const schema>(std::move(cols), event_time);
  } catch (const std::invalid_argument& e) {
    fail(path, e.what());
  }
}

/// A "lookup" block: the rows of a JSONL file or folder by key, joined to each row of the
/// stream (actors/operators/transform/lookup_step.hpp; docs/enrichment.md).
stream add_lookup(stream s, const json::value& v, const std::string& path, const query_json_hooks& hooks) {
  const auto& o = as_object(v, path);
  check_fields(o, path, {"path", "topic", "brokers", "columns", "key", "on", "join", "refresh"});
  dimension_options d;
  d.path = get_string(o, "path", path);
  d.topic = get_string(o, "topic", path);
  if (d.path.empty() == d.topic.empty())
    fail(path,
         "names the table's JSONL file or folder (\"path\") or its compacted Kafka topic (\"topic\"), one of them");
  if (!d.topic.empty()) {
    d.brokers = get_string(o, "brokers", path);
    if (d.brokers.empty() && !hooks.brokers) fail(child(path, "brokers"), "names the Kafka cluster of the topic");
    if (d.brokers.empty()) d.brokers = hooks.brokers();
  }
  d.key = get_string(o, "key", path);
  if (d.key.empty()) fail(child(path, "key"), "names the table's key column");
  auto* c = present(o, "columns");
  if (!c) fail(child(path, "columns"), "lists the table's columns, e.g. [\"product_id:int64\", \"name\"]");
  query_json_hooks plain;
  plain.required_by_default = false;
  d.columns = parse_columns("lookup", *c, child(path, "columns"), "", {}, plain);
  if (auto r = duration_field(o, "refresh", path)) d.refresh_us = *r;
  std::string on = get_string(o, "on", path);
  std::string how = get_string(o, "join", path);
  if (!how.empty() && how != "inner" && how != "left") fail(child(path, "join"), "expected inner or left");
  std::shared_ptr<dimension_table> table;
  auto st = hooks.open_table ? hooks.open_table(d, table) : dimension_table::open(d, table);
  if (!st.is_ok()) fail(path, st.message());
  try {
    return s.lookup(on.empty() ? d.key : on, std::move(table), how == "inner" ? lookup_kind::inner : lookup_kind::left);
  } catch (const std::invalid_argument& e) {
    fail(path, e.what());
  }
}

/// One input: its schema and source, its filter (before anything else, also the watermark),
/// its lookup, then its watermark.
stream build_input(pipeline& p, const std::string& name, const json::object& in, const std::string& path,
                   const std::set<std::string>& time_columns, const query_json_hooks& hooks) {
  std::set<std::string> accepted = {"columns", "watermark", "filter", "event_time", "lookup"};
  accepted.insert(hooks.input_fields.begin(), hooks.input_fields.end());
  check_fields(in, path, accepted);
  std::string wm_col, event_time = get_string(in, "event_time", path);
  int64_t wm_delay = 0;
  if (auto* w = present(in, "watermark")) {
    std::string wp = child(path, "watermark");
    const auto& wo = as_object(*w, wp);
    check_fields(wo, wp, {"column", "delay", "delay_s"});
    wm_col = get_string(wo, "column", wp);
    if (wm_col.empty()) fail(child(wp, "column"), "names the event-time column");
    auto d = duration_field(wo, "delay", wp);
    if (!d) fail(wp, "needs a delay, e.g. \"delay\": \"10s\" or \"delay_s\": 10");
    wm_delay = *d;
    if (event_time.empty()) event_time = wm_col;
  }
  schema_ptr columns;
  if (auto* c = in.if_contains("columns"))
    columns = parse_columns(name, *c, child(path, "columns"), event_time, time_columns, hooks);
  if (!hooks.source) fail(path, "no source for this input");
  stream st = p.source(hooks.source(name, in, path, columns));
  try {
    if (auto* f = present(in, "filter")) st = st.where(*f);
  } catch (const std::invalid_argument& e) {
    fail(path, e.what());
  }
  if (auto* l = present(in, "lookup")) st = add_lookup(st, *l, child(path, "lookup"), hooks);
  try {
    if (!wm_col.empty()) st = st.with_watermark(wm_col, std::chrono::microseconds(wm_delay));
  } catch (const std::invalid_argument& e) {
    fail(path, e.what());
  }
  return st;
}

/// The steps after the operator: lookup, filter, with_columns, select.
stream add_steps(stream out, const json::object& q, const std::string& path, const query_json_hooks& hooks) {
  if (auto* l = present(q, "lookup")) out = add_lookup(out, *l, child(path, "lookup"), hooks);
  try {
    if (auto* f = present(q, "filter")) out = out.where(*f);
  } catch (const std::invalid_argument& e) {
    fail(child(path, "filter"), e.what());
  }
  if (auto* wc = present(q, "with_columns"))
    for (const auto& kv : as_object(*wc, child(path, "with_columns"))) {
      try {
        out = out.with_column(std::string(kv.key()), kv.value());
      } catch (const std::invalid_argument& e) {
        fail(child(child(path, "with_columns"), std::string(kv.key())), e.what());
      }
    }
  if (auto* s = present(q, "select")) {
    try {
      out = out.select(get_strings(*s, child(path, "select")));
    } catch (const std::invalid_argument& e) {
      fail(child(path, "select"), e.what());
    }
  }
  return out;
}

}  // namespace

std::map<std::string, std::set<std::string>> query_time_columns(const json::object& q) {
  std::map<std::string, std::set<std::string>> tc;
  if (auto* inputs = q.if_contains("inputs"); inputs && inputs->is_object())
    for (const auto& kv : inputs->get_object())
      if (kv.value().is_object())
        if (auto* w = present(kv.value().get_object(), "watermark"); w && w->is_object())
          if (auto* c = w->get_object().if_contains("column"); c && c->is_string())
            tc[std::string(kv.key())].insert(std::string(c->get_string()));
  auto type = q.if_contains("type");
  if (type && type->is_string() && type->get_string() == "chain") {
    chain_time_columns(q, tc);
    return tc;
  }
  bool is_join = type && type->is_string() && type->get_string() == "join";
  if (auto* g = present(q, "group_by"); g && g->is_array()) {
    std::string from = q.contains("from") && q.at("from").is_string() ? std::string(q.at("from").get_string()) : "in";
    for (const auto& k : g->get_array())
      if (k.is_object())
        for (const char* w : {"window", "session_window"})
          if (auto* wo = k.get_object().if_contains(w); wo && wo->is_object())
            if (auto* c = wo->get_object().if_contains("column"); c && c->is_string()) {
              if (q.contains("from") || !inputs_of(q) || inputs_of(q)->contains("in"))
                tc[from].insert(std::string(c->get_string()));
              else
                for (const auto& kv : *inputs_of(q)) tc[std::string(kv.key())].insert(std::string(c->get_string()));
            }
  }
  if (is_join) {
    auto [l, r] = join_sides(q, "query");
    join_time_columns(q, l, r, tc);
  }
  return tc;
}

query_json_result build_query_json(pipeline& p, const json::object& q, const std::string& path,
                                   const query_json_hooks& hooks) {
  std::string type = query_type(q, path);
  auto* inputs_v = q.if_contains("inputs");
  if (!inputs_v) fail(child(path, "inputs"), "a query needs at least one input");
  const auto& inputs = as_object(*inputs_v, child(path, "inputs"));
  if (inputs.empty()) fail(child(path, "inputs"), "a query needs at least one input");
  auto time_columns = query_time_columns(q);
  std::map<std::string, stream> streams;
  std::vector<std::string> order = input_order(type, q, inputs, path);
  for (const auto& name : order) {
    std::string ip = child(child(path, "inputs"), name);
    streams.emplace(name, build_input(p, name, as_object(inputs.at(name), ip), ip, time_columns[name], hooks));
  }
  query_json_result r{streams.at(order.front()), {}, output_mode::append, {}};
  std::string mode = get_string(q, "output_mode", path, "append");
  auto m = parse_output_mode(mode);
  if (!m) fail(child(path, "output_mode"), "expected append, update or complete");
  r.mode = *m;
  if (auto* oc = present(q, "output_columns")) r.output_columns = get_strings(*oc, child(path, "output_columns"));
  operator_input in{streams, order, path, r.mode, r.output_columns, hooks.processors};
  if (type == "chain") {
    check_fields(
        q, path,
        {"type", "inputs", "stages", "output_mode", "output_columns", "filter", "with_columns", "select", "lookup"});
    r.stages = build_chain(q, path, streams, r.mode, hooks.processors);
    r.out = r.stages.back();
    if (!r.output_columns.empty()) try {
        r.out = r.out.select(r.output_columns);
      } catch (const std::invalid_argument& e) {
        fail(child(path, "output_columns"), e.what());
      }
  } else if (type == "join" || type == "temporal_join") {
    auto [l, rr] = join_sides(q, path);
    r.out = type == "join" ? build_join(q, in, l, rr) : build_temporal_join(q, in, l, rr);
  } else if (type == "aggregate") {
    r.out = build_aggregate(q, in);
  } else if (type == "dedup" || type == "process" || type == "cdc") {
    r.out = type == "dedup" ? build_dedup(q, in) : type == "process" ? build_process(q, in) : build_cdc(q, in);
    // Their rows keep their columns; "output_columns" picks from them, as for a union.
    if (!r.output_columns.empty()) try {
        r.out = r.out.select(r.output_columns);
      } catch (const std::invalid_argument& e) {
        fail(child(path, "output_columns"), e.what());
      }
  } else {
    r.out = build_union(q, in);
  }
  r.out = add_steps(r.out, q, path, hooks);
  return r;
}

}  // namespace sluice
