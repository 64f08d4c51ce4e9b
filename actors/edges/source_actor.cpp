#include "actors/edges/source_actor.hpp"

#include <algorithm>

#include "messages/codec/exact_json.hpp"
#include "messages/codec/json_codec.hpp"
#include "state/cdc/cdc_row.hpp"
#include "state/operators/watermark/partition_watermarks.hpp"

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

namespace {

/// A Debezium record → the JSON text of its flat row (empty: no row); "" or the reason. An
/// empty value is a tombstone (Debezium never sends an empty record otherwise); the key is
/// used when the reader keeps it (Kafka with metadata), else the before image names the row.
std::string flatten_debezium(const raw_record& r, std::string& text) {
  text.clear();
  if (r.payload.empty()) return {};
  cdc_event e;
  boost::system::error_code ec;
  const record_metadata* m = r.meta.get();
  if (m && m->has_key) {
    e.key = parse_json_exact(m->key, ec);
    if (ec) e.key = boost::json::string(m->key);
  }
  e.value = parse_json_exact(r.payload, ec);
  if (ec) {
    e.value = nullptr;
    e.value_raw = r.payload;
  }
  boost::json::object flat;
  cdc_row_kind kind;
  if (auto reason = flatten_cdc_record(e, flat, kind); !reason.empty()) return "not a Debezium change: " + reason;
  if (kind == cdc_row_kind::row) text = boost::json::serialize(flat);
  return {};
}

/// Records → rows of `b` by the input's format (a JSON record that does not decode becomes a
/// dead letter).
void decode(const source_config& c, row_decoder& decoder, std::vector<raw_record>& records, int64_t now_us, batch& b,
            step_context& ctx) {
  b.rows.reserve(b.rows.size() + records.size());
  if (c.format == record_format::kafka) {
    for (auto& r : records) {
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
  } else if (c.format == record_format::rows) {
    for (auto& r : records)
      if (!c.reader->typed_row(r, b.rows.emplace_back())) b.rows.pop_back();
  } else if (c.format == record_format::raw) {
    for (auto& r : records) {
      row out;
      out.values.reserve(4);
      out.values.emplace_back(std::move(r.payload));
      out.values.emplace_back(now_us);
      out.values.emplace_back(c.reader->description());
      out.values.emplace_back(origin_of(*c.reader, r));
      b.rows.push_back(std::move(out));
    }
  } else {
    std::string flat;
    for (auto& r : records) {
      if (c.format == record_format::debezium) {
        if (std::string err = flatten_debezium(r, flat); !err.empty()) {
          ctx.dead_letters.push_back(
              dead_letter{std::move(r.payload), std::move(err), origin_of(*c.reader, r), ctx.trigger});
          continue;
        }
        if (flat.empty()) continue;  // a tombstone or a heartbeat
      }
      row& out = b.rows.emplace_back();
      std::string err = decoder.decode(c.format == record_format::debezium ? flat : r.payload, out);
      if (err.empty()) continue;
      b.rows.pop_back();
      ctx.dead_letters.push_back(
          dead_letter{std::move(r.payload), std::move(err), origin_of(*c.reader, r), ctx.trigger});
    }
  }
}

/// The source's working state across triggers.
struct source_state {
  source_config cfg;
  row_decoder decoder;
  std::vector<raw_record> records;
  std::optional<partition_watermarks> frontiers;  // watermark_scope::partition only

  explicit source_state(source_config c) : cfg(std::move(c)), decoder(cfg.schema) {
    if (!cfg.partitions) return;
    frontiers.emplace(cfg.partitions->delay_us, cfg.partitions->idle_timeout_us);
    auto s = frontiers->decode(cfg.partitions->restored, 0);
    if (!s.is_ok()) throw std::runtime_error("input '" + cfg.name + "': " + s.to_string());
  }
};

/// Cuts one partition's rows (after the steps, in the partition's order) into runs that share
/// a watermark floor, each sent as a batch of its own.
void send_by_floor(source_actor::pointer self, source_state& s, partition_frontier& f, batch& part, int64_t now_us) {
  const auto& fw = *s.frontiers;
  size_t column = s.cfg.partitions->column;
  size_t start = 0;
  auto send_run = [&](size_t end, int64_t floor) {
    if (end == start) return;
    batch run;
    run.schema = part.schema;
    run.input = part.input;
    run.trigger = part.trigger;
    run.watermark_floor_us = floor;
    if (start == 0 && end == part.rows.size()) {
      run.rows = std::move(part.rows);
    } else {
      run.rows.reserve(end - start);
      for (size_t i = start; i < end; ++i) run.rows.push_back(std::move(part.rows[i]));
    }
    self->send(s.cfg.downstream, std::move(run));
    start = end;
  };
  int64_t floor = fw.floor_of(f);
  size_t n = part.rows.size();
  for (size_t i = 0; i < n; ++i) {
    const value& v = part.rows[i].values[column];
    if (v.index() != 2 || !fw.advance(f, std::get<int64_t>(v), now_us)) continue;
    send_run(i + 1, floor);  // row i was judged by the floor before it
    floor = fw.floor_of(f);
  }
  send_run(n, floor);
}

/// watermark_scope::partition: decodes and runs the steps once per partition of the read (in
/// the order partitions first appear) and sends each partition's rows by watermark floor.
void run_by_partition(source_actor::pointer self, source_state& s, int64_t now_us, batch& head, step_context& ctx) {
  auto& c = s.cfg;
  // The partition of each record, looked up once per run of records sharing one tag.
  std::vector<partition_frontier*> lane_of(s.records.size());
  std::vector<partition_frontier*> order;
  const record_metadata* last_meta = nullptr;
  partition_frontier* last = nullptr;
  for (size_t i = 0; i < s.records.size(); ++i) {
    const auto* m = s.records[i].meta.get();
    if (!last || m != last_meta) {
      last_meta = m;
      last = &s.frontiers->frontier(partition_of(s.records[i]), now_us);
      if (std::find(order.begin(), order.end(), last) == order.end()) order.push_back(last);
    }
    lane_of[i] = last;
  }
  // The head batch (no rows, the ranges) goes first so the trigger always has one.
  apply_steps(c.steps, head, ctx);
  self->send(c.downstream, std::move(head));
  std::vector<raw_record> group;
  for (auto* f : order) {
    group.clear();
    for (size_t i = 0; i < s.records.size(); ++i)
      if (lane_of[i] == f) group.push_back(std::move(s.records[i]));
    batch part;
    part.schema = c.schema;
    part.input = c.input;
    part.trigger = ctx.trigger;
    decode(c, s.decoder, group, now_us, part, ctx);
    apply_steps(c.steps, part, ctx);
    send_by_floor(self, s, *f, part, now_us);
  }
}

}  // namespace

source_actor::behavior_type source_actor_impl(source_actor::pointer self, source_config cfg) {
  report_failures_as(self, cfg.name, sluice_errc::source_failed);
  auto state = std::make_shared<source_state>(std::move(cfg));
  return {
      [=](trigger_request& req) -> source_progress {
        auto& s = *state;
        auto& c = s.cfg;
        source_progress progress;
        progress.description = c.reader->description();
        progress.start_offset = c.reader->position();
        s.records.clear();
        auto st = req.until.empty() ? c.reader->read(static_cast<size_t>(req.max_records), req.timestamp_us, s.records)
                                    : c.reader->read_until(req.until, req.timestamp_us, s.records);
        if (!st.is_ok()) throw std::runtime_error(c.reader->description() + ": " + st.to_string());
        progress.end_offset = c.reader->position();
        progress.latest_offset = c.reader->latest_position();
        progress.exhausted = c.reader->exhausted();
        progress.num_input_rows = static_cast<int64_t>(s.records.size());

        batch b;
        b.schema = c.schema;
        b.input = c.input;
        b.trigger = req.trigger;
        b.ranges.push_back(source_range{c.name, progress.start_offset, progress.end_offset});
        step_context ctx;
        ctx.trigger = req.trigger;
        if (c.max_future_event_time_us > 0) ctx.max_event_time_us = req.timestamp_us + c.max_future_event_time_us;
        if (c.faults && c.faults->hit("crash:" + c.name))
          throw std::runtime_error("fault injected at crash:" + c.name + " (trigger " + std::to_string(req.trigger) +
                                   ")");
        if (s.frontiers) {
          run_by_partition(self, s, req.timestamp_us, b, ctx);
          auto wm = s.frontiers->watermark(c.reader->open_partitions(), progress.exhausted, req.timestamp_us);
          progress.has_watermark = wm.has_value();
          progress.watermark_us = wm.value_or(0);
          progress.frontiers = s.frontiers->encode();
        } else {
          decode(c, s.decoder, s.records, req.timestamp_us, b, ctx);
          apply_steps(c.steps, b, ctx);
          self->send(c.downstream, std::move(b));
        }
        progress.num_dead_letters = static_cast<int64_t>(ctx.dead_letters.size());
        if (!ctx.dead_letters.empty())
          self->send(c.dead_letters, dead_letter_batch{req.trigger, std::move(ctx.dead_letters)});
        watermark wm;
        wm.trigger = req.trigger;
        wm.input = c.input;
        wm.report.sources.push_back(progress);
        wm.report.event_time = ctx.event_time;
        self->send(c.downstream, std::move(wm));
        return progress;
      },
      [=](barrier& b) { self->send(state->cfg.downstream, std::move(b)); },
  };
}

}  // namespace sluice
