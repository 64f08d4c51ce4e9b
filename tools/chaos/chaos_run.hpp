// chaos_run: the app's runs in `sluice chaos`, each a child process of the real `sluice run`
// binary reading the fixed input on the embedded broker:
//
//   reference_run   once, undisturbed and without a checkpoint, into WORK/base (log
//                   WORK/base.log), so a bug of the checkpointed path cannot hide in both
//   chaos_runs      into WORK/chaos: starts SIGKILLed at random moments, some with a fault
//                   point armed (--fail-at) or a 300 ms broker outage, each resuming the
//                   checkpoint, until `kills` kills; then a last start left to finish
//                   (logs WORK/chaos-N.log)
//
// Every run writes --progress (WORK/*.progress.jsonl); a start's kill clock runs from its first
// committed trigger (the first progress line), so kills land while it processes data rather
// than while it waits for its consumer group. Both return 0, or 1 after saying on stderr which
// run failed and where its log is. A run still going at the deadline or at Ctrl-C is killed
// and counts as failed (exit −2).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "state/io/kafka/embedded_broker.hpp"

namespace sluice::cli {

/// What `sluice chaos` was asked to do, resolved against the app.
struct chaos_options {
  std::string app;
  bool kafka = true;  // the app reads Kafka topics (else a deterministic generator)
  int kills = 5;
  uint64_t seed = 1;
  bool faults = true;
  std::string interval = "500ms";
  std::string work;
  int timeout_s = 600;
  std::vector<std::string> sets;
};

/// What every run shares: the options, the broker holding the input, when to give up.
struct chaos_context {
  const chaos_options& options;
  embedded_broker& broker;
  std::string brokers;  // its bootstrap address
  std::chrono::steady_clock::time_point deadline;
  const std::atomic<bool>& stop;
};

/// What the chaos runs did.
struct chaos_record {
  int starts = 0;                       // processes started
  std::map<std::string, int> injected;  // fault name → times injected
  std::vector<double> recovery_ms;      // per restart: spawn to its "resumed" line
};

/// Where the undisturbed run writes (output under /out).
std::string reference_dir(const chaos_options& o);
/// Where the killed runs write.
std::string chaos_dir(const chaos_options& o);

/// The undisturbed run; `seconds` is its wall time from its first committed trigger.
int reference_run(const chaos_context& cx, double& seconds);

/// The killed starts and the last one; kill moments are drawn up to 1.1 × `reference_seconds`.
int chaos_runs(const chaos_context& cx, double reference_seconds, chaos_record& record);

}  // namespace sluice::cli
