// spend_spike: a keyed processor (state/operators/process/keyed_processor.hpp) over
// transactions keyed by user — the fraud app's SPEND_SPIKE rule, and `"processor":
// "spend_spike"` in a query file. A spike is an amount above `factor` × the user's running
// average of at least `min_history` earlier amounts; a user idle for `idle_us` of event time is
// forgotten by an event-time timer. State per user: "count", "mean", "timer".
//
// Input columns read: txn_id, amount, and the row's event time. Output rows:
// user, txn_id, amount, running_avg, history, ts (spend_spike_output()).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "messages/data/schema.hpp"
#include "state/operators/process/keyed_processor.hpp"

namespace sluice {

struct spend_spike final : keyed_processor<std::string> {
  spend_spike(double factor, int64_t min_history, int64_t idle_us)
      : factor_(factor), min_history_(min_history), idle_us_(idle_us) {}
  void process(const std::string& user, keyed_context& ctx, const std::vector<record>& rows) override;
  void on_timer(const std::string&, keyed_context& ctx, int64_t, time_domain) override { ctx.clear_all(); }

 private:
  double factor_;
  int64_t min_history_, idle_us_;
};

std::vector<column> spend_spike_output();

}  // namespace sluice
