#include "state/operators/dedup/dedup_state.hpp"

#include <cstring>
#include <limits>

#include "state/store/bytes.hpp"

namespace sluice {
namespace {

constexpr int64_t never = std::numeric_limits<int64_t>::max();
constexpr size_t entry_overhead = 64;  // hash node and index entry, roughly

}  // namespace

int64_t dedup_state::expiry_of(const row& r) const {
  if (!spec_.event_time_column) return never;
  const value& t = r.values[*spec_.event_time_column];
  if (t.index() != 2) return never;  // a null time: nothing can evict it
  if (!spec_.expires()) return never;
  int64_t time = std::get<int64_t>(t);
  return spec_.within_watermark ? time + spec_.delay_us : time;
}

void dedup_state::store(std::string key, int64_t expiry) {
  memory_ += static_cast<int64_t>(key.size() + entry_overhead);
  if (expiry != never) by_expiry_.emplace(expiry, key);
  expiry_.emplace(std::move(key), expiry);
}

void dedup_state::process(std::vector<row>& rows, int64_t watermark_us, std::vector<row>& out) {
  for (auto& r : rows) {
    if (spec_.event_time_column) {
      const value& t = r.values[*spec_.event_time_column];
      if (t.index() == 2 && std::get<int64_t>(t) <= watermark_us) {
        ++counters_.dropped_late;
        continue;
      }
    }
    key_.clear();  // reused: a duplicate costs no allocation
    for (size_t c : spec_.key_columns) append_key_bytes(r.values[c], key_);
    if (expiry_.count(key_)) {
      ++counters_.duplicates;
      continue;
    }
    store(key_, expiry_of(r));
    ++counters_.stored;
    out.push_back(std::move(r));
  }
}

void dedup_state::evict(int64_t watermark_us) {
  while (!by_expiry_.empty() && by_expiry_.begin()->first <= watermark_us) {
    const auto& key = by_expiry_.begin()->second;
    memory_ -= static_cast<int64_t>(key.size() + entry_overhead);
    expiry_.erase(key);
    by_expiry_.erase(by_expiry_.begin());
    ++counters_.removed;
  }
}

dedup_counters dedup_state::take_counters() {
  auto c = counters_;
  counters_ = {};
  return c;
}

void dedup_state::save(const std::function<void(std::string key, std::string value)>& put) const {
  for (const auto& [key, expiry] : expiry_) {
    std::string v(1, '\x01');
    v.append(reinterpret_cast<const char*>(&expiry), sizeof expiry);
    put(key, std::move(v));
  }
}

status dedup_state::load(std::string_view key, std::string_view v) {
  if (v.size() != 1 + sizeof(int64_t))
    return status::corruption("dedup state row has " + std::to_string(v.size()) + " bytes; version 1 rows have 9");
  if (v[0] != '\x01')
    return status::corruption("dedup state row has format version " + std::to_string(static_cast<int>(v[0])) +
                              "; this sluice reads version 1");
  int64_t expiry;
  std::memcpy(&expiry, v.data() + 1, sizeof expiry);
  store(std::string(key), expiry);
  return status::ok();
}

}  // namespace sluice
