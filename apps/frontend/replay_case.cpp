#include "apps/frontend/replay_case.hpp"

#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include "actors/plan/pipeline.hpp"
#include "actors/runtime/query_driver.hpp"
#include "messages/codec/json_codec.hpp"
#include "state/io/files/work_dir.hpp"

namespace sluice {
namespace json = boost::json;
namespace fs = std::filesystem;

int replay_result::passed() const {
  return static_cast<int>(std::count_if(checks.begin(), checks.end(), [](const replay_check& c) { return c.passed; }));
}
int replay_result::failed() const {
  return static_cast<int>(checks.size()) - passed();
}

namespace {

constexpr int64_t s_us = 1'000'000;

struct built_query {
  query_plan_ptr plan;
  std::map<std::string, std::shared_ptr<memory_reader::channel>> channels;
  std::map<std::string, std::vector<std::string>> columns;  // per input
  std::map<std::string, std::set<std::string>> time_columns;
  std::vector<std::string> output_columns;
  schema_ptr output_schema;
  bool complete = false;  // complete mode: `expect` compares the last emitted table
};

std::string bare(const std::string& ref) {
  auto dot = ref.find('.');
  return dot == std::string::npos ? ref : ref.substr(dot + 1);
}

time_bound bound_of(const json::value& b) {
  return time_bound{static_cast<int64_t>(b.at("offset_s").to_number<double>() * s_us), b.at("inclusive").as_bool()};
}

// Column types from the rows of every add step: int64, double, string or bool.
column_type infer(const json::array& steps, const std::string& input, size_t col) {
  column_type t = column_type::int64;
  bool seen = false;
  for (const auto& st : steps) {
    auto* add = st.as_object().if_contains("add");
    if (!add) continue;
    auto* rows = add->as_object().if_contains(input);
    if (!rows) continue;
    for (const auto& r : rows->as_array()) {
      const auto& v = r.as_array().at(col);
      if (v.is_null()) continue;
      column_type k = v.is_string()   ? column_type::string
                      : v.is_bool()   ? column_type::boolean
                      : v.is_double() ? column_type::float64
                                      : column_type::int64;
      if (!seen || (t == column_type::int64 && k == column_type::float64)) t = k;
      seen = true;
    }
  }
  return t;
}

built_query build(const json::object& c, const std::shared_ptr<memory_sink::store>& sink, const std::string& dead_dir) {
  built_query q;
  const auto& query = c.at("query").as_object();
  std::string type(query.at("type").as_string());
  const auto& cfg = c.at("config").as_object();
  const auto& steps = c.at("steps").as_array();
  const auto& inputs = query.at("inputs").as_object();
  if (type != "join" && type != "union" && type != "aggregate")
    throw std::invalid_argument("unknown query type '" + type + "'");
  // Time columns: watermark columns, window and range columns.
  for (const auto& kv : inputs) {
    auto& tc = q.time_columns[std::string(kv.key())];
    const auto& in = kv.value().as_object();
    if (auto* w = in.if_contains("watermark"); w && !w->is_null()) tc.insert(std::string(w->at("column").as_string()));
  }
  if (type == "aggregate")
    for (const auto& g : query.at("group_by").as_array())
      if (g.is_object())
        for (const char* k : {"window", "session_window"})
          if (auto* w = g.as_object().if_contains(k))
            q.time_columns["in"].insert(std::string(w->at("column").as_string()));
  if (type == "join") {
    if (auto* w = query.if_contains("window_key"); w && !w->is_null()) {
      q.time_columns["left"].insert(std::string(w->at("left_column").as_string()));
      q.time_columns["right"].insert(std::string(w->at("right_column").as_string()));
    }
    if (auto* r = query.if_contains("time_range"); r && !r->is_null()) {
      for (const char* k : {"column", "other"}) {
        std::string ref(r->at(k).as_string());
        q.time_columns[ref.substr(0, ref.find('.'))].insert(bare(ref));
      }
    }
  }
  pipeline p(c.at("name").as_string().c_str());
  p.with_trigger({trigger_kind::manual, 0}).with_max_records_per_trigger(0).with_trigger_credits(1);
  if (auto* nd = cfg.if_contains("no_data_batches")) p.with_no_data_batches(nd->as_bool());
  if (auto* pol = cfg.if_contains("multiple_watermark_policy"))
    p.with_watermark_policy(*parse_watermark_policy(std::string_view(pol->as_string())));
  std::map<std::string, stream> streams;
  std::vector<std::string> order;
  if (type == "join")
    order = {"left", "right"};
  else
    for (const auto& kv : inputs) order.emplace_back(kv.key());
  for (const auto& name : order) {
    const auto& in = inputs.at(name).as_object();
    std::vector<column> cols;
    std::string event_time;
    size_t i = 0;
    for (const auto& cv : in.at("columns").as_array()) {
      std::string cn(cv.as_string());
      q.columns[name].push_back(cn);
      bool is_time = q.time_columns[name].count(cn) > 0;
      cols.push_back(column{cn, is_time ? column_type::timestamp : infer(steps, name, i), false, time_unit::seconds});
      ++i;
    }
    std::optional<std::pair<std::string, int64_t>> wm;
    if (auto* w = in.if_contains("watermark"); w && !w->is_null()) {
      wm = std::make_pair(std::string(w->at("column").as_string()),
                          static_cast<int64_t>(w->at("delay_s").to_number<double>() * s_us));
      event_time = wm->first;
      for (auto& col : cols)
        if (col.name == event_time) col.required = true;
    }
    auto sch = std::make_shared<const schema>(cols, event_time);
    auto ch = std::make_shared<memory_reader::channel>();
    q.channels[name] = ch;
    stream st = p.source(sources::memory(name, ch, sch));
    if (auto* f = in.if_contains("filter"); f && !f->is_null()) st = st.where(*f);
    if (wm) st = st.with_watermark(wm->first, std::chrono::microseconds(wm->second));
    streams.emplace(name, st);
  }
  for (const auto& oc : query.at("output_columns").as_array()) q.output_columns.emplace_back(oc.as_string());
  auto mode = parse_output_mode(std::string_view(query.at("output_mode").as_string()));
  if (!mode) throw std::invalid_argument("unknown output_mode");
  stream out = streams.at(order.front());
  if (type == "join") {
    join_options o;
    o.type = *parse_join_type(std::string_view(query.at("join_type").as_string()));
    for (const auto& k : query.at("equi_keys").as_array())
      o.on.emplace_back(std::string(k.as_array()[0].as_string()), std::string(k.as_array()[1].as_string()));
    if (auto* ns = query.if_contains("null_safe_keys")) o.null_safe = ns->as_bool();
    if (auto* w = query.if_contains("window_key"); w && !w->is_null()) {
      join_options::window jw;
      jw.left_column = std::string(w->at("left_column").as_string());
      jw.right_column = std::string(w->at("right_column").as_string());
      jw.size_us = static_cast<int64_t>(w->at("size_s").to_number<double>() * s_us);
      jw.slide_us = static_cast<int64_t>(w->at("slide_s").to_number<double>() * s_us);
      jw.offset_us = static_cast<int64_t>(w->at("offset_s").to_number<double>() * s_us);
      o.window_key = jw;
    }
    if (auto* r = query.if_contains("time_range"); r && !r->is_null()) {
      join_options::range jr;
      jr.column = std::string(r->at("column").as_string());
      jr.other = std::string(r->at("other").as_string());
      if (!r->at("lower").is_null()) jr.lower = bound_of(r->at("lower"));
      if (!r->at("upper").is_null()) jr.upper = bound_of(r->at("upper"));
      o.time_range = jr;
    }
    if (auto* cond = query.if_contains("condition")) o.condition = *cond;
    o.output_columns = q.output_columns;
    o.mode = *mode;
    out = streams.at("left").join(streams.at("right"), o);
  } else if (type == "aggregate") {
    for (size_t i = 1; i < order.size(); ++i) out = out.union_with(streams.at(order[i]));
    aggregate_options a;
    a.mode = *mode;
    a.output_columns = q.output_columns;
    for (const auto& g : query.at("group_by").as_array()) {
      if (g.is_string()) {
        a.group_by.push_back(keys::col(std::string(g.as_string())));
      } else if (auto* w = g.as_object().if_contains("window")) {
        auto us = [&](const char* k) {
          auto* v = w->as_object().if_contains(k);
          return std::chrono::microseconds(v && !v->is_null() ? static_cast<int64_t>(v->to_number<double>() * s_us)
                                                              : 0);
        };
        a.group_by.push_back(
            keys::window(std::string(w->at("column").as_string()), us("size_s"), us("slide_s"), us("offset_s")));
      } else if (auto* sw = g.as_object().if_contains("session_window")) {
        std::string col(sw->at("column").as_string());
        if (auto* by = sw->as_object().if_contains("gap_s_by")) {
          std::string gap_col(by->at("column").as_string());
          std::map<std::string, int64_t> gaps;
          for (const auto& kv : by->at("values").as_object())
            gaps[std::string(kv.key())] = static_cast<int64_t>(kv.value().to_number<double>() * s_us);
          int64_t dflt = static_cast<int64_t>(by->at("default").to_number<double>() * s_us);
          a.group_by.push_back(keys::session_window(
              col,
              [gap_col, gaps, dflt](const record& r) {
                const value& v = r[gap_col];
                std::string k = v.index() == 4 ? std::get<std::string>(v) : to_display(v);
                auto it = gaps.find(k);
                return it == gaps.end() ? dflt : it->second;
              },
              "gap by " + gap_col));
        } else {
          a.group_by.push_back(keys::session_window(
              col, std::chrono::microseconds(static_cast<int64_t>(sw->at("gap_s").to_number<double>() * s_us))));
        }
      } else {
        throw std::invalid_argument("group_by entry " + json::serialize(g) +
                                    " is not a column, window or session_window");
      }
    }
    for (const auto& ag : query.at("aggregations").as_array()) {
      const auto& ao = ag.as_object();
      auto fn = parse_aggregate_fn(std::string_view(ao.at("fn").as_string()));
      if (!fn) throw std::invalid_argument("unknown aggregation " + json::serialize(ao.at("fn")));
      aggregation x;
      x.fn = *fn;
      if (auto* col = ao.if_contains("column")) x.column = std::string(col->as_string());
      if (auto* d = ao.if_contains("distinct")) x.distinct = d->as_bool();
      if (auto* r = ao.if_contains("rsd")) x.rsd = r->to_number<double>();
      x.name = ao.contains("as") ? std::string(ao.at("as").as_string()) : std::string(ao.at("fn").as_string());
      a.aggregations.push_back(x);
    }
    out = out.aggregate(a);
    q.complete = *mode == output_mode::complete;
  } else {
    for (size_t i = 1; i < order.size(); ++i) out = out.union_with(streams.at(order[i]));
    out = out.select(q.output_columns);
  }
  q.output_schema = out.schema();
  p.with_dead_letters(dead_dir);
  out.to(sinks::memory(sink));
  q.plan = p.build();
  return q;
}

json::value cell_json(const value& v, column_type t) {
  switch (v.index()) {
    case 0:
      return nullptr;
    case 1:
      return std::get<bool>(v);
    case 2: {
      int64_t x = std::get<int64_t>(v);
      return t == column_type::timestamp && x % s_us == 0 ? json::value(x / s_us)
             : t == column_type::timestamp                ? json::value(static_cast<double>(x) / s_us)
                                                          : json::value(x);
    }
    case 3:
      return std::get<double>(v);
    default:
      return json::value(std::get<std::string>(v));
  }
}

std::string canonical(const json::value& v) {  // 2 and 2.0 compare equal
  if (v.is_double() && v.get_double() == static_cast<double>(static_cast<int64_t>(v.get_double())))
    return std::to_string(static_cast<int64_t>(v.get_double()));
  if (v.is_array()) {
    std::string s = "[";
    for (size_t i = 0; i < v.get_array().size(); ++i) s += (i ? "," : "") + canonical(v.get_array()[i]);
    return s + "]";
  }
  return json::serialize(v);
}

}  // namespace

replay_result run_replay_case(const json::value& cv, const replay_options& opts) {
  replay_result res;
  const auto& c = cv.as_object();
  res.name = c.contains("name") ? std::string(c.at("name").as_string()) : "case";
  const auto& steps = c.at("steps").as_array();
  bool expects_error = false;
  for (const auto& s : steps) expects_error |= s.as_object().contains("expect_error");

  std::string work = opts.work_dir;
  bool temp = work.empty();
  if (temp)
    work = (fs::temp_directory_path() / ("sluice-replay-" + std::to_string(::getpid()) + "-" + res.name)).string();
  std::error_code ec;
  if (temp) {
    fs::remove_all(work, ec);
    fs::create_directories(work, ec);
  } else if (auto s = claim_work_dir(work); !s.is_ok()) {
    res.checks.push_back({0, "start", false, "--work-dir " + s.message()});
    return res;
  }
  struct cleanup {
    std::string dir;
    bool on;
    ~cleanup() {
      std::error_code e;
      if (on) fs::remove_all(dir, e);
    }
  } clean{work, temp};

  auto sink = std::make_shared<memory_sink::store>();
  built_query q;
  std::string build_error;
  try {
    q = build(c, sink, work + "/dead_letters");
  } catch (const std::exception& e) {
    build_error = e.what();
  }
  if (!build_error.empty() || expects_error) {
    for (size_t i = 0; i < steps.size(); ++i)
      if (steps[i].as_object().contains("expect_error"))
        res.checks.push_back({i, "expect_error", !build_error.empty(),
                              build_error.empty() ? "the query was accepted, but the case expects it to be refused"
                                                  : "refused: " + build_error});
    if (!expects_error) res.checks.push_back({0, "build", false, "the query was refused: " + build_error});
    return res;
  }

  std::unique_ptr<query_driver> driver;
  try {
    driver = std::make_unique<query_driver>(q.plan, work + "/checkpoint");
  } catch (const std::exception& e) {
    res.checks.push_back({0, "start", false, e.what()});
    return res;
  }
  size_t mark = 0;
  int64_t total = 0, updated = 0, dropped = 0, removed = 0;
  std::optional<event_time_stats> last_event_time;
  int64_t last_event_wm = 0;
  auto emitted_since = [&](size_t from) {
    std::vector<std::string> rows;
    std::lock_guard<std::mutex> g(sink->mu);
    for (size_t i = from; i < sink->rows.size(); ++i) {
      json::array a;
      for (size_t k = 0; k < sink->rows[i].second.values.size(); ++k)
        a.push_back(cell_json(sink->rows[i].second.values[k], q.output_schema->at(k).type));
      rows.push_back(canonical(a));
    }
    std::sort(rows.begin(), rows.end());
    return rows;
  };
  auto last_table = [&] {  // complete mode: the rows of the most recent trigger that emitted
    std::vector<std::string> rows;
    std::lock_guard<std::mutex> g(sink->mu);
    if (sink->rows.empty()) return rows;
    int64_t last = sink->rows.back().first;
    for (const auto& [trigger, r] : sink->rows) {
      if (trigger != last) continue;
      json::array a;
      for (size_t k = 0; k < r.values.size(); ++k) a.push_back(cell_json(r.values[k], q.output_schema->at(k).type));
      rows.push_back(canonical(a));
    }
    std::sort(rows.begin(), rows.end());
    return rows;
  };
  auto sink_size = [&] {
    std::lock_guard<std::mutex> g(sink->mu);
    return sink->rows.size();
  };
  auto list = [](const std::vector<std::string>& v) {
    std::string s = "[";
    for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
    return s + "]";
  };
  for (size_t i = 0; i < steps.size(); ++i) {
    const auto& st = steps[i].as_object();
    json::object obs;
    obs["step"] = i;
    if (auto* add = st.if_contains("add")) {
      for (const auto& kv : add->as_object()) {
        std::string name(kv.key());
        auto it = q.channels.find(name);
        if (it == q.channels.end()) {
          res.checks.push_back({i, "add", false, "no input named '" + name + "'"});
          return res;
        }
        const auto& cols = q.columns[name];
        for (const auto& r : kv.value().as_array()) {
          json::object rec;
          for (size_t k = 0; k < cols.size() && k < r.as_array().size(); ++k) rec[cols[k]] = r.as_array()[k];
          it->second->push(json::serialize(rec));
        }
      }
      size_t before = sink_size();
      std::string error;
      auto commit = driver->step(error);
      if (!commit) {
        res.checks.push_back({i, "add", false, "the trigger did not run: " + error});
        return res;
      }
      const auto& rep = commit->report;
      total = 0;
      for (const auto& op : rep.operators) {
        total += op.num_rows_total;
        updated += op.num_rows_updated;
        dropped += op.num_rows_dropped_by_watermark;
        removed += op.num_rows_removed;
      }
      if (rep.event_time.count > 0) {
        last_event_time = rep.event_time;
        last_event_wm = rep.watermark_us;
      }
      if (opts.observe) {
        obs["action"] = "add";
        obs["trigger"] = commit->trigger;
        json::array em;
        for (const auto& r : emitted_since(before)) em.push_back(json::parse(r));
        obs["emitted"] = std::move(em);
        obs["watermark_s"] = static_cast<double>(commit->watermark_us) / s_us;
        obs["ran_with_watermark_s"] = static_cast<double>(rep.watermark_us) / s_us;
        json::array ops;
        for (const auto& op : rep.operators)
          ops.push_back({{"operatorName", op.operator_name},
                         {"numRowsTotal", op.num_rows_total},
                         {"numRowsUpdated", op.num_rows_updated},
                         {"numRowsRemoved", op.num_rows_removed},
                         {"numRowsDroppedByWatermark", op.num_rows_dropped_by_watermark}});
        obs["stateOperators"] = std::move(ops);
      }
    } else if (auto* exp = st.if_contains("expect")) {
      std::vector<std::string> want;
      for (const auto& r : exp->as_array()) want.push_back(canonical(r));
      std::sort(want.begin(), want.end());
      auto got = q.complete ? last_table() : emitted_since(mark);
      mark = sink_size();
      bool ok = got == want;
      res.checks.push_back({i, "expect", ok, ok ? list(got) : "expected " + list(want) + ", got " + list(got)});
    } else if (st.contains("discard")) {
      mark = sink_size();
    } else if (auto* m = st.if_contains("expect_metrics")) {
      std::string detail;
      bool ok = true;
      for (const auto& kv : m->as_object()) {
        int64_t want = kv.value().to_number<int64_t>();
        std::string k(kv.key());
        int64_t got = k == "numRowsTotal"                ? total
                      : k == "numRowsUpdated"            ? updated
                      : k == "numRowsDroppedByWatermark" ? dropped
                      : k == "numRowsRemoved"            ? removed
                                                         : -1;
        if (got != want) ok = false;
        detail += (detail.empty() ? "" : ", ") + k + " " + std::to_string(got) +
                  (got == want ? "" : " (expected " + std::to_string(want) + ")");
      }
      updated = dropped = removed = 0;
      res.checks.push_back({i, "expect_metrics", ok, detail});
    } else if (st.contains("restart")) {
      std::string error;
      if (!driver->restart(error)) {
        res.checks.push_back({i, "restart", false, "restart failed: " + error});
        return res;
      }
      if (opts.observe) obs["action"] = "restart";
    } else if (auto* w = st.if_contains("expect_watermark_s")) {
      double want = w->to_number<double>();
      double got = static_cast<double>(driver->last().watermark_us) / s_us;
      res.checks.push_back({i, "expect_watermark_s", got == want,
                            "watermark " + canonical(json::value(got)) +
                                (got == want ? "" : " (expected " + canonical(json::value(want)) + ")")});
    } else if (auto* e = st.if_contains("expect_event_time")) {
      if (!last_event_time) {
        res.checks.push_back({i, "expect_event_time", false, "no trigger with input rows yet"});
        continue;
      }
      const auto& et = *last_event_time;
      std::map<std::string, double> got{{"min_s", static_cast<double>(et.min_us) / s_us},
                                        {"max_s", static_cast<double>(et.max_us) / s_us},
                                        {"avg_s", std::floor(et.sum_us / et.count / 1000.0) / 1000.0},
                                        {"watermark_s", static_cast<double>(last_event_wm) / s_us}};
      bool ok = true;
      std::string detail;
      for (const auto& kv : e->as_object()) {
        double want = kv.value().to_number<double>();
        double g = got[std::string(kv.key())];
        ok &= g == want;
        detail += (detail.empty() ? "" : ", ") + std::string(kv.key()) + " " + canonical(json::value(g)) +
                  (g == want ? "" : " (expected " + canonical(json::value(want)) + ")");
      }
      res.checks.push_back({i, "expect_event_time", ok, detail});
    } else {
      res.checks.push_back({i, "unknown", false, "unknown step " + json::serialize(steps[i])});
    }
    if (opts.observe && obs.contains("action")) res.observations.push_back(json::serialize(obs));
  }
  return res;
}

}  // namespace sluice
