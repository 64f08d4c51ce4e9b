// operator_interface: the messages every sluice actor speaks, as typed_actor aliases.
//
// Every operator (watermark tracker, transforms, sinks, and the stateful operators, which run
// in an operator host: actors/runtime/operator_host.hpp) extends `operator_actor`: it takes
// batches, watermarks, barriers and end-of-input in per-sender order and answers a stats request. Sources, the
// coordinator and the dead-letter output have their own interfaces, declared here so each header can name its peers.
// Actors are held only through these typed handles.
//
// Errors at the actor boundary are `sluice_errc` values in CAF's error type (category
// "sluice"), whose context is (actor name, reason text) — see `make_sluice_error`.
#pragma once

#include <caf/all.hpp>
#include <string>
#include <vector>

#include "messages/control/control.hpp"
#include "messages/control/progress.hpp"
#include "messages/data/batch.hpp"
#include "state/checkpoint/checkpoint_record.hpp"
#include "state/store/state_delta.hpp"

namespace sluice {

using stats_atom = caf::atom_constant<caf::atom("stats")>;
using start_atom = caf::atom_constant<caf::atom("start")>;
using stop_atom = caf::atom_constant<caf::atom("stop")>;
using restart_atom = caf::atom_constant<caf::atom("restart")>;
using finish_atom = caf::atom_constant<caf::atom("finish")>;
using timer_atom = caf::atom_constant<caf::atom("timer")>;
using step_atom = caf::atom_constant<caf::atom("step")>;

/// Documented error codes at the actor boundary.
enum class sluice_errc : uint8_t {
  operator_failed = 1,  // an operator threw while handling a message
  source_failed = 2,    // a source could not read (I/O error, bad position)
  sink_failed = 3,      // a sink could not write or publish
  escalated = 4,        // the supervisor gave up after its restart intensity
};

const char* to_string(sluice_errc e);
caf::error make_sluice_error(sluice_errc code, std::string actor, std::string reason);
/// "actor 'filter' failed: boom" for sluice errors, CAF's text otherwise.
std::string describe_error(const caf::error& e);

/// Operators' common interface (batch, watermark, barrier, end of input, stats).
using operator_actor =
    caf::typed_actor<caf::reacts_to<batch>, caf::reacts_to<watermark>, caf::reacts_to<barrier>,
                     caf::reacts_to<end_of_input>, caf::replies_to<stats_atom>::with<state_operator_progress>>;

/// Dead letters of one trigger, written as they come; `finish` makes trigger k's visible.
struct dead_letter_batch {
  int64_t trigger = 0;
  std::vector<dead_letter> letters;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, dead_letter_batch& x) {
  return f(x.trigger, x.letters);
}

// ---- Epochs (docs/checkpoints.md) ----

/// stateful actor → coordinator, when barrier N passes it: its changes since N−1.
struct epoch_part {
  int64_t epoch = 0;
  state_delta delta;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, epoch_part& x) {
  return f(x.epoch, x.delta);
}

/// coordinator → output, once trigger `last_trigger` (epoch N's last) is committed: hand over
/// what must be in N's WriteBatch for a publish to be repeated after a crash.
struct prepare_output {
  int64_t epoch = 0;
  int64_t last_trigger = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, prepare_output& x) {
  return f(x.epoch, x.last_trigger);
}

struct output_prepared {
  std::string name;
  std::vector<std::string> durable;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, output_prepared& x) {
  return f(x.name, x.durable);
}

/// coordinator (or, on recovery, supervisor) → output: epoch N committed, make its output
/// visible. `recovering`: an earlier process may have published part of it already.
struct publish_output {
  int64_t epoch = 0;
  int64_t last_trigger = 0;
  std::vector<std::string> durable;
  bool recovering = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, publish_output& x) {
  return f(x.epoch, x.last_trigger, x.durable, x.recovering);
}

/// Anything that writes a query's output (sink, alert output, dead letters): replies to
/// prepare with its staged records and to publish with how many it made visible.
using output_actor = caf::typed_actor<caf::replies_to<prepare_output>::with<output_prepared>,
                                      caf::replies_to<publish_output>::with<int64_t>>;

using dead_letter_actor =
    caf::typed_actor<caf::reacts_to<dead_letter_batch>,
                     caf::replies_to<finish_atom, int64_t>::with<int64_t>>::extend_with<output_actor>;

/// The query's sink: an operator and an output.
using sink_actor = operator_actor::extend_with<output_actor>;

/// Sources answer each trigger request with what they read.
/// A barrier sent to a source follows the trigger requested before it (per-sender order).
using source_actor = caf::typed_actor<caf::replies_to<trigger_request>::with<source_progress>, caf::reacts_to<barrier>>;

/// A sink tells the coordinator that trigger k is fully written.
struct trigger_done {
  int64_t trigger = 0;
  trigger_report report;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, trigger_done& x) {
  return f(x.trigger, x.report);
}

/// What a query did in all, reported when it ends.
struct query_summary {
  int64_t triggers = 0;
  int64_t input_rows = 0;
  int64_t output_rows = 0;
  int64_t dead_letters = 0;
  int restarts = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, query_summary& x) {
  return f(x.triggers, x.input_rows, x.output_rows, x.dead_letters, x.restarts);
}

/// coordinator → supervisor: trigger k's output is complete; a restart resumes after it.
struct trigger_committed {
  int64_t trigger = 0;
  std::vector<std::string> positions;  // per input: where the next trigger starts reading
  int64_t watermark_us = 0;            // combined watermark after trigger k
  query_summary totals;                // counts up to and including k
  trigger_report report;               // what trigger k did
  std::vector<std::string> frontiers;  // per input: partition frontiers after k ("" = none)
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, trigger_committed& x) {
  return f(x.trigger, x.positions, x.watermark_us, x.totals, x.report, x.frontiers);
}

/// coordinator → supervisor: no more triggers; the bool says whether all input was read
/// (false: stopped on request).
using complete_atom = caf::atom_constant<caf::atom("complete")>;

/// source or sink → supervisor: trouble an actor rides out (a broker unreachable, skipped
/// data); relayed to the listener as a "warning" event.
using warn_atom = caf::atom_constant<caf::atom("warn")>;
using published_atom = caf::atom_constant<caf::atom("published")>;

using supervisor_actor =
    caf::typed_actor<caf::reacts_to<trigger_committed>, caf::reacts_to<complete_atom, bool>,
                     caf::reacts_to<restart_atom>, caf::reacts_to<stop_atom>, caf::reacts_to<step_atom>,
                     caf::reacts_to<warn_atom, std::string>, caf::reacts_to<epoch_record>,
                     caf::reacts_to<published_atom, int64_t, int64_t>>;  // epoch, its last trigger

/// supervisor → whoever runs the query (the CLI): restarts, the end, or the failure.
struct query_event {
  std::string query;
  std::string kind;  // "restarted", "finished", "failed", "warning", "checkpoint" (an epoch committed),
                     // "published" (its outputs visible), "resumed" (from a checkpoint), "committed"
                     // (per trigger, only when asked for)
  std::string message;
  query_summary summary;
  trigger_committed commit;  // "committed"; "checkpoint", "published": commit.trigger, the epoch's last trigger
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, query_event& x) {
  return f(x.query, x.kind, x.message, x.summary, x.commit);
}

/// Whoever runs queries (the CLI, a test) listens for their events.
using query_listener = caf::typed_actor<caf::reacts_to<query_event>>;

/// A query's outputs, by name (sink, dead-letters, alerts), for epoch prepare/publish.
struct query_outputs {
  std::vector<std::string> names;
  std::vector<output_actor> actors;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, query_outputs& x) {
  return f(x.names, x.actors);
}

using coordinator_actor =
    caf::typed_actor<caf::reacts_to<start_atom, std::vector<source_actor>, query_outputs>, caf::reacts_to<trigger_done>,
                     caf::reacts_to<timer_atom>, caf::reacts_to<stop_atom>, caf::reacts_to<step_atom>,
                     caf::reacts_to<epoch_part>>;

/// Sends watermark `w` to every one of `readers` (an actor with several downstreams: router,
/// fan-out). The operators' metrics it carries go to readers[0] only, so that each operator is
/// counted once where the paths meet again.
template <class Self>
void send_watermark_to_all(Self* self, const std::vector<operator_actor>& readers, watermark&& w) {
  for (size_t i = readers.size(); i-- > 1;) {
    watermark copy{w.trigger, w.input, w.value_us, w.report};
    copy.report.operators.clear();
    self->send(readers[i], std::move(copy));
  }
  self->send(readers[0], std::move(w));
}

/// Turns exceptions thrown by a handler into a `sluice_errc::operator_failed` exit reason
/// naming the actor, so the supervisor can say which actor failed and why.
template <class Self>
void report_failures_as(Self* self, std::string actor_name, sluice_errc code = sluice_errc::operator_failed) {
  self->set_exception_handler(
      [name = std::move(actor_name), code](caf::scheduled_actor*, std::exception_ptr& eptr) -> caf::error {
        try {
          std::rethrow_exception(eptr);
        } catch (const std::exception& e) {
          return make_sluice_error(code, name, e.what());
        } catch (...) {
          return make_sluice_error(code, name, "unknown exception");
        }
      });
}

}  // namespace sluice
