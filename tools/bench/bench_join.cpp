// `sluice bench join`: events/s through generator → inner interval join (10,000 keys, ±10 s
// range, 5 s watermark delay on both sides) → counting sink through the real actors, next to
// a plain single-threaded loop doing the same work (parse both sides' JSON with the same
// decoder, hash join, evict as the watermark passes) in the same run, and the ratio, with the
// engine's peak state per buffered row. Both sides must find the same matches.
#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <deque>
#include <fstream>
#include <unordered_map>

#include "messages/codec/json_codec.hpp"
#include "tools/bench/bench_support.hpp"

namespace sluice::cli {
namespace {
constexpr int64_t join_range_us = 10'000'000;  // right.ts BETWEEN left.ts − 10 s AND left.ts + 10 s
constexpr int64_t join_delay_us = 5'000'000;   // watermark delay on both sides

struct join_run {
  double events_per_s = 0;
  int64_t matches = 0;
  int64_t peak_state_rows = 0;
  int64_t peak_state_bytes = 0;
};

join_run engine_join(uint64_t per_side, int64_t batch_rows, int credits, int partitions, bench_input input,
                     const std::string& progress) {
  auto n = std::make_shared<std::atomic<int64_t>>(0);
  pipeline p("bench-join");
  bench_triggers(p, batch_rows, credits);
  auto l = p.source(keyed_source("left", keyed_spec(per_side, 1), input))
               .with_watermark("ts", std::chrono::microseconds(join_delay_us));
  auto r = p.source(keyed_source("right", keyed_spec(per_side, 2), input))
               .with_watermark("ts", std::chrono::microseconds(join_delay_us));
  join_options j;
  j.on = {{"key", "key"}};
  j.time_range =
      join_options::range{"right.ts", "left.ts", time_bound{-join_range_us, true}, time_bound{join_range_us, true}};
  j.output_columns = {"left.key", "left.v", "right.v"};
  j.partitions = partitions;
  l.join(r, j).to(counting_sink_plan(n));
  run_options ro;
  ro.progress_path = progress;
  double s = timed_queries({p.build()}, ro);
  join_run out;
  out.events_per_s = static_cast<double>(2 * per_side) / s;
  out.matches = *n;
  std::ifstream in(progress);
  std::string line;
  while (std::getline(in, line)) {
    auto o = boost::json::parse(line).as_object();
    for (const auto& op : o["stateOperators"].as_array()) {
      auto& m = op.as_object();
      out.peak_state_rows = std::max(out.peak_state_rows, m.at("numRowsTotal").as_int64());
      out.peak_state_bytes = std::max(out.peak_state_bytes, m.at("memoryUsedBytes").as_int64());
    }
  }
  return out;
}

// The same work in one thread, written plainly: parse both sides' JSON with the same decoder
// (or, for `rows`, make the same rows in memory),
// a hash map of key → rows per side, match the range against the other side, append, and evict
// in time order (each generator's times only grow) once the watermark passes.
join_run baseline_join(uint64_t per_side, int64_t batch_rows, bench_input input) {
  struct side {
    std::unordered_map<int64_t, std::vector<std::pair<int64_t, int64_t>>> by_key;  // key → (ts, v)
    std::deque<std::pair<int64_t, int64_t>> by_time;                               // (ts, key)
    int64_t max_ts = 0;
  };
  auto l = keyed_spec(per_side, 1), r = keyed_spec(per_side, 2);
  row_decoder dec(keyed_schema());
  side sides[2];
  int64_t matches = 0, watermark = 0, peak = 0;
  auto t0 = std::chrono::steady_clock::now();
  row rw;
  for (uint64_t start = 0; start < per_side; start += static_cast<uint64_t>(batch_rows)) {
    uint64_t end = std::min<uint64_t>(per_side, start + static_cast<uint64_t>(batch_rows));
    for (int s = 0; s < 2; ++s) {
      side& me = sides[s];
      side& other = sides[1 - s];
      for (uint64_t i = start; i < end; ++i) {
        if (!keyed_row(s == 0 ? l : r, i, input, dec, rw)) continue;
        int64_t key = std::get<int64_t>(rw.values[0]), ts = std::get<int64_t>(rw.values[1]),
                v = std::get<int64_t>(rw.values[2]);
        if (ts <= watermark) continue;
        auto it = other.by_key.find(key);
        if (it != other.by_key.end())
          for (const auto& [ots, ov] : it->second)
            if (ts - ots <= join_range_us && ots - ts <= join_range_us) ++matches;
        me.by_key[key].emplace_back(ts, v);
        me.by_time.emplace_back(ts, key);
        me.max_ts = std::max(me.max_ts, ts);
      }
    }
    watermark = std::max(watermark, std::min(sides[0].max_ts, sides[1].max_ts) - join_delay_us);
    for (auto& sd : sides) {  // a row can still match while ts > W − range
      while (!sd.by_time.empty() && sd.by_time.front().first <= watermark - join_range_us - 1000) {
        auto [ts, key] = sd.by_time.front();
        sd.by_time.pop_front();
        auto& v = sd.by_key[key];
        v.erase(v.begin());
        if (v.empty()) sd.by_key.erase(key);
      }
    }
    peak = std::max<int64_t>(peak, static_cast<int64_t>(sides[0].by_time.size() + sides[1].by_time.size()));
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  join_run out;
  out.events_per_s = static_cast<double>(2 * per_side) / secs;
  out.matches = matches;
  out.peak_state_rows = peak;
  return out;
}

}  // namespace

int bench_join(uint64_t per_side, int runs, int64_t batch, int credits, int partitions, bench_input input) {
  join_run e, b;  // the last run of each side
  auto m = alternate_runs(
      runs, [&] { return (b = baseline_join(per_side, batch, input)).events_per_s; },
      [&] {
        e = engine_join(per_side, batch, credits, partitions, input, "/tmp/sluice-bench-join-progress.jsonl");
        std::remove("/tmp/sluice-bench-join-progress.jsonl");
        return e.events_per_s;
      });
  std::printf(
      "bench join: %llu events per side, inner, 10,000 keys, ±10 s range, 5 s watermark delay, %d runs each, "
      "batch %lld, credits %d, %d partitions, input %s\n",
      static_cast<unsigned long long>(per_side), runs, static_cast<long long>(batch), credits, partitions,
      input == bench_input::rows ? "rows (in memory, no JSON)" : "json");
  std::printf("  baseline (one thread: %s → hash join → evict):   %12.0f events/s\n",
              input == bench_input::rows ? "make rows" : "parse", m.baseline);
  std::printf("  sluice   (generators → join partitions → sink):      %12.0f events/s\n", m.engine);
  std::printf("  ratio sluice / baseline: %.2f   (matches: engine %lld, baseline %lld)\n", m.engine / m.baseline,
              static_cast<long long>(e.matches), static_cast<long long>(b.matches));
  if (e.peak_state_rows > 0)
    std::printf(
        "  state: peak %lld buffered rows, %lld bytes → %.0f bytes per buffered row (baseline peak %lld rows)\n",
        static_cast<long long>(e.peak_state_rows), static_cast<long long>(e.peak_state_bytes),
        static_cast<double>(e.peak_state_bytes) / static_cast<double>(e.peak_state_rows),
        static_cast<long long>(b.peak_state_rows));
  if (e.matches != b.matches) {
    std::fprintf(stderr, "bench join: engine and baseline found different matches\n");
    return 1;
  }
  return 0;
}

}  // namespace sluice::cli
