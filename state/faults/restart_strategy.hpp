// restart_strategy: when a query whose actor crashed may restart, and after what back-off
// (Erlang/OTP restart intensity; Flink's exponential-delay strategy).
//
// Given as data (`--set restart.max=3 --set restart.within=60s …`): at most `max_restarts`
// restarts within any `within_us` window; the k-th restart in a row waits
// min(initial_backoff · multiplier^(k−1), max_backoff). Past the intensity the failure
// escalates: the query stops and the process exits non-zero with the reason.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>

namespace sluice {

struct restart_strategy {
  int max_restarts = 3;
  int64_t within_us = 60'000'000;
  int64_t initial_backoff_us = 100'000;
  int64_t max_backoff_us = 10'000'000;
  double multiplier = 2.0;
};

class restart_intensity {
 public:
  explicit restart_intensity(restart_strategy s) : strategy_(s) {}
  /// A failure at `now_us`: the back-off before restarting, or nullopt to escalate.
  std::optional<int64_t> on_failure(int64_t now_us);
  int restarts() const { return total_; }
  const restart_strategy& strategy() const { return strategy_; }

 private:
  restart_strategy strategy_;
  std::deque<int64_t> recent_;
  int total_ = 0;
};

}  // namespace sluice
