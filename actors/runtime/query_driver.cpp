#include "actors/runtime/query_driver.hpp"

#include <leveldb/helpers/memenv.h>

#include <thread>

#include "actors/runtime/supervisor.hpp"

namespace sluice {

struct query_driver::impl {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::unique_ptr<caf::scoped_actor> self;
  supervisor_actor supervisor;
  std::unique_ptr<leveldb::Env> mem_env;
  std::shared_ptr<state_store> store;
  bool running = false;
};

query_driver::query_driver(query_plan_ptr plan, const std::string& checkpoint_dir, fault_plan_ptr faults)
    : impl_(std::make_unique<impl>()), plan_(std::move(plan)), faults_(std::move(faults)) {
  last_.trigger = -1;
  impl_->cfg.set("scheduler.max-threads", std::max(2u, std::thread::hardware_concurrency()));
  impl_->cfg.set("scheduler.policy", caf::atom("sharing"));  // fair, as in run_queries
  impl_->cfg.set("logger.verbosity", caf::atom("quiet"));
  impl_->sys = std::make_unique<caf::actor_system>(impl_->cfg);
  impl_->self = std::make_unique<caf::scoped_actor>(*impl_->sys);
  state_store::options o;
  std::string dir = checkpoint_dir;
  if (dir.empty()) {
    impl_->mem_env.reset(leveldb::NewMemEnv(leveldb::Env::Default()));
    o.env = impl_->mem_env.get();
    dir = "/checkpoint";
  }
  std::unique_ptr<state_store> s;
  auto st = state_store::open(dir, o, s);
  if (!st.is_ok()) throw std::runtime_error("checkpoint " + dir + ": " + st.to_string());
  impl_->store = std::move(s);
  std::string error;
  if (!start(error)) throw std::runtime_error(error);
}

query_driver::~query_driver() {
  if (impl_->running) {
    (*impl_->self)->send_exit(impl_->supervisor, caf::exit_reason::user_shutdown);
  }
  impl_->self.reset();
  impl_->sys.reset();
}

bool query_driver::start(std::string&) {
  auto listener = caf::actor_cast<query_listener>(*impl_->self);
  supervisor_config sc;
  sc.plan = plan_;
  sc.listener = listener;
  sc.faults = faults_;
  sc.commit_events = true;
  sc.checkpoint = impl_->store;
  sc.checkpoint_interval_us = 0;  // an epoch after every trigger, as Spark commits every batch
  impl_->supervisor = impl_->sys->spawn(supervisor_impl, sc);
  impl_->running = true;
  return true;
}

std::optional<trigger_committed> query_driver::step(std::string& error, std::chrono::seconds timeout) {
  auto& self = *impl_->self;
  self->send(impl_->supervisor, step_atom::value);
  std::optional<trigger_committed> result;
  bool done = false;
  while (!done) {
    self->receive(
        [&](query_event& e) {
          if (e.kind == "committed") {
            last_ = e.commit;
            result = std::move(e.commit);
            done = true;
          } else if (e.kind == "failed" || e.kind == "finished") {
            error = "query " + e.kind + ": " + e.message;
            impl_->running = false;
            done = true;
          }
          // "restarted": keep waiting; the supervisor resumes and runs the trigger again
        },
        caf::after(timeout) >>
            [&] {
              error = "no trigger committed within " + std::to_string(timeout.count()) + " s";
              done = true;
            });
  }
  return result;
}

bool query_driver::stop(std::string& error) {
  auto& self = *impl_->self;
  self->send(impl_->supervisor, stop_atom::value);
  bool ok = false, done = false;
  while (!done) {
    self->receive(
        [&](query_event& e) {
          if (e.kind == "finished") {
            ok = true;
            done = true;
          } else if (e.kind == "failed") {
            error = e.message;
            done = true;
          }
        },
        caf::after(std::chrono::seconds(60)) >>
            [&] {
              error = "the query did not stop within 60 s";
              done = true;
            });
  }
  impl_->running = false;
  return ok;
}

bool query_driver::restart(std::string& error) {
  if (!stop(error)) return false;
  return start(error);
}

}  // namespace sluice
