// merged_view: the serving layer of a Lambda app (docs/lambda.md) — a view's answer merged from
// the newest complete batch view and the speed view.
//
// Layout (apps/prebuilt/lambda.hpp): <output>/batch/<k>/<view>/ holds batch view k (complete
// once its `_SUCCESS` is there), <output>/speed/<view>/ the speed layer's update-mode rows. Rows
// carry the view's key, `window_start`, `window_end` and its measures. The batch view's cut-off
// is the end of its last bucket (the largest `window_end`): the merge takes every batch row, and
// of the speed rows the latest per (key, bucket) whose bucket starts at or after the cut-off —
// so each bucket comes from one layer, never both. Measures are summed per key (integers stay
// integers; doubles rounded to 6 decimals, below the float noise of the sums). Without a complete batch view the
// cut-off is the epoch start: the speed view alone. Files are read afresh on each load (part files in name order, lines
// in order); names starting with `_` or `.` are not data. No CAF.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "apps/prebuilt/app_registry.hpp"
#include "state/store/status.hpp"

namespace sluice {

struct merged_view {
  int64_t batch = 0;       // the batch view used (0: none complete yet)
  int64_t cutoff_us = 0;   // buckets before it from the batch view, from it on from the speed view
  int64_t batch_rows = 0;  // rows read of each layer (the speed layer's latest per bucket)
  int64_t speed_rows = 0;
  std::map<std::string, boost::json::object> rows;  // key (as text) → summed measures
};

/// The batch views under <output>/batch (the numbers of its folders 1, 2, …), ascending.
std::vector<int64_t> batch_views(const std::string& output);

/// Loads `view` of the Lambda output folder `output`.
[[nodiscard]] status load_merged_view(const served_view& view, const std::string& output, merged_view& out);

}  // namespace sluice
