// replay_case: runs a case of ../shared/spec/replay-format.md through the real engine.
//
// The query is built with the public pipeline API (memory sources, one per input, a memory
// sink, the manual trigger); each `add` is pushed into the inputs' channels and run as one
// trigger (the engine evicts and emits in the same trigger when the watermark moves, which is
// what Spark's no-data batch does); `restart` stops the query (a stop commits a last
// epoch) and starts it again from its checkpoint, a real LevelDB directory, through the same
// recovery as `sluice run --checkpoint`. Checks follow the format's rules:
// `expect` compares the multiset of rows emitted since the mark; `expect_metrics` compares
// numRowsTotal of the last trigger and sums of the others since the previous check.
// Times are seconds in the case and µs in the engine; column types are inferred from the rows
// (time columns are timestamps in seconds).
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <vector>

namespace sluice {

struct replay_check {
  size_t step = 0;
  std::string action;  // expect, expect_metrics, expect_watermark_s, expect_event_time, expect_error, …
  bool passed = false;
  std::string detail;
};

struct replay_result {
  std::string name;
  std::vector<replay_check> checks;
  std::vector<std::string> observations;  // --observe: one JSON line per step
  int passed() const;
  int failed() const;
};

struct replay_options {
  bool observe = false;
  std::string work_dir;  // checkpoint and dead letters go below it ("" = a temporary directory)
};

/// Runs the case; never throws for a bad case — a case that cannot be run is one failed check
/// saying why.
replay_result run_replay_case(const boost::json::value& c, const replay_options& opts);

}  // namespace sluice
