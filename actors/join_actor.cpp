#include "actors/join_actor.hpp"

#include <cstring>
#include <functional>

#include "messages/json_codec.hpp"
#include "messages/time.hpp"

namespace sluice {

std::string encode_join_row(join_side side, const row& r, bool matched) {
  std::string v;
  v.push_back(0x01);
  v.push_back(static_cast<char>(side));
  v.push_back(matched ? 1 : 0);
  int64_t t = r.event_time_us;
  v.append(reinterpret_cast<const char*>(&t), sizeof t);
  v += encode_cells(r.values);
  return v;
}

bool decode_join_row(std::string_view v, join_side& side, row& r, bool& matched, std::string& error) {
  if (v.size() < 11) {
    error = "join savepoint row is truncated";
    return false;
  }
  if (v[0] != 0x01) {
    error = "join savepoint row has format version " + std::to_string(static_cast<int>(v[0])) +
            "; this sluice reads version 1";
    return false;
  }
  side = v[1] == 0 ? join_side::left : join_side::right;
  matched = v[2] != 0;
  std::memcpy(&r.event_time_us, v.data() + 3, sizeof r.event_time_us);
  if (!decode_cells(std::string(v.substr(11)), r.values)) {
    error = "join savepoint row has unreadable cells";
    return false;
  }
  return true;
}

namespace {

/// The buffered rows as state rows: key = side and buffer slot (stable while the row is
/// buffered, so an epoch rewrites only rows that came, went or changed their matched flag).
void save_join_rows(const join_state& join, const state_store::row_writer& put) {
  join.for_each_slot([&](join_side side, uint32_t slot, const row& r, bool matched) {
    char key[5];
    key[0] = static_cast<char>(side);
    for (int i = 0; i < 4; ++i) key[1 + i] = static_cast<char>(slot >> (24 - 8 * i));
    put(std::string_view(key, 5), encode_join_row(side, r, matched));
  });
}

}  // namespace

join_partition_actor::behavior_type join_partition_impl(join_partition_actor::pointer self, join_partition_config cfg) {
  report_failures_as(self, cfg.name);
  struct state {
    join_partition_config cfg;
    join_state join;
    int64_t watermark_us;
    bool had_rows = false;
    std::vector<row> out, late;
    delta_baseline baseline;
    explicit state(join_partition_config c) : cfg(std::move(c)), join(cfg.spec), watermark_us(cfg.watermark_us) {}
  };
  auto st = std::make_shared<state>(std::move(cfg));
  if (st->cfg.restore)
    restore_partition(
        st->cfg.store, st->cfg.name,
        [&](std::string_view, std::string_view v) {
          join_side side;
          row r;
          bool matched;
          std::string error;
          if (!decode_join_row(v, side, r, matched, error)) return status::corruption(error);
          st->join.restore(side, std::move(r), matched);
          return status::ok();
        },
        &st->baseline);
  auto emit = [self, st](int64_t trigger) {
    if (st->out.empty()) return;
    batch b;
    b.schema = st->cfg.output_schema;
    b.trigger = trigger;
    b.rows.swap(st->out);
    self->send(st->cfg.downstream, std::move(b));
  };
  return {
      [=](batch& b) {
        auto side = b.input == 0 ? join_side::left : join_side::right;
        st->had_rows |= !b.rows.empty();
        st->join.process(side, b.rows, st->watermark_us, st->out, st->cfg.route_late_rows ? &st->late : nullptr);
        if (!st->late.empty()) {
          dead_letter_batch d{b.trigger, {}};
          for (const auto& r : st->late)
            d.letters.push_back(dead_letter{encode_row(*b.schema, r),
                                            "late row from input '" + st->cfg.input_names[b.input] +
                                                "': its event time is at or below the watermark " +
                                                format_iso8601_ms(st->watermark_us),
                                            st->cfg.name, b.trigger});
          st->late.clear();
          self->send(st->cfg.dead_letters, std::move(d));
        }
        if (st->cfg.faults && st->cfg.faults->hit("crash:" + st->cfg.name))
          throw std::runtime_error("fault injected at crash:" + st->cfg.name);
        emit(b.trigger);
      },
      [=](watermark& w) {
        // Spark's timing: with no-data batches the new watermark evicts at once (the no-data
        // batch); without them, only a trigger that had data evicts, with the watermark it ran with.
        if (st->cfg.no_data_batches)
          st->join.evict(w.value_us, st->out);
        else if (st->had_rows)
          st->join.evict(st->watermark_us, st->out);
        st->had_rows = false;
        emit(w.trigger);
        st->watermark_us = w.value_us;
        auto c = st->join.take_counters();
        state_operator_progress p;
        p.operator_name = "symmetricHashJoin";
        p.num_rows_total = st->join.rows_total();
        p.num_rows_updated = c.updated;
        p.num_rows_removed = c.removed;
        p.num_rows_dropped_by_watermark = c.dropped_late[0] + c.dropped_late[1];
        p.memory_used_bytes = st->join.memory_used_bytes();
        p.num_shuffle_partitions = st->cfg.partitions;
        p.num_state_store_instances = 1;
        p.custom_metrics["bufferedRowsLeft"] = st->join.rows(join_side::left);
        p.custom_metrics["bufferedRowsRight"] = st->join.rows(join_side::right);
        p.custom_metrics["inputRowsLeft"] = c.input_rows[0];
        p.custom_metrics["inputRowsRight"] = c.input_rows[1];
        p.custom_metrics["matchedInputRows"] = c.matched_rows[0] + c.matched_rows[1];
        p.custom_metrics["lateRows." + st->cfg.input_names[0]] = c.dropped_late[0];
        p.custom_metrics["lateRows." + st->cfg.input_names[1]] = c.dropped_late[1];
        p.custom_metrics["evictedRows"] = c.evicted;
        w.report.operators.push_back(std::move(p));
        self->send(st->cfg.downstream, std::move(w));
      },
      [=](barrier& b) {
        snapshot_partition(self, st->cfg.coordinator, st->baseline, st->cfg.name, b.epoch,
                           [&](const state_store::row_writer& put) { save_join_rows(st->join, put); });
        self->send(st->cfg.downstream, std::move(b));
      },
      [=](end_of_input& e) { self->send(st->cfg.downstream, std::move(e)); },
      [=](stats_atom) {
        state_operator_progress p;
        p.operator_name = "symmetricHashJoin";
        p.num_rows_total = st->join.rows_total();
        p.memory_used_bytes = st->join.memory_used_bytes();
        return p;
      },
      [=](savepoint_atom) -> int64_t {
        return save_partition(st->cfg.store, st->cfg.name,
                              [&](const state_store::row_writer& put) { save_join_rows(st->join, put); });
      },
  };
}

}  // namespace sluice
