#include "actors/join_actor.hpp"

#include <functional>

#include "messages/json_codec.hpp"
#include "messages/time.hpp"

namespace sluice {

operator_actor::behavior_type join_partition_impl(operator_actor::pointer self, join_partition_config cfg) {
  report_failures_as(self, cfg.name);
  struct state {
    join_partition_config cfg;
    join_state join;
    int64_t watermark_us;
    bool had_rows = false;
    std::vector<row> out, late;
    explicit state(join_partition_config c) : cfg(std::move(c)), join(cfg.spec), watermark_us(cfg.watermark_us) {}
  };
  auto st = std::make_shared<state>(std::move(cfg));
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
                                            "late row: its event time is at or below the watermark " +
                                                format_iso8601_ms(st->watermark_us) + " of input '" +
                                                st->cfg.input_names[b.input] + "'",
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
        if (st->cfg.no_data_batches) st->join.evict(w.value_us, st->out);
        else if (st->had_rows) st->join.evict(st->watermark_us, st->out);
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
      [=](barrier& b) { self->send(st->cfg.downstream, std::move(b)); },
      [=](end_of_input& e) { self->send(st->cfg.downstream, std::move(e)); },
      [=](stats_atom) {
        state_operator_progress p;
        p.operator_name = "symmetricHashJoin";
        p.num_rows_total = st->join.rows_total();
        p.memory_used_bytes = st->join.memory_used_bytes();
        return p;
      },
  };
}

namespace {

uint64_t hash_value(const value& v) {
  switch (v.index()) {
    case 0: return 0x9e3779b97f4a7c15ULL;
    case 1: return std::get<bool>(v) ? 3 : 5;
    case 2: return std::hash<int64_t>{}(std::get<int64_t>(v)) * 0x9e3779b97f4a7c15ULL;
    case 3: {
      double d = std::get<double>(v);
      if (d == static_cast<double>(static_cast<int64_t>(d)))  // 1.0 lands where 1 does
        return std::hash<int64_t>{}(static_cast<int64_t>(d)) * 0x9e3779b97f4a7c15ULL;
      return std::hash<double>{}(d);
    }
    default: return std::hash<std::string>{}(std::get<std::string>(v));
  }
}

}  // namespace

operator_actor::behavior_type join_router_impl(operator_actor::pointer self, join_router_config cfg) {
  report_failures_as(self, cfg.name);
  auto c = std::make_shared<join_router_config>(std::move(cfg));
  return {
      [=](batch& b) {
        size_t p = c->partitions.size();
        if (p == 1) {
          self->send(c->partitions[0], std::move(b));
          return;
        }
        const auto& keys = c->key_columns[b.input == 0 ? 0 : 1];
        std::vector<batch> parts(p);
        for (auto& part : parts) {
          part.schema = b.schema;
          part.input = b.input;
          part.trigger = b.trigger;
          part.rows.reserve(b.rows.size() / p + 1);
        }
        for (auto& r : b.rows) {
          uint64_t h = 0;
          for (size_t k : keys) h = h * 31 + hash_value(r.values[k]);
          parts[(h ^ (h >> 29)) % p].rows.push_back(std::move(r));
        }
        for (size_t i = 0; i < p; ++i)
          if (!parts[i].rows.empty()) self->send(c->partitions[i], std::move(parts[i]));
      },
      [=](watermark& w) {
        for (auto& part : c->partitions) self->send(part, w);
      },
      [=](barrier& b) {
        for (auto& part : c->partitions) self->send(part, b);
      },
      [=](end_of_input& e) {
        for (auto& part : c->partitions) self->send(part, e);
      },
      [=](stats_atom) {
        state_operator_progress p;
        p.operator_name = c->name;
        return p;
      },
  };
}

}  // namespace sluice
