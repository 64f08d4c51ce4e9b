// output_compare: what `sluice chaos` compares — every published record of two runs of an app,
// as multisets per output directory, after removing what legitimately differs between runs.
//
// Records: the lines of published part files (`*.jsonl`, not hidden) under an output root,
// keyed by their directory relative to the root (joined/, late_rows/, dead_letters/, …), and
// the rows of LevelDB tables found there (a CDC table), as "key → value" lines.
// Normalisation (docs/checkpoints.md "Chaos"): a record's "trigger" number and an alert's
// processing time ("emitted_at", "ingest_time") depend on where triggers fell and when, and so does the watermark a
// late row's reason quotes; they are dropped. Everything else must match exactly.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace sluice::cli {

/// Directory (relative) → normalised record → count.
using output_records = std::map<std::string, std::map<std::string, int64_t>>;

/// Reads every published record under `root`; "" or why it could not.
std::string read_outputs(const std::string& root, output_records& out);

struct output_difference {
  int64_t expected = 0;               // records of the reference run
  int64_t lost = 0;                   // in the reference, missing (beyond those that changed)
  int64_t duplicated = 0;             // extra copies of reference records
  int64_t changed = 0;                // records in the run that the reference does not have
  std::vector<std::string> examples;  // a few differing records, with their directory
  bool clean() const { return lost == 0 && duplicated == 0 && changed == 0; }
};

/// Adds the tables kept in checkpoints under `checkpoint_root` (a checkpointed CDC query's
/// table is namespace "cdc" of its checkpoint) as "table" records, written as a plain run's
/// `table/` directory reads in `read_outputs` (transactions still waiting are left out).
std::string read_checkpoint_tables(const std::string& checkpoint_root, output_records& out);

output_difference compare_outputs(const output_records& reference, const output_records& run);

}  // namespace sluice::cli
