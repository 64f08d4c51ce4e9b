#include "apps/frontend/replay_steps.hpp"

#include <algorithm>
#include <cmath>

namespace sluice {
namespace {
namespace json = boost::json;

constexpr int64_t s_us = 1'000'000;

json::value seconds(int64_t x) {
  return x % s_us == 0 ? json::value(x / s_us) : json::value(static_cast<double>(x) / s_us);
}

/// A cell as the format writes it: times in seconds, a window as [start, end], window_time_us
/// in microseconds.
json::value cell_json(const value& v, const column& c) {
  column_type t = c.type;
  if (v.index() == 2 && c.role == time_role::window_time) return json::value(std::get<int64_t>(v));
  if (v.index() == 2 && c.role == time_role::window) {
    int64_t end = std::get<int64_t>(v) + 1;
    return json::array{seconds(end - c.window_size_us), seconds(end)};
  }
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

std::string list(const std::vector<std::string>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
  return s + "]";
}

std::string row_text(const row& r, const schema& s) {
  json::array a;
  for (size_t k = 0; k < r.values.size(); ++k) a.push_back(cell_json(r.values[k], s.at(k)));
  return canonical(a);
}

}  // namespace

std::vector<std::string> replay_steps::emitted_since(size_t from) const {
  std::vector<std::string> rows;
  std::lock_guard<std::mutex> g(q_.sink->mu);
  for (size_t i = from; i < q_.sink->rows.size(); ++i)
    rows.push_back(row_text(q_.sink->rows[i].second, *q_.output_schema));
  std::sort(rows.begin(), rows.end());
  return rows;
}

std::vector<std::string> replay_steps::last_table() const {
  std::vector<std::string> rows;
  std::lock_guard<std::mutex> g(q_.sink->mu);
  if (q_.sink->rows.empty()) return rows;
  int64_t last = q_.sink->rows.back().first;
  for (const auto& [trigger, r] : q_.sink->rows)
    if (trigger == last) rows.push_back(row_text(r, *q_.output_schema));
  std::sort(rows.begin(), rows.end());
  return rows;
}

size_t replay_steps::sink_size() const {
  std::lock_guard<std::mutex> g(q_.sink->mu);
  return q_.sink->rows.size();
}

bool replay_steps::run(size_t i, const json::object& st) {
  json::object obs;
  obs["step"] = i;
  if (auto* add_rows = st.if_contains("add")) {
    if (!add(i, add_rows->as_object(), obs)) return false;
  } else if (auto* exp = st.if_contains("expect")) {
    expect(i, *exp);
  } else if (st.contains("discard")) {
    mark_ = sink_size();
  } else if (auto* m = st.if_contains("expect_metrics")) {
    expect_metrics(i, m->as_object());
  } else if (st.contains("restart")) {
    std::string error;
    if (!driver_.restart(error)) {
      res_.checks.push_back({i, "restart", false, "restart failed: " + error});
      return false;
    }
    obs["action"] = "restart";
  } else if (auto* w = st.if_contains("expect_watermark_s")) {
    expect_watermark(i, w->to_number<double>());
  } else if (auto* e = st.if_contains("expect_event_time")) {
    expect_event_time(i, e->as_object());
  } else if (auto* sw = st.if_contains("expect_stage_watermarks")) {
    expect_stage_watermarks(i, sw->as_object());
  } else if (auto* ow = st.if_contains("expect_output_watermark")) {
    expect_output_watermark(i, ow->as_object());
  } else {
    res_.checks.push_back({i, "unknown", false, "unknown step " + json::serialize(st)});
  }
  if (observe_ && obs.contains("action")) res_.observations.push_back(json::serialize(obs));
  return true;
}

bool replay_steps::add(size_t i, const json::object& add, json::object& obs) {
  for (const auto& kv : add) {
    std::string name(kv.key());
    auto it = q_.channels.find(name);
    if (it == q_.channels.end()) {
      res_.checks.push_back({i, "add", false, "no input named '" + name + "'"});
      return false;
    }
    const auto& cols = q_.columns.at(name);
    for (const auto& r : kv.value().as_array()) {
      json::object rec;
      for (size_t k = 0; k < cols.size() && k < r.as_array().size(); ++k) rec[cols[k]] = r.as_array()[k];
      it->second->push(json::serialize(rec));
    }
  }
  size_t before = sink_size();
  std::string error;
  auto commit = driver_.step(error);
  if (!commit) {
    res_.checks.push_back({i, "add", false, "the trigger did not run: " + error});
    return false;
  }
  const auto& rep = commit->report;
  for (auto& [stage, sums] : stages_) sums.total = 0;
  for (const auto& op : rep.operators) {
    auto& sums = stages_[op.stage];
    sums.total += op.num_rows_total;
    sums.updated += op.num_rows_updated;
    sums.dropped += op.num_rows_dropped_by_watermark;
    sums.removed += op.num_rows_removed;
    sums.late_us = op.late_watermark_us;
    sums.eviction_us = op.eviction_watermark_us;
  }
  if (rep.event_time.count > 0) {
    last_event_time_ = rep.event_time;
    last_event_wm_ = rep.watermark_us;
  }
  if (!observe_) return true;
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
                   {"stage", op.stage},
                   {"numRowsTotal", op.num_rows_total},
                   {"numRowsUpdated", op.num_rows_updated},
                   {"numRowsRemoved", op.num_rows_removed},
                   {"numRowsDroppedByWatermark", op.num_rows_dropped_by_watermark}});
  obs["stateOperators"] = std::move(ops);
  return true;
}

void replay_steps::expect(size_t i, const json::value& rows) {
  std::vector<std::string> want;
  for (const auto& r : rows.as_array()) want.push_back(canonical(r));
  std::sort(want.begin(), want.end());
  auto got = q_.complete ? last_table() : emitted_since(mark_);
  mark_ = sink_size();
  bool ok = got == want;
  res_.checks.push_back({i, "expect", ok, ok ? list(got) : "expected " + list(want) + ", got " + list(got)});
}

int replay_steps::stage_of(size_t i, const json::object& m, const char* action) {
  int stages = static_cast<int>(q_.plan->stage_nodes().size());
  auto* s = m.if_contains("stage");
  int stage = s ? static_cast<int>(s->to_number<int64_t>()) : 0;
  if ((!s && stages > 1) || stage < 0 || stage >= std::max(stages, 1)) {
    res_.checks.push_back(
        {i, action, false, "the query has " + std::to_string(stages) + " stateful stage(s); name one with \"stage\""});
    return -1;
  }
  return stage;
}

void replay_steps::expect_metrics(size_t i, const json::object& m) {
  int stage = stage_of(i, m, "expect_metrics");
  if (stage < 0) return;
  auto& sums = stages_[stage];
  std::string detail = "stage " + std::to_string(stage);
  bool ok = true;
  for (const auto& kv : m) {
    std::string k(kv.key());
    if (k == "stage") continue;
    int64_t want = kv.value().to_number<int64_t>();
    int64_t got = k == "numRowsTotal"                ? sums.total
                  : k == "numRowsUpdated"            ? sums.updated
                  : k == "numRowsDroppedByWatermark" ? sums.dropped
                  : k == "numRowsRemoved"            ? sums.removed
                                                     : -1;
    if (got != want) ok = false;
    detail += ", " + k + " " + std::to_string(got) + (got == want ? "" : " (expected " + std::to_string(want) + ")");
  }
  sums.updated = sums.dropped = sums.removed = 0;
  res_.checks.push_back({i, "expect_metrics", ok, detail});
}

void replay_steps::expect_stage_watermarks(size_t i, const json::object& m) {
  int stage = stage_of(i, m, "expect_stage_watermarks");
  if (stage < 0) return;
  const auto& sums = stages_[stage];
  int64_t late = sums.late_us < 0 ? -1 : sums.late_us / 1000,
          eviction = sums.eviction_us < 0 ? -1 : sums.eviction_us / 1000;
  int64_t want_late = m.contains("late_ms") ? m.at("late_ms").to_number<int64_t>() : late;
  int64_t want_eviction = m.contains("eviction_ms") ? m.at("eviction_ms").to_number<int64_t>() : eviction;
  bool ok = late == want_late && eviction == want_eviction;
  res_.checks.push_back(
      {i, "expect_stage_watermarks", ok,
       "stage " + std::to_string(stage) + ": late " + std::to_string(late) + " ms, eviction " +
           std::to_string(eviction) + " ms" +
           (ok ? "" : " (expected " + std::to_string(want_late) + ", " + std::to_string(want_eviction) + ")")});
}

void replay_steps::expect_output_watermark(size_t i, const json::object& m) {
  int stage = stage_of(i, m, "expect_output_watermark");
  if (stage < 0) return;
  const auto& node = q_.plan->nodes[static_cast<size_t>(q_.plan->stage_nodes()[static_cast<size_t>(stage)])];
  int64_t input = m.at("input_ms").to_number<int64_t>();
  int64_t got = input + node.stage->output_watermark_offset_us() / 1000;
  int64_t want = m.at("output_ms").to_number<int64_t>();
  res_.checks.push_back({i, "expect_output_watermark", got == want,
                         "stage " + std::to_string(stage) + " at input " + std::to_string(input) + " ms: output " +
                             std::to_string(got) + " ms" +
                             (got == want ? "" : " (expected " + std::to_string(want) + ")")});
}

void replay_steps::expect_watermark(size_t i, double want) {
  double got = static_cast<double>(driver_.last().watermark_us) / s_us;
  res_.checks.push_back({i, "expect_watermark_s", got == want,
                         "watermark " + canonical(json::value(got)) +
                             (got == want ? "" : " (expected " + canonical(json::value(want)) + ")")});
}

void replay_steps::expect_event_time(size_t i, const json::object& e) {
  if (!last_event_time_) {
    res_.checks.push_back({i, "expect_event_time", false, "no trigger with input rows yet"});
    return;
  }
  const auto& et = *last_event_time_;
  std::map<std::string, double> got{{"min_s", static_cast<double>(et.min_us) / s_us},
                                    {"max_s", static_cast<double>(et.max_us) / s_us},
                                    {"avg_s", std::floor(et.sum_us / et.count / 1000.0) / 1000.0},
                                    {"watermark_s", static_cast<double>(last_event_wm_) / s_us}};
  bool ok = true;
  std::string detail;
  for (const auto& kv : e) {
    double want = kv.value().to_number<double>();
    double g = got[std::string(kv.key())];
    ok &= g == want;
    detail += (detail.empty() ? "" : ", ") + std::string(kv.key()) + " " + canonical(json::value(g)) +
              (g == want ? "" : " (expected " + canonical(json::value(want)) + ")");
  }
  res_.checks.push_back({i, "expect_event_time", ok, detail});
}

}  // namespace sluice
