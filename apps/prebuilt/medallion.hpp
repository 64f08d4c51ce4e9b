// medallion: the medallion architecture (bronze → silver) as two queries with their own
// triggers, writing JSONL.
//
//   generator[events] ──raw──▶ bronze/ (value, ingest_time, source, position)   query 1
//   bronze/ ──from_json──▶ validate ──▶ silver/ (typed, cleaned)                 query 2
//                 └── not JSON, missing/wrong columns, failed rules ──▶ dead_letters/
//
// Bronze lands every generated record untouched, with when and from where it arrived;
// silver follows bronze's directory (new part files as they appear) and ends after bronze
// marked it complete (`_SUCCESS`). Settings: `sluice run medallion --help`.
#pragma once

#include "apps/prebuilt/app_registry.hpp"

namespace sluice {

app_definition medallion_app();

}  // namespace sluice
