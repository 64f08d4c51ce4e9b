// generator_schema: the columns of the records a generator kind writes
// (state/io/gen/generator_reader.hpp), with its event-time column — what an app or a pipeline
// file reads a generated input with when it names no columns of its own. Kinds whose records
// are Debezium changes (cdc, debezium, debezium-tx) have no row schema: they are read with
// Spark's Kafka columns and applied by the CDC applier; for them, and unknown kinds, null.
#pragma once

#include <string>

#include "messages/data/schema.hpp"

namespace sluice {

schema_ptr generator_schema(const std::string& kind);

}  // namespace sluice
