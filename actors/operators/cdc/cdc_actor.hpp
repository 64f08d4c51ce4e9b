// cdc_actor: the CDC applier as an operator — Debezium records from a Kafka source (Spark's
// Kafka columns: key, value, topic, partition, offset, …) applied to a LevelDB table by
// `cdc_applier` (state/cdc/cdc_applier.hpp, the contract's rules), the table's changes going on
// as a changelog stream for apps that react to row changes.
//
//   kafka source (format "kafka") ─▶ cdc applier ─▶ changelog rows (pk, op, row, topic,
//                                        │            partition, offset) ─▶ sink
//                                        ├─▶ LevelDB table: its own, synced at the end of each
//                                        │   trigger; checkpointed: namespace "cdc" of the
//                                        │   checkpoint, changed only by epochs

//                                        └─▶ dead letters (undecodable records, with the reason)
//
// One partition: the table has one writer. Metrics (operator "cdcApplier"): numRowsUpdated =
// changes applied, custom stale, duplicates, deadLetters, truncatedRows.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "actors/api/operator_interface.hpp"
#include "actors/api/stage.hpp"
#include "state/cdc/cdc_applier.hpp"

namespace sluice {

struct cdc_table_options {
  std::string table_dir;  // the LevelDB table
  cdc_options cdc;        // topics, flattened, transaction metadata
};

/// The changelog rows: pk, op ("upsert" | "delete"), row (JSON object or null), topic,
/// partition, offset of the record that made the change.
schema_ptr cdc_changelog_schema();

/// The stage; throws std::invalid_argument when the input lacks the Kafka columns.
stage_ptr make_cdc_stage(schema_ptr input, cdc_table_options options);

}  // namespace sluice
