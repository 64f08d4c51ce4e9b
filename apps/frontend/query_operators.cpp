#include "apps/frontend/query_operators.hpp"

#include "apps/frontend/json_fields.hpp"

namespace sluice {
namespace {
namespace json = boost::json;
using namespace json_fields;

const std::set<std::string> common_fields = {"type",         "inputs", "output_mode", "output_columns", "filter",
                                             "with_columns", "select", "from",        "lookup"};

void check_query_fields(const json::object& q, const std::string& path, std::set<std::string> own) {
  own.insert(common_fields.begin(), common_fields.end());
  check_fields(q, path, own);
}

/// Rethrows an operator's refusal (Spark's message) under the query's path.
template <class F>
stream refused_at(const std::string& path, F build) {
  try {
    return build();
  } catch (const std::invalid_argument& e) {
    fail(path, e.what());
  }
}

/// The stream a one-input operator reads: "from" an input, else input "in", else all unioned.
stream single_input(const json::object& q, const operator_input& in) {
  if (auto* f = present(q, "from")) {
    if (!f->is_string()) fail(child(in.path, "from"), "names an input, got " + json::serialize(*f));
    std::string name(f->get_string());
    auto it = in.streams.find(name);
    if (it == in.streams.end()) fail(child(in.path, "from"), "names no input ('" + name + "')");
    return it->second;
  }
  if (auto it = in.streams.find("in"); it != in.streams.end() && in.streams.size() == 1) return it->second;
  stream out = in.streams.at(in.order.front());
  for (size_t i = 1; i < in.order.size(); ++i)
    out = refused_at(child(in.path, "inputs"), [&] { return out.union_with(in.streams.at(in.order[i])); });
  return out;
}

void parse_partitions(const json::object& q, const std::string& path, int& partitions, bool* late_rows) {
  partitions = static_cast<int>(get_number(q, "partitions", path, 1, 1, 64));
  if (late_rows) *late_rows = get_bool(q, "late_rows", path, false);
}

time_bound parse_bound(const json::value& v, const std::string& path) {
  const auto& o = as_object(v, path);
  check_fields(o, path, {"offset", "offset_s", "inclusive"});
  time_bound b;
  b.offset_us = duration_field(o, "offset", path, true).value_or(0);
  b.inclusive = get_bool(o, "inclusive", path, b.inclusive);
  return b;
}

join_options::window parse_window_key(const json::value& v, const std::string& path) {
  const auto& o = as_object(v, path);
  check_fields(o, path, {"left_column", "right_column", "size", "size_s", "slide", "slide_s", "offset", "offset_s"});
  join_options::window w;
  w.left_column = get_string(o, "left_column", path);
  w.right_column = get_string(o, "right_column", path);
  w.size_us = duration_field(o, "size", path).value_or(0);
  w.slide_us = duration_field(o, "slide", path).value_or(0);
  w.offset_us = duration_field(o, "offset", path, true).value_or(0);
  return w;
}

join_options::range parse_time_range(const json::value& v, const std::string& path) {
  const auto& o = as_object(v, path);
  check_fields(o, path, {"column", "other", "lower", "upper"});
  join_options::range r;
  r.column = get_string(o, "column", path);
  r.other = get_string(o, "other", path);
  if (auto* b = present(o, "lower")) r.lower = parse_bound(*b, child(path, "lower"));
  if (auto* b = present(o, "upper")) r.upper = parse_bound(*b, child(path, "upper"));
  return r;
}

std::vector<std::pair<std::string, std::string>> parse_equi_keys(const json::value& v, const std::string& path) {
  if (!v.is_array()) fail(path, "expected a list of [left column, right column] pairs");
  std::vector<std::pair<std::string, std::string>> on;
  for (const auto& pair : v.get_array()) {
    if (!pair.is_array() || pair.get_array().size() != 2 || !pair.get_array()[0].is_string() ||
        !pair.get_array()[1].is_string())
      fail(path, "expected [left column, right column], got " + json::serialize(pair));
    on.emplace_back(std::string(pair.get_array()[0].get_string()), std::string(pair.get_array()[1].get_string()));
  }
  return on;
}

group_key parse_window(const json::object& w, const std::string& path) {
  check_fields(w, path, {"column", "size", "size_s", "slide", "slide_s", "offset", "offset_s"});
  auto us = [&](const char* k, bool signed_ok) {
    return std::chrono::microseconds(duration_field(w, k, path, signed_ok).value_or(0));
  };
  return keys::window(get_string(w, "column", path), us("size", false), us("slide", false), us("offset", true));
}

/// Spark's session_window with a gap looked up from another column ("gap_s_by").
group_key parse_dynamic_gap(const std::string& column, const json::object& by, const std::string& path) {
  check_fields(by, path, {"column", "values", "default"});
  std::string gap_col = get_string(by, "column", path);
  std::map<std::string, int64_t> gaps;
  if (auto* v = by.if_contains("values"))
    for (const auto& kv : as_object(*v, child(path, "values")))
      gaps[std::string(kv.key())] = duration_us(kv.value(), child(child(path, "values"), std::string(kv.key())), true);
  auto* d = by.if_contains("default");
  if (!d) fail(child(path, "default"), "give the gap of values not listed");
  int64_t dflt = duration_us(*d, child(path, "default"), true);
  return keys::session_window(
      column,
      [gap_col, gaps, dflt](const record& r) {
        const value& v = r[gap_col];
        auto it = gaps.find(v.index() == 4 ? std::get<std::string>(v) : to_display(v));
        return it == gaps.end() ? dflt : it->second;
      },
      "gap by " + gap_col);
}

group_key parse_session(const json::object& s, const std::string& path) {
  check_fields(s, path, {"column", "gap", "gap_s", "gap_s_by"});
  std::string column = get_string(s, "column", path);
  if (auto* by = present(s, "gap_s_by"))
    return parse_dynamic_gap(column, as_object(*by, child(path, "gap_s_by")), path);
  auto gap = duration_field(s, "gap", path);
  if (!gap) fail(child(path, "gap"), "a session window needs a gap, e.g. \"30m\"");
  return keys::session_window(column, std::chrono::microseconds(*gap));
}

std::vector<group_key> parse_group_by(const json::value* g, const std::string& path) {
  if (!g || !g->is_array())
    fail(path,
         "expected a list of columns and at most one window, e.g. [\"user\", {\"window\": …}] ([] for one "
         "global group)");
  std::vector<group_key> keys;
  for (const auto& k : g->get_array()) {
    if (k.is_string()) {
      keys.push_back(keys::col(std::string(k.get_string())));
      continue;
    }
    const auto& ko = as_object(k, path);
    if (auto* w = ko.if_contains("window"))
      keys.push_back(parse_window(as_object(*w, child(path, "window")), child(path, "window")));
    else if (auto* s = ko.if_contains("session_window"))
      keys.push_back(parse_session(as_object(*s, child(path, "session_window")), child(path, "session_window")));
    else
      fail(path, "expected a column name, {\"window\": …} or {\"session_window\": …}");
  }
  return keys;
}

std::vector<aggregation> parse_aggregations(const json::value* a, const std::string& path) {
  if (!a || !a->is_array() || a->get_array().empty())
    fail(path, "expected a list such as [{\"fn\": \"count\", \"as\": \"n\"}]");
  std::vector<aggregation> out;
  for (const auto& x : a->get_array()) {
    const auto& xo = as_object(x, path);
    check_fields(xo, path, {"fn", "column", "as", "rsd", "distinct"});
    std::string fn = get_string(xo, "fn", path);
    auto f = parse_aggregate_fn(fn);
    if (!f)
      fail(child(path, "fn"),
           "unknown function '" + fn + "'; accepted: count, sum, avg, min, max, collect_list, approx_count_distinct");
    aggregation ag;
    ag.fn = *f;
    ag.column = get_string(xo, "column", path);
    ag.name = get_string(xo, "as", path, ag.column.empty() ? fn : fn + "(" + ag.column + ")");
    ag.rsd = get_number(xo, "rsd", path, 0.05, 0, 1);
    ag.distinct = get_bool(xo, "distinct", path, false);
    out.push_back(ag);
  }
  return out;
}

}  // namespace

stream build_join(const json::object& q, const operator_input& in, const std::string& left, const std::string& right) {
  const auto& path = in.path;
  check_query_fields(
      q, path,
      {"join_type", "equi_keys", "null_safe_keys", "window_key", "time_range", "condition", "partitions", "late_rows"});
  join_options o;
  std::string type = get_string(q, "join_type", path, "inner");
  auto t = parse_join_type(type);
  if (!t)
    fail(child(path, "join_type"), "unknown join type '" + type +
                                       "'; accepted: inner, left_outer, right_outer, full_outer, left_semi, left_anti");
  o.type = *t;
  if (auto* k = present(q, "equi_keys")) o.on = parse_equi_keys(*k, child(path, "equi_keys"));
  o.null_safe = get_bool(q, "null_safe_keys", path, false);
  if (auto* w = present(q, "window_key")) o.window_key = parse_window_key(*w, child(path, "window_key"));
  if (auto* r = present(q, "time_range")) o.time_range = parse_time_range(*r, child(path, "time_range"));
  if (auto* c = present(q, "condition")) o.condition = *c;
  o.output_columns = in.output_columns;
  o.mode = in.mode;
  o.qualified_names = in.qualified_join_columns;
  parse_partitions(q, path, o.partitions, &o.route_late_rows);
  return refused_at(path, [&] { return in.streams.at(left).join(in.streams.at(right), o); });
}

stream build_temporal_join(const json::object& q, const operator_input& in, const std::string& probe,
                           const std::string& table) {
  const auto& path = in.path;
  check_query_fields(q, path, {"join_type", "equi_keys", "deleted", "columns", "partitions", "late_rows"});
  temporal_join_options o;
  std::string type = get_string(q, "join_type", path, "left_outer");
  if (type != "left_outer" && type != "inner")
    fail(child(path, "join_type"), "a temporal join is left_outer (the default) or inner, not '" + type + "'");
  o.inner = type == "inner";
  if (auto* k = present(q, "equi_keys")) o.on = parse_equi_keys(*k, child(path, "equi_keys"));
  if (auto* d = present(q, "deleted")) {
    if (!d->is_string()) fail(child(path, "deleted"), "expected the name of a boolean column of the table input");
    o.deleted = std::string(d->get_string());
  }
  if (auto* c = present(q, "columns")) o.columns = get_strings(*c, child(path, "columns"));
  parse_partitions(q, path, o.partitions, &o.route_late_rows);
  stream out = refused_at(path, [&] { return in.streams.at(probe).temporal_join(in.streams.at(table), o); });
  if (in.output_columns.empty()) return out;
  return refused_at(child(path, "output_columns"), [&] { return out.select(in.output_columns); });
}

stream build_aggregate(const json::object& q, const operator_input& in) {
  const auto& path = in.path;
  check_query_fields(q, path, {"group_by", "aggregations", "partitions", "late_rows"});
  aggregate_options o;
  o.group_by = parse_group_by(q.if_contains("group_by"), child(path, "group_by"));
  o.aggregations = parse_aggregations(q.if_contains("aggregations"), child(path, "aggregations"));
  o.mode = in.mode;
  o.output_columns = in.output_columns;
  parse_partitions(q, path, o.partitions, &o.route_late_rows);
  stream s = single_input(q, in);
  return refused_at(path, [&] { return s.aggregate(o); });
}

stream build_union(const json::object& q, const operator_input& in) {
  check_query_fields(q, in.path, {});
  stream out = single_input(q, in);
  if (in.output_columns.empty()) return out;
  return refused_at(child(in.path, "output_columns"), [&] { return out.select(in.output_columns); });
}

stream build_process(const json::object& q, const operator_input& in) {
  const auto& path = in.path;
  check_query_fields(q, path, {"key", "processor", "params", "ttl", "partitions"});
  std::string name = get_string(q, "processor", path);
  const registered_processor* proc = in.processors ? in.processors->find(name) : nullptr;
  if (!proc) {
    std::string known;
    if (in.processors)
      for (const auto& n : in.processors->names()) known += (known.empty() ? "" : ", ") + n;
    fail(child(path, "processor"), "no registered processor '" + name + "'; registered: " + known);
  }
  std::string key = get_string(q, "key", path);
  if (key.empty()) fail(child(path, "key"), "names the column the state is keyed by");
  keyed_process_options o;
  parse_partitions(q, path, o.partitions, nullptr);
  if (auto* t = present(q, "ttl"))
    for (const auto& kv : as_object(*t, child(path, "ttl")))
      o.ttl_us[std::string(kv.key())] = duration_us(kv.value(), child(child(path, "ttl"), std::string(kv.key())));
  json::object none;
  auto* params = present(q, "params");
  auto make = proc->make(params ? as_object(*params, child(path, "params")) : none, child(path, "params"));
  stream s = single_input(q, in);
  auto k = s.schema()->index_of(key);
  if (k && s.schema()->at(*k).type != proc->key_type)
    fail(child(path, "key"), "column '" + key + "' is " + to_string(s.schema()->at(*k).type) + "; processor '" + name +
                                 "' is keyed by " + to_string(proc->key_type));
  return refused_at(path, [&] { return s.process_by_key(key, make, proc->output, o, name); });
}

stream build_dedup(const json::object& q, const operator_input& in) {
  const auto& path = in.path;
  check_query_fields(q, path, {"keys", "within_watermark", "partitions"});
  dedup_options o;
  if (auto* k = present(q, "keys")) o.keys = get_strings(*k, child(path, "keys"));
  o.within_watermark = get_bool(q, "within_watermark", path, false);
  parse_partitions(q, path, o.partitions, nullptr);
  stream s = single_input(q, in);
  return refused_at(path, [&] { return s.drop_duplicates(o); });
}

stream build_cdc(const json::object& q, const operator_input& in) {
  const auto& path = in.path;
  check_query_fields(q, path, {"table", "topic", "transaction_topic", "flattened", "primary_key"});
  cdc_table_options t;
  t.table_dir = get_string(q, "table", path);
  t.cdc.data_topic = get_string(q, "topic", path);
  t.cdc.transaction_topic = get_string(q, "transaction_topic", path);
  t.cdc.transaction_metadata = !t.cdc.transaction_topic.empty();
  t.cdc.flattened = get_bool(q, "flattened", path, false);
  if (auto* pk = present(q, "primary_key")) t.cdc.primary_key = get_strings(*pk, child(path, "primary_key"));
  stream s = single_input(q, in);
  return refused_at(path, [&] { return s.apply_cdc(t); });
}

}  // namespace sluice
