// debezium_generator: generated Debezium (PostgreSQL, pgoutput) change streams for
// customers(id, name, email) with everything a CDC applier must handle — generator kinds
// `debezium` (the data topic) and `debezium-tx` (its transaction metadata topic).
//
// Position n touches id n mod keys in round n / keys (as kind `cdc`), and is one of:
//   c  (round 0, or the round after a delete or a key change)      one record
//   u  (most rounds)                                                 one record
//   d  (10 %): the delete, then its tombstone                        two records
//   key change (3 %): delete of id, its tombstone, create of the
//                     new id 1,000,000 + 100·id + round              three records
// Positions 3k, 3k+1, 3k+2 form transaction 5000 + k: every data record carries its
// transaction block (id "txn:lsn", total_order within the transaction); `debezium-tx` emits
// BEGIN at 3k and END at 3k+2 with event_count = the data records (tombstones excluded).
// LSNs grow with n (and within a position), so positions order the changes.
// Kind `product-changes`: the same plan over products(product_id, name, category, price,
// catalog_revision) — no key changes (a planned one is an update) — each change made at its
// event time (source.ts_ms), catalog_revision = round + 1, name and price new every round.
// A tombstone is returned as the line `tombstone <key JSON>`: Kafka feeds turn it into a record
// with that key and a null value (`split_generated_record`).
#pragma once

#include <cstdint>
#include <string>

#include "state/io/gen/generator_reader.hpp"

namespace sluice {

/// Record(s) at position n, '\n'-separated.
std::string debezium_change(const generator_spec& spec, uint64_t n, int64_t ts_us);
std::string debezium_product_change(const generator_spec& spec, uint64_t n, int64_t ts_us);
std::string debezium_transaction(const generator_spec& spec, uint64_t n, int64_t ts_us);

/// Splits one generated line into key and value: a tombstone line gives its key and no value
/// (`tombstone` true); any other line the kind's natural key and the line itself.
void split_generated_record(const std::string& kind, const std::string& line, std::string& key, std::string& value,
                            bool& tombstone);

}  // namespace sluice
