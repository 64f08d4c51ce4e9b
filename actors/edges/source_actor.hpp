// source_actor: reads one input's records per trigger, turns them into a batch (the
// from_json step, or raw landing), runs the input's fused steps (filters before the
// watermark, the watermark probe, …) and sends the batch and then its watermark downstream.
//
// Spawned by the query supervisor with everything it needs (`source_config`); the reader
// has already been positioned where the query resumes. Per trigger request k:
//
//   read ≤ max records ─▶ decode (bad → dead letters) ─▶ steps ─▶ batch k ─▶ watermark k
//                                                         └──▶ reply source_progress
//
// The watermark it sends carries no value; its report has this input's progress and the
// event-time statistics the probe saw. Under Spark's rule (watermark_scope::query) the tracker
// computes the input's watermark from them. Under watermark_scope::partition the source runs
// the steps once per partition present in the read and sends each partition's rows in runs
// that share a watermark floor (a batch each, after an empty head batch with the ranges); the
// report carries the input's watermark over its open partitions and the frontiers, which are
// checkpointed with the position.
// A read error stops the actor with `sluice_errc::source_failed`.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/api/operator_interface.hpp"
#include "actors/operators/transform/transform.hpp"
#include "state/faults/fault_plan.hpp"
#include "state/io/files/record_reader.hpp"

namespace sluice {

/// json: the value decoded by the declared schema; raw: raw_landing_schema(); kafka: Spark's
/// Kafka source columns (kafka_record_schema()), the value unparsed (from_json it later).
/// How a source turns records into rows: JSON objects by the schema; raw (the text landed
/// as is); Kafka's columns; debezium (a Debezium change record flattened into its row image
/// plus __op, __deleted, __source_ts_ms, __ts_ms — state/cdc/cdc_row.hpp — then read by the
/// schema); rows (typed rows the reader makes without text: record_reader::typed_row).
enum class record_format { json, raw, kafka, debezium, rows };

/// watermark_scope::partition on an input with a watermark: its rows carry their partition's
/// watermark floor (state/operators/watermark/partition_watermarks.hpp).
struct partition_rule {
  int64_t delay_us = 0;
  size_t column = 0;  // the event-time column, in the schema after the steps
  std::optional<int64_t> idle_timeout_us;
  std::string restored;  // frontiers from the checkpoint ("" = none)
};

struct source_config {
  std::string name;  // the input's name; also the actor's name in errors and fault points
  uint32_t input = 0;
  std::shared_ptr<record_reader> reader;
  record_format format = record_format::json;
  schema_ptr schema;            // json: the declared schema; raw: raw_landing_schema()
  std::vector<step_ptr> steps;  // fused input chain
  operator_actor downstream;
  dead_letter_actor dead_letters;
  fault_plan_ptr faults;
  std::optional<partition_rule> partitions;  // none: Spark's rule, applied by the tracker
  int64_t max_future_event_time_us = 0;      // query_plan::max_future_event_time_us
};

/// value:string, ingest_time:timestamp, source:string, position:string — raw landing rows.
schema_ptr raw_landing_schema();
/// key:string, value:string, topic:string, partition:int64, offset:int64, timestamp:timestamp,
/// timestampType:int64, headers:string (JSON array of {"key","value"}) — Spark's Kafka rows.
schema_ptr kafka_record_schema();

source_actor::behavior_type source_actor_impl(source_actor::pointer self, source_config cfg);

}  // namespace sluice
