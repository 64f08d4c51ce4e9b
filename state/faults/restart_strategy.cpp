#include "state/faults/restart_strategy.hpp"

#include <algorithm>
#include <cmath>

namespace sluice {

std::optional<int64_t> restart_intensity::on_failure(int64_t now_us) {
  while (!recent_.empty() && recent_.front() + strategy_.within_us < now_us) recent_.pop_front();
  if (static_cast<int>(recent_.size()) >= strategy_.max_restarts) return std::nullopt;
  recent_.push_back(now_us);
  ++total_;
  double backoff = static_cast<double>(strategy_.initial_backoff_us) *
                   std::pow(strategy_.multiplier, static_cast<double>(recent_.size() - 1));
  return std::min<int64_t>(static_cast<int64_t>(backoff), strategy_.max_backoff_us);
}

}  // namespace sluice
