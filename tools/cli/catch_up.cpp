#include "tools/cli/catch_up.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "state/io/kafka/kafka_offsets.hpp"

namespace sluice::cli {

namespace {

constexpr int64_t window_us = 5'000'000;  // the closing rate is taken over this much history

}  // namespace

std::string with_thousands(int64_t n) {
  uint64_t magnitude = n < 0 ? 0 - static_cast<uint64_t>(n) : static_cast<uint64_t>(n);  // INT64_MIN too
  std::string digits = std::to_string(magnitude), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return n < 0 ? "-" + out : out;
}

void catch_up::add(const std::string& progress_line, int64_t now_us) {
  boost::json::error_code ec;
  auto v = boost::json::parse(progress_line, ec);
  if (ec || !v.is_object()) return;
  const auto& o = v.get_object();
  const auto* name = o.if_contains("name");
  const auto* sources = o.if_contains("sources");
  if (!name || !name->is_string() || !sources || !sources->is_array()) return;
  std::map<std::string, int64_t> lags;
  for (const auto& s : sources->get_array()) {
    if (!s.is_object()) continue;
    const auto* end = s.get_object().if_contains("endOffset");
    const auto* latest = s.get_object().if_contains("latestOffset");
    kafka_offset_map read, held;
    if (!end || !latest || !end->is_string() || !latest->is_string() ||
        !parse_kafka_offsets(std::string(end->get_string()), read).is_ok() ||
        !parse_kafka_offsets(std::string(latest->get_string()), held).is_ok())
      continue;  // not a Kafka source
    for (const auto& [tp, at] : held) {
      auto r = read.find(tp);
      lags[tp_name(tp)] = std::max<int64_t>(0, at - (r == read.end() ? 0 : r->second));
    }
  }
  std::string query(name->get_string());
  lag_[query] = std::move(lags);
  if (const auto* b = o.if_contains("batchId"); b && b->is_int64()) batch_[query] = b->as_int64();
  if (!known()) return;
  history_.emplace_back(now_us, lag());
  while (history_.size() > 2 && history_.front().first < now_us - window_us) history_.pop_front();
}

bool catch_up::known() const {
  return std::all_of(queries_.begin(), queries_.end(), [this](const auto& q) {
    auto it = lag_.find(q);
    return it != lag_.end() && !it->second.empty();
  });
}

std::map<std::string, int64_t> catch_up::per_partition() const {
  std::map<std::string, int64_t> out;  // the queries of an app may read the same topics
  for (const auto& [query, parts] : lag_)
    for (const auto& [tp, n] : parts) out[tp] = std::max(out[tp], n);
  return out;
}

int64_t catch_up::lag() const {
  int64_t total = 0;
  for (const auto& [tp, n] : per_partition()) total += n;
  return total;
}

std::string catch_up::describe() const {
  if (!known()) return "waiting for every query's first trigger";
  std::string out = "lag " + with_thousands(lag()) + " records";
  std::string parts;
  for (const auto& [tp, n] : per_partition()) parts += (parts.empty() ? "" : " · ") + tp + " " + with_thousands(n);
  if (!parts.empty()) out += " (" + parts + ")";
  if (history_.size() >= 2) {
    double seconds = static_cast<double>(history_.back().first - history_.front().first) / 1e6;
    double closing = seconds > 0 ? static_cast<double>(history_.front().second - history_.back().second) / seconds : 0;
    if (closing > 0) {
      out += ", closing at " + with_thousands(static_cast<int64_t>(closing)) + "/s, ETA " +
             with_thousands(static_cast<int64_t>(static_cast<double>(lag()) / closing + 0.5)) + " s";
    } else {
      out += ", not closing";
    }
  }
  return out;
}

}  // namespace sluice::cli
