// progress: what one trigger did, shaped like Spark's StreamingQueryProgress
// (spark-semantics §6): field names, order, omission and rounding rules follow it.
//
// A `trigger_report` travels in-band with the trigger's watermark from the sources to the
// sink: each source adds its `source_progress`, each stateful operator its
// `state_operator_progress`, the watermark tracker the event-time statistics. The query's
// coordinator turns the report that reaches it into a `progress_record` and prints it as JSON.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace sluice {

struct state_operator_progress {
  std::string operator_name;
  int stage = 0;  // the operator's place in the query's plan order (0 = nearest the sources)
  int64_t num_rows_total = 0;
  int64_t num_rows_updated = 0;
  int64_t num_rows_removed = 0;
  int64_t num_rows_dropped_by_watermark = 0;
  int64_t memory_used_bytes = 0;
  int64_t num_shuffle_partitions = 1;
  int64_t num_state_store_instances = 1;
  std::map<std::string, int64_t> custom_metrics;
  // The operator's own watermarks in the trigger's last batch (spark-semantics §9; −1 = none
  // reported): Spark's eventTimeWatermarkForLateEvents / ForEviction.
  int64_t late_watermark_us = -1;
  int64_t eviction_watermark_us = -1;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, state_operator_progress& x) {
  return f(x.operator_name, x.stage, x.late_watermark_us, x.eviction_watermark_us, x.num_rows_total, x.num_rows_updated,
           x.num_rows_removed, x.num_rows_dropped_by_watermark, x.memory_used_bytes, x.num_shuffle_partitions,
           x.num_state_store_instances, x.custom_metrics);
}

struct source_progress {
  std::string description;
  std::string start_offset;  // the source's own offset form
  std::string end_offset;
  std::string latest_offset;  // what the source held after the read ("" = end_offset)
  int64_t num_input_rows = 0;
  int64_t num_dead_letters = 0;
  bool exhausted = false;  // a bounded source has nothing more to read
  // watermark_scope::partition (beyond Spark): the input's watermark after the trigger, taken
  // over its partitions (none while one holds it back), and the partition frontiers to
  // checkpoint with `end_offset` (state/operators/watermark/partition_watermarks.hpp).
  bool has_watermark = false;
  int64_t watermark_us = 0;
  std::string frontiers;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, source_progress& x) {
  return f(x.description, x.start_offset, x.end_offset, x.latest_offset, x.num_input_rows, x.num_dead_letters,
           x.exhausted, x.has_watermark, x.watermark_us, x.frontiers);
}

/// Event-time statistics of one trigger's input rows, and the watermarks around it.
struct event_time_stats {
  int64_t count = 0;
  int64_t min_us = 0;
  int64_t max_us = 0;
  double sum_us = 0;
  void add(int64_t t) {
    if (count == 0 || t < min_us) min_us = t;
    if (count == 0 || t > max_us) max_us = t;
    sum_us += static_cast<double>(t);
    ++count;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, event_time_stats& x) {
  return f(x.count, x.min_us, x.max_us, x.sum_us);
}

struct trigger_report {
  std::vector<source_progress> sources;
  std::vector<state_operator_progress> operators;
  event_time_stats event_time;
  int64_t watermark_us = 0;                            // W the trigger's rows were judged against (trigger k−1's)
  int64_t next_watermark_us = 0;                       // W computed at the end of this trigger
  std::map<std::string, int64_t> input_watermarks_us;  // beyond Spark: per input
  std::string holding_input;                           // the input that holds the combined watermark back
  int64_t sink_rows = 0;
  std::string sink_description;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, trigger_report& x) {
  return f(x.sources, x.operators, x.event_time, x.watermark_us, x.next_watermark_us, x.input_watermarks_us,
           x.holding_input, x.sink_rows, x.sink_description);
}

/// Beyond Spark: the table of a lookup join as a progress record is written (the version in
/// use, its rows, when it was loaded; lookups and misses since the query started).
struct lookup_progress {
  std::string description;
  int64_t version = 0;
  int64_t rows = 0;
  int64_t last_refresh_us = 0;
  int64_t failed_refreshes = 0;
  int64_t num_lookups = 0;
  int64_t num_misses = 0;
};

/// One StreamingQueryProgress.
struct progress_record {
  std::string id;
  std::string run_id;
  std::string name;
  int64_t timestamp_us = 0;  // trigger start
  int64_t batch_id = 0;
  int64_t batch_duration_ms = 0;
  double input_rows_per_second = 0;  // rows / time since the previous trigger start
  double processed_rows_per_second = 0;
  std::map<std::string, int64_t> duration_ms;
  trigger_report report;
  std::vector<lookup_progress> lookups;
};

/// Adds `more` into `into`: entries of the same stage and operator name are summed (counts,
/// bytes, state store instances, custom metrics) — the partitions of one operator become one
/// entry; their watermarks are the same and kept.
void merge_operator_progress(std::vector<state_operator_progress>& into,
                             const std::vector<state_operator_progress>& more);

/// Spark's JSON form of a progress record, on one line.
std::string to_json(const progress_record& p);

}  // namespace sluice
