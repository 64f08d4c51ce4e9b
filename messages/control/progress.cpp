#include "messages/control/progress.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <cstdio>

#include "messages/codec/json_codec.hpp"
#include "messages/data/time.hpp"

namespace sluice {
namespace {

// Spark rounds rates half-up to one decimal and omits NaN/infinite ones.
void put_rate(boost::json::object& o, const char* key, double rate) {
  if (!std::isfinite(rate)) return;
  o[key] = std::floor(rate * 10.0 + 0.5) / 10.0;
}

template <class Map>
void put_map(boost::json::object& o, const char* key, const Map& m) {
  if (m.empty()) return;
  boost::json::object inner;
  for (const auto& [k, v] : m) inner[k] = v;
  o[key] = std::move(inner);
}

// Spark prints rates as 312197.6: they are rounded to one decimal already, so print them that
// way; a finer number (a miss rate) with its digits.
void write_progress_double(double d, std::string& out) {
  char buf[64];
  std::snprintf(buf, sizeof buf, d * 10 == std::floor(d * 10) ? "%.1f" : "%.15g", d);
  out += buf;
}

}  // namespace

void merge_operator_progress(std::vector<state_operator_progress>& into,
                             const std::vector<state_operator_progress>& more) {
  for (const auto& m : more) {
    state_operator_progress* target = nullptr;
    for (auto& i : into)
      if (i.stage == m.stage && i.operator_name == m.operator_name) target = &i;
    if (!target) {
      into.push_back(m);
      continue;
    }
    target->num_rows_total += m.num_rows_total;
    target->num_rows_updated += m.num_rows_updated;
    target->num_rows_removed += m.num_rows_removed;
    target->num_rows_dropped_by_watermark += m.num_rows_dropped_by_watermark;
    target->memory_used_bytes += m.memory_used_bytes;
    target->num_state_store_instances += m.num_state_store_instances;
    target->late_watermark_us = std::max(target->late_watermark_us, m.late_watermark_us);
    target->eviction_watermark_us = std::max(target->eviction_watermark_us, m.eviction_watermark_us);
    for (const auto& [k, v] : m.custom_metrics) target->custom_metrics[k] += v;
  }
}

std::string to_json(const progress_record& p) {
  const auto& r = p.report;
  int64_t input_rows = 0;
  for (const auto& s : r.sources) input_rows += s.num_input_rows;
  boost::json::object o;
  o["id"] = p.id;
  o["runId"] = p.run_id;
  o["name"] = p.name;
  o["timestamp"] = format_iso8601_ms(p.timestamp_us);
  o["batchId"] = p.batch_id;
  o["batchDuration"] = p.batch_duration_ms;
  o["numInputRows"] = input_rows;
  put_rate(o, "inputRowsPerSecond", p.input_rows_per_second);
  put_rate(o, "processedRowsPerSecond", p.processed_rows_per_second);
  put_map(o, "durationMs", p.duration_ms);
  boost::json::object et;
  if (r.event_time.count > 0) {
    et["avg"] = format_iso8601_ms(static_cast<int64_t>(std::llround(r.event_time.sum_us / r.event_time.count)));
    et["max"] = format_iso8601_ms(r.event_time.max_us);
    et["min"] = format_iso8601_ms(r.event_time.min_us);
  }
  et["watermark"] = format_iso8601_ms(r.watermark_us);
  o["eventTime"] = std::move(et);
  boost::json::array ops;
  // Spark's order: the operator nearest the sink first (a pre-order walk of the plan).
  std::vector<const state_operator_progress*> order;
  for (const auto& op : r.operators) order.push_back(&op);
  std::stable_sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->stage > b->stage; });
  for (const auto* opp : order) {
    const auto& op = *opp;
    boost::json::object j;
    j["operatorName"] = op.operator_name;
    j["numRowsTotal"] = op.num_rows_total;
    j["numRowsUpdated"] = op.num_rows_updated;
    j["numRowsRemoved"] = op.num_rows_removed;
    j["memoryUsedBytes"] = op.memory_used_bytes;
    j["numRowsDroppedByWatermark"] = op.num_rows_dropped_by_watermark;
    j["numShufflePartitions"] = op.num_shuffle_partitions;
    j["numStateStoreInstances"] = op.num_state_store_instances;
    auto custom = op.custom_metrics;
    if (op.late_watermark_us >= 0) custom["eventTimeWatermarkForLateEvents"] = op.late_watermark_us / 1000;
    if (op.eviction_watermark_us >= 0) custom["eventTimeWatermarkForEviction"] = op.eviction_watermark_us / 1000;
    put_map(j, "customMetrics", custom);
    ops.push_back(std::move(j));
  }
  o["stateOperators"] = std::move(ops);
  boost::json::array srcs;
  double seconds_between = p.input_rows_per_second > 0 && input_rows > 0 ? input_rows / p.input_rows_per_second : 0;
  double seconds_processing =
      p.processed_rows_per_second > 0 && input_rows > 0 ? input_rows / p.processed_rows_per_second : 0;
  for (const auto& s : r.sources) {
    boost::json::object j;
    j["description"] = s.description;
    j["startOffset"] = s.start_offset;
    j["endOffset"] = s.end_offset;
    j["latestOffset"] = s.latest_offset.empty() ? s.end_offset : s.latest_offset;
    j["numInputRows"] = s.num_input_rows;
    if (seconds_between > 0) put_rate(j, "inputRowsPerSecond", s.num_input_rows / seconds_between);
    if (seconds_processing > 0) put_rate(j, "processedRowsPerSecond", s.num_input_rows / seconds_processing);
    boost::json::object metrics;  // Spark's source metrics are strings
    if (s.num_dead_letters > 0) metrics["numDeadLetters"] = std::to_string(s.num_dead_letters);
    if (!metrics.empty()) j["metrics"] = std::move(metrics);
    srcs.push_back(std::move(j));
  }
  o["sources"] = std::move(srcs);
  boost::json::object sink;
  sink["description"] = r.sink_description;
  sink["numOutputRows"] = r.sink_rows;
  o["sink"] = std::move(sink);
  // Beyond Spark: per-input watermarks and which one holds the combined value back.
  if (!r.input_watermarks_us.empty()) {
    boost::json::object wm;
    for (const auto& [name, v] : r.input_watermarks_us) wm[name] = format_iso8601_ms(v);
    boost::json::object observed;
    observed["inputWatermarks"] = std::move(wm);
    if (!r.holding_input.empty()) observed["watermarkHeldBackBy"] = r.holding_input;
    o["observedMetrics"] = std::move(observed);
  }
  if (!p.lookups.empty()) {  // beyond Spark: each lookup join's table
    boost::json::array tables;
    for (const auto& l : p.lookups) {
      boost::json::object j;
      j["description"] = l.description;
      j["version"] = l.version;
      j["numRows"] = l.rows;
      j["lastRefresh"] = format_iso8601_ms(l.last_refresh_us);
      j["failedRefreshes"] = l.failed_refreshes;
      j["numLookups"] = l.num_lookups;
      j["numMisses"] = l.num_misses;
      double miss_rate = l.num_lookups > 0 ? static_cast<double>(l.num_misses) / static_cast<double>(l.num_lookups) : 0;
      j["missRate"] = std::round(miss_rate * 1e4) / 1e4;
      tables.push_back(std::move(j));
    }
    o["lookups"] = std::move(tables);
  }
  std::string out;
  write_json(o, out, write_progress_double);
  return out;
}

}  // namespace sluice
