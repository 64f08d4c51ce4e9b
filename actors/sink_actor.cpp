#include "actors/sink_actor.hpp"

#include <map>

#include "messages/json_codec.hpp"
#include "state/part_file_writer.hpp"

namespace sluice {

operator_actor::behavior_type sink_actor_impl(operator_actor::pointer self, sink_actor_config cfg) {
  report_failures_as(self, cfg.name, sluice_errc::sink_failed);
  auto c = std::make_shared<sink_actor_config>(std::move(cfg));
  auto st = c->sink->open();
  if (!st.is_ok()) throw std::runtime_error(c->sink->description() + ": " + st.to_string());
  auto total = std::make_shared<int64_t>(0);
  return {
      [=](batch& b) {
        auto s = c->sink->write(b);
        if (!s.is_ok()) throw std::runtime_error(c->sink->description() + ": " + s.to_string());
        if (c->faults && c->faults->hit("crash:" + c->name))
          throw std::runtime_error("fault injected at crash:" + c->name + " (trigger " + std::to_string(b.trigger) +
                                   ")");
      },
      [=](watermark& w) {
        int64_t rows = 0;
        auto s = c->sink->finish(w.trigger, rows);
        if (!s.is_ok()) throw std::runtime_error(c->sink->description() + ": " + s.to_string());
        *total += rows;
        w.report.sink_rows = rows;
        w.report.sink_description = c->sink->description();
        self->send(c->coordinator, trigger_done{w.trigger, std::move(w.report)});
      },
      [=](barrier&) {},
      [=](end_of_input&) {},
      [=](stats_atom) {
        state_operator_progress p;
        p.operator_name = c->name;
        p.custom_metrics["rowsWritten"] = *total;
        return p;
      },
  };
}

dead_letter_actor::behavior_type dead_letter_actor_impl(dead_letter_actor::pointer self, dead_letter_actor_config cfg) {
  report_failures_as(self, cfg.name, sluice_errc::sink_failed);
  auto writer = std::make_shared<part_file_writer>(cfg.directory, "dead");
  auto st = writer->open();
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
  };
}

}  // namespace sluice
