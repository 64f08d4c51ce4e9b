// fault_plan: named fault points, armed from `--fail-at NAME[:K[:always]]` or the
// SLUICE_FAIL_AT environment variable (comma-separated), handed to actors at spawn —
// never a global (DESIGN.md "Faults on purpose").
//
// A point is hit each time the code passes it; it fires on the K-th hit (once), or on
// every K-th hit with `always`. Counts live in the plan, which outlives the actors, so a
// once-only fault does not fire again after the supervisor restarts the query.
// Points known to this version (listed by `sluice run --list-faults`):
//   crash:<actor>        the actor throws after its K-th batch (e.g. crash:filter)
//   crash:sink           the sink throws after writing its K-th batch
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "state/status.hpp"

namespace sluice {

class fault_plan {
 public:
  /// Adds points from `NAME[:K[:always]]` items; refuses malformed ones with the reason.
  status arm(const std::string& spec);
  /// Records one hit of `name`; true when the fault must fire now.
  bool hit(const std::string& name);
  bool armed() const { return !points_.empty(); }
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
};

using fault_plan_ptr = std::shared_ptr<fault_plan>;

}  // namespace sluice
