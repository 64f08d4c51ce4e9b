#include "actors/runtime/query_runner.hpp"

#include <filesystem>
#include <thread>

#include "actors/runtime/supervisor.hpp"
#include "state/faults/fault_env.hpp"

namespace sluice {

run_result run_queries(const std::vector<query_plan_ptr>& plans, const run_options& opts) {
  caf::actor_system_config cfg;
  size_t threads = opts.threads ? opts.threads : std::max(2u, std::thread::hardware_concurrency());
  cfg.set("scheduler.max-threads", threads);
  // One shared FIFO of ready actors. CAF's work stealing runs the actor a worker just woke
  // before anything older (LIFO), so back-to-back triggers keep both workers on the query's
  // own actors while supervisors and the stop they should forward wait without end (and their
  // mailboxes grow): a run with trigger=0 ignored Ctrl-C. Sharing is as fast here (bench).
  cfg.set("scheduler.policy", caf::atom("sharing"));
  cfg.set("logger.verbosity", caf::atom("quiet"));
  run_result result;
  // Outlives the actor system, so every store opened with it is closed before it goes.
  std::unique_ptr<fault_env> env;
  if (opts.faults && !opts.checkpoint_dir.empty())
    env = std::make_unique<fault_env>(leveldb::Env::Default(), opts.faults);
  {
    caf::actor_system sys{cfg};
    caf::scoped_actor self{sys};
    auto listener = caf::actor_cast<query_listener>(self);
    // One writer for the progress file, shared by every query of the run: whole lines.
    auto progress = opts.progress_path.empty() && !opts.on_progress
                        ? nullptr
                        : std::make_shared<progress_log>(opts.progress_path, opts.on_progress);
    std::vector<supervisor_actor> supervisors;
    size_t open = plans.size();
    for (const auto& plan : plans) {
      supervisor_config sc;
      sc.plan = plan;
      sc.listener = listener;
      sc.faults = opts.faults;
      sc.progress = progress;
      sc.broker_down = opts.broker_down;
      if (!opts.checkpoint_dir.empty()) {
        std::string dir = (std::filesystem::path(opts.checkpoint_dir) / plan->name).string();
        std::error_code ec;
        auto why = checkpoint_name_problem(plan->name);
        if (why.empty()) std::filesystem::create_directories(dir, ec);
        state_store::options so;
        so.env = env.get();
        std::unique_ptr<state_store> store;
        auto s = !why.empty() ? status::invalid_argument(why)
                 : ec         ? status::io_error(ec.message())
                              : state_store::open(dir, so, store);
        if (!s.is_ok()) {
          query_event e{plan->name,
                        "failed",
                        "checkpoint " + dir + " cannot be opened: " + s.to_string() +
                            " (is it a sluice checkpoint directory? give the query a new one)",
                        {},
                        {}};
          result.ok = false;
          result.outcomes.push_back(e);
          if (opts.on_event) opts.on_event(e);
          --open;
          continue;
        }
        sc.checkpoint = std::move(store);
        sc.checkpoint_interval_us = opts.checkpoint_interval_us;
      }
      supervisors.push_back(sys.spawn(supervisor_impl, sc));
    }
    bool stop_sent = false;
    while (open > 0) {
      // Checked on every pass, not only when no event came for 50 ms: back-to-back triggers
      // send events faster than that, and a stop must still get through.
      // A query that failed for good stops the others too (their triggers in flight finish):
      // a query reading its output would wait for it without end.
      if (!stop_sent && ((opts.stop_requested && opts.stop_requested->load()) || !result.ok)) {
        stop_sent = true;
        for (auto& s : supervisors) self->send(s, stop_atom::value);
      }
      self->receive(
          [&](query_event& e) {
            if (e.kind == "finished" || e.kind == "failed") {
              --open;
              if (e.kind == "failed") result.ok = false;
              result.outcomes.push_back(e);
            }
            if (opts.on_event) opts.on_event(e);
          },
          caf::after(std::chrono::milliseconds(50)) >> [] {});
    }
    for (auto& s : supervisors) self->send_exit(s, caf::exit_reason::user_shutdown);
  }
  return result;
}

std::string checkpoint_name_problem(const std::string& name) {
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
      name.find('\\') != std::string::npos)
    return "query name '" + name +
           "' cannot name a checkpoint directory: give the query a name without '/', '\\' or '..' (\"name\")";
  return "";
}

}  // namespace sluice
