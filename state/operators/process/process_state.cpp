#include "state/operators/process/process_state.hpp"

#include <stdexcept>

#include "state/store/bytes.hpp"

namespace sluice {
namespace {
constexpr char state_version = 0x01;
}

// ---- handles ---------------------------------------------------------------------------

std::optional<value> value_state::get() const {
  auto* c = s_->find(name_, process_cell::value_kind);
  if (!c) return std::nullopt;
  return c->v;
}
void value_state::set(value v) {
  s_->write(name_, process_cell::value_kind).v = std::move(v);
}
void value_state::clear() {
  s_->erase(name_);
}

std::vector<value> list_state::get() const {
  auto* c = s_->find(name_, process_cell::list_kind);
  return c ? c->list : std::vector<value>{};
}
void list_state::append(value v) {
  s_->write(name_, process_cell::list_kind).list.push_back(std::move(v));
}
void list_state::set(std::vector<value> vs) {
  s_->write(name_, process_cell::list_kind).list = std::move(vs);
}
void list_state::clear() {
  s_->erase(name_);
}

std::optional<value> map_state::get(const std::string& k) const {
  auto* c = s_->find(name_, process_cell::map_kind);
  if (!c) return std::nullopt;
  auto it = c->map.find(k);
  if (it == c->map.end()) return std::nullopt;
  return it->second;
}
void map_state::put(const std::string& k, value v) {
  s_->write(name_, process_cell::map_kind).map[k] = std::move(v);
}
void map_state::remove(const std::string& k) {
  auto* c = s_->find(name_, process_cell::map_kind);
  if (!c || !c->map.count(k)) return;
  s_->write(name_, process_cell::map_kind).map.erase(k);
}
std::map<std::string, value> map_state::entries() const {
  auto* c = s_->find(name_, process_cell::map_kind);
  return c ? c->map : std::map<std::string, value>{};
}
void map_state::clear() {
  s_->erase(name_);
}

void keyed_context::clear_all() {
  s_->clear_key();
}
void keyed_context::register_event_time_timer(int64_t t) {
  if (t <= s_->watermark_us())
    throw std::invalid_argument("INVALID_TIMEOUT_TIMESTAMP: event-time timer " + std::to_string(t) +
                                " µs is at or below the current watermark " + std::to_string(s_->watermark_us()) +
                                " µs");
  s_->add_timer(t, time_domain::event_time);
}
void keyed_context::register_processing_time_timer(int64_t t) {
  s_->add_timer(t, time_domain::processing_time);
}
void keyed_context::delete_timer(int64_t t, time_domain d) {
  s_->delete_timer(t, d);
}
std::vector<int64_t> keyed_context::timers(time_domain d) const {
  return s_->key_timers(d);
}
int64_t keyed_context::watermark_us() const {
  return s_->watermark_us();
}
int64_t keyed_context::processing_time_us() const {
  return s_->now_us();
}
void keyed_context::emit(std::vector<value> cells) {
  s_->emit(std::move(cells));
}

// ---- state -----------------------------------------------------------------------------

process_state::process_state(std::map<std::string, int64_t> ttl) : ttl_(std::move(ttl)) {}

void process_state::select(const std::string& bytes, const value& key) {
  auto it = keys_.find(bytes);
  if (it == keys_.end()) it = keys_.emplace(bytes, key_entry{key, {}, {}}).first;
  current_ = &it->second;
  current_bytes_ = bytes;
}

void process_state::release_if_empty() {
  if (current_ && current_->cells.empty() && current_->timers[0].empty() && current_->timers[1].empty()) {
    keys_.erase(current_bytes_);
    ++counters_.removed;
  }
  current_ = nullptr;
}

process_cell* process_state::find(const std::string& name, process_cell::kind_t kind) {
  if (!current_) throw std::logic_error("keyed state used outside process()/on_timer()");
  auto it = current_->cells.find(name);
  if (it == current_->cells.end()) return nullptr;
  if (it->second.kind != kind) throw std::invalid_argument("state '" + name + "' is used as two different kinds");
  if (auto t = ttl_.find(name); t != ttl_.end() && it->second.written_us + t->second <= now_) return nullptr;
  return &it->second;
}

process_cell& process_state::write(const std::string& name, process_cell::kind_t kind) {
  if (!current_) throw std::logic_error("keyed state used outside process()/on_timer()");
  auto [it, fresh] = current_->cells.try_emplace(name);
  if (fresh) {
    it->second.kind = kind;
  } else if (it->second.kind != kind) {
    throw std::invalid_argument("state '" + name + "' is used as two different kinds");
  } else if (auto t = ttl_.find(name); t != ttl_.end() && it->second.written_us + t->second <= now_) {
    it->second = process_cell{};  // expired: start afresh
    it->second.kind = kind;
  }
  it->second.written_us = now_;
  written_.insert(current_bytes_);
  return it->second;
}

void process_state::erase(const std::string& name) {
  if (!current_) throw std::logic_error("keyed state used outside process()/on_timer()");
  if (current_->cells.erase(name)) written_.insert(current_bytes_);
}

void process_state::clear_key() {
  if (!current_) throw std::logic_error("keyed state used outside process()/on_timer()");
  current_->cells.clear();
  for (int d = 0; d < 2; ++d) {
    auto& global = d == 0 ? event_timers_ : processing_timers_;
    for (int64_t t : current_->timers[d]) global.erase({t, current_bytes_});
    current_->timers[d].clear();
  }
  written_.insert(current_bytes_);
}

void process_state::add_timer(int64_t t, time_domain d) {
  if (!current_) throw std::logic_error("timers used outside process()/on_timer()");
  int i = static_cast<int>(d);
  if (current_->timers[i].insert(t).second)
    (d == time_domain::event_time ? event_timers_ : processing_timers_).insert({t, current_bytes_});
}

void process_state::delete_timer(int64_t t, time_domain d) {
  if (!current_) throw std::logic_error("timers used outside process()/on_timer()");
  int i = static_cast<int>(d);
  if (current_->timers[i].erase(t))
    (d == time_domain::event_time ? event_timers_ : processing_timers_).erase({t, current_bytes_});
}

std::vector<int64_t> process_state::key_timers(time_domain d) const {
  if (!current_) return {};
  const auto& s = current_->timers[static_cast<int>(d)];
  return {s.begin(), s.end()};
}

void process_state::emit(std::vector<value> cells) {
  out_.push_back(std::move(cells));
}

void process_state::run(keyed_processor_base& p, const schema& s, const std::vector<row>& rows, size_t key_column,
                        int64_t wm, int64_t now, bool drop_late) {
  watermark_ = wm;
  now_ = now;
  std::vector<std::string> order;
  std::unordered_map<std::string, std::vector<record>> by_key;
  std::string bytes;
  for (const auto& r : rows) {
    if (drop_late && r.event_time_us <= wm) {
      ++counters_.dropped_late;
      continue;
    }
    bytes.clear();
    append_key_bytes(r.values[key_column], bytes);
    auto [it, fresh] = by_key.try_emplace(bytes);
    if (fresh) order.push_back(bytes);
    it->second.emplace_back(s, r);
  }
  keyed_context ctx(*this);
  for (const auto& k : order) {
    auto& recs = by_key[k];
    select(k, recs.front()[s.at(key_column).name]);
    p.process_key(current_->key, ctx, recs);
    release_if_empty();
  }
}

void process_state::fire(keyed_processor_base& p, int64_t wm, int64_t now) {
  watermark_ = wm;
  now_ = now;
  keyed_context ctx(*this);
  for (int d = 0; d < 2; ++d) {
    auto& timers = d == 0 ? event_timers_ : processing_timers_;
    int64_t bound = d == 0 ? wm : now;
    std::vector<std::pair<int64_t, std::string>> due;
    for (auto it = timers.begin(); it != timers.end() && it->first <= bound; ++it) due.push_back(*it);
    for (const auto& [t, k] : due) {
      if (!timers.erase({t, k})) continue;  // deleted by an earlier callback
      auto kit = keys_.find(k);
      if (kit == keys_.end()) continue;
      kit->second.timers[d].erase(t);
      current_ = &kit->second;
      current_bytes_ = k;
      ++counters_.timers_fired;
      p.timer_fired(current_->key, ctx, t, static_cast<time_domain>(d));
      release_if_empty();
    }
  }
}

void process_state::expire(int64_t now) {
  now_ = now;
  if (ttl_.empty()) return;
  for (auto it = keys_.begin(); it != keys_.end();) {
    auto& cells = it->second.cells;
    for (auto c = cells.begin(); c != cells.end();) {
      auto t = ttl_.find(c->first);
      if (t != ttl_.end() && c->second.written_us + t->second <= now) {
        c = cells.erase(c);
        ++counters_.expired_cells;
      } else {
        ++c;
      }
    }
    if (cells.empty() && it->second.timers[0].empty() && it->second.timers[1].empty()) {
      it = keys_.erase(it);
      ++counters_.removed;
    } else {
      ++it;
    }
  }
}

std::vector<std::vector<value>> process_state::take_output() {
  std::vector<std::vector<value>> o;
  o.swap(out_);
  return o;
}

process_counters process_state::take_counters() {
  counters_.updated = static_cast<int64_t>(written_.size());
  written_.clear();
  process_counters c = counters_;
  counters_ = {};
  return c;
}

int64_t process_state::memory_used_bytes() const {
  int64_t n = 0;
  for (const auto& [k, e] : keys_) {
    n += static_cast<int64_t>(2 * k.size() + sizeof(key_entry) + 64);
    for (const auto& [name, c] : e.cells)
      n += static_cast<int64_t>(name.size() + sizeof(process_cell) + c.list.size() * sizeof(value) +
                                c.map.size() * (sizeof(value) + 48));
    n += static_cast<int64_t>((e.timers[0].size() + e.timers[1].size()) * 80);
  }
  return n;
}

// Checkpoint row value (version 1): 0x01, key cell (JSON array of one), cell count, per cell: name,
// kind, written_us, payload (JSON array: the value / the list / alternating map keys and values),
// then event timers and processing timers (count, times).
void process_state::save(const std::function<void(std::string, std::string)>& put) const {
  for (const auto& [k, e] : keys_) {
    std::string v;
    v.push_back(state_version);
    put_bytes(v, encode_cells({e.key}));
    put_i64(v, static_cast<int64_t>(e.cells.size()));
    for (const auto& [name, c] : e.cells) {
      put_bytes(v, name);
      v.push_back(static_cast<char>(c.kind));
      put_i64(v, c.written_us);
      std::vector<value> payload;
      if (c.kind == process_cell::value_kind) payload = {c.v};
      if (c.kind == process_cell::list_kind) payload = c.list;
      if (c.kind == process_cell::map_kind)
        for (const auto& [mk, mv] : c.map) {
          payload.emplace_back(mk);
          payload.push_back(mv);
        }
      put_bytes(v, encode_cells(payload));
    }
    for (int d = 0; d < 2; ++d) {
      put_i64(v, static_cast<int64_t>(e.timers[d].size()));
      for (int64_t t : e.timers[d]) put_i64(v, t);
    }
    put(k, std::move(v));
  }
}

status process_state::load(std::string_view key, std::string_view v) {
  if (v.empty() || v[0] != state_version)
    return status::corruption("keyed process state row has format version " +
                              std::to_string(v.empty() ? -1 : static_cast<int>(v[0])) +
                              "; this sluice reads version 1");
  v.remove_prefix(1);
  auto bad = [] { return status::corruption("keyed process state row is truncated"); };
  key_entry e;
  std::string_view b;
  std::vector<value> cells;
  int64_t n;
  if (!get_bytes(v, b) || !decode_cells(std::string(b), cells) || cells.size() != 1 || !get_i64(v, n)) return bad();
  e.key = cells[0];
  for (int64_t i = 0; i < n; ++i) {
    std::string_view name;
    if (!get_bytes(v, name) || v.empty()) return bad();
    process_cell c;
    c.kind = static_cast<process_cell::kind_t>(v[0]);
    v.remove_prefix(1);
    if (c.kind > process_cell::map_kind || !get_i64(v, c.written_us) || !get_bytes(v, b) ||
        !decode_cells(std::string(b), cells))
      return bad();
    if (c.kind == process_cell::value_kind && cells.size() == 1) c.v = cells[0];
    if (c.kind == process_cell::list_kind) c.list = cells;
    if (c.kind == process_cell::map_kind)
      for (size_t j = 0; j + 1 < cells.size(); j += 2) c.map[std::get<std::string>(cells[j])] = cells[j + 1];
    e.cells.emplace(std::string(name), std::move(c));
  }
  std::string k(key);
  for (int d = 0; d < 2; ++d) {
    if (!get_i64(v, n)) return bad();
    for (int64_t i = 0; i < n; ++i) {
      int64_t t;
      if (!get_i64(v, t)) return bad();
      e.timers[d].insert(t);
      (d == 0 ? event_timers_ : processing_timers_).insert({t, k});
    }
  }
  if (!v.empty()) return status::corruption("keyed process state row has trailing bytes (another query's state?)");
  keys_[k] = std::move(e);
  return status::ok();
}

}  // namespace sluice
