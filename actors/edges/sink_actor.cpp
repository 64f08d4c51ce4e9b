#include "actors/edges/sink_actor.hpp"

#include <map>

#include "messages/codec/json_codec.hpp"
#include "state/io/files/part_file_writer.hpp"

namespace sluice {

/// prepare/publish of one row_sink, as every output answers them.
output_prepared prepare_sink(row_sink& sink, const std::string& name, const prepare_output& p) {
  output_prepared r{name, {}};
  auto s = sink.prepare(p.last_trigger, r.durable);
  if (!s.is_ok())
    throw std::runtime_error(sink.description() + ": staging epoch " + std::to_string(p.epoch) + ": " + s.to_string());
  return r;
}

int64_t publish_sink(row_sink& sink, const publish_output& p) {
  int64_t n = 0;
  auto s = sink.publish(p.epoch, p.last_trigger, p.durable, p.recovering, n);
  if (!s.is_ok())
    throw std::runtime_error(sink.description() + ": publishing epoch " + std::to_string(p.epoch) + ": " +
                             s.to_string());
  return n;
}

namespace {

void open_sink(row_sink& sink, int64_t staged_after, const std::string& what) {
  auto s = sink.open();
  if (s.is_ok() && staged_after >= -1) s = sink.stage(staged_after);
  if (!s.is_ok()) throw std::runtime_error(what + sink.description() + ": " + s.to_string());
}

/// Rows the sink refused in its last write → the dead letters of trigger k (before the sink
/// reports k done, so they are in k's dead-letter output).
void send_rejected(sink_actor::pointer self, const sink_actor_config& c, int64_t trigger) {
  auto rejected = c.sink->take_rejected();
  if (rejected.empty()) return;
  if (!c.dead_letters)
    throw std::runtime_error(c.sink->description() + ": " + rejected.front().reason + " (no dead-letter output)");
  dead_letter_batch d{trigger, {}};
  for (auto& r : rejected)
    d.letters.push_back(dead_letter{std::move(r.record), std::move(r.reason), c.sink->description(), trigger});
  self->send(c.dead_letters, std::move(d));
}

}  // namespace

sink_actor::behavior_type sink_actor_impl(sink_actor::pointer self, sink_actor_config cfg) {
  report_failures_as(self, cfg.name, sluice_errc::sink_failed);
  struct pending_trigger {
    int arrived = 0;  // watermarks so far
    trigger_report report;
    std::vector<batch> held;  // batches that came before their trigger's turn
  };
  struct state {
    sink_actor_config c;
    int64_t total = 0;
    int64_t open_trigger = -1;  // the trigger being written; −1 = the first that shows up
    std::map<int64_t, pending_trigger> pending;
  };
  auto st = std::make_shared<state>();
  st->c = std::move(cfg);
  open_sink(*st->c.sink, st->c.staged_after, "");
  auto write = [self, st](batch& b) {
    auto s = st->c.sink->write(b);
    if (!s.is_ok()) throw std::runtime_error(st->c.sink->description() + ": " + s.to_string());
    send_rejected(self, st->c, b.trigger);
    if (st->c.faults && st->c.faults->hit("crash:" + st->c.name))
      throw std::runtime_error("fault injected at crash:" + st->c.name + " (trigger " + std::to_string(b.trigger) +
                               ")");
  };
  // Finishes triggers in order while the open one has all its watermarks.
  auto advance = [self, st, write] {
    for (;;) {
      auto it = st->pending.find(st->open_trigger);
      if (it == st->pending.end() || it->second.arrived < st->c.upstream) return;
      int64_t rows = 0;
      auto s = st->c.sink->finish(st->open_trigger, rows);
      if (!s.is_ok()) throw std::runtime_error(st->c.sink->description() + ": " + s.to_string());
      st->total += rows;
      auto report = std::move(it->second.report);
      report.sink_rows = rows;
      report.sink_description = st->c.sink->description();
      self->send(st->c.coordinator, trigger_done{st->open_trigger, std::move(report)});
      st->pending.erase(it);
      ++st->open_trigger;
      auto next = st->pending.find(st->open_trigger);
      if (next != st->pending.end()) {
        for (auto& b : next->second.held) write(b);
        next->second.held.clear();
      }
    }
  };
  return {
      [=](batch& b) {
        if (st->open_trigger < 0) st->open_trigger = b.trigger;
        if (b.trigger != st->open_trigger) {
          st->pending[b.trigger].held.push_back(std::move(b));
          return;
        }
        write(b);
      },
      [=](watermark& w) {
        if (st->open_trigger < 0) st->open_trigger = w.trigger;
        auto& p = st->pending[w.trigger];
        if (p.arrived++ == 0) {
          auto ops = std::move(p.report.operators);
          p.report = std::move(w.report);
          merge_operator_progress(p.report.operators, ops);
        } else {
          merge_operator_progress(p.report.operators, w.report.operators);
        }
        advance();
      },
      [=](barrier&) {},
      [=](end_of_input&) {},
      [=](stats_atom) {
        state_operator_progress p;
        p.operator_name = st->c.name;
        p.custom_metrics["rowsWritten"] = st->total;
        return p;
      },
      [=](prepare_output& p) { return prepare_sink(*st->c.sink, st->c.name, p); },
      [=](publish_output& p) { return publish_sink(*st->c.sink, p); },
  };
}

schema_ptr dead_letter_schema() {
  static const schema_ptr s =
      std::make_shared<const schema>(std::vector<column>{{"record", column_type::string, true, time_unit::millis},
                                                         {"reason", column_type::string, true, time_unit::millis},
                                                         {"origin", column_type::string, true, time_unit::millis},
                                                         {"trigger", column_type::int64, true, time_unit::millis}});
  return s;
}

namespace {

dead_letter_actor::behavior_type dead_letters_to_sink(dead_letter_actor_config cfg) {
  auto out = cfg.output;
  open_sink(*out, cfg.staged_after, "dead-letter output ");
  auto pending = std::make_shared<std::map<int64_t, batch>>();
  return {
      [=](dead_letter_batch& d) {
        auto& b = (*pending)[d.trigger];
        b.schema = dead_letter_schema();
        b.trigger = d.trigger;
        for (auto& l : d.letters) {
          row r;
          r.values = {value{std::move(l.record)}, value{std::move(l.reason)}, value{std::move(l.origin)},
                      value{l.trigger}};
          b.rows.push_back(std::move(r));
        }
      },
      [=](finish_atom, int64_t trigger) -> int64_t {
        auto it = pending->find(trigger);
        if (it == pending->end()) return 0;
        auto s = out->write(it->second);
        if (s.is_ok())
          if (auto refused = out->take_rejected(); !refused.empty())
            s = status::invalid_argument("a dead letter cannot be written: " + refused.front().reason +
                                         "; write dead letters to a folder instead");
        int64_t rows = 0;
        if (s.is_ok()) s = out->finish(trigger, rows);
        if (!s.is_ok()) throw std::runtime_error("dead-letter output " + out->description() + ": " + s.to_string());
        pending->erase(it);
        return rows;
      },
      [=, name = cfg.name](prepare_output& p) { return prepare_sink(*out, name, p); },
      [=](publish_output& p) { return publish_sink(*out, p); },
  };
}

}  // namespace

dead_letter_actor::behavior_type dead_letter_actor_impl(dead_letter_actor::pointer self, dead_letter_actor_config cfg) {
  report_failures_as(self, cfg.name, sluice_errc::sink_failed);
  if (cfg.output) return dead_letters_to_sink(std::move(cfg));
  auto writer = std::make_shared<part_file_writer>(cfg.directory, "dead");
  auto st = writer->open();
  if (st.is_ok() && cfg.staged_after >= -1) {
    writer->set_staged(true);
    st = writer->discard_after(cfg.staged_after);
  }
  if (!st.is_ok()) throw std::runtime_error("dead-letter output: " + st.to_string());
  auto pending = std::make_shared<std::map<int64_t, std::vector<std::string>>>();
  return {
      [=](dead_letter_batch& d) {
        auto& lines = (*pending)[d.trigger];
        for (auto& l : d.letters) {
          std::string line = "{\"record\":";
          append_json_string(line, l.record);
          line += ",\"reason\":";
          append_json_string(line, l.reason);
          line += ",\"origin\":";
          append_json_string(line, l.origin);
          line += ",\"trigger\":" + std::to_string(l.trigger) + "}";
          lines.push_back(std::move(line));
        }
      },
      [=](finish_atom, int64_t trigger) -> int64_t {
        auto it = pending->find(trigger);
        if (it == pending->end()) return 0;
        for (const auto& line : it->second) {
          auto s = writer->append(trigger, line);
          if (!s.is_ok()) throw std::runtime_error("dead-letter output: " + s.to_string());
        }
        int64_t rows = 0;
        auto s = writer->finish(trigger, rows);
        if (!s.is_ok()) throw std::runtime_error("dead-letter output: " + s.to_string());
        pending->erase(it);
        return rows;
      },
      [=, name = cfg.name](prepare_output&) {
        return output_prepared{name, {}};
      },
      [=](publish_output& p) -> int64_t {
        int64_t files = 0;
        auto s = writer->publish_up_to(p.last_trigger, files);
        if (!s.is_ok()) throw std::runtime_error("dead-letter output: " + s.to_string());
        return files;
      },
  };
}

}  // namespace sluice
