// revenue: real-time revenue per product category over sales (order_id, category, user,
// amount, ts), as two queries sharing one input:
//
//   revenue-5m       group_by(category, window(ts, 5m)) — revenue, orders, approximate
//                    unique users (HyperLogLog++) ─▶ output/per_5m/
//   revenue-rolling  group_by(category, window(ts, 10m, slide 2m)) — rolling revenue and
//                    orders: every sale counts in the 5 windows that contain it ─▶ output/rolling/
//
// `mode` = append (default: a window once, when the watermark passes its end) or update
// (changed windows every trigger: a live dashboard). Window sizes are settings.
#pragma once

#include "apps/prebuilt/app_registry.hpp"

namespace sluice {

app_definition revenue_app();

}  // namespace sluice
