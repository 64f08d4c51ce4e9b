// cdc_row: a Debezium change record as one flat row object — what Debezium's
// ExtractNewRecordState SMT writes with `delete.handling.mode=rewrite` and
// `add.fields=op,source.ts_ms,ts_ms`: the columns of the row image (after; for a delete, the
// before image — logical types converted alike — and the key's columns where `before` lacks
// them, when the reader keeps record keys) plus
//   __op            "c", "u", "r" or "d"
//   __deleted       true for a delete, else false (a boolean; the SMT writes the string "true")
//   __source_ts_ms  when the change was made in the database (source.ts_ms), epoch ms
//   __ts_ms         when the connector handled it (ts_ms), epoch ms
// so a changelog topic can be read as a stream of versions (`"format": "debezium"` inputs,
// the table side of a temporal join). Records are decoded by `decode_cdc_change`
// (state/cdc/cdc_record.hpp, ../shared/spec/cdc-format.md): logical types become their
// canonical values, and a record it refuses is a dead letter with its reason.
// No CAF, no I/O.
#pragma once

#include <boost/json.hpp>
#include <string>

#include "state/cdc/cdc_record.hpp"

namespace sluice {

enum class cdc_row_kind { row, skip };  // skip: a tombstone or a heartbeat (op m): no row

/// "" and the flat row (or kind skip), or the dead-letter reason (a truncate, op t, has no
/// row to give: it is refused with that reason).
[[nodiscard]] std::string flatten_cdc_record(const cdc_event& e, boost::json::object& out, cdc_row_kind& kind);

}  // namespace sluice
