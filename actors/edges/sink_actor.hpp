// sink_actor: the end of a query's path. Writes each batch to its row_sink; when trigger k's
// watermark arrives, finishes trigger k's output and tells the coordinator (`trigger_done`),
// which returns the trigger's credit — the coordinator issues a new trigger only then, so no
// mailbox on the path holds more than the credit's worth of batches (flow control).
// Behind a stage with P partitions the sink waits for P watermarks of trigger k, merging their
// state-operator metrics into one entry per operator; batches of trigger k+1 that a fast
// partition sends before the others finished k are held until k is finished.
#pragma once

#include <memory>
#include <string>

#include "actors/api/operator_interface.hpp"
#include "state/faults/fault_plan.hpp"
#include "state/io/files/row_sink.hpp"

namespace sluice {

struct sink_actor_config {
  std::string name = "sink";
  std::shared_ptr<row_sink> sink;
  coordinator_actor coordinator;
  fault_plan_ptr faults;
  int upstream = 1;  // senders of a watermark per trigger (the partitions of a stage)
  /// Checkpointed query: the last trigger of the last committed epoch (−1: none); output is
  /// staged until its epoch commits (row_sink::stage). −2: not checkpointed, finish publishes.
  int64_t staged_after = -2;
  dead_letter_actor dead_letters;  // rows the sink refuses (row_sink::take_rejected) go here
};

/// What every output (sink, dead letters, alert output) answers to prepare and publish for
/// its row_sink; they throw naming the sink and the epoch.
output_prepared prepare_sink(row_sink& sink, const std::string& name, const prepare_output& p);
int64_t publish_sink(row_sink& sink, const publish_output& p);

/// The sink answers the operator interface and, as an output, prepare/publish of epochs.
sink_actor::behavior_type sink_actor_impl(sink_actor::pointer self, sink_actor_config cfg);

struct dead_letter_actor_config {
  std::string name = "dead-letters";
  std::string directory;             // part files `dead-<trigger>.jsonl` …
  std::shared_ptr<row_sink> output;  // … or this sink (e.g. a Kafka topic), rows of dead_letter_schema()
  int64_t staged_after = -2;         // as for the sink
};

/// record:string, reason:string, origin:string, trigger:int64 — a dead letter as a row.
schema_ptr dead_letter_schema();

/// Buffers each trigger's dead letters and writes them as one part file when the
/// coordinator finishes the trigger; replies with how many it wrote.
dead_letter_actor::behavior_type dead_letter_actor_impl(dead_letter_actor::pointer self, dead_letter_actor_config cfg);

}  // namespace sluice
