// query_plan: a built query — what the supervisor spawns and `sluice explain` prints.
//
// Produced by the pipeline builder (actors/plan/pipeline.hpp) after every check passed; plain
// data plus factories, immutable once built and shared by pointer between the supervisor
// and each (re)start of the query. Shape:
//
//   input 0: reader ─▶ decode ─▶ steps (filters, with_watermark probe, …) ┐
//   input N: …                                                             ├─▶ watermark tracker
//                                                                          ┘      │
//                                   stateful stage (join router + P partitions) ◀───┘
//                                                              │
//                                            combined steps (transform actor)
//                                                              │
//                                                            sink        (+ dead-letter output)
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/api/stage.hpp"
#include "actors/edges/source_actor.hpp"
#include "actors/operators/alerts/alert_actor.hpp"
#include "actors/operators/transform/transform.hpp"
#include "messages/control/policies.hpp"
#include "state/faults/restart_strategy.hpp"
#include "state/io/files/record_reader.hpp"
#include "state/io/files/row_sink.hpp"

namespace sluice {

struct input_plan {
  std::string name;
  std::string description;
  std::function<std::shared_ptr<record_reader>()> make_reader;  // a fresh reader per (re)start
  record_format format = record_format::json;
  schema_ptr source_schema;  // what the source decodes into
  std::vector<step_ptr> steps;
  std::optional<std::string> watermark_column;
  int64_t watermark_delay_us = 0;
  schema_ptr output_schema;  // after `steps`
};

struct sink_plan {
  std::string description;
  std::function<std::shared_ptr<row_sink>()> make;
  /// Called once when the query finished reading all its input (not on stop or failure):
  /// the file sink writes `_SUCCESS`, so a downstream query can tell the input is complete.
  std::function<void()> on_complete;
  /// Columns the sink reads by name (a Kafka sink's key/value/headers), checked by `to()`.
  std::vector<std::string> required_columns;
};

struct query_plan {
  std::string name;
  std::vector<input_plan> inputs;
  stage_ptr stage;                           // the stateful operator after the tracker (a join), if any
  std::vector<step_ptr> steps;               // on the combined stream (after the stage)
  std::shared_ptr<const alert_plan> alerts;  // the alert emitter in front of the sink, if any
  schema_ptr output_schema;
  sink_plan sink;
  std::string dead_letter_dir;
  /// When set, dead letters go to this sink (a Kafka topic) instead of `dead_letter_dir`.
  std::function<std::shared_ptr<row_sink>()> make_dead_letter_sink;
  trigger_policy trigger;
  watermark_policy policy = watermark_policy::min;
  bool no_data_batches = true;  // Spark's spark.sql.streaming.noDataMicroBatches.enabled
  std::optional<int64_t> idle_timeout_us;
  int64_t max_records_per_trigger = 10000;  // per source; 0 = no cap
  int max_inflight_triggers = 2;            // trigger credits (flow control)
  restart_strategy restart;

  /// The plan as an indented tree, sink first (Spark's explain order).
  std::string explain() const;
};

using query_plan_ptr = std::shared_ptr<const query_plan>;

}  // namespace sluice
