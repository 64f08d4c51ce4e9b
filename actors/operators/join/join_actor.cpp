#include "actors/operators/join/join_actor.hpp"

#include <cstring>
#include <functional>

#include "messages/codec/json_codec.hpp"
#include "messages/data/packed_cells.hpp"
#include "messages/data/time.hpp"

namespace sluice {
namespace {
constexpr char join_row_version = 0x02;  // 0x01: the cells as a JSON array (read too)
}  // namespace

std::string encode_join_row(join_side side, const row& r, bool matched) {
  std::string v;
  v.push_back(join_row_version);
  v.push_back(static_cast<char>(side));
  v.push_back(matched ? 1 : 0);
  int64_t t = r.event_time_us;
  v.append(reinterpret_cast<const char*>(&t), sizeof t);
  pack_cells(r.values, v);
  return v;
}

bool decode_join_row(std::string_view v, join_side& side, row& r, bool& matched, std::string& error) {
  if (v.size() < 11) {
    error = "join state row is truncated";
    return false;
  }
  if (v[0] != 0x01 && v[0] != join_row_version) {
    error = "join state row has format version " + std::to_string(static_cast<int>(v[0])) +
            "; this sluice reads versions 1 and 2";
    return false;
  }
  side = v[1] == 0 ? join_side::left : join_side::right;
  matched = v[2] != 0;
  std::memcpy(&r.event_time_us, v.data() + 3, sizeof r.event_time_us);
  std::string_view cells = v.substr(11);
  bool read = v[0] == 0x01 ? decode_cells(std::string(cells), r.values)  // version 1: a JSON array
                           : unpack_cells(cells, r.values) && cells.empty();
  if (!read) {
    error = "join state row has unreadable cells";
    return false;
  }
  return true;
}

std::string join_row_key(join_side side, uint32_t slot) {
  std::string key(5, '\0');
  key[0] = static_cast<char>(side);
  for (int i = 0; i < 4; ++i) key[static_cast<size_t>(1 + i)] = static_cast<char>(slot >> (24 - 8 * i));
  return key;
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

status join_handler::load(std::string_view key, std::string_view v) {
  join_side side;
  row r;
  bool matched;
  std::string error;
  if (!decode_join_row(v, side, r, matched, error)) return status::corruption(error);
  if (key.size() != 5 || static_cast<uint8_t>(key[0]) != static_cast<uint8_t>(side))
    return status::corruption("join state row has a key that is not (side, slot) of its row");
  uint32_t slot = 0;
  for (int i = 1; i < 5; ++i) slot = (slot << 8) | static_cast<uint8_t>(key[static_cast<size_t>(i)]);
  if (!join_.restore(side, slot, std::move(r), matched))
    return status::corruption("join state has two rows in slot " + std::to_string(slot));
  return status::ok();
}

/// The rows changed since the last epoch as state rows: key = side and buffer slot (stable
/// while the row is buffered), so an epoch writes only rows that came, went or changed their
/// matched flag.
void join_handler::take_delta(int64_t, state_delta& delta) {
  delta.puts.clear();
  delta.deletes.clear();
  delta.bytes = 0;
  join_.take_changes([&](join_side side, uint32_t slot) { delta.deletes.push_back(join_row_key(side, slot)); },
                     [&](join_side side, uint32_t slot, const row& r, bool matched) {
                       delta.puts.emplace_back(join_row_key(side, slot), encode_join_row(side, r, matched));
                       delta.bytes += static_cast<int64_t>(5 + delta.puts.back().second.size());
                     });
  delta.rows = join_.rows_total();
}

}  // namespace sluice
