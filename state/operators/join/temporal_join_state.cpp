#include "state/operators/join/temporal_join_state.hpp"

#include <algorithm>
#include <tuple>

#include "state/operators/join/join_state.hpp"

namespace sluice {
namespace {

constexpr int64_t never = INT64_MAX;
constexpr int64_t probe_overhead = static_cast<int64_t>(sizeof(int64_t) + sizeof(uint64_t) + sizeof(row));
constexpr int64_t version_overhead = 64;  // vector slot, time, flag
constexpr int64_t key_overhead = 64;      // a key's hash-map node and vector header

int64_t time_of(const row& r, size_t column) {
  const value& v = r.values[column];
  return v.index() == 2 ? std::get<int64_t>(v) : never;
}

}  // namespace

bool temporal_join_state::later(const probe& a, const probe& b) {
  return std::tie(a.time, a.arrival) > std::tie(b.time, b.arrival);
}

bool temporal_join_state::key_of(const row& r, bool probe_side, std::string& key) const {
  key.clear();
  for (const auto& [p, t] : spec_.keys) {
    const value& v = r.values[probe_side ? p : t];
    if (is_null(v)) return false;
    append_join_key(key, v);
  }
  return true;
}

void temporal_join_state::add_probe(std::vector<row>& rows, int64_t late_us, std::vector<row>* late) {
  for (auto& r : rows) {
    ++counters_.probe_rows;
    int64_t t = time_of(r, spec_.probe_time);
    if (t <= late_us) {  // (a null time reads as INT64_MAX; sources refuse rows without their time)
      ++counters_.late_probe;
      if (late) late->push_back(std::move(r));
      continue;
    }
    bytes_ += probe_overhead + row_heap_bytes(r);
    probe_.push_back(probe{t, next_arrival_++, std::move(r)});
    std::push_heap(probe_.begin(), probe_.end(), later);
  }
}

void temporal_join_state::add_versions(std::vector<row>& rows, int64_t late_us, std::vector<row>* late) {
  std::string key;
  for (auto& r : rows) {
    ++counters_.version_rows;
    int64_t t = time_of(r, spec_.table_time);
    if (t <= late_us) {
      ++counters_.late_versions;
      if (late) late->push_back(std::move(r));
      continue;
    }
    if (!key_of(r, false, key)) {  // a table row without a key can never be found
      ++counters_.unkeyed_versions;
      continue;
    }
    insert_version(key, t, std::move(r));
  }
}

void temporal_join_state::insert_version(std::string key, int64_t time, row r) {
  bool deleted = false;
  if (spec_.deleted) {
    const value& d = r.values[*spec_.deleted];
    deleted = d.index() == 1 && std::get<bool>(d);
  }
  int64_t size = version_overhead + row_heap_bytes(r);
  auto [it, fresh] = versions_.try_emplace(std::move(key));
  if (fresh) bytes_ += static_cast<int64_t>(it->first.capacity()) + key_overhead;  // what prune() subtracts
  auto& list = it->second;
  auto at = std::lower_bound(list.begin(), list.end(), time, [](const version& v, int64_t t) { return v.time < t; });
  if (at != list.end() && at->time == time) {  // the same instant again: the later change wins
    bytes_ += size - (version_overhead + row_heap_bytes(at->r));
    at->deleted = deleted;
    at->r = std::move(r);
  } else {
    list.insert(at, version{time, deleted, std::move(r)});
    bytes_ += size;
    ++versions_count_;
  }
  if (list.size() > 1 || deleted) prunable_.insert(it->first);
  versions_added_ = true;
}

const temporal_join_state::version* temporal_join_state::valid_at(const std::string& key, int64_t time) const {
  auto it = versions_.find(key);
  if (it == versions_.end()) return nullptr;
  const auto& list = it->second;
  auto after = std::upper_bound(list.begin(), list.end(), time, [](int64_t t, const version& v) { return t < v.time; });
  if (after == list.begin()) return nullptr;
  const version& v = *(after - 1);
  return v.deleted ? nullptr : &v;
}

void temporal_join_state::advance(int64_t watermark_us, std::vector<row>& out) {
  // probe_ is a min-heap on (time, arrival): the rows due come off it in that order, whatever
  // order they came in.
  while (!probe_.empty() && probe_.front().time <= watermark_us) {
    std::pop_heap(probe_.begin(), probe_.end(), later);
    probe& p = probe_.back();
    const version* v = key_of(p.r, true, key_) ? valid_at(key_, p.time) : nullptr;
    ++counters_.emitted;
    if (!v) ++counters_.misses;
    bytes_ -= probe_overhead + row_heap_bytes(p.r);
    if (v || !spec_.inner) out.push_back(spec_.project(p.r, v ? &v->r : nullptr));
    probe_.pop_back();
  }
  if (watermark_us > pruned_at_ || versions_added_) prune(watermark_us);
}

void temporal_join_state::prune(int64_t watermark_us) {
  pruned_at_ = watermark_us;
  versions_added_ = false;
  for (auto k = prunable_.begin(); k != prunable_.end();) {
    auto it = versions_.find(*k);
    auto& list = it->second;
    auto after = std::upper_bound(list.begin(), list.end(), watermark_us,
                                  [](int64_t t, const version& v) { return t < v.time; });
    // Keep the latest version ≤ W (what rows after W still see), unless it is a delete.
    auto keep = after == list.begin() ? after : (after - 1)->deleted ? after : after - 1;
    for (auto v = list.begin(); v != keep; ++v) bytes_ -= version_overhead + row_heap_bytes(v->r);
    auto removed = keep - list.begin();
    versions_count_ -= removed;
    counters_.versions_removed += removed;
    list.erase(list.begin(), keep);
    bool still = list.size() > 1 || std::any_of(list.begin(), list.end(), [](const version& v) { return v.deleted; });
    if (list.empty()) {
      bytes_ -= static_cast<int64_t>(it->first.capacity()) + key_overhead;
      versions_.erase(it);
    }
    k = still ? std::next(k) : prunable_.erase(k);
  }
}

temporal_join_counters temporal_join_state::take_counters() {
  auto c = counters_;
  counters_ = {};
  return c;
}

void temporal_join_state::for_each_probe(const std::function<void(int64_t, uint64_t, const row&)>& fn) const {
  for (const auto& p : probe_) fn(p.time, p.arrival, p.r);
}

void temporal_join_state::for_each_version(
    const std::function<void(const std::string&, int64_t, const row&)>& fn) const {
  for (const auto& [key, list] : versions_)
    for (const auto& v : list) fn(key, v.time, v.r);
}

void temporal_join_state::restore_probe(int64_t time, uint64_t arrival, row r) {
  r.event_time_us = time;  // the probe's time column is its event-time column
  bytes_ += probe_overhead + row_heap_bytes(r);
  probe_.push_back(probe{time, arrival, std::move(r)});
  std::push_heap(probe_.begin(), probe_.end(), later);
  next_arrival_ = std::max(next_arrival_, arrival + 1);
}

void temporal_join_state::restore_version(row r) {
  std::string key;
  if (!key_of(r, false, key)) return;
  int64_t time = time_of(r, spec_.table_time);
  insert_version(std::move(key), time, std::move(r));
}

}  // namespace sluice
