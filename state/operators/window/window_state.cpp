#include "state/operators/window/window_state.hpp"

#include <algorithm>
#include <limits>

#include "messages/data/packed_cells.hpp"

namespace sluice {
namespace {
constexpr int64_t never = std::numeric_limits<int64_t>::max();
constexpr char state_version = 0x03;  // 0x01 (a plain double sum) and 0x02 (JSON key cells) are read too
}  // namespace

std::vector<int64_t> window_starts(int64_t t, int64_t size, int64_t slide, int64_t offset) {
  std::vector<int64_t> starts;
  for_each_window_start(t, size, slide, offset, [&](int64_t s) { starts.push_back(s); });
  std::reverse(starts.begin(), starts.end());
  return starts;
}

int64_t window_state::footprint(const std::string& key, const group& g) {
  int64_t n = static_cast<int64_t>(sizeof(group) + 2 * key.size() + 64);
  for (const auto& a : g.acc) n += static_cast<int64_t>(memory_bytes(a));
  return n;
}

window_state::window_state(window_grouping g) : g_(std::move(g)) {}

window_state::node& window_state::find_or_add(const std::string& bytes, const row& r, int64_t start, int64_t end,
                                              int64_t expires) {
  auto it = groups_.find(bytes);
  if (it == groups_.end()) {
    group ng;
    ng.key.reserve(g_.key_columns.size());
    for (size_t k : g_.key_columns) ng.key.push_back(r.values[k]);
    ng.start = start;
    ng.end = end;
    ng.expires = expires;
    ng.acc.reserve(g_.aggregations.size());
    for (const auto& a : g_.aggregations) ng.acc.push_back(make_accumulator(a));
    memory_ += footprint(bytes, ng);
    it = groups_.emplace(bytes, std::move(ng)).first;
    if (expires != never) expiry_[expires].push_back(&it->first);
  }
  return *it;
}

void window_state::touch(node& n) {
  group& g = n.second;
  if (!g.dirty) {
    g.dirty = true;
    dirty_.push_back(&g);
  }
  if (!g.epoch_dirty) {
    g.epoch_dirty = true;
    g.changed_at = static_cast<uint32_t>(changed_.size());
    changed_.push_back(&n);
  }
}

void window_state::process(const std::vector<row>& rows, int64_t wm, std::vector<row>* late) {
  bool drop_late = g_.watermarked && g_.mode != output_mode::complete;
  counters_.input_rows += static_cast<int64_t>(rows.size());
  for (const auto& r : rows) {
    scratch_.clear();
    for (size_t k : g_.key_columns) append_key_bytes(r.values[k], scratch_);
    size_t key_len = scratch_.size();
    auto add_to = [&](int64_t start, int64_t end, int64_t expires) {
      if (drop_late && expires <= wm) {
        if (late_groups_.insert(scratch_).second) ++counters_.dropped_late;
        return false;
      }
      node& n = find_or_add(scratch_, r, start, end, expires);
      group& grp = n.second;
      for (size_t a = 0; a < g_.aggregations.size(); ++a) {
        size_t listed = grp.acc[a].list.size();  // collect_list is the only buffer that grows
        update(g_.aggregations[a], grp.acc[a], r);
        memory_ += static_cast<int64_t>((grp.acc[a].list.size() - listed) * sizeof(value));
      }
      touch(n);
      return true;
    };
    bool used = false;
    if (g_.window) {
      const auto& w = *g_.window;
      const value& tv = r.values[w.time_column];
      if (tv.index() != 2) continue;  // a null time belongs to no window (Spark drops it)
      int64_t t = std::get<int64_t>(tv);
      for_each_window_start(t, w.size_us, w.slide_us, w.offset_us, [&](int64_t s) {
        scratch_.resize(key_len);
        put_i64(scratch_, s);
        used |= add_to(s, s + w.size_us, g_.watermarked ? s + w.size_us : never);
      });
    } else {
      int64_t expires = never;
      if (g_.time_key && g_.watermarked) {
        const value& tv = r.values[g_.key_columns[*g_.time_key]];
        if (tv.index() == 2) expires = std::get<int64_t>(tv);
      }
      used = add_to(0, 0, expires);
    }
    if (!used) {
      ++counters_.late_input_rows;
      if (late) late->push_back(r);
    }
  }
}

row window_state::output(const group& grp) const {
  row o;
  o.values.reserve(grp.key.size() + 2 + grp.acc.size());
  o.values.insert(o.values.end(), grp.key.begin(), grp.key.end());
  if (g_.window) {
    o.values.emplace_back(grp.start);
    o.values.emplace_back(grp.end);
  }
  for (size_t a = 0; a < grp.acc.size(); ++a) o.values.push_back(result(g_.aggregations[a], grp.acc[a]));
  o.event_time_us = g_.window ? grp.end - 1 : 0;  // Spark's window_time: end − 1 µs
  return o;
}

void window_state::remove_expired(int64_t wm, std::vector<row>* out) {
  while (!expiry_.empty() && expiry_.begin()->first <= wm) {
    for (const std::string* key : expiry_.begin()->second) {
      auto it = groups_.find(*key);
      if (it == groups_.end()) continue;
      if (out) {
        out->push_back(output(it->second));
        ++counters_.emitted;
      }
      memory_ -= footprint(it->first, it->second);
      group& grp = it->second;
      if (grp.epoch_dirty) {  // out of changed_: the last entry takes its place
        changed_[grp.changed_at] = changed_.back();
        changed_[grp.changed_at]->second.changed_at = grp.changed_at;
        changed_.pop_back();
      }
      if (grp.stored) erased_.push_back(it->first);
      groups_.erase(it);
      ++counters_.removed;
    }
    expiry_.erase(expiry_.begin());
  }
  if (groups_.empty()) memory_ = 0;
}

void window_state::clear_dirty() {
  for (group* g : dirty_) g->dirty = false;
  dirty_.clear();
  late_groups_.clear();
}

void window_state::emit(int64_t wm, bool had_data, std::vector<row>& out) {
  counters_.updated += static_cast<int64_t>(dirty_.size());
  if (had_data && g_.mode == output_mode::update) {
    for (const group* g : dirty_) out.push_back(output(*g));
    counters_.emitted += static_cast<int64_t>(dirty_.size());
  }
  clear_dirty();  // before removals: dirty_ points into groups_
  if (!had_data) return;
  switch (g_.mode) {
    case output_mode::append:
      remove_expired(wm, &out);
      break;
    case output_mode::update:
      remove_expired(wm, nullptr);
      break;
    case output_mode::complete:
      for (const auto& [k, grp] : groups_) out.push_back(output(grp));
      counters_.emitted += static_cast<int64_t>(groups_.size());
      break;
  }
}

void window_state::evict(int64_t wm, std::vector<row>& out) {
  if (g_.mode == output_mode::append)
    remove_expired(wm, &out);
  else if (g_.mode == output_mode::update)
    remove_expired(wm, nullptr);
}

// Checkpoint row value (docs/formats/aggregate-state.md, version 3): 0x03, start, end, expires,
// the key cells (packed, messages/data/packed_cells.hpp), then each aggregation's accumulator.
void window_state::encode_row(const group& grp, std::string& v) const {
  v.push_back(state_version);
  put_i64(v, grp.start);
  put_i64(v, grp.end);
  put_i64(v, grp.expires);
  pack_cells(grp.key, v);
  for (size_t a = 0; a < grp.acc.size(); ++a) encode(g_.aggregations[a], grp.acc[a], v);
}

void window_state::save(const std::function<void(std::string, std::string)>& put) const {
  for (const auto& [k, grp] : groups_) {
    std::string v;
    encode_row(grp, v);
    put(k, std::move(v));
  }
}

void window_state::take_delta(state_delta& out) {
  out.puts.clear();
  out.deletes.clear();
  out.deletes.swap(erased_);
  out.puts.reserve(changed_.size());
  out.bytes = 0;
  for (node* n : changed_) {
    std::string v;
    encode_row(n->second, v);
    out.bytes += static_cast<int64_t>(n->first.size() + v.size());
    out.puts.emplace_back(n->first, std::move(v));
    n->second.epoch_dirty = false;
    n->second.stored = true;
  }
  changed_.clear();
  out.rows = static_cast<int64_t>(groups_.size());
}

status window_state::load(std::string_view key, std::string_view v) {
  int version = v.empty() ? -1 : v[0];
  if (version < 1 || version > state_version)
    return status::corruption("window state row has format version " + std::to_string(version) +
                              "; this sluice reads versions 1 to 3");
  v.remove_prefix(1);
  group grp;
  grp.stored = true;
  bool whole = get_i64(v, grp.start) && get_i64(v, grp.end) && get_i64(v, grp.expires);
  if (whole && version >= 3) {
    whole = unpack_cells(v, grp.key);
  } else if (whole) {  // versions 1 and 2: the key cells as a JSON array
    std::string_view cells;
    whole = get_bytes(v, cells) && decode_cells(std::string(cells), grp.key);
  }
  if (!whole) return status::corruption("window state row is truncated");
  if (grp.key.size() != g_.key_columns.size())
    return status::corruption("window state row has " + std::to_string(grp.key.size()) + " key columns, the query " +
                              std::to_string(g_.key_columns.size()));
  for (const auto& a : g_.aggregations) {
    grp.acc.emplace_back();
    auto s = decode(a, v, grp.acc.back(), std::min(version, 2));  // v3 changed only the key cells
    if (!s.is_ok()) return s;
  }
  if (!v.empty()) return status::corruption("window state row has trailing bytes (another query's state?)");
  int64_t expires = grp.expires;
  auto [it, fresh] = groups_.insert_or_assign(std::string(key), std::move(grp));
  memory_ += footprint(it->first, it->second);
  if (fresh && expires != never) expiry_[expires].push_back(&it->first);
  return status::ok();
}

}  // namespace sluice
