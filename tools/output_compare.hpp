// output_compare: what `sluice chaos` compares — every published record of two runs of an app,
// as multisets per output directory, after removing what legitimately differs between runs.
//
// Records: the lines of published part files (`*.jsonl`, not hidden) under an output root,
// keyed by their directory relative to the root (joined/, late_rows/, dead_letters/, …), and
// the rows of LevelDB tables found there (a CDC table), as "key → value" lines.
// Normalisation (docs/checkpoints.md "Chaos"): a record's "trigger" number and an alert's
// processing time ("emitted_at") depend on where triggers fell, and so does the watermark a
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

output_difference compare_outputs(const output_records& reference, const output_records& run);

}  // namespace sluice::cli
