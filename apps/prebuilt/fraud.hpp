// fraud: card-fraud alerts over a stream of transactions (txn_id, user, amount, merchant,
// country, ts), as two queries sharing one input:
//
//   fraud-velocity   group_by(user, window(ts, velocity.window[, velocity.slide]))
//                    count, total, avg amount, approx distinct merchants and countries
//                    ─▶ [score = σ(b + Σ wᵢ·featureᵢ) when `model` names a JSON file]
//                    ─▶ VELOCITY alert when count > velocity.max (default: more than 5 in 5 min)
//                       MODEL_SCORE alert when score > the model's threshold
//                    ─▶ output/flagged_windows/
//   fraud-spend-spike  key_by(user) ─▶ a keyed processor keeping the user's running average
//                    (value state, TTL) ─▶ SPEND_SPIKE when an amount exceeds spike.factor × the
//                    average of at least spike.min_history earlier transactions; the history
//                    is forgotten after spike.idle of event time without a transaction (an
//                    event-time timer) ─▶ output/spikes/
//
// Windows cannot express the spike rule: it compares each transaction with everything the
// user did before, with no window boundary. Alerts go to `alerts.to`, once per (rule, user,
// window) — across runs too (the alert memory under output/).
// Model file: {"intercept": b, "weights": {"count": w, "total": w, "avg_amount": w,
// "merchants": w, "countries": w}, "threshold": 0.9}.
#pragma once

#include "apps/prebuilt/app_registry.hpp"

namespace sluice {

app_definition fraud_app();

}  // namespace sluice
