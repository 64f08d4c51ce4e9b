// lambda: real-time revenue as a Lambda architecture (the seed's 18J.13; docs/lambda.md) — the
// same aggregation computed twice and merged when served:
//
//   layer=speed (the streaming query)  sales (Kafka) ─┬▶ output/archive/ (every sale: the master data)
//                                                     ├▶ per (category, bucket) revenue, orders ─▶
//                                                     output/speed/by_category/ └▶ per (user, bucket) revenue, orders
//                                                     ─▶ output/speed/by_user/
//   layer=batch (available_now)        output/archive/ ─▶ the same aggregations, buckets the final watermark
//                                                     closed ─▶ output/batch/<k>/by_category/, by_user/ (_SUCCESS at
//                                                     the end)
//
// The speed layer emits each changed bucket every trigger (update mode); the batch layer emits
// each bucket once, when its watermark passed it. `sluice serve lambda` merges the newest
// complete batch view (buckets before its cut-off: the end of its last bucket) with the speed
// view's buckets from the cut-off on (apps/serving/merged_view.hpp).
#pragma once

#include "apps/prebuilt/app_registry.hpp"

namespace sluice {

app_definition lambda_app();

}  // namespace sluice
