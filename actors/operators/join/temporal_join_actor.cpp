#include "actors/operators/join/temporal_join_actor.hpp"

#include "messages/codec/json_codec.hpp"
#include "messages/data/time.hpp"

namespace sluice {
namespace {

constexpr char format_version = 0x01;

void append_big_endian(std::string& out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>(v >> (8 * i)));
}

uint64_t read_big_endian(std::string_view in) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(in[static_cast<size_t>(i)]);
  return v;
}

}  // namespace

// Times are stored with the sign bit flipped, so keys sort by time as unsigned bytes.
std::string temporal_probe_key(int64_t time, uint64_t arrival) {
  std::string k(1, 'p');
  append_big_endian(k, static_cast<uint64_t>(time) ^ (uint64_t{1} << 63));
  append_big_endian(k, arrival);
  return k;
}

std::string temporal_version_key(const std::string& key, int64_t time) {
  std::string k(1, 'v');
  k += key;
  append_big_endian(k, static_cast<uint64_t>(time) ^ (uint64_t{1} << 63));
  return k;
}

std::string encode_temporal_row(const row& r) {
  std::string v(1, format_version);
  v += encode_cells(r.values);
  return v;
}

bool decode_temporal_row(std::string_view v, row& r, std::string& error) {
  if (v.empty()) {
    error = "temporal join state row is empty";
    return false;
  }
  if (v[0] != format_version) {
    error = "temporal join state row has format version " + std::to_string(static_cast<int>(v[0])) +
            "; this sluice reads version 1";
    return false;
  }
  if (!decode_cells(std::string(v.substr(1)), r.values)) {
    error = "temporal join state row has unreadable cells";
    return false;
  }
  return true;
}

void temporal_join_handler::on_batch(batch& b, int64_t watermark_us, host_output& out) {
  if (b.input == 0)
    state_.add_probe(b.rows, watermark_us, o_.route_late_rows ? &late_ : nullptr);
  else
    state_.add_versions(b.rows, watermark_us, o_.route_late_rows ? &late_ : nullptr);
  for (const auto& r : late_)
    out.dead.push_back(dead_letter{encode_row(*b.schema, r),
                                   "late row from input '" + o_.input_names[b.input == 0 ? 0 : 1] +
                                       "': its event time is at or below the watermark " +
                                       format_iso8601_ms(watermark_us),
                                   "", b.trigger});
  late_.clear();
}

state_operator_progress temporal_join_handler::on_watermark(const trigger_end& end, host_output& out) {
  // Flink's timing: rows are emitted once the watermark passes them, whether or not the
  // trigger had data.
  state_.advance(end.next_watermark_us, out.rows);
  auto c = state_.take_counters();
  int64_t stored = c.probe_rows - c.late_probe + c.version_rows - c.late_versions - c.unkeyed_versions;
  auto p = trigger_metrics(stats(), stored, c.versions_removed, c.late_probe + c.late_versions, o_.partitions);
  p.num_state_store_instances = 1;
  p.custom_metrics["bufferedProbeRows"] = state_.buffered_probe_rows();
  p.custom_metrics["tableVersions"] = state_.versions();
  p.custom_metrics["tableKeys"] = state_.keys();
  p.custom_metrics["emittedRows"] = c.emitted;
  p.custom_metrics["missedRows"] = c.misses;
  p.custom_metrics["lateRows." + o_.input_names[0]] = c.late_probe;
  p.custom_metrics["lateRows." + o_.input_names[1]] = c.late_versions;
  return p;
}

state_operator_progress temporal_join_handler::stats() const {
  return state_totals("temporalJoin", state_.buffered_probe_rows() + state_.versions(), state_.memory_used_bytes());
}

status temporal_join_handler::load(std::string_view key, std::string_view value) {
  row r;
  std::string error;
  if (!decode_temporal_row(value, r, error)) return status::corruption(error);
  if (!key.empty() && key[0] == 'p' && key.size() == 17) {
    auto time = static_cast<int64_t>(read_big_endian(key.substr(1)) ^ (uint64_t{1} << 63));
    state_.restore_probe(time, read_big_endian(key.substr(9)), std::move(r));
    return status::ok();
  }
  if (!key.empty() && key[0] == 'v') {
    state_.restore_version(std::move(r));
    return status::ok();
  }
  return status::corruption("temporal join state has a row under an unknown key");
}

/// Probe rows keyed by (time, arrival) and versions by (key, time): both stay put while the
/// row is kept, so an epoch rewrites only the rows that came or went.
void temporal_join_handler::save(const state_store::row_writer& put) const {
  state_.for_each_probe([&](int64_t time, uint64_t arrival, const row& r) {
    put(temporal_probe_key(time, arrival), encode_temporal_row(r));
  });
  state_.for_each_version([&](const std::string& key, int64_t time, const row& r) {
    put(temporal_version_key(key, time), encode_temporal_row(r));
  });
}

}  // namespace sluice
