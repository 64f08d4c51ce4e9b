#include "state/keyed_state.hpp"

#include <map>
#include <vector>

namespace sluice {
namespace {
// Spilled values carry a tag: 'v' + bytes for a value, 'd' for a deletion.
constexpr char spilled_value = 'v';
constexpr char spilled_delete = 'd';
}  // namespace

keyed_state::keyed_state(state_store& store, std::string ns, size_t memory_budget_bytes)
    : store_(store), ns_(std::move(ns)), budget_(memory_budget_bytes) {}

void keyed_state::insert(std::string key, entry e) {
  auto it = hot_.find(key);
  if (it != hot_.end()) {
    memory_used_ -= footprint(it->first, it->second);
    it->second = std::move(e);
    memory_used_ += footprint(it->first, it->second);
  } else {
    memory_used_ += footprint(key, e);
    hot_.emplace(std::move(key), std::move(e));
  }
}

status keyed_state::get(std::string_view key, std::string& value) {
  std::string k(key);
  if (auto it = hot_.find(k); it != hot_.end()) {
    if (!it->second.value) return status::not_found(k);
    value = *it->second.value;
    return status::ok();
  }
  if (spilled_.count(k)) {
    std::string raw;
    auto s = store_.get(ns_, key_kind::spilled, k, raw);
    if (!s.is_ok()) return s;
    if (raw.empty() || raw[0] == spilled_delete) return status::not_found(k);
    value.assign(raw, 1);
    return status::ok();
  }
  auto s = store_.get(ns_, key_kind::committed, k, value);
  if (!s.is_ok()) return s;
  insert(std::move(k), entry{value, false});  // cache clean
  return enforce_budget();
}

status keyed_state::put(std::string_view key, std::string_view value) {
  insert(std::string(key), entry{std::string(value), true});
  return enforce_budget();
}

status keyed_state::erase(std::string_view key) {
  insert(std::string(key), entry{std::nullopt, true});
  return enforce_budget();
}

status keyed_state::enforce_budget() {
  if (memory_used_ <= budget_) return status::ok();
  // 1. Clean entries are copies of committed state: drop them.
  for (auto it = hot_.begin(); it != hot_.end() && memory_used_ > budget_;) {
    if (!it->second.dirty) {
      memory_used_ -= footprint(it->first, it->second);
      it = hot_.erase(it);
    } else {
      ++it;
    }
  }
  // 2. Dirty entries go to the spill area until the next epoch writes them.
  for (auto it = hot_.begin(); it != hot_.end() && memory_used_ > budget_ / 2;) {
    std::string raw;
    if (it->second.value) {
      raw.reserve(it->second.value->size() + 1);
      raw.push_back(spilled_value);
      raw += *it->second.value;
    } else {
      raw.push_back(spilled_delete);
    }
    auto s = store_.put(ns_, key_kind::spilled, it->first, raw);
    if (!s.is_ok()) return s;
    spilled_.insert(it->first);
    ++spills_;
    memory_used_ -= footprint(it->first, it->second);
    it = hot_.erase(it);
  }
  return status::ok();
}

status keyed_state::for_each(const std::function<bool(const std::string&, const std::string&)>& fn) {
  std::map<std::string, std::optional<std::string>> merged;
  auto s = store_.scan(ns_, key_kind::committed, "", [&](std::string_view k, std::string_view v) {
    merged[std::string(k)] = std::string(v);
    return true;
  });
  if (!s.is_ok()) return s;
  s = store_.scan(ns_, key_kind::spilled, "", [&](std::string_view k, std::string_view v) {
    if (!spilled_.count(std::string(k))) return true;
    if (!v.empty() && v[0] == spilled_value)
      merged[std::string(k)] = std::string(v.substr(1));
    else
      merged[std::string(k)] = std::nullopt;
    return true;
  });
  if (!s.is_ok()) return s;
  for (const auto& [k, e] : hot_) merged[k] = e.value;
  for (const auto& [k, v] : merged)
    if (v && !fn(k, *v)) break;
  return status::ok();
}

status keyed_state::write_changes(leveldb::WriteBatch& batch) {
  for (const auto& [k, e] : hot_) {
    if (!e.dirty) continue;
    if (e.value)
      batch.Put(encode_state_key(ns_, key_kind::committed, k), *e.value);
    else
      batch.Delete(encode_state_key(ns_, key_kind::committed, k));
  }
  for (const auto& k : spilled_) {
    if (hot_.count(k)) {  // re-read since it spilled: the hot entry is newer
      batch.Delete(encode_state_key(ns_, key_kind::spilled, k));
      continue;
    }
    std::string raw;
    auto s = store_.get(ns_, key_kind::spilled, k, raw);
    if (!s.is_ok()) return s;
    if (!raw.empty() && raw[0] == spilled_value)
      batch.Put(encode_state_key(ns_, key_kind::committed, k), leveldb::Slice(raw.data() + 1, raw.size() - 1));
    else
      batch.Delete(encode_state_key(ns_, key_kind::committed, k));
    batch.Delete(encode_state_key(ns_, key_kind::spilled, k));
  }
  return status::ok();
}

void keyed_state::changes_committed() {
  for (auto it = hot_.begin(); it != hot_.end();) {
    if (!it->second.value) {
      memory_used_ -= footprint(it->first, it->second);
      it = hot_.erase(it);
    } else {
      it->second.dirty = false;
      ++it;
    }
  }
  spilled_.clear();
}

}  // namespace sluice
