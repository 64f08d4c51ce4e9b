#include "state/cdc/cdc_applier.hpp"

#include <algorithm>
#include <limits>

#include "messages/codec/exact_json.hpp"
#include "state/cdc/cdc_pending_txn.hpp"
#include "state/store/bytes.hpp"

namespace sluice {
namespace json = boost::json;

namespace {
constexpr std::string_view ns = "cdc";
constexpr char version = 0x01;
constexpr std::string_view toast = "__debezium_unavailable_value";

std::string encode_position(const cdc_position& p) {
  std::string v(1, version);
  for (int64_t x : p) put_i64(v, x);
  return v;
}

std::optional<cdc_position> decode_position(std::string_view v) {
  if (v.size() != 33 || v[0] != version) return std::nullopt;
  v.remove_prefix(1);
  cdc_position p{};
  for (auto& x : p) get_i64(v, x);
  return p;
}
}  // namespace

// Reads through the batch being built: a transaction may touch one key several times.
struct cdc_applier::batch_view {
  state_store& store;
  leveldb::WriteBatch wb;
  pending_rows pending;
  const std::deque<std::pair<int64_t, pending_rows>>* staged = nullptr;
  status get(const std::string& key, std::optional<std::string>& out) {
    if (auto it = pending.find(key); it != pending.end()) {
      out = it->second;
      return status::ok();
    }
    if (staged)
      for (auto e = staged->rbegin(); e != staged->rend(); ++e)
        if (auto it = e->second.find(key); it != e->second.end()) {
          out = it->second;
          return status::ok();
        }
    std::string v;
    auto s = store.get(ns, key_kind::committed, key, v);
    if (s.is_not_found()) {
      out.reset();
      return status::ok();
    }
    if (!s.is_ok()) return s;
    out = std::move(v);
    return status::ok();
  }
  void put(const std::string& key, std::string value) {
    wb.Put(encode_state_key(ns, key_kind::committed, key), value);
    pending[key] = std::move(value);
  }
  void erase(const std::string& key) {
    wb.Delete(encode_state_key(ns, key_kind::committed, key));
    pending[key] = std::nullopt;
  }
};

cdc_applier::cdc_applier(cdc_options options, std::shared_ptr<state_store> store)
    : options_(std::move(options)), store_(std::move(store)), view_(new batch_view{*store_, {}, {}}) {}

cdc_applier::~cdc_applier() = default;

cdc_applier::offset_cursor& cdc_applier::cursor(const std::string& topic, int32_t partition) {
  for (auto& c : cursors_)
    if (c.partition == partition && c.topic == topic) return c;
  auto at = consumed_.try_emplace(offset_key(topic, partition), std::numeric_limits<int64_t>::min()).first;
  return cursors_.emplace_back(offset_cursor{topic, partition, at, false});
}

void cdc_applier::write_offsets() {
  for (auto& c : cursors_) {
    if (!c.moved) continue;
    std::string off;
    put_i64(off, c.at->second);
    view_->put(c.at->first, std::move(off));
    c.moved = false;
  }
}

status cdc_applier::flush(bool durable) {
  if (epochs_) return status::ok();  // the changes wait for take_epoch
  write_offsets();
  auto s = store_->write(view_->wb, durable);
  view_->wb.Clear();
  view_->pending.clear();
  return s;
}

std::string cdc_applier::offset_key(const std::string& topic, int32_t partition) const {
  std::string k = "o" + topic;
  k.push_back('\0');
  put_i64(k, partition);
  return k;
}

status cdc_applier::open() {
  status bad;
  auto s = store_->scan(ns, key_kind::committed, "o", [&](std::string_view k, std::string_view v) {
    int64_t off;
    if (!get_i64(v, off)) {
      bad = status::corruption("cdc table: an offset record is truncated");
      return false;
    }
    consumed_[std::string(k)] = off;
    return true;
  });
  if (!s.is_ok()) return s;
  if (!bad.is_ok()) return bad;
  // Transactions still open at the last epoch (checkpointed queries).
  s = store_->scan(ns, key_kind::committed, "t", [&](std::string_view k, std::string_view v) {
    std::string id(k.substr(1));
    cdc_pending_txn p;
    bad = decode_pending_txn(v, id, p);
    if (!bad.is_ok()) return false;
    auto& t = transactions_[id];
    t.event_count = p.event_count;
    for (auto& [order, e] : p.events) {
      cdc_change c;
      auto reason = decode_cdc_change(e, options_.flattened, c, options_.primary_key);
      if (!reason.empty()) {
        bad = status::corruption("cdc table: pending transaction '" + id + "': " + reason);
        return false;
      }
      t.changes.emplace_back(order, std::move(c));
      t.events.emplace_back(order, std::move(e));
    }
    txn_rows_.insert(id);
    return true;
  });
  if (!s.is_ok()) return s;
  if (!bad.is_ok()) return bad;
  std::string f;
  s = store_->get(ns, key_kind::committed, "f", f);
  if (s.is_ok()) {
    floor_ = decode_position(f);
    if (!floor_) return status::corruption("cdc table: the truncate floor has an unknown format (version 1 expected)");
  } else if (!s.is_not_found()) {
    return s;
  }
  return status::ok();
}

status cdc_applier::apply_change(cdc_change& c, batch_view& view, std::vector<cdc_row_change>* changes) {
  if (c.kind == cdc_change::ignore) {
    ++counters_.ignored;
    return status::ok();
  }
  if (c.kind == cdc_change::truncate) {
    const cdc_position& t = *c.position;
    std::vector<std::string> doomed;
    auto s = store_->scan(ns, key_kind::committed, "p", [&](std::string_view k, std::string_view v) {
      auto p = decode_position(v);
      if (p && *p < t) doomed.emplace_back(k.substr(1));
      return true;
    });
    positions_.clear();  // rebuilt from the store as keys come back
    if (!s.is_ok()) return s;
    std::vector<std::string> pending_doomed;  // positions written earlier in this batch, in key order
    for (auto& [k, v] : view.pending)
      if (k[0] == 'p' && v) {
        auto p = decode_position(*v);
        if (p && *p < t && std::find(doomed.begin(), doomed.end(), k.substr(1)) == doomed.end())
          pending_doomed.push_back(k.substr(1));
      }
    std::sort(pending_doomed.begin(), pending_doomed.end());
    doomed.insert(doomed.end(), pending_doomed.begin(), pending_doomed.end());
    for (const auto& pk : doomed) {
      std::optional<std::string> row;
      view.get("r" + pk, row);
      if (row) {
        view.erase("r" + pk);
        ++counters_.truncated_rows;
        if (changes) changes->push_back({pk, std::nullopt});
      }
    }
    if (!floor_ || *floor_ < t) floor_ = t;
    view.put("f", encode_position(*floor_));
    ++counters_.applied;
    return status::ok();
  }
  std::optional<std::string> row;
  status s;
  json::object& next = c.row;  // the change is applied once: its row becomes the stored one
  bool toasted = false;
  if (c.kind == cdc_change::upsert) {
    toasted = std::any_of(next.begin(), next.end(),
                          [](const auto& kv) { return kv.value().is_string() && kv.value().get_string() == toast; });
  }
  if (c.kind != cdc_change::upsert || toasted) {  // an upsert reads the stored row only to fill TOAST columns
    s = view.get("r" + c.pk, row);
    if (!s.is_ok()) return s;
  }
  if (c.kind == cdc_change::tombstone) {
    if (row) {
      view.erase("r" + c.pk);
      if (changes) changes->push_back({c.pk, std::nullopt});
    }
    ++counters_.applied;
    return status::ok();
  }
  if (c.position) {
    if (floor_ && *c.position < *floor_) {
      ++counters_.stale;
      return status::ok();
    }
    auto cached = positions_.find(c.pk);
    if (cached == positions_.end()) {
      std::optional<std::string> stored;
      s = view.get("p" + c.pk, stored);
      if (!s.is_ok()) return s;
      std::optional<cdc_position> p;
      if (stored) {
        p = decode_position(*stored);
        if (!p) return status::corruption("cdc table: key '" + c.pk + "' has a position of an unknown format");
      }
      cached = positions_.emplace(c.pk, p).first;
    }
    if (cached->second && *c.position < *cached->second) {
      ++counters_.stale;
      return status::ok();
    }
    cached->second = *c.position;
    view.put("p" + c.pk, encode_position(*c.position));
  }
  if (c.kind == cdc_change::erase) {
    if (row) {
      view.erase("r" + c.pk);
      if (changes) changes->push_back({c.pk, std::nullopt});
    }
    ++counters_.applied;
    return status::ok();
  }
  json::object previous;
  if (row && toasted) {
    if (row->empty() || (*row)[0] != version)
      return status::corruption("cdc table: row '" + c.pk + "' has an unknown format (version 1 expected)");
    boost::system::error_code ec;
    auto v = parse_json_exact(std::string_view(*row).substr(1), ec);
    if (!ec && v.is_object()) previous = std::move(v.get_object());
  }
  for (auto& kv : next)
    if (kv.value().is_string() && kv.value().get_string() == toast) {
      auto* old = previous.if_contains(kv.key());
      kv.value() = old ? *old : json::value(nullptr);
    }
  view.put("r" + c.pk, std::string(1, version) + json::serialize(next));
  if (changes) changes->push_back({c.pk, next});
  ++counters_.applied;
  return status::ok();
}

status cdc_applier::try_complete(const std::string& id, batch_view& view, std::vector<cdc_row_change>* changes) {
  auto it = transactions_.find(id);
  if (it == transactions_.end() || !it->second.event_count ||
      static_cast<int64_t>(it->second.changes.size()) != *it->second.event_count)
    return status::ok();
  auto& cs = it->second.changes;
  std::stable_sort(cs.begin(), cs.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [order, c] : cs) {
    auto s = apply_change(c, view, changes);
    if (!s.is_ok()) return s;
  }
  transactions_.erase(it);
  return status::ok();
}

namespace {

/// The change's place in its transaction (`transaction.total_order`), when the record gives
/// one; "" or why it is not usable.
std::string total_order_of(const cdc_event& e, int64_t& order) {
  const json::value& v = cdc_unwrap(e.value);
  auto* t = v.get_object().if_contains("transaction");
  if (!t || !t->is_object()) return {};
  auto* to = t->get_object().if_contains("total_order");
  if (!to || to->is_null()) return {};
  if (!to->is_int64() || to->get_int64() < 0)
    return "transaction.total_order " + cdc_value_text(*to) + " is not a non-negative integer";
  order = to->get_int64();
  return {};
}

}  // namespace

status cdc_applier::apply(const cdc_event& e, std::vector<cdc_dead_letter>& dead,
                          std::vector<cdc_row_change>* changes) {
  offset_cursor& consumed = cursor(e.topic, e.partition);
  if (e.offset <= consumed.at->second) {
    ++counters_.duplicates;
    return status::ok();
  }
  batch_view& view = *view_;
  bool is_txn_topic =
      options_.transaction_metadata && !options_.transaction_topic.empty() && e.topic == options_.transaction_topic;
  if (is_txn_topic) {
    const json::value& v = cdc_unwrap(e.value);
    if (v.is_object()) {
      const auto& o = v.get_object();
      std::string id = o.contains("id") && o.at("id").is_string() ? std::string(o.at("id").get_string()) : "";
      id = id.substr(0, id.find(':'));
      std::string st =
          o.contains("status") && o.at("status").is_string() ? std::string(o.at("status").get_string()) : "";
      if (!id.empty()) {
        auto& t = transactions_[id];
        if (st == "END") {
          const auto* n = o.if_contains("event_count");
          t.event_count = n && n->is_int64() ? n->get_int64() : 0;
          auto s = try_complete(id, view, changes);
          if (!s.is_ok()) return s;
        }
      }
    }
  } else if (e.topic != options_.data_topic) {
    ++counters_.ignored;  // another topic: no effect, not a dead letter (rule 2)
  } else {
    cdc_change c;
    std::string reason = decode_cdc_change(e, options_.flattened, c, options_.primary_key);
    if (!reason.empty()) {
      dead.push_back({e.topic, e.partition, e.offset, reason});
      ++counters_.dead_letters;
    } else if (options_.transaction_metadata && c.transaction && c.kind != cdc_change::tombstone) {
      int64_t order = static_cast<int64_t>(transactions_[*c.transaction].changes.size());
      std::string bad = total_order_of(e, order);
      if (!bad.empty()) {
        dead.push_back({e.topic, e.partition, e.offset, bad});
        ++counters_.dead_letters;
      } else {
        std::string id = *c.transaction;
        transactions_[id].changes.emplace_back(order, std::move(c));
        if (epochs_) transactions_[id].events.emplace_back(order, e);
        auto s = try_complete(id, view, changes);
        if (!s.is_ok()) return s;
      }
    } else {
      auto s = apply_change(c, view, changes);
      if (!s.is_ok()) return s;
    }
  }
  consumed.at->second = e.offset;
  consumed.moved = true;
  if (view.pending.size() >= 4096) return flush(false);
  return status::ok();
}

std::vector<std::string> cdc_applier::pending_transactions() const {
  std::vector<std::string> out;
  for (const auto& [id, t] : transactions_) out.push_back(id);
  return out;
}

status cdc_applier::get(const std::string& pk, std::optional<json::object>& row) {
  auto fs = flush(false);
  if (!fs.is_ok()) return fs;
  std::string v;
  auto s = store_->get(ns, key_kind::committed, "r" + pk, v);
  row.reset();
  if (s.is_not_found()) return status::ok();
  if (!s.is_ok()) return s;
  if (v.empty() || v[0] != version) return status::corruption("cdc table: row '" + pk + "' has an unknown format");
  boost::system::error_code ec;
  auto parsed = parse_json_exact(std::string_view(v).substr(1), ec);
  if (ec || !parsed.is_object()) return status::corruption("cdc table: row '" + pk + "' is not a JSON object");
  row = std::move(parsed.get_object());
  return status::ok();
}

status cdc_applier::rows(std::map<std::string, json::object>& out) {
  auto fs = flush(false);
  if (!fs.is_ok()) return fs;
  status bad;
  auto s = store_->scan(ns, key_kind::committed, "r", [&](std::string_view k, std::string_view v) {
    if (v.empty() || v[0] != version) {
      bad = status::corruption("cdc table: row '" + std::string(k.substr(1)) + "' has an unknown format");
      return false;
    }
    boost::system::error_code ec;
    auto parsed = parse_json_exact(v.substr(1), ec);
    if (ec || !parsed.is_object()) {
      bad = status::corruption("cdc table: row '" + std::string(k.substr(1)) + "' is not a JSON object");
      return false;
    }
    out[std::string(k.substr(1))] = std::move(parsed.get_object());
    return true;
  });
  return s.is_ok() ? bad : s;
}

status cdc_applier::sync() {
  return flush(true);
}

void cdc_applier::take_epoch(int64_t epoch, state_delta& out) {
  auto& view = *view_;
  write_offsets();
  // Pending transactions as 't' rows; finished ones lose theirs.
  for (auto it = txn_rows_.begin(); it != txn_rows_.end();) {
    if (!transactions_.count(*it)) {
      view.pending["t" + *it] = std::nullopt;
      it = txn_rows_.erase(it);
    } else {
      ++it;
    }
  }
  for (const auto& [id, t] : transactions_) {
    view.pending["t" + id] = encode_pending_txn(t.event_count, t.events);
    txn_rows_.insert(id);
  }
  out.ns = std::string(ns);
  out.puts.clear();
  out.deletes.clear();
  for (const auto& [k, v] : view.pending)
    if (v)
      out.puts.emplace_back(k, *v);
    else
      out.deletes.push_back(k);
  out.rows = static_cast<int64_t>(view.pending.size());
  staged_.emplace_back(epoch, std::move(view.pending));
  view.pending.clear();
  view.wb.Clear();
  view.staged = &staged_;
}

void cdc_applier::epochs_committed(int64_t committed) {
  while (!staged_.empty() && staged_.front().first <= committed) staged_.pop_front();
}

}  // namespace sluice
