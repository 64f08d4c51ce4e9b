// cdc_pending_txn: a transaction still open at an epoch, as the row `'t' + id` of the CDC
// table (docs/formats/cdc-table.md, version 1): its END's event count (when seen) and the
// change records received so far with their order in the transaction, kept as the records
// themselves so a restart decodes them again exactly as the first run did.
//
// Owner: the CDC applier (state/cdc/cdc_applier.hpp), which writes the row at every epoch and
// reads it back when a checkpointed query resumes. Plain data, no CAF.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "state/cdc/cdc_record.hpp"
#include "state/store/status.hpp"

namespace sluice {

struct cdc_pending_txn {
  std::optional<int64_t> event_count;
  std::vector<std::pair<int64_t, cdc_event>> events;  // (order in the transaction, record)
};

std::string encode_pending_txn(const std::optional<int64_t>& event_count,
                               const std::vector<std::pair<int64_t, cdc_event>>& events);

/// Reads a row `encode_pending_txn` wrote; a corruption naming transaction `id` for anything
/// else (another version, a missing or mistyped field).
[[nodiscard]] status decode_pending_txn(std::string_view row, const std::string& id, cdc_pending_txn& out);

}  // namespace sluice
