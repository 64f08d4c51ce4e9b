// control: the messages that are not data — trigger requests, watermarks, epoch barriers,
// end of input, dead letters. Each is its own type (DESIGN.md "Flow").
//
// Ordering contract: a source sends, per trigger k, its batch for k and then its
// `watermark` for k, on the same path; CAF keeps per-sender order, so no actor sees a
// watermark before the rows it covers. A watermark from a source carries no value
// (`value_us` = no_watermark); the watermark tracker fills in the combined value.
#pragma once

#include <cstdint>
#include <limits>
#include <string>

#include "messages/control/progress.hpp"

namespace sluice {

constexpr int64_t no_watermark = std::numeric_limits<int64_t>::min();

/// coordinator → source: produce trigger k's batch, at most `max_records` records.
struct trigger_request {
  int64_t trigger = 0;
  int64_t timestamp_us = 0;  // the trigger's processing time
  int64_t max_records = 0;   // 0 = no cap
  std::string until;         // a replayed trigger: read exactly up to this logged position
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, trigger_request& x) {
  return f(x.trigger, x.timestamp_us, x.max_records, x.until);
}

/// End of trigger k on one path: the watermark after the data it covers, with the report
/// of what the trigger did so far (messages/control/progress.hpp).
struct watermark {
  int64_t trigger = 0;
  uint32_t input = 0;
  int64_t value_us = no_watermark;
  trigger_report report;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, watermark& x) {
  return f(x.trigger, x.input, x.value_us, x.report);
}

/// Checkpoint barrier for epoch N (aligned epochs, DESIGN.md "State and checkpoints").
/// The coordinator sends it to every source right after requesting trigger `trigger`, so it
/// follows that trigger's batch and watermark on every path. Epoch N is the state after
/// `trigger` and everything before it.
struct barrier {
  int64_t epoch = 0;
  int64_t trigger = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, barrier& x) {
  return f(x.epoch, x.trigger);
}

/// An input has nothing more to send (bounded sources: once, available-now, --count).
struct end_of_input {
  uint32_t input = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, end_of_input& x) {
  return f(x.input);
}

/// A record that could not be used, with why and where it came from. Never dropped silently.
struct dead_letter {
  std::string record;  // the raw record as received
  std::string reason;  // e.g. "missing required column 'ts'"
  std::string origin;  // e.g. "generator:events@1234", "file:/data/a.jsonl:17"
  int64_t trigger = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, dead_letter& x) {
  return f(x.record, x.reason, x.origin, x.trigger);
}

}  // namespace sluice
