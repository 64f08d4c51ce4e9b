// fault_plan: named fault points, armed from `--fail-at NAME[:K[:always]]` or the
// SLUICE_FAIL_AT environment variable (comma-separated), handed to actors at spawn —
// never a global (DESIGN.md "Faults on purpose").
//
// A point is hit each time the code passes it; it fires on the K-th hit (once), or on
// every K-th hit with `always`. Counts live in the plan, which outlives the actors, so a
// once-only fault does not fire again after the supervisor restarts the query.
// Points known to this version (listed by `sluice chaos --list-faults`):
//   crash:<actor>        the actor throws after its K-th batch (e.g. crash:filter, crash:join/0)
//   exit:before-commit   the process exits with epoch K's state written, before its commit
//   exit:after-commit    the process exits with epoch K committed, before its output is published
//   leveldb:sync         the K-th synced checkpoint write fails (state/faults/fault_env.hpp)
//   broker:down          the embedded broker goes down for 2 s at the K-th trigger
// "Exit" points call the handler the CLI installs (`_Exit`, as a SIGKILL would); without one
// (a test, an embedding program) they throw, and the supervisor restarts the query.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "state/store/status.hpp"

namespace sluice {

class fault_plan {
 public:
  /// Adds points from `NAME[:K[:always]]` items; refuses malformed ones with the reason.
  status arm(const std::string& spec);
  /// Records one hit of `name`; true when the fault must fire now.
  bool hit(const std::string& name);
  bool armed() const { return !points_.empty(); }
  /// What an exit point does (the CLI: end the process at once); unset = throw.
  void set_process_exit(std::function<void(const std::string&)> fn);
  /// Called when an exit point fired: the handler, or a runtime_error if there is none.
  [[noreturn]] void exit_process(const std::string& point);
  std::vector<std::string> describe() const;
  static const std::vector<std::pair<std::string, std::string>>& known_points();

 private:
  struct point {
    int64_t every = 1;
    bool always = false;
    int64_t hits = 0;
    int64_t fired = 0;
  };
  mutable std::mutex mu_;
  std::map<std::string, point> points_;
  std::function<void(const std::string&)> exit_;
};

using fault_plan_ptr = std::shared_ptr<fault_plan>;

}  // namespace sluice
