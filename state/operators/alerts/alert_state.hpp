// alert_state: what the alert emitter (actors/operators/alerts/alert_actor.hpp) decides with — rules that turn
// rows into alerts, the memory of alerts already sent (so each (rule, key, window) alert goes
// out once, also across restarts), and a per-key rate limit.
//
//   row ──rule.when?──▶ alert id = rule|key|window_start ──sent before?──▶ dropped (duplicate)
//                                                     └─ rate limit of the key spent? ──▶ suppressed
//                                                     └─ otherwise: emitted, remembered
//
// Memory of sent alerts: a LevelDB directory (`state_dir`), namespace "alerts", key = the
// alert id, value = version 0x01 + window end (8 bytes LE) + emitted-at (8 bytes LE)
// (docs/formats/alert-state.md). `remember` collects the trigger's ids; `flush` writes them in
// one synced WriteBatch. Ids whose window ended more than `retention` before the watermark are
// forgotten (a later duplicate for such a window would be late anyway). With no directory the
// memory lasts as long as the process.
// Rate limit: at most `max_per_key` alerts per key per `per_us` of processing time (a fixed
// window per key); alerts over it are suppressed and counted, not queued.
// No CAF; one owner, single-threaded.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "messages/data/record.hpp"
#include "messages/data/row.hpp"
#include "messages/data/schema.hpp"
#include "state/store/state_delta.hpp"
#include "state/store/state_store.hpp"
#include "state/store/status.hpp"

namespace sluice {

struct alert_rule {
  std::string name;  // e.g. HIGH_TEMP
  std::function<bool(const record&)> when;
  std::string when_description;
  std::string key_column;           // whose value the alert is about
  std::string window_start_column;  // "" = the alert is not about a window
  std::string window_end_column;
  std::string severity = "warning";
  /// `{column}` placeholders are replaced by the row's values, e.g. "max {max_temp} on {device_id}".
  std::string message;
};

struct alert_limits {
  int64_t max_per_key = 0;  // 0 = no limit
  int64_t per_us = 60'000'000;
  int64_t retention_us = 86'400'000'000;  // forget sent ids this long after their window ended
};

/// The alert rows: alert_id, rule, severity, key, window_start, window_end, message, details
/// (the row as a JSON object), emitted_at.
schema_ptr alert_schema();

struct alert_counters {
  int64_t emitted = 0, duplicates = 0, suppressed = 0, forgotten = 0;
};

class alert_state {
 public:
  alert_state(std::vector<alert_rule> rules, alert_limits limits, std::shared_ptr<state_store> store);

  /// Checks rules against the rows' schema; "" or what is wrong.
  static std::string check(const std::vector<alert_rule>& rules, const schema& s);
  /// Alert rows for `rows` (of schema `s`) at processing time `now_us`.
  /// Fails only when the alert memory cannot be read (or holds another format).
  status evaluate(const schema& s, const std::vector<row>& rows, int64_t now_us, std::vector<row>& out);
  /// Writes the ids remembered since the last flush (synced) and forgets old ones.
  status flush(int64_t watermark_us);
  alert_counters take_counters();
  /// Checkpointed query: `flush` collects the memory's changes instead of writing them, and
  /// `take_deferred` hands them over as the next epoch's delta (namespace "alerts").
  void defer_writes() { deferred_ = true; }
  void take_deferred(state_delta& d);
  size_t remembered() const { return known_.size(); }

 private:
  status seen(const std::string& id, bool& yes);
  std::vector<alert_rule> rules_;
  alert_limits limits_;
  std::shared_ptr<state_store> store_;
  std::unordered_map<std::string, int64_t> known_;  // id → window end (µs; 0 = none)
  std::multimap<int64_t, std::string> by_end_;
  std::vector<std::pair<std::string, std::string>> unflushed_;
  struct bucket {
    int64_t start = 0, used = 0;
  };
  std::unordered_map<std::string, bucket> rate_;
  alert_counters counters_;
  bool deferred_ = false;
  std::vector<std::pair<std::string, std::optional<std::string>>> pending_;  // deferred puts/deletes, in order
};

/// Replaces `{column}` in `text` by the row's values.
std::string expand_message(const std::string& text, const record& r);

}  // namespace sluice
