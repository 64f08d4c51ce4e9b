// enrich: purchases enriched with their product (the seed's 18J.11; docs/enrichment.md) — one
// query, a lookup join (Spark's stream-static join) of each purchase with the product catalog:
//
//   purchases (Kafka) ─▶ lookup product_id in output/products/products.jsonl, or the compacted
//                        topic products (products.source=kafka) (left)
//                     ─▶ + price_band (budget < 20, mid < 100, premium), amount = quantity × price
//                     ─▶ output/enriched/
//
// The app writes the catalog (generator kind `products`, revision 1: to the file, or as one
// record per product keyed by product_id to the topic) before its query starts,
// then a new revision every `products.change_after` up to `products.revisions` (each renames
// and reprices about 30 % of the products and adds `products.added` new ones); the table
// refreshes every `products.refresh`, so later purchases see the change. Purchases name
// product ids up to `purchases.keys`: those past the catalog miss (null product columns).
#pragma once

#include "apps/prebuilt/app_registry.hpp"

namespace sluice {

app_definition enrich_app();

}  // namespace sluice
