#include "actors/edges/fan_out.hpp"

#include <memory>

namespace sluice {

operator_actor::behavior_type fan_out_impl(operator_actor::pointer self, fan_out_config cfg) {
  report_failures_as(self, cfg.name);
  auto c = std::make_shared<fan_out_config>(std::move(cfg));
  auto rows_out = std::make_shared<int64_t>(0);
  return {
      [=](batch& b) {
        const auto& route = c->routes[std::min<size_t>(b.input, c->routes.size() - 1)];
        for (size_t i = 0; i < route.size(); ++i) {
          *rows_out += static_cast<int64_t>(b.rows.size());
          if (i + 1 == route.size()) {
            b.input = route[i].port;
            self->send(c->readers[route[i].reader], std::move(b));
          } else {
            batch copy = b;
            copy.input = route[i].port;
            self->send(c->readers[route[i].reader], std::move(copy));
          }
        }
      },
      [=](watermark& w) { send_watermark_to_all(self, c->readers, std::move(w)); },
      [=](barrier& b) {
        for (auto& r : c->readers) self->send(r, b);
      },
      [=](end_of_input& e) {
        for (auto& r : c->readers) self->send(r, e);
      },
      [=](stats_atom) {
        state_operator_progress p;
        p.operator_name = c->name;
        p.custom_metrics["rowsOut"] = *rows_out;
        return p;
      },
  };
}

}  // namespace sluice
