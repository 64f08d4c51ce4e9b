// keyed_processor: the C++ API for custom per-key logic — sluice's transformWithState /
// mapGroupsWithState (spark-semantics §5), Flink's KeyedProcessFunction. A custom app writes
//
//   struct spend_spike : sluice::keyed_processor<std::string> {
//     void process(const std::string& user, sluice::keyed_context& ctx,
//                  const std::vector<sluice::record>& rows) override {
//       auto avg = ctx.get_value_state("avg");                 // per-key state, typed by use
//       for (const auto& r : rows) { … ctx.emit({user, r["amount"], …}); }
//       ctx.register_event_time_timer(rows.back().time_us() + 3'600'000'000);
//     }
//     void on_timer(const std::string& user, sluice::keyed_context& ctx, int64_t t,
//                   sluice::time_domain d) override { ctx.clear_all(); }
//   };
//   stream.key_by<std::string>("user").with_ttl("avg", 24h).process<spend_spike>(output_columns);
//
// Contract (what the keyed process actor guarantees, actors/operators/process/keyed_process_actor.hpp):
//   • process() is called once per key per trigger with that key's rows in arrival order;
//     with an event-time watermark, rows at or below the watermark the trigger runs with are
//     dropped first (as Spark does with event-time timeouts) and counted;
//   • an event-time timer t fires once the watermark reaches t (t ≤ W); registering t ≤ W
//     throws (Spark's INVALID_TIMEOUT_TIMESTAMP); a processing-time timer fires in the first
//     trigger whose processing time is ≥ t; a timer is per (key, t) — registering it twice
//     keeps one;
//   • state with a TTL expires ttl after its last write (processing time, as Spark's TTL) and
//     reads as empty from then on; expired entries are removed at the next trigger;
//   • state and timers are part of the query's checkpoint epochs (docs/formats/process-state.md).
// Nothing here includes CAF: processors are tested with process_state alone.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "messages/data/record.hpp"
#include "messages/data/value.hpp"

namespace sluice {

enum class time_domain : uint8_t { event_time, processing_time };

class process_state;
struct process_cell;

/// One value per key (Spark's ValueState).
class value_state {
 public:
  std::optional<value> get() const;
  bool exists() const { return get().has_value(); }
  void set(value v);
  void clear();

 private:
  friend class keyed_context;
  value_state(process_state* s, std::string name) : s_(s), name_(std::move(name)) {}
  process_state* s_;
  std::string name_;
};

/// A list per key (ListState).
class list_state {
 public:
  std::vector<value> get() const;
  void append(value v);
  void set(std::vector<value> vs);
  void clear();

 private:
  friend class keyed_context;
  list_state(process_state* s, std::string name) : s_(s), name_(std::move(name)) {}
  process_state* s_;
  std::string name_;
};

/// A map per key (MapState), string keys.
class map_state {
 public:
  std::optional<value> get(const std::string& k) const;
  void put(const std::string& k, value v);
  void remove(const std::string& k);
  std::map<std::string, value> entries() const;
  void clear();

 private:
  friend class keyed_context;
  map_state(process_state* s, std::string name) : s_(s), name_(std::move(name)) {}
  process_state* s_;
  std::string name_;
};

/// What a processor sees while handling one key.
class keyed_context {
 public:
  explicit keyed_context(process_state& s) : s_(&s) {}
  /// Spark's getValueState / getListState / getMapState: handles to the current key's state.
  sluice::value_state get_value_state(std::string name) { return sluice::value_state(s_, std::move(name)); }
  sluice::list_state get_list_state(std::string name) { return sluice::list_state(s_, std::move(name)); }
  sluice::map_state get_map_state(std::string name) { return sluice::map_state(s_, std::move(name)); }
  /// Drops every state and timer of the key (Spark's state.remove()).
  void clear_all();

  void register_event_time_timer(int64_t t_us);
  void register_processing_time_timer(int64_t t_us);
  void delete_timer(int64_t t_us, time_domain d);
  std::vector<int64_t> timers(time_domain d) const;

  int64_t watermark_us() const;
  int64_t processing_time_us() const;
  /// One output row: cells in the order of the output columns given to process<P>().
  void emit(std::vector<value> cells);

 private:
  process_state* s_;
};

class keyed_processor_base {
 public:
  virtual ~keyed_processor_base() = default;
  virtual void process_key(const value& key, keyed_context& ctx, const std::vector<record>& rows) = 0;
  virtual void timer_fired(const value& key, keyed_context& ctx, int64_t t_us, time_domain d) = 0;
};

/// Derive from this with the key type of `key_by<K>`: std::string or int64_t.
template <class K>
class keyed_processor : public keyed_processor_base {
  static_assert(std::is_same_v<K, std::string> || std::is_same_v<K, int64_t>,
                "sluice::keyed_processor<K>: K is the key column's type, std::string or int64_t");

 public:
  virtual void process(const K& key, keyed_context& ctx, const std::vector<record>& rows) = 0;
  virtual void on_timer(const K&, keyed_context&, int64_t /*t_us*/, time_domain) {}

 private:
  void process_key(const value& key, keyed_context& ctx, const std::vector<record>& rows) final {
    process(std::get<K>(key), ctx, rows);
  }
  void timer_fired(const value& key, keyed_context& ctx, int64_t t, time_domain d) final {
    on_timer(std::get<K>(key), ctx, t, d);
  }
};

}  // namespace sluice
