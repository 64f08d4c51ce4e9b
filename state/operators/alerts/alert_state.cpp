#include "state/operators/alerts/alert_state.hpp"

#include <map>
#include <optional>

#include "messages/codec/json_codec.hpp"
#include "messages/data/time.hpp"
#include "state/store/bytes.hpp"

namespace sluice {
namespace {
constexpr char alert_version = 0x01;
constexpr std::string_view alert_ns = "alerts";
}  // namespace

schema_ptr alert_schema() {
  static const schema_ptr s = std::make_shared<const schema>(std::vector<column>{
      {"alert_id", column_type::string, true, time_unit::millis},
      {"rule", column_type::string, true, time_unit::millis},
      {"severity", column_type::string, true, time_unit::millis},
      {"key", column_type::string, true, time_unit::millis},
      {"window_start", column_type::timestamp, false, time_unit::millis},
      {"window_end", column_type::timestamp, false, time_unit::millis},
      {"message", column_type::string, true, time_unit::millis},
      {"details", column_type::json, true, time_unit::millis},
      {"emitted_at", column_type::timestamp, true, time_unit::millis},
  });
  return s;
}

std::string expand_message(const std::string& text, const record& r) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    size_t open = text.find('{', i);
    if (open == std::string::npos) break;
    size_t close = text.find('}', open);
    if (close == std::string::npos) break;
    out.append(text, i, open - i);
    std::string col = text.substr(open + 1, close - open - 1);
    if (r.columns().index_of(col)) {
      const value& v = r[col];
      if (v.index() == 3) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.2f", std::get<double>(v));
        out += buf;
      } else if (v.index() == 2 && r.columns().at(*r.columns().index_of(col)).type == column_type::timestamp) {
        out += format_iso8601(std::get<int64_t>(v));
      } else {
        out += r.str(col);
      }
    } else {
      out.append(text, open, close - open + 1);
    }
    i = close + 1;
  }
  out.append(text, i, std::string::npos);
  return out;
}

alert_state::alert_state(std::vector<alert_rule> rules, alert_limits limits, std::shared_ptr<state_store> store)
    : rules_(std::move(rules)), limits_(limits), store_(std::move(store)) {}

std::string alert_state::check(const std::vector<alert_rule>& rules, const schema& s) {
  if (rules.empty()) return "alerts need at least one rule";
  for (const auto& r : rules) {
    if (r.name.empty()) return "an alert rule has no name";
    if (!r.when) return "alert rule '" + r.name + "' has no condition";
    for (const auto* c : {&r.key_column, &r.window_start_column, &r.window_end_column})
      if (!c->empty() && !s.index_of(*c))
        return "alert rule '" + r.name + "' reads column '" + *c + "', but the stream has " + s.describe();
    if (r.key_column.empty()) return "alert rule '" + r.name + "' needs a key column";
  }
  return {};
}

status alert_state::seen(const std::string& id, bool& yes) {
  yes = known_.count(id) > 0;
  if (yes || !store_) return status::ok();
  std::string v;
  auto s = store_->get(alert_ns, key_kind::committed, id, v);
  if (s.is_not_found()) return status::ok();
  if (!s.is_ok()) return s;
  if (v.size() != 17 || v[0] != alert_version)
    return status::corruption("alert memory entry '" + id + "' has an unknown format (version " +
                              std::to_string(v.empty() ? -1 : static_cast<int>(v[0])) +
                              "); this sluice reads version 1");
  std::string_view sv(v);
  sv.remove_prefix(1);
  int64_t end = 0;
  get_i64(sv, end);
  known_[id] = end;
  if (end > 0) by_end_.emplace(end, id);
  yes = true;
  return status::ok();
}

status alert_state::evaluate(const schema& s, const std::vector<row>& rows, int64_t now, std::vector<row>& out) {
  for (const auto& r : rows) {
    record rec(s, r);
    for (const auto& rule : rules_) {
      if (!rule.when(rec)) continue;
      std::string key = rec.str(rule.key_column);
      value ws, we;
      if (!rule.window_start_column.empty()) ws = rec[rule.window_start_column];
      if (!rule.window_end_column.empty()) we = rec[rule.window_end_column];
      std::string id = rule.name + "|" + key;
      if (ws.index() == 2) id += "|" + format_iso8601(std::get<int64_t>(ws));
      bool sent_before;
      auto st = seen(id, sent_before);
      if (!st.is_ok()) return st;
      if (sent_before) {
        ++counters_.duplicates;
        continue;
      }
      if (limits_.max_per_key > 0) {
        auto& b = rate_[key];
        if (now - b.start >= limits_.per_us) b = bucket{now, 0};
        if (b.used >= limits_.max_per_key) {
          ++counters_.suppressed;
          continue;
        }
        ++b.used;
      }
      int64_t end = we.index() == 2 ? std::get<int64_t>(we) : 0;
      known_[id] = end;
      if (end > 0) by_end_.emplace(end, id);
      std::string v(1, alert_version);
      put_i64(v, end);
      put_i64(v, now);
      unflushed_.emplace_back(id, std::move(v));
      row a;
      a.values = {value{id},
                  value{rule.name},
                  value{rule.severity},
                  value{key},
                  ws,
                  we,
                  value{expand_message(rule.message, rec)},
                  value{encode_row(s, r)},
                  value{now}};
      a.event_time_us = r.event_time_us;
      out.push_back(std::move(a));
      ++counters_.emitted;
    }
  }
  return status::ok();
}

status alert_state::flush(int64_t watermark_us) {
  leveldb::WriteBatch wb;
  for (const auto& [id, v] : unflushed_) wb.Put(encode_state_key(alert_ns, key_kind::committed, id), v);
  unflushed_.clear();
  // Forget windows that ended long enough ago.
  int64_t horizon = watermark_us - limits_.retention_us;
  while (!by_end_.empty() && by_end_.begin()->first < horizon) {
    const auto& id = by_end_.begin()->second;
    wb.Delete(encode_state_key(alert_ns, key_kind::committed, id));
    known_.erase(id);
    by_end_.erase(by_end_.begin());
    ++counters_.forgotten;
  }
  if (deferred_) {
    // Checkpointed: the changes wait for the next epoch's batch (take_deferred).
    struct collect : leveldb::WriteBatch::Handler {
      std::vector<std::pair<std::string, std::optional<std::string>>>* log;
      void Put(const leveldb::Slice& k, const leveldb::Slice& v) override {
        log->emplace_back(user_key(k), v.ToString());
      }
      void Delete(const leveldb::Slice& k) override { log->emplace_back(user_key(k), std::nullopt); }
      static std::string user_key(const leveldb::Slice& k) {
        std::string ns, user;
        key_kind kind;
        decode_state_key(std::string_view(k.data(), k.size()), ns, kind, user);
        return user;
      }
    } h;
    h.log = &pending_;
    return from_leveldb(wb.Iterate(&h));
  }
  if (!store_ || wb.ApproximateSize() <= 12) return status::ok();
  return store_->write(wb, true);
}

void alert_state::take_deferred(state_delta& d) {
  // Puts and deletes in the order they happened, reduced to the last word per id.
  std::map<std::string, std::optional<std::string>> last;
  for (auto& [k, v] : pending_) last[k] = std::move(v);
  d = state_delta{};
  for (auto& [k, v] : last)
    if (v)
      d.puts.emplace_back(k, std::move(*v));
    else
      d.deletes.push_back(k);
  d.ns = std::string(alert_ns);
  d.rows = static_cast<int64_t>(known_.size());
  pending_.clear();
}

alert_counters alert_state::take_counters() {
  auto c = counters_;
  counters_ = {};
  return c;
}

}  // namespace sluice
