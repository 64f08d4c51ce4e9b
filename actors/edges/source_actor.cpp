#include "actors/edges/source_actor.hpp"

#include "messages/codec/json_codec.hpp"

namespace sluice {

schema_ptr raw_landing_schema() {
  static const schema_ptr s = std::make_shared<const schema>(
      std::vector<column>{{"value", column_type::string, true, time_unit::millis},
                          {"ingest_time", column_type::timestamp, true, time_unit::millis},
                          {"source", column_type::string, true, time_unit::millis},
                          {"position", column_type::string, true, time_unit::millis}});
  return s;
}

schema_ptr kafka_record_schema() {
  static const schema_ptr s =
      std::make_shared<const schema>(std::vector<column>{{"key", column_type::string, true, time_unit::millis},
                                                         {"value", column_type::string, true, time_unit::millis},
                                                         {"topic", column_type::string, true, time_unit::millis},
                                                         {"partition", column_type::int64, true, time_unit::millis},
                                                         {"offset", column_type::int64, true, time_unit::millis},
                                                         {"timestamp", column_type::timestamp, true, time_unit::millis},
                                                         {"timestampType", column_type::int64, true, time_unit::millis},
                                                         {"headers", column_type::string, true, time_unit::millis}});
  return s;
}

source_actor::behavior_type source_actor_impl(source_actor::pointer self, source_config cfg) {
  report_failures_as(self, cfg.name, sluice_errc::source_failed);
  auto state = std::make_shared<source_config>(std::move(cfg));
  auto decoder = std::make_shared<row_decoder>(state->schema);
  auto records = std::make_shared<std::vector<raw_record>>();
  return {
      [=](trigger_request& req) -> source_progress {
        auto& c = *state;
        source_progress progress;
        progress.description = c.reader->description();
        progress.start_offset = c.reader->position();
        records->clear();
        auto st = c.reader->read(static_cast<size_t>(req.max_records), req.timestamp_us, *records);
        if (!st.is_ok()) throw std::runtime_error(c.reader->description() + ": " + st.to_string());
        progress.end_offset = c.reader->position();
        progress.exhausted = c.reader->exhausted();

        batch b;
        b.schema = c.schema;
        b.input = c.input;
        b.trigger = req.trigger;
        b.ranges.push_back(source_range{c.name, progress.start_offset, progress.end_offset});
        b.rows.reserve(records->size());
        step_context ctx;
        ctx.trigger = req.trigger;
        if (c.format == record_format::kafka) {
          for (auto& r : *records) {
            row out;
            out.values.reserve(8);
            const record_metadata* m = r.meta.get();
            if (m && m->has_key)
              out.values.emplace_back(m->key);
            else
              out.values.emplace_back();
            if (m && m->null_value)
              out.values.emplace_back();
            else
              out.values.emplace_back(std::move(r.payload));
            if (m) {
              out.values.emplace_back(m->topic);
              out.values.emplace_back(int64_t{m->partition});
              out.values.emplace_back(m->offset);
              if (m->timestamp_ms >= 0)
                out.values.emplace_back(m->timestamp_ms * 1000);
              else
                out.values.emplace_back();
              out.values.emplace_back(int64_t{m->timestamp_type});
              if (m->headers.empty())
                out.values.emplace_back();
              else
                out.values.emplace_back(m->headers);
            } else {
              out.values.resize(8);
            }
            b.rows.push_back(std::move(out));
          }
        } else if (c.format == record_format::raw) {
          for (auto& r : *records) {
            row out;
            out.values.reserve(4);
            out.values.emplace_back(std::move(r.payload));
            out.values.emplace_back(req.timestamp_us);
            out.values.emplace_back(c.reader->description());
            out.values.emplace_back(origin_of(*c.reader, r));
            b.rows.push_back(std::move(out));
          }
        } else {
          for (auto& r : *records) {
            row& out = b.rows.emplace_back();
            std::string err = decoder->decode(r.payload, out);
            if (err.empty()) continue;
            b.rows.pop_back();
            ctx.dead_letters.push_back(
                dead_letter{std::move(r.payload), std::move(err), origin_of(*c.reader, r), req.trigger});
          }
        }
        progress.num_input_rows = static_cast<int64_t>(records->size());
        apply_steps(c.steps, b, ctx);
        progress.num_dead_letters = static_cast<int64_t>(ctx.dead_letters.size());
        if (!ctx.dead_letters.empty())
          self->send(c.dead_letters, dead_letter_batch{req.trigger, std::move(ctx.dead_letters)});
        if (c.faults && c.faults->hit("crash:" + c.name))
          throw std::runtime_error("fault injected at crash:" + c.name + " (trigger " + std::to_string(req.trigger) +
                                   ")");
        self->send(c.downstream, std::move(b));
        watermark wm;
        wm.trigger = req.trigger;
        wm.input = c.input;
        wm.report.sources.push_back(progress);
        wm.report.event_time = ctx.event_time;
        self->send(c.downstream, std::move(wm));
        return progress;
      },
      [=](barrier& b) { self->send(state->downstream, std::move(b)); },
  };
}

}  // namespace sluice
