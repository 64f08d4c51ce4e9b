#include "actors/runtime/partition_router.hpp"

#include "state/operators/join/join_state.hpp"

namespace sluice {

operator_actor::behavior_type partition_router_impl(operator_actor::pointer self, partition_router_config cfg) {
  report_failures_as(self, cfg.name);
  auto c = std::make_shared<partition_router_config>(std::move(cfg));
  return {
      [=](batch& b) {
        size_t p = c->partitions.size();
        if (p == 1) {
          self->send(c->partitions[0], std::move(b));
          return;
        }
        const auto& keys = c->key_columns[std::min<size_t>(b.input, c->key_columns.size() - 1)];
        std::vector<batch> parts(p);
        for (auto& part : parts) {
          part.schema = b.schema;
          part.input = b.input;
          part.trigger = b.trigger;
          part.watermark_floor_us = b.watermark_floor_us;
          part.rows.reserve(b.rows.size() / p + 1);
        }
        for (auto& r : b.rows) {
          uint64_t h = 0;
          for (size_t k : keys) h = hash_join_key(h, r.values[k]);
          parts[(h ^ (h >> 29)) % p].rows.push_back(std::move(r));
        }
        for (size_t i = 0; i < p; ++i)
          if (!parts[i].rows.empty()) self->send(c->partitions[i], std::move(parts[i]));
      },
      [=](watermark& w) { send_watermark_to_all(self, c->partitions, std::move(w)); },
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
