// operator_host: the one actor every stateful operator runs in (join, window and session
// aggregation, keyed process, CDC apply, the alert emitter). The host owns what is the same
// for all of them; an operator supplies only a handler — a plain class over its state (the
// state itself lives in state/, without CAF) — and a stage that spawns it
// (docs/architecture.md, "Adding an operator").
//
// What the host does, per message, in per-sender order (messages/control/control.hpp):
//
//   batch k      ─▶ handler.on_batch(b, late, out)         rows judged against late = w(W_{k−1}),
//                   or w(b's watermark floor) when it has one and that is higher (messages/data/batch.hpp)
//                   out.rows ─▶ downstream (one batch), out.dead ─▶ dead letters
//                   fault point crash:<name> (after the batch)
//   watermark k  ─▶ (the `upstream`-th one of trigger k) handler.on_watermark(end, out) with
//                   end = {w(W_{k−1}), eviction w(W_k)}; out ─▶ downstream, then ONE
//                   watermark carrying the metrics of all `upstream` ones and the handler's
//                   W := max(W, W_k)
//
// w(·) is the operator's input watermark (spark-semantics §9, rule 2): the query's global W
// shifted by what the operators upstream hold back (`watermark_offset_us`, ≤ 0: a join's
// −1 ms on inclusive bounds, its range offsets), clamped at 0, and 0 while W is 0 or when
// nothing upstream carries a watermark.
//   (with several senders, a sender's trigger k+1 waits until trigger k has all its watermarks)
//   barrier N    ─▶ (aligned over `upstream` senders; later triggers wait) epoch N's delta ─▶
//                   coordinator: handler.take_delta, or the handler's `save` rows diffed against
//                   the last epoch (state/store/state_delta.hpp); the barrier goes on
//   end of input ─▶ downstream
//   stats        ─▶ handler.stats()
//
// On start: handler.start(ctx) if it has one (may throw: the actor fails, the supervisor
// restarts the query), then, resuming (`restore`), every committed row of the operator's
// namespace goes to handler.load (and, for a handler without take_delta, seeds the delta
// baseline; one with take_delta keeps its own record of what is committed). An exception from any
// handler call fails the actor with `operator_failed` naming it (report_failures_as).
//
// Handler contract (the first four required, and `save` or `take_delta`; the rest optional,
// found by name at compile time):
//   schema_ptr output_schema() const;                         the rows it sends downstream
//   void on_batch(batch&, int64_t watermark_us, host_output&);
//   state_operator_progress on_watermark(const trigger_end&, host_output&);
//   state_operator_progress stats() const;
//   status load(std::string_view key, std::string_view value);   resume from an epoch
//   void save(const state_store::row_writer&) const;              list the state for a delta
//   void take_delta(int64_t epoch, state_delta&);                 a handler that tracks its own
//   void start(const host_context&);                              open outputs, stores
//   auto extra_handlers(Self*);                                   a tuple of more CAF handlers
#pragma once

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <variant>
#include <vector>

#include "actors/api/operator_interface.hpp"
#include "actors/api/stage.hpp"
#include "state/faults/fault_plan.hpp"
#include "state/store/state_delta.hpp"
#include "state/store/state_store.hpp"

namespace sluice {

/// Where a host sends, and what it resumes from; made by `host_config_for` from a stage's
/// context, the same for every operator.
struct host_config {
  std::string name;  // the actor's name: its state namespace and fault point crash:<name>
  operator_actor downstream;
  dead_letter_actor dead_letters;
  fault_plan_ptr faults;
  std::shared_ptr<state_store> store;  // the checkpoint (may be null)
  bool restore = false;                // load the namespace `name` from `store` at start
  coordinator_actor coordinator;       // set: epochs on, barrier N's delta goes here
  int64_t watermark_us = 0;            // the combined watermark to resume from
  bool no_data_batches = true;
  int upstream = 1;  // senders of each trigger's watermark and each barrier
  int stage = 0;     // the operator's place in plan order (its progress entry)
  /// Its input watermark = global W + this; none: nothing upstream carries a watermark.
  std::optional<int64_t> watermark_offset_us = 0;
};

/// An operator's input watermark under the query's global watermark W (see above).
inline int64_t operator_watermark(int64_t w, const std::optional<int64_t>& offset_us) {
  if (!offset_us || w <= 0) return 0;
  return std::max<int64_t>(0, w + *offset_us);
}

/// The common part of a stateful actor's config, from the stage context.
inline host_config host_config_for(const stage_context& ctx, std::string name, operator_actor downstream) {
  host_config c;
  c.name = std::move(name);
  c.downstream = std::move(downstream);
  c.dead_letters = ctx.dead_letters;
  c.faults = ctx.faults;
  c.store = ctx.store;
  c.restore = ctx.restore;
  c.coordinator = ctx.coordinator;
  c.watermark_us = ctx.restored_watermark_us;
  c.no_data_batches = ctx.no_data_batches;
  c.upstream = ctx.upstream;
  c.stage = ctx.index;
  c.watermark_offset_us = ctx.watermark_offset_us;
  return c;
}

/// What a handler call produces: output rows of the trigger, dead letters (the host fills in
/// the trigger number, and its name as origin where none is given).
struct host_output {
  std::vector<row> rows;
  std::vector<dead_letter> dead;
};

/// The end of trigger k, as a handler sees it.
struct trigger_end {
  int64_t trigger = 0;
  int64_t watermark_us = 0;       // W: what trigger k ran with
  int64_t next_watermark_us = 0;  // W_k: computed at its end (≥ W; W when there is none)
  bool had_rows = false;          // this actor received rows in trigger k
  int64_t input_rows = 0;         // rows the sources read in trigger k
  bool no_data_batches = true;
};

/// An operator's totals, what `stats()` answers: its name, state rows and memory.
inline state_operator_progress state_totals(const char* operator_name, int64_t rows, int64_t memory_bytes) {
  state_operator_progress p;
  p.operator_name = operator_name;
  p.num_rows_total = rows;
  p.memory_used_bytes = memory_bytes;
  return p;
}

/// An operator's metrics at the end of a trigger: its `stats()` (totals, memory) and what the
/// trigger changed, as Spark's StateOperatorProgress.
inline state_operator_progress trigger_metrics(state_operator_progress p, int64_t updated, int64_t removed,
                                               int64_t dropped_by_watermark, int partitions) {
  p.num_rows_updated = updated;
  p.num_rows_removed = removed;
  p.num_rows_dropped_by_watermark = dropped_by_watermark;
  p.num_shuffle_partitions = partitions;
  return p;
}

/// What a handler's start sees.
struct host_context {
  const std::shared_ptr<state_store>& store;
  bool epochs;  // a coordinator takes deltas: the query is checkpointed
};

namespace host_detail {
template <class H, class = void>
struct has_load : std::false_type {};
template <class H>
struct has_load<H, std::void_t<decltype(std::declval<H&>().load(std::string_view{}, std::string_view{}))>>
    : std::true_type {};
template <class H, class = void>
struct has_take_delta : std::false_type {};
template <class H>
struct has_take_delta<H, std::void_t<decltype(std::declval<H&>().take_delta(int64_t{}, std::declval<state_delta&>()))>>
    : std::true_type {};
template <class H, class = void>
struct has_start : std::false_type {};
template <class H>
struct has_start<H, std::void_t<decltype(std::declval<H&>().start(std::declval<const host_context&>()))>>
    : std::true_type {};
template <class H, class Self, class = void>
struct has_extra : std::false_type {};
template <class H, class Self>
struct has_extra<H, Self, std::void_t<decltype(std::declval<H&>().extra_handlers(std::declval<Self*>()))>>
    : std::true_type {};

/// The host's own state: the handler, the watermark, barrier alignment.
template <class Handler>
struct host_state {
  host_config cfg;
  std::shared_ptr<Handler> handler;
  std::string crash_point;  // "crash:<name>", built once
  int64_t watermark_us;
  bool had_rows = false;
  delta_baseline baseline;
  // trigger → (watermarks so far, their operators' metrics), while upstream > 1
  std::map<int64_t, std::pair<int, std::vector<state_operator_progress>>> watermarks;
  // Barrier alignment by trigger number: epoch → (barriers so far, trigger it follows); while
  // one is incomplete, messages of later triggers wait in `held`.
  std::map<int64_t, std::pair<int, int64_t>> barriers;
  std::vector<std::variant<batch, watermark>> held;
  // With several senders, the trigger whose watermarks are being gathered: a sender that is
  // ahead (its trigger k+1 rows before another's watermark k) waits in `held` too, so rows are
  // judged and emitted in their own trigger.
  std::optional<int64_t> open_trigger;
  host_state(host_config c, std::shared_ptr<Handler> h)
      : cfg(std::move(c)), handler(std::move(h)), crash_point("crash:" + cfg.name), watermark_us(cfg.watermark_us) {}

  /// Must a message of `trigger` wait: an epoch still being aligned, or an earlier trigger
  /// still gathering its watermarks?
  bool waits(int64_t trigger) {
    if (!open_trigger) open_trigger = trigger;  // every sender starts with the same trigger
    return (!barriers.empty() && trigger > barriers.begin()->second.second) ||
           (cfg.upstream > 1 && trigger > *open_trigger);
  }
};

template <class Self, class Handler>
void flush(Self* self, host_state<Handler>& st, int64_t trigger, host_output& out) {
  if (!out.dead.empty()) {
    dead_letter_batch d{trigger, std::move(out.dead)};
    for (auto& l : d.letters) {
      l.trigger = trigger;
      if (l.origin.empty()) l.origin = st.cfg.name;
    }
    out.dead.clear();
    self->send(st.cfg.dead_letters, std::move(d));
  }
  if (!out.rows.empty()) {
    batch b;
    b.schema = st.handler->output_schema();
    b.trigger = trigger;
    b.rows.swap(out.rows);
    self->send(st.cfg.downstream, std::move(b));
  }
}

template <class Self, class Handler>
void on_batch(Self* self, host_state<Handler>& st, batch& b) {
  host_output out;
  st.had_rows |= !b.rows.empty();
  int64_t late = operator_watermark(st.watermark_us, st.cfg.watermark_offset_us);
  if (b.watermark_floor_us != no_floor)
    late = std::max(late, operator_watermark(b.watermark_floor_us, st.cfg.watermark_offset_us));
  st.handler->on_batch(b, late, out);
  if (st.cfg.faults && st.cfg.faults->hit(st.crash_point))
    throw std::runtime_error("fault injected at " + st.crash_point);
  flush(self, st, b.trigger, out);
}

template <class Self, class Handler>
void on_watermark(Self* self, host_state<Handler>& st, watermark& w) {
  if (st.cfg.upstream > 1) {
    auto& [count, ops] = st.watermarks[w.trigger];
    merge_operator_progress(ops, w.report.operators);
    if (++count < st.cfg.upstream) return;
    w.report.operators = std::move(ops);
    st.watermarks.erase(w.trigger);
    st.open_trigger = w.trigger + 1;
  }
  int64_t next = w.value_us == no_watermark ? st.watermark_us : std::max(st.watermark_us, w.value_us);
  trigger_end end;
  end.trigger = w.trigger;
  end.watermark_us = operator_watermark(st.watermark_us, st.cfg.watermark_offset_us);
  end.next_watermark_us = operator_watermark(next, st.cfg.watermark_offset_us);
  end.had_rows = st.had_rows;
  for (const auto& s : w.report.sources) end.input_rows += s.num_input_rows;
  end.no_data_batches = st.cfg.no_data_batches;
  host_output out;
  auto metrics = st.handler->on_watermark(end, out);
  flush(self, st, w.trigger, out);
  st.had_rows = false;
  // The watermarks of the trigger's last batch: its no-data batch when W moved (Spark runs
  // one then), else the data batch, which evicts with what it judged late rows by.
  bool no_data_batch = end.no_data_batches && next > st.watermark_us;
  metrics.stage = st.cfg.stage;
  metrics.late_watermark_us = end.watermark_us;
  metrics.eviction_watermark_us = no_data_batch ? end.next_watermark_us : end.watermark_us;
  st.watermark_us = next;
  w.report.operators.push_back(std::move(metrics));
  self->send(st.cfg.downstream, std::move(w));
}

template <class Self, class Handler>
void take_epoch(Self* self, host_state<Handler>& st, int64_t epoch) {
  if (!st.cfg.coordinator) return;
  epoch_part part;
  part.epoch = epoch;
  part.delta.ns = st.cfg.name;
  if constexpr (has_take_delta<Handler>::value) {
    st.handler->take_delta(epoch, part.delta);
  } else {
    st.baseline.diff([&](const state_store::row_writer& put) { st.handler->save(put); }, part.delta);
  }
  self->send(st.cfg.coordinator, std::move(part));
}

/// Runs the held messages that may go now, in arrival order (a sender's messages never pass
/// each other: a later one waits whenever an earlier one does), until none can.
template <class Self, class Handler>
void drain(Self* self, host_state<Handler>& st) {
  for (bool ran = true; ran;) {
    ran = false;
    for (size_t i = 0; i < st.held.size() && !ran; ++i) {
      int64_t t = std::visit([](const auto& m) { return m.trigger; }, st.held[i]);
      if (st.waits(t)) continue;
      auto m = std::move(st.held[i]);
      st.held.erase(st.held.begin() + static_cast<std::ptrdiff_t>(i));
      if (auto* b = std::get_if<batch>(&m))
        on_batch(self, st, *b);
      else
        on_watermark(self, st, std::get<watermark>(m));
      ran = true;
    }
  }
}

template <class Self, class Handler>
void on_barrier(Self* self, host_state<Handler>& st, barrier& b) {
  auto& entry = st.barriers[b.epoch];
  ++entry.first;
  entry.second = b.trigger;
  while (!st.barriers.empty() && st.barriers.begin()->second.first >= st.cfg.upstream) {
    int64_t epoch = st.barriers.begin()->first;
    int64_t trigger = st.barriers.begin()->second.second;
    st.barriers.erase(st.barriers.begin());
    take_epoch(self, st, epoch);
    self->send(st.cfg.downstream, barrier{epoch, trigger});
    drain(self, st);  // the next epoch's triggers run before it is taken
  }
}

template <class Handler>
void start(host_state<Handler>& st) {
  if constexpr (has_start<Handler>::value)
    st.handler->start(host_context{st.cfg.store, static_cast<bool>(st.cfg.coordinator)});
  if constexpr (has_load<Handler>::value) {
    if (st.cfg.restore)
      restore_partition(
          st.cfg.store, st.cfg.name, [&](std::string_view k, std::string_view v) { return st.handler->load(k, v); },
          has_take_delta<Handler>::value ? nullptr : &st.baseline);  // a take_delta handler keeps its own
  }
}

}  // namespace host_detail

/// The host's behaviour for `Handler`, as actor type `Actor` (operator_actor, or an extension
/// of it whose extra messages the handler's `extra_handlers(self)` answers).
template <class Handler, class Actor = operator_actor>
typename Actor::behavior_type operator_host(typename Actor::pointer self, host_config cfg,
                                            std::shared_ptr<Handler> handler) {
  using namespace host_detail;
  report_failures_as(self, cfg.name);
  auto st = std::make_shared<host_state<Handler>>(std::move(cfg), std::move(handler));
  start(*st);
  auto common = std::make_tuple(
      [=](batch& b) {
        if (st->waits(b.trigger))
          st->held.emplace_back(std::move(b));
        else
          on_batch(self, *st, b);
      },
      [=](watermark& w) {
        if (st->waits(w.trigger)) {
          st->held.emplace_back(std::move(w));
        } else {
          on_watermark(self, *st, w);
          if (!st->held.empty()) drain(self, *st);
        }
      },
      [=](barrier& b) { on_barrier(self, *st, b); },
      [=](end_of_input& e) { self->send(st->cfg.downstream, std::move(e)); },
      [=](stats_atom) { return st->handler->stats(); });
  if constexpr (has_extra<Handler, std::remove_pointer_t<typename Actor::pointer>>::value) {
    auto all = std::tuple_cat(common, st->handler->extra_handlers(self));
    return std::apply([](auto&... fs) { return typename Actor::behavior_type{fs...}; }, all);
  } else {
    return std::apply([](auto&... fs) { return typename Actor::behavior_type{fs...}; }, common);
  }
}

}  // namespace sluice
