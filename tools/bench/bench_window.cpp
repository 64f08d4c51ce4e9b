// `sluice bench window`: generator → keyed 10 s tumbling count + sum (10,000 keys, 5 s
// watermark delay, append) → counting sink through the real actors, next to a plain
// single-threaded loop doing the same work (generate the same JSON, parse it by the same
// schema — or, with `--input rows`, make the same rows in memory on both sides — aggregate in a hash map, close windows
// as the watermark passes them) in the same run, and the ratio. Both sides must emit the same windows and the same
// total count.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <unordered_map>

#include "actors/plan/pipeline.hpp"
#include "actors/runtime/query_runner.hpp"
#include "messages/codec/json_codec.hpp"
#include "tools/bench/bench_support.hpp"

namespace sluice::cli {
namespace {

constexpr int64_t window_us = 10'000'000, delay_us = 5'000'000;

struct window_run {
  double events_per_s = 0;
  int64_t windows = 0;
  int64_t peak_state_rows = 0;
};

window_run engine_window(uint64_t records, int64_t batch_rows, int credits, int partitions, bench_input input) {
  auto n = std::make_shared<std::atomic<int64_t>>(0);
  pipeline p("bench-window");
  bench_triggers(p, batch_rows, credits);
  p.source(keyed_source("events", keyed_spec(records, 1), input))
      .with_watermark("ts", std::chrono::microseconds(delay_us))
      .group_by({keys::col("key"), keys::window("ts", std::chrono::microseconds(window_us))})
      .with_partitions(partitions)
      .agg({aggs::count().as("n"), aggs::sum("v").as("total")})
      .to(counting_sink_plan(n));
  window_run out;
  run_options opts;
  opts.progress_path = "/tmp/sluice-bench-window-progress.jsonl";
  double s = timed_queries({p.build()}, opts);
  out.events_per_s = static_cast<double>(records) / s;
  out.windows = *n;
  std::FILE* f = std::fopen(opts.progress_path.c_str(), "r");
  if (f) {
    char line[1 << 14];
    while (std::fgets(line, sizeof line, f)) {
      const char* k = std::strstr(line, "\"numRowsTotal\":");
      if (k) out.peak_state_rows = std::max<int64_t>(out.peak_state_rows, std::atoll(k + 15));
    }
    std::fclose(f);
  }
  std::remove(opts.progress_path.c_str());
  return out;
}

// The baseline: one thread, batches of `batch_rows` like the engine's triggers; the watermark
// after a batch closes windows before the next, as append mode does.
window_run baseline_window(uint64_t records, int64_t batch_rows, bench_input input) {
  auto spec = keyed_spec(records, 1);
  row_decoder dec(keyed_schema());
  struct acc {
    int64_t n = 0, total = 0;
  };
  std::unordered_map<int64_t, std::unordered_map<int64_t, acc>> by_window;  // start → key → acc
  std::map<int64_t, bool> starts;
  int64_t watermark = INT64_MIN, max_ts = INT64_MIN;
  window_run out;
  row r;
  auto t0 = std::chrono::steady_clock::now();
  for (uint64_t i = 0; i < records; ++i) {
    if (!keyed_row(spec, i, input, dec, r)) continue;
    int64_t ts = r.event_time_us;
    int64_t start = ts - ((ts % window_us) + window_us) % window_us;
    if (watermark == INT64_MIN || start + window_us > watermark) {
      auto& a = by_window[start][std::get<int64_t>(r.values[0])];
      ++a.n;
      a.total += std::get<int64_t>(r.values[2]);
      starts[start] = true;
    }
    max_ts = std::max(max_ts, ts);
    if ((i + 1) % static_cast<uint64_t>(batch_rows) == 0 || i + 1 == records) {
      watermark = std::max(watermark, max_ts - delay_us);
      int64_t rows = 0;
      for (const auto& [s, w] : by_window) rows += static_cast<int64_t>(w.size());
      out.peak_state_rows = std::max(out.peak_state_rows, rows);
      while (!starts.empty() && starts.begin()->first + window_us <= watermark) {
        auto it = by_window.find(starts.begin()->first);
        out.windows += static_cast<int64_t>(it->second.size());
        by_window.erase(it);
        starts.erase(starts.begin());
      }
    }
  }
  out.events_per_s =
      static_cast<double>(records) / std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

}  // namespace

int bench_window(uint64_t records, int runs, int64_t batch, int credits, int partitions, bench_input input) {
  window_run e, b;  // the last run of each side
  auto m = alternate_runs(
      runs, [&] { return (b = baseline_window(records, batch, input)).events_per_s; },
      [&] { return (e = engine_window(records, batch, credits, partitions, input)).events_per_s; });
  std::printf(
      "bench window: %llu events, 10,000 keys, 10 s tumbling count + sum, 5 s watermark delay, append, %d runs each, "
      "batch %lld, credits %d, %d partitions, input %s\n",
      static_cast<unsigned long long>(records), runs, static_cast<long long>(batch), credits, partitions,
      input == bench_input::rows ? "rows (in memory, no JSON)" : "json");
  std::printf("  baseline (one thread: %s → hash aggregate → close windows): %12.0f events/s\n",
              input == bench_input::rows ? "make rows" : "parse", m.baseline);
  std::printf("  sluice   (generator → router → window partitions → sink):      %12.0f events/s\n", m.engine);
  std::printf(
      "  ratio sluice / baseline: %.2f   (windows emitted: engine %lld, baseline %lld; peak state rows: "
      "engine %lld, baseline %lld)\n",
      m.engine / m.baseline, static_cast<long long>(e.windows), static_cast<long long>(b.windows),
      static_cast<long long>(e.peak_state_rows), static_cast<long long>(b.peak_state_rows));
  if (e.windows != b.windows) {
    std::fprintf(stderr, "bench window: engine and baseline emitted different windows\n");
    return 1;
  }
  return 0;
}

}  // namespace sluice::cli
