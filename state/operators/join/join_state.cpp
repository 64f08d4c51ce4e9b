#include "state/operators/join/join_state.hpp"

#include <algorithm>
#include <cstring>

namespace sluice {
namespace {

constexpr int64_t one_ms_us = 1000;
constexpr int64_t never = INT64_MAX;

int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

int64_t as_time(const value& v) {
  return v.index() == 2 ? std::get<int64_t>(v) : never;
}

}  // namespace

// Key bytes: numbers that are equal compare equal (1 == 1.0), as `=` does.
// The one numeric rule of join keys: a double with a whole value is that int64.
static bool as_key_int(const value& v, int64_t& out) {
  if (v.index() == 2) {
    out = std::get<int64_t>(v);
    return true;
  }
  if (v.index() == 3) {
    double d = std::get<double>(v);
    if (d == static_cast<double>(static_cast<int64_t>(d))) {
      out = static_cast<int64_t>(d);
      return true;
    }
  }
  return false;
}

uint64_t hash_join_key(uint64_t seed, const value& v) {
  uint64_t h;
  int64_t i;
  if (as_key_int(v, i))
    h = std::hash<int64_t>{}(i)*0x9e3779b97f4a7c15ULL;
  else if (v.index() == 3)
    h = std::hash<double>{}(std::get<double>(v));
  else if (v.index() == 4)
    h = std::hash<std::string>{}(std::get<std::string>(v));
  else if (v.index() == 1)
    h = std::get<bool>(v) ? 3 : 5;
  else
    h = 0x51ed27ULL;  // null
  return seed * 31 + h;
}

void append_join_key(std::string& k, const value& v) {
  int64_t as_int;
  if (as_key_int(v, as_int)) {
    k.push_back('I');
    k.append(reinterpret_cast<const char*>(&as_int), sizeof as_int);
    return;
  }
  switch (v.index()) {
    case 0:
      k.push_back('N');
      break;
    case 1:
      k.push_back(std::get<bool>(v) ? 'T' : 'F');
      break;
    case 3: {  // a double with a fraction (whole ones were taken as int64 above)
      double d = std::get<double>(v);
      k.push_back('D');
      k.append(reinterpret_cast<const char*>(&d), sizeof d);
      break;
    }
    default: {
      const auto& s = std::get<std::string>(v);
      uint32_t n = static_cast<uint32_t>(s.size());
      k.push_back('S');
      k.append(reinterpret_cast<const char*>(&n), sizeof n);
      k.append(s);
    }
  }
}

join_state::join_state(join_spec spec) : spec_(std::move(spec)) {}

bool join_state::preserved(join_side side) const {
  switch (spec_.type) {
    case join_type::left_outer:
    case join_type::left_anti:
      return side == join_side::left;
    case join_type::right_outer:
      return side == join_side::right;
    case join_type::full_outer:
      return true;
    default:
      return false;
  }
}

bool join_state::key_of(join_side side, const row& r, std::string& key, int64_t& window_start) const {
  key.clear();
  bool ok = true;
  for (const auto& [l, rc] : spec_.keys) {
    const value& v = r.values[side == join_side::left ? l : rc];
    if (is_null(v) && !spec_.null_safe) ok = false;
    append_join_key(key, v);
  }
  window_start = 0;
  if (spec_.window_key) {
    const auto& w = *spec_.window_key;
    int64_t t = as_time(r.values[side == join_side::left ? w.left_column : w.right_column]);
    if (t == never) return false;
    window_start = floor_div(t - w.offset_us, w.size_us) * w.size_us + w.offset_us;
    key.push_back('W');
    key.append(reinterpret_cast<const char*>(&window_start), sizeof window_start);
  }
  return ok;
}

int64_t join_state::late_time(join_side side, const row& r, int64_t window_start) const {
  const auto& wm = side == join_side::left ? spec_.left_watermark_column : spec_.right_watermark_column;
  if (!wm) return never;
  if (spec_.window_key) {
    size_t wcol = side == join_side::left ? spec_.window_key->left_column : spec_.window_key->right_column;
    if (wcol == *wm) return window_start + spec_.window_key->size_us;  // the window is this side's event time
  }
  return as_time(r.values[*wm]);
}

int64_t join_state::state_time(join_side side, const row& r, int64_t window_start) const {
  if (spec_.window_key && spec_.window_key->watermarked) return window_start + spec_.window_key->size_us;
  if (spec_.time_key)
    return as_time(r.values[side == join_side::left ? spec_.time_key->first : spec_.time_key->second]);
  if (spec_.time_range) {
    const auto& tr = *spec_.time_range;
    return as_time(r.values[side == tr.column_side ? tr.column : tr.other]);
  }
  const auto& wm = side == join_side::left ? spec_.left_watermark_column : spec_.right_watermark_column;
  return wm ? as_time(r.values[*wm]) : never;
}

std::optional<int64_t> join_state::state_watermark(join_side side, int64_t w) const {
  if (spec_.window_key && spec_.window_key->watermarked) return w;  // evict window end ≤ W
  if (spec_.time_key) return w;                                     // evict key time ≤ W
  if (!spec_.time_range) return std::nullopt;
  const auto& tr = *spec_.time_range;
  const auto& mine = side == join_side::left ? spec_.left_watermark_column : spec_.right_watermark_column;
  const auto& theirs = side == join_side::left ? spec_.right_watermark_column : spec_.left_watermark_column;
  if (!mine || !theirs) return std::nullopt;
  if (side == tr.column_side) {
    // S.c >(=) O.o + a, with O.o the other side's watermark column
    if (!tr.lower || *theirs != tr.other) return std::nullopt;
    return w + tr.lower->offset_us - (tr.lower->inclusive ? one_ms_us : 0);
  }
  // O.o >(=) S.c − b, with S.c the column side's watermark column
  if (!tr.upper || *theirs != tr.column) return std::nullopt;
  return w - tr.upper->offset_us - (tr.upper->inclusive ? one_ms_us : 0);
}

bool join_state::in_range(join_side side, const row& mine, const row& theirs) const {
  if (!spec_.time_range) return true;
  const auto& tr = *spec_.time_range;
  const row& s = side == tr.column_side ? mine : theirs;
  const row& o = side == tr.column_side ? theirs : mine;
  int64_t sc = as_time(s.values[tr.column]), oo = as_time(o.values[tr.other]);
  if (sc == never || oo == never) return false;
  int64_t diff = sc - oo;
  if (tr.lower && (tr.lower->inclusive ? diff < tr.lower->offset_us : diff <= tr.lower->offset_us)) return false;
  if (tr.upper && (tr.upper->inclusive ? diff > tr.upper->offset_us : diff >= tr.upper->offset_us)) return false;
  return true;
}

uint32_t join_state::take_slot(buffer& b) {
  if (b.free.empty()) {
    b.slots.emplace_back();
    return static_cast<uint32_t>(b.slots.size() - 1);
  }
  uint32_t slot = b.free.back();
  b.free.pop_back();
  return slot;
}

void join_state::mark_changed(buffer& b, uint32_t slot) {
  entry& e = b.slots[slot];
  if (e.epoch_dirty) return;
  e.epoch_dirty = true;
  b.changed.push_back(slot);
}

void join_state::store(join_side side, row r, std::string key, int64_t window_start, bool matched, uint32_t slot) {
  auto& b = sides_[static_cast<int>(side)];
  entry& e = b.slots[slot];
  e.state_time = state_time(side, r, window_start);
  e.window_start = window_start;
  e.matched = matched;
  e.live = true;
  e.bytes = static_cast<int64_t>(sizeof(entry) + key.capacity() + 48) + row_heap_bytes(r);
  e.r = std::move(r);
  b.by_key[key].push_back(slot);
  e.key = std::move(key);
  if (evictable(side)) b.by_time.emplace(e.state_time, slot);
  ++b.live;
  b.bytes += e.bytes;
  ++counters_.updated;
}

void join_state::remove(buffer& b, uint32_t slot) {
  entry& e = b.slots[slot];
  auto it = b.by_key.find(e.key);
  if (it != b.by_key.end()) {
    auto& v = it->second;
    for (size_t i = 0; i < v.size(); ++i)
      if (v[i] == slot) {
        v[i] = v.back();
        v.pop_back();
        break;
      }
    if (v.empty()) b.by_key.erase(it);
  }
  e.live = false;
  e.r = row{};
  e.key.clear();
  if (e.stored) b.erased.push_back(slot);
  e.stored = false;  // a dirty slot stays in `changed`: take_changes skips it unless reused
  --b.live;
  b.bytes -= e.bytes;
  b.free.push_back(slot);
}

void join_state::process(join_side side, std::vector<row>& rows, int64_t w, std::vector<row>& out,
                         std::vector<row>* late) {
  const int me = static_cast<int>(side);
  buffer& other = sides_[1 - me];
  const auto& one_sided = side == join_side::left ? spec_.left_filter : spec_.right_filter;
  const bool semi = spec_.type == join_type::left_semi;
  const bool anti = spec_.type == join_type::left_anti;
  const std::optional<int64_t> right_state_wm =
      side == join_side::right ? state_watermark(join_side::right, w) : std::nullopt;
  std::string key;
  for (auto& r : rows) {
    ++counters_.input_rows[me];
    int64_t ws = 0;
    bool key_ok = key_of(side, r, key, ws);
    if (late_time(side, r, ws) <= w) {
      ++counters_.dropped_late[me];
      if (late) late->push_back(std::move(r));
      continue;
    }
    if (one_sided && !one_sided(r)) {  // can never match: preserved rows come out at once
      if (preserved(side)) {
        out.push_back(side == join_side::left ? spec_.project(&r, ws, nullptr, 0) : spec_.project(nullptr, 0, &r, ws));
        ++counters_.output_rows;
      }
      continue;
    }
    bool matched = false;
    if (key_ok) {
      auto it = other.by_key.find(key);
      if (it != other.by_key.end()) {
        for (uint32_t slot : it->second) {
          auto& e = other.slots[slot];
          if (semi && side == join_side::right && e.matched) continue;  // each left row once
          const row& left = side == join_side::left ? r : e.r;
          const row& right = side == join_side::left ? e.r : r;
          if (!in_range(side, r, e.r)) continue;
          if (spec_.pair_condition && !spec_.pair_condition(left, right)) continue;
          matched = true;
          if (!e.matched) {
            e.matched = true;
            mark_changed(other, slot);
          }
          if (semi) {
            if (side == join_side::left) break;  // emitted once, below
            out.push_back(spec_.project(&e.r, e.window_start, nullptr, 0));
            ++counters_.output_rows;
          } else if (!anti) {
            out.push_back(side == join_side::left ? spec_.project(&r, ws, &e.r, e.window_start)
                                                  : spec_.project(&e.r, e.window_start, &r, ws));
            ++counters_.output_rows;
          }
        }
      }
    }
    if (matched) ++counters_.matched_rows[me];
    if (semi && side == join_side::left && matched) {  // emitted at first match, never stored
      out.push_back(spec_.project(&r, ws, nullptr, 0));
      ++counters_.output_rows;
      continue;
    }
    if (anti && side == join_side::left && matched) continue;  // can never be emitted
    if (!key_ok && !preserved(side)) continue;                 // a null key matches nothing
    if (right_state_wm && state_time(side, r, ws) <= *right_state_wm && !(preserved(side) && !matched)) continue;
    buffer& mine = sides_[me];
    uint32_t slot = take_slot(mine);
    store(side, std::move(r), key, ws, matched, slot);
    mark_changed(mine, slot);
  }
}

void join_state::evict(int64_t w, std::vector<row>& out) {
  for (join_side side : {join_side::left, join_side::right}) {
    auto sw = state_watermark(side, w);
    if (!sw) continue;
    buffer& b = sides_[static_cast<int>(side)];
    bool keep_nulls = preserved(side);
    while (!b.by_time.empty() && b.by_time.top().first <= *sw) {
      uint32_t slot = b.by_time.top().second;
      b.by_time.pop();
      entry& e = b.slots[slot];
      if (!e.live) continue;
      if (keep_nulls && !e.matched) {
        out.push_back(side == join_side::left ? spec_.project(&e.r, e.window_start, nullptr, 0)
                                              : spec_.project(nullptr, 0, &e.r, e.window_start));
        ++counters_.output_rows;
      }
      ++counters_.evicted;
      if (!keep_nulls) ++counters_.removed;
      remove(b, slot);
    }
  }
}

join_counters join_state::take_counters() {
  join_counters c = counters_;
  counters_ = join_counters{};
  return c;
}

void join_state::for_each(const std::function<void(join_side, const row&, bool)>& fn) const {
  for (int s = 0; s < 2; ++s)
    for (const auto& e : sides_[s].slots)
      if (e.live) fn(static_cast<join_side>(s), e.r, e.matched);
}

void join_state::for_each_slot(const std::function<void(join_side, uint32_t, const row&, bool)>& fn) const {
  for (int s = 0; s < 2; ++s)
    for (size_t i = 0; i < sides_[s].slots.size(); ++i)
      if (const auto& e = sides_[s].slots[i]; e.live)
        fn(static_cast<join_side>(s), static_cast<uint32_t>(i), e.r, e.matched);
}

void join_state::take_changes(const std::function<void(join_side, uint32_t)>& erase,
                              const std::function<void(join_side, uint32_t, const row&, bool)>& put) {
  for (int s = 0; s < 2; ++s) {
    buffer& b = sides_[s];
    for (uint32_t slot : b.erased) erase(static_cast<join_side>(s), slot);
    b.erased.clear();
    for (uint32_t slot : b.changed) {
      entry& e = b.slots[slot];
      e.epoch_dirty = false;
      if (!e.live) continue;  // emptied since (and erased above if it had been handed out)
      put(static_cast<join_side>(s), slot, e.r, e.matched);
      e.stored = true;
    }
    b.changed.clear();
  }
}

bool join_state::restore(join_side side, uint32_t slot, row r, bool matched) {
  buffer& b = sides_[static_cast<int>(side)];
  if (slot >= b.slots.size()) {
    for (auto gap = static_cast<uint32_t>(b.slots.size()); gap < slot; ++gap) b.free.push_back(gap);
    b.slots.resize(static_cast<size_t>(slot) + 1);
  } else {
    auto it = std::find(b.free.begin(), b.free.end(), slot);  // rows come in slot order: rare
    if (it == b.free.end()) return false;
    b.free.erase(it);
  }
  std::string key;
  int64_t ws = 0;
  key_of(side, r, key, ws);
  store(side, std::move(r), std::move(key), ws, matched, slot);
  b.slots[slot].stored = true;
  --counters_.updated;  // restoring is not an update
  return true;
}

}  // namespace sluice
