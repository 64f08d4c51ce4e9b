#include "apps/processors/spend_spike.hpp"

#include <algorithm>

namespace sluice {

void spend_spike::process(const std::string& user, keyed_context& ctx, const std::vector<record>& rows) {
  auto n = ctx.get_value_state("count");
  auto mean = ctx.get_value_state("mean");
  auto timer = ctx.get_value_state("timer");
  int64_t count = n.exists() ? std::get<int64_t>(*n.get()) : 0;
  double avg = mean.exists() ? std::get<double>(*mean.get()) : 0.0;
  int64_t last = 0;
  for (const auto& r : rows) {
    double amount = r.num("amount");
    if (count >= min_history_ && amount > factor_ * avg)
      ctx.emit({value{user}, r["txn_id"], value{amount}, value{avg}, value{count}, value{r.time_us()}});
    ++count;
    avg += (amount - avg) / static_cast<double>(count);
    last = std::max(last, r.time_us());
  }
  n.set(value{count});
  mean.set(value{avg});
  if (timer.exists()) ctx.delete_timer(std::get<int64_t>(*timer.get()), time_domain::event_time);
  int64_t at = std::max(last + idle_us_, ctx.watermark_us() + 1);
  ctx.register_event_time_timer(at);
  timer.set(value{at});
}

std::vector<column> spend_spike_output() {
  return {{"user", column_type::string, true, time_unit::millis},
          {"txn_id", column_type::int64, true, time_unit::millis},
          {"amount", column_type::float64, true, time_unit::millis},
          {"running_avg", column_type::float64, true, time_unit::millis},
          {"history", column_type::int64, true, time_unit::millis},
          {"ts", column_type::timestamp, true, time_unit::millis}};
}

}  // namespace sluice
