// cdc: Debezium change events from Kafka into a LevelDB table, as the database ended up
// (actors/operators/cdc/cdc_actor.hpp, ../shared/spec/cdc-format.md).
//
//   topic `topic` (Debezium envelopes) + `transaction_topic` (BEGIN/END) — on the embedded broker
//   fed by `sluice gen debezium` / `debezium-tx` (state/io/gen/debezium_generator.hpp): creates,
//   updates, deletes with tombstones, primary-key changes, transactions of 3 positions
//       ─▶ CDC applier
//       ─▶ table output/table/ (`sluice table dump`)   changelog output/changelog/ (JSONL)
//       ─▶ undecodable records to output/dead_letters/ with the reason
// With `--brokers` (or kafka.brokers) and kafka.feed=false it consumes a real Debezium
// deployment's topic.
#pragma once

#include "apps/prebuilt/app_registry.hpp"

namespace sluice {

app_definition cdc_app();

}  // namespace sluice
