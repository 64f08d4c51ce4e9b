#include "state/operators/window/session_state.hpp"

#include <algorithm>

namespace sluice {
namespace {
constexpr char state_version = 0x02;  // 0x01 (a plain double sum) is read too
}

session_state::session_state(session_grouping g) : g_(std::move(g)) {}

int64_t session_state::session_bytes(const session& s) const {
  int64_t n = static_cast<int64_t>(sizeof(session));
  for (const auto& a : s.acc) n += static_cast<int64_t>(memory_bytes(a));
  return n;
}

void session_state::insert(const std::string& key, key_sessions& ks, session s) {
  auto& v = ks.sessions;
  // The first session that could touch s: the last one starting at or before s.end, walking
  // back while they still reach s.start.
  auto it = std::upper_bound(v.begin(), v.end(), s.end, [](int64_t e, const session& x) { return e < x.start; });
  auto first = it;
  while (first != v.begin() && std::prev(first)->end >= s.start) --first;
  if (first != it) {
    // Fold in start order, so order-sensitive aggregations (collect_list) read in event time.
    session merged{std::min(s.start, first->start), s.end, {}};
    for (const auto& a : g_.aggregations) merged.acc.push_back(make_accumulator(a));
    auto fold = [&](const session& x) {
      merged.end = std::max(merged.end, x.end);
      for (size_t a = 0; a < g_.aggregations.size(); ++a) merge(g_.aggregations[a], merged.acc[a], x.acc[a]);
    };
    bool placed = false;
    for (auto m = first; m != it; ++m) {
      if (!placed && s.start < m->start) {
        fold(s);
        placed = true;
      }
      fold(*m);
      memory_ -= session_bytes(*m);
      --sessions_;
    }
    if (!placed) fold(s);
    s = std::move(merged);
  }
  auto pos = v.erase(first, it);
  memory_ += session_bytes(s);
  ++sessions_;
  ends_.emplace(s.end, key);
  v.insert(pos, std::move(s));
}

void session_state::process(const std::vector<row>& rows, int64_t wm, std::vector<row>* late) {
  bool drop_late = g_.watermarked && g_.mode != output_mode::complete;
  counters_.input_rows += static_cast<int64_t>(rows.size());
  for (const auto& r : rows) {
    const value& tv = r.values[g_.time_column];
    if (tv.index() != 2) continue;
    int64_t gap = g_.gap_us(r);
    if (gap <= 0) continue;  // Spark: excluded, not late
    int64_t t = std::get<int64_t>(tv);
    if (drop_late && t + gap <= wm) {
      ++counters_.dropped_late;
      ++counters_.late_input_rows;
      if (late) late->push_back(r);
      continue;
    }
    scratch_.clear();
    for (size_t k : g_.key_columns) append_key_bytes(r.values[k], scratch_);
    auto it = keys_.find(scratch_);
    if (it == keys_.end()) {
      key_sessions ks;
      for (size_t k : g_.key_columns) ks.key.push_back(r.values[k]);
      memory_ += static_cast<int64_t>(2 * scratch_.size() + 96);
      it = keys_.emplace(scratch_, std::move(ks)).first;
    }
    session s{t, t + gap, {}};
    for (const auto& a : g_.aggregations) {
      s.acc.push_back(make_accumulator(a));
      update(a, s.acc.back(), r);
    }
    insert(it->first, it->second, std::move(s));
    touched_.insert(scratch_);
  }
}

row session_state::output(const key_sessions& ks, const session& s) const {
  row o;
  o.values = ks.key;
  o.values.emplace_back(s.start);
  o.values.emplace_back(s.end);
  for (size_t a = 0; a < s.acc.size(); ++a) o.values.push_back(result(g_.aggregations[a], s.acc[a]));
  o.event_time_us = s.end - 1;
  return o;
}

void session_state::close_sessions(int64_t wm, std::vector<row>* out) {
  while (!ends_.empty() && ends_.begin()->first <= wm) {
    auto it = keys_.find(ends_.begin()->second);
    ends_.erase(ends_.begin());
    if (it == keys_.end()) continue;
    auto& v = it->second.sessions;
    auto keep = v.begin();
    for (auto s = v.begin(); s != v.end(); ++s) {
      if (s->end <= wm) {
        if (out) {
          out->push_back(output(it->second, *s));
          ++counters_.emitted;
        }
        memory_ -= session_bytes(*s);
        --sessions_;
        ++counters_.removed;
      } else {
        if (keep != s) *keep = std::move(*s);
        ++keep;
      }
    }
    v.erase(keep, v.end());
    if (v.empty()) {
      memory_ -= static_cast<int64_t>(2 * it->first.size() + 96);
      keys_.erase(it);
    }
  }
}

void session_state::emit(int64_t wm, bool had_data, std::vector<row>& out) {
  counters_.updated += static_cast<int64_t>(touched_.size());
  touched_.clear();
  if (!had_data) return;
  if (g_.mode == output_mode::complete) {
    for (const auto& [k, ks] : keys_)
      for (const auto& s : ks.sessions) out.push_back(output(ks, s));
    counters_.emitted += sessions_;
  } else if (g_.watermarked) {
    close_sessions(wm, &out);
  }
}

void session_state::evict(int64_t wm, std::vector<row>& out) {
  if (g_.mode == output_mode::append && g_.watermarked) close_sessions(wm, &out);
}

// Checkpoint row value (docs/formats/aggregate-state.md, version 2): 0x02, the key cells
// (length-prefixed JSON array), the session count, then per session start, end and each
// aggregation's accumulator.
void session_state::save(const std::function<void(std::string, std::string)>& put) const {
  for (const auto& [k, ks] : keys_) {
    std::string v;
    v.push_back(state_version);
    put_bytes(v, encode_cells(ks.key));
    put_i64(v, static_cast<int64_t>(ks.sessions.size()));
    for (const auto& s : ks.sessions) {
      put_i64(v, s.start);
      put_i64(v, s.end);
      for (size_t a = 0; a < s.acc.size(); ++a) encode(g_.aggregations[a], s.acc[a], v);
    }
    put(k, std::move(v));
  }
}

status session_state::load(std::string_view key, std::string_view v) {
  if (v.empty() || (v[0] != state_version && v[0] != 0x01))
    return status::corruption("session state row has format version " +
                              std::to_string(v.empty() ? -1 : static_cast<int>(v[0])) +
                              "; this sluice reads versions 1 and 2");
  int version = v[0];
  v.remove_prefix(1);
  key_sessions ks;
  std::string_view cells;
  int64_t n;
  if (!get_bytes(v, cells) || !decode_cells(std::string(cells), ks.key) || !get_i64(v, n) || n < 0)
    return status::corruption("session state row is truncated");
  if (ks.key.size() != g_.key_columns.size())
    return status::corruption("session state row has the wrong number of key columns (another query's state?)");
  std::string k(key);
  for (int64_t i = 0; i < n; ++i) {
    session s;
    if (!get_i64(v, s.start) || !get_i64(v, s.end)) return status::corruption("session state row is truncated");
    for (const auto& a : g_.aggregations) {
      s.acc.emplace_back();
      auto st = decode(a, v, s.acc.back(), version);
      if (!st.is_ok()) return st;
    }
    memory_ += session_bytes(s);
    ++sessions_;
    ends_.emplace(s.end, k);
    ks.sessions.push_back(std::move(s));
  }
  if (!v.empty()) return status::corruption("session state row has trailing bytes (another query's state?)");
  memory_ += static_cast<int64_t>(2 * k.size() + 96);
  keys_[k] = std::move(ks);
  return status::ok();
}

}  // namespace sluice
