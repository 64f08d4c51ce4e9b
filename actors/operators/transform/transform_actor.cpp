#include "actors/operators/transform/transform_actor.hpp"

namespace sluice {

operator_actor::behavior_type transform_actor_impl(operator_actor::pointer self, transform_actor_config cfg) {
  report_failures_as(self, cfg.name);
  auto c = std::make_shared<transform_actor_config>(std::move(cfg));
  auto rows_in = std::make_shared<int64_t>(0);
  return {
      [=](batch& b) {
        step_context ctx;
        ctx.trigger = b.trigger;
        *rows_in += static_cast<int64_t>(b.rows.size());
        apply_steps(c->steps, b, ctx);
        if (!ctx.dead_letters.empty())
          self->send(c->dead_letters, dead_letter_batch{b.trigger, std::move(ctx.dead_letters)});
        if (c->faults && c->faults->hit("crash:" + c->name))
          throw std::runtime_error("fault injected at crash:" + c->name + " (trigger " + std::to_string(b.trigger) +
                                   ")");
        b.input = 0;  // one stream from here on (a union's branches become one)
        self->send(c->downstream, std::move(b));
      },
      [=](watermark& w) { self->send(c->downstream, std::move(w)); },
      [=](barrier& b) { self->send(c->downstream, std::move(b)); },
      [=](end_of_input& e) { self->send(c->downstream, std::move(e)); },
      [=](stats_atom) {
        state_operator_progress p;
        p.operator_name = c->name;
        p.custom_metrics["rowsIn"] = *rows_in;
        return p;
      },
  };
}

}  // namespace sluice
