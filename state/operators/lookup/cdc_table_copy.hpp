// cdc_table_copy: the rows of a CDC table (docs/formats/cdc-table.md: a LevelDB directory the
// CDC applier writes, namespace `cdc`, rows under 'r' + primary key) read while another process
// may be writing it — the source of a lookup table (state/operators/lookup/dimension_table.hpp).
//
// LevelDB lets one process open a database (its LOCK file), so the table is read from a copy:
//   1. read CURRENT (which MANIFEST is live) and that MANIFEST's size
//   2. into a fresh hidden scratch folder: hard-link every table file (*.ldb,
//      *.sst — immutable once written; copied when a link is refused), copy CURRENT, the
//      MANIFEST and the logs (*.log — only appended; a torn last record is dropped on recovery)
//   3. read CURRENT and the MANIFEST's size again: if either changed, a flush or compaction ran
//      and may have deleted a file the copy needed — the copy is thrown away and taken again,
//      at most `attempts` times, then the read fails with that reason
//   4. open the copy (LevelDB recovers its logs), scan the rows, delete the copy
// A copy therefore holds the table as of some moment during the read: every change the
// applier's WriteBatches had written by then (a batch is all or nothing).
// No CAF.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "state/store/status.hpp"

namespace sluice {

/// Is `dir` a LevelDB directory (it holds a CURRENT file)?
bool is_cdc_table(const std::string& dir);

/// Names and sizes of the table's files, one per line: it changes whenever the table does.
[[nodiscard]] status cdc_table_stamp(const std::string& dir, std::string& stamp);

/// Calls `fn(primary_key, row_json)` for every row of the table in `dir`, read from a copy made
/// in a hidden folder under `scratch` (created and removed here; beside the table, the table
/// files are hard-linked rather than copied). Refuses rows of an unknown format version.
[[nodiscard]] status read_cdc_table(const std::string& dir, const std::string& scratch,
                                    const std::function<void(std::string_view, std::string_view)>& fn,
                                    int attempts = 5);

}  // namespace sluice
