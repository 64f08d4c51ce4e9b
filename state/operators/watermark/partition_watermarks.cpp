#include "state/operators/watermark/partition_watermarks.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <limits>

namespace sluice {
namespace json = boost::json;

partition_watermarks::partition_watermarks(int64_t delay_us, std::optional<int64_t> idle_timeout_us)
    : delay_us_(delay_us), step_us_(std::max<int64_t>(1000, delay_us / 10)), idle_timeout_us_(idle_timeout_us) {}

partition_frontier& partition_watermarks::frontier(const std::string& partition, int64_t now_us) {
  for (auto& f : frontiers_)
    if (f.partition == partition) return f;
  frontiers_.push_back(partition_frontier{partition, false, 0, now_us});
  return frontiers_.back();
}

namespace {
/// a − b, saturating at the lowest value above no_floor.
int64_t minus(int64_t a, int64_t b) {
  constexpr int64_t lowest = std::numeric_limits<int64_t>::min() + 1;
  return a < lowest + b ? lowest : a - b;
}
}  // namespace

int64_t partition_watermarks::floor_of(const partition_frontier& f) const {
  if (!f.has_max) return std::numeric_limits<int64_t>::min();
  int64_t step = step_of(f.max_us);
  int64_t start = step >= std::numeric_limits<int64_t>::min() / step_us_ ? step * step_us_
                                                                          : std::numeric_limits<int64_t>::min() + 1;
  return minus(start, delay_us_);
}

std::optional<int64_t> partition_watermarks::watermark(const std::vector<std::string>& open, bool exhausted,
                                                       int64_t now_us) {
  if (exhausted) {
    std::optional<int64_t> highest;
    for (const auto& f : frontiers_)
      if (f.has_max && (!highest || minus(f.max_us, delay_us_) > *highest)) highest = minus(f.max_us, delay_us_);
    return highest;
  }
  std::optional<int64_t> lowest;
  bool held = false;
  for (const auto& name : open) {
    auto& f = frontier(name, now_us);
    if (idle(f, now_us)) continue;
    if (!f.has_max) {
      held = true;
      continue;
    }
    if (!lowest || floor_of(f) < *lowest) lowest = floor_of(f);
  }
  if (held) return std::nullopt;
  return lowest;
}

std::string partition_watermarks::encode() const {
  json::object o;
  for (const auto& f : frontiers_)
    if (f.has_max) o[f.partition] = f.max_us;
  return json::serialize(o);
}

status partition_watermarks::decode(const std::string& text, int64_t now_us) {
  if (text.empty()) return status::ok();
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object())
    return status::corruption("partition frontiers are not a JSON object: the checkpoint is corrupt");
  for (const auto& [name, max] : v.as_object()) {
    if (!max.is_int64())
      return status::corruption("the frontier of partition '" + std::string(name) +
                                "' is not an integer: the checkpoint is corrupt");
    auto& f = frontier(std::string(name), now_us);
    f.has_max = true;
    f.max_us = max.as_int64();
  }
  return status::ok();
}

}  // namespace sluice
