#include "actors/query_runner.hpp"

#include <thread>

#include "actors/supervisor.hpp"

namespace sluice {

run_result run_queries(const std::vector<query_plan_ptr>& plans, const run_options& opts) {
  caf::actor_system_config cfg;
  size_t threads = opts.threads ? opts.threads : std::max(2u, std::thread::hardware_concurrency());
  cfg.set("scheduler.max-threads", threads);
  cfg.set("logger.verbosity", caf::atom("quiet"));
  run_result result;
  {
    caf::actor_system sys{cfg};
    caf::scoped_actor self{sys};
    auto listener = caf::actor_cast<query_listener>(self);
    std::vector<supervisor_actor> supervisors;
    for (const auto& plan : plans)
      supervisors.push_back(sys.spawn(
          supervisor_impl, supervisor_config{plan, listener, opts.faults, opts.progress_path, false, nullptr}));
    size_t open = plans.size();
    bool stop_sent = false;
    while (open > 0) {
      self->receive(
          [&](query_event& e) {
            if (e.kind == "finished" || e.kind == "failed") {
              --open;
              if (e.kind == "failed") result.ok = false;
              result.outcomes.push_back(e);
            }
            if (opts.on_event) opts.on_event(e);
          },
          caf::after(std::chrono::milliseconds(50)) >>
              [&] {
                if (!stop_sent && opts.stop_requested && opts.stop_requested->load()) {
                  stop_sent = true;
                  for (auto& s : supervisors) self->send(s, stop_atom::value);
                }
              });
    }
    for (auto& s : supervisors) self->send_exit(s, caf::exit_reason::user_shutdown);
  }
  return result;
}

}  // namespace sluice
