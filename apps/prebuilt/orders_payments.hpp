// orders-payments: the seed's first example — join orders with their payments.
//
//   orders   (order_id, customer, amount, order_time)  watermark 10 min ┐
//   payments (payment_id, order_id, amount, pay_time)  watermark 10 min ┴─▶ join on order_id
//        and pay_time BETWEEN order_time AND order_time + 1 hour ─▶ joined/ (JSONL)
//   inner (default) or left outer (`--set join=left_outer`: unpaid orders come out with null
//   payment columns once the watermark passes order_time + 1 h); late rows go to late_rows/
//   with the watermark they missed.
//
// Generated input: payment n pays order n ~30 s later, except `payments.missing` (never paid)
// and `payments.late` (paid `payments.late_by` later: outside the hour, and behind the
// payments' watermark, so dropped as late). State per side stays near
// rate × (watermark delay + join window); see docs/joins.md.
#pragma once

#include "apps/prebuilt/app_registry.hpp"

namespace sluice {

app_definition orders_payments_app();

}  // namespace sluice
