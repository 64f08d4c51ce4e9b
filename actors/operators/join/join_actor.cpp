#include "actors/operators/join/join_actor.hpp"

#include <cstring>
#include <functional>

#include "messages/codec/json_codec.hpp"
#include "messages/data/time.hpp"

namespace sluice {

std::string encode_join_row(join_side side, const row& r, bool matched) {
  std::string v;
  v.push_back(0x01);
  v.push_back(static_cast<char>(side));
  v.push_back(matched ? 1 : 0);
  int64_t t = r.event_time_us;
  v.append(reinterpret_cast<const char*>(&t), sizeof t);
  v += encode_cells(r.values);
  return v;
}

bool decode_join_row(std::string_view v, join_side& side, row& r, bool& matched, std::string& error) {
  if (v.size() < 11) {
    error = "join state row is truncated";
    return false;
  }
  if (v[0] != 0x01) {
    error =
        "join state row has format version " + std::to_string(static_cast<int>(v[0])) + "; this sluice reads version 1";
    return false;
  }
  side = v[1] == 0 ? join_side::left : join_side::right;
  matched = v[2] != 0;
  std::memcpy(&r.event_time_us, v.data() + 3, sizeof r.event_time_us);
  if (!decode_cells(std::string(v.substr(11)), r.values)) {
    error = "join state row has unreadable cells";
    return false;
  }
  return true;
}

void join_handler::on_batch(batch& b, int64_t watermark_us, host_output& out) {
  auto side = b.input == 0 ? join_side::left : join_side::right;
  join_.process(side, b.rows, watermark_us, out.rows, o_.route_late_rows ? &late_ : nullptr);
  for (const auto& r : late_)
    out.dead.push_back(dead_letter{encode_row(*b.schema, r),
                                   "late row from input '" + o_.input_names[b.input] +
                                       "': its event time is at or below the watermark " +
                                       format_iso8601_ms(watermark_us),
                                   "", b.trigger});
  late_.clear();
}

state_operator_progress join_handler::on_watermark(const trigger_end& end, host_output& out) {
  // Spark's timing: with no-data batches the new watermark evicts at once (the no-data
  // batch); without them, only a trigger that had data evicts, with the watermark it ran with.
  if (end.no_data_batches)
    join_.evict(end.next_watermark_us, out.rows);
  else if (end.had_rows)
    join_.evict(end.watermark_us, out.rows);
  auto c = join_.take_counters();
  auto p = trigger_metrics(stats(), c.updated, c.removed, c.dropped_late[0] + c.dropped_late[1], o_.partitions);
  p.num_state_store_instances = 1;
  p.custom_metrics["bufferedRowsLeft"] = join_.rows(join_side::left);
  p.custom_metrics["bufferedRowsRight"] = join_.rows(join_side::right);
  p.custom_metrics["inputRowsLeft"] = c.input_rows[0];
  p.custom_metrics["inputRowsRight"] = c.input_rows[1];
  p.custom_metrics["matchedInputRows"] = c.matched_rows[0] + c.matched_rows[1];
  p.custom_metrics["lateRows." + o_.input_names[0]] = c.dropped_late[0];
  p.custom_metrics["lateRows." + o_.input_names[1]] = c.dropped_late[1];
  p.custom_metrics["evictedRows"] = c.evicted;
  return p;
}

state_operator_progress join_handler::stats() const {
  return state_totals("symmetricHashJoin", join_.rows_total(), join_.memory_used_bytes());
}

status join_handler::load(std::string_view, std::string_view v) {
  join_side side;
  row r;
  bool matched;
  std::string error;
  if (!decode_join_row(v, side, r, matched, error)) return status::corruption(error);
  join_.restore(side, std::move(r), matched);
  return status::ok();
}

/// The buffered rows as state rows: key = side and buffer slot (stable while the row is
/// buffered, so an epoch rewrites only rows that came, went or changed their matched flag).
void join_handler::save(const state_store::row_writer& put) const {
  join_.for_each_slot([&](join_side side, uint32_t slot, const row& r, bool matched) {
    char key[5];
    key[0] = static_cast<char>(side);
    for (int i = 0; i < 4; ++i) key[1 + i] = static_cast<char>(slot >> (24 - 8 * i));
    put(std::string_view(key, 5), encode_join_row(side, r, matched));
  });
}

}  // namespace sluice
