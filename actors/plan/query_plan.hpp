// query_plan: a built query — what the supervisor spawns and `sluice explain` prints.
//
// Produced by the pipeline builder (actors/plan/pipeline.hpp) after every check passed; plain
// data plus factories, immutable once built and shared by pointer between the supervisor
// and each (re)start of the query. A query is a graph (spark-semantics §9):
//
//   input i: reader ─▶ decode ─▶ steps (filters, with_watermark probe, …) ┐
//   …                                                                      ├─▶ watermark tracker
//                                                                          ┘      │ (global W)
//   nodes, in plan order: each reads inputs or earlier nodes on its ports  ◀──────┘
//     (a join: port 0 left, port 1 right; a union: one port per source), runs its stateful
//     stage (router + P partitions), if any, then its stateless steps; a stream may feed
//     several nodes (fan-out)
//                                             │
//                  sinks, each reading a stream (the alert emitter in front of one of them)
//                                                            + the dead-letter output
//
// Invariants: a node reads only inputs and earlier nodes; every input's and node's output is
// read by something (a later node or a sink); stateful stages are numbered in node order.
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
  step_ptr watermark_probe;  // the with_watermark step: must run in the source (among `steps`)
  schema_ptr output_schema;  // after `steps`
};

/// Where a node's port (or a sink) reads from: an input or an earlier node.
struct stream_ref {
  bool input = true;
  int index = 0;
  bool operator==(const stream_ref& o) const { return input == o.input && index == o.index; }
  bool operator!=(const stream_ref& o) const { return !(*this == o); }
};

struct sink_plan {
  std::string description;
  std::string directory;  // the folder it writes (a file sink); empty for other sinks
  std::function<std::shared_ptr<row_sink>()> make;
  /// Called once when the query finished reading all its input (not on stop or failure):
  /// the file sink writes `_SUCCESS`, so a downstream query can tell the input is complete.
  std::function<void()> on_complete;
  /// Columns the sink reads by name (a Kafka sink's key/value/headers), checked by `to()`.
  std::vector<std::string> required_columns;
  stream_ref from;    // the stream it writes (set by `to()`)
  schema_ptr schema;  // of the rows it writes
};

struct plan_node {
  stage_ptr stage;               // the stateful operator; null: a stateless node (a union, steps)
  std::vector<stream_ref> from;  // port p reads from[p]
  std::vector<step_ptr> steps;   // after the stage
  schema_ptr output_schema;      // after `steps`
  /// The stage's input watermark = global W + this (≤ 0; spark-semantics §9 rule 2); none when
  /// nothing it reads carries a watermark. Its output watermark: + stage->output_watermark_offset.
  std::optional<int64_t> watermark_offset_us;
};

struct query_plan {
  std::string name;
  std::vector<input_plan> inputs;
  std::vector<plan_node> nodes;  // in plan order
  /// Where the query writes: each sink is an output of the epoch with its own exactly-once
  /// publish (docs/checkpoints.md), named "sink" and "sink#i" past the first.
  std::vector<sink_plan> sinks;
  std::shared_ptr<const alert_plan> alerts;  // the alert emitter in front of sinks[alerts_sink], if any
  int alerts_sink = -1;
  std::string dead_letter_dir;
  /// Folders the query writes besides its sinks' and dead letters' (a CDC table).
  std::vector<std::string> written_folders;
  /// Folders of state kept from run to run without a checkpoint (alert memory).
  std::vector<std::string> memory_folders;
  /// A fresh start may remove this query's earlier output from its folders
  /// (state/io/files/output_folder.hpp); a resumed one always keeps it.
  bool overwrite_outputs = false;
  /// When set, dead letters go to this sink (a Kafka topic) instead of `dead_letter_dir`.
  std::function<std::shared_ptr<row_sink>()> make_dead_letter_sink;
  trigger_policy trigger;
  watermark_policy policy = watermark_policy::min;
  watermark_scope scope = watermark_scope::partition;
  bool no_data_batches = true;  // Spark's spark.sql.streaming.noDataMicroBatches.enabled
  std::optional<int64_t> idle_timeout_us;
  /// Rows more than this ahead of processing time go to the dead letters instead of moving the
  /// watermark (0: no bound, Spark's behaviour).
  int64_t max_future_event_time_us = 86'400'000'000;
  int64_t max_records_per_trigger = 10000;  // per source; 0 = no cap
  int max_inflight_triggers = 2;            // trigger credits (flow control)
  restart_strategy restart;

  /// The plan as an indented tree, sink first (Spark's explain order); a stream read twice
  /// is printed once and referred to by its name after.
  std::string explain() const;
  /// The stateful stages in plan order (node index of each).
  std::vector<int> stage_nodes() const;
  /// The schema of a stream of the plan.
  schema_ptr schema_of(const stream_ref& r) const;
  /// The output name of sink i: "sink", "sink#1", …
  static std::string sink_name(size_t i) { return i == 0 ? "sink" : "sink#" + std::to_string(i); }
  /// Stateful stages, their partitions summed: the identity of the checkpoint's state.
  std::string stages_description() const;
  int stage_partitions() const;
  /// Every folder the query writes: its file sinks', written_folders, its dead letters' (not
  /// memory_folders).
  std::vector<std::string> output_folders() const;
  /// Every step's background reports (transform_step::set_warning_handler) go to `warn`; null
  /// stops them (before the actors that would receive them are gone).
  void route_step_warnings(const std::function<void(std::string)>& warn) const;
  /// The state of every lookup join's table, in plan order (for progress records).
  std::vector<lookup_progress> lookups() const;
};

using query_plan_ptr = std::shared_ptr<const query_plan>;

}  // namespace sluice
