// `sluice bench checkpoint`: what checkpointing costs and how long recovery takes.
//
//   1. throughput: generator → keyed 10 s tumbling count + sum (10,000 keys) → counting sink,
//      run without a checkpoint and with an epoch every second (LevelDB in a temp directory),
//      alternating, in the same process; the ratio is checkpointed / not.
//   2. recovery: a query that ends holding `--state-rows` groups (one per key, windows that
//      never close) commits them in its last epoch; a second run of the same query on the
//      same checkpoint restores every row into its partitions, rewinds the (finished) source
//      and commits a trigger: its wall time is the time to recover that state.
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "actors/plan/pipeline.hpp"
#include "actors/runtime/query_runner.hpp"
#include "tools/bench/bench_support.hpp"

namespace sluice::cli {
namespace {

query_plan_ptr window_plan(generator_spec spec, int64_t window_us, int partitions,
                           std::shared_ptr<std::atomic<int64_t>> n) {
  pipeline p("bench-checkpoint");
  p.with_trigger(trigger_policy{trigger_kind::available_now, 0});
  p.with_max_records_per_trigger(10000).with_dead_letters("/tmp/sluice-bench-dead");
  p.source(sources::generator("events", spec, keyed_schema()))
      .with_watermark("ts", std::chrono::microseconds(5'000'000))
      .group_by({keys::col("key"), keys::window("ts", std::chrono::microseconds(window_us))})
      .with_partitions(partitions)
      .agg({aggs::count().as("n"), aggs::sum("v").as("total")})
      .to(counting_sink_plan(n));
  return p.build();
}

double timed_run(const query_plan_ptr& plan, const std::string& checkpoint, int64_t interval_us, int64_t& epochs) {
  run_options opts;
  opts.checkpoint_dir = checkpoint;
  opts.checkpoint_interval_us = interval_us;
  epochs = 0;
  opts.on_event = [&](const query_event& e) {
    if (e.kind == "checkpoint") ++epochs;
  };
  return timed_queries({plan}, opts);
}

}  // namespace

int bench_checkpoint(uint64_t records, int runs, int partitions, uint64_t state_rows) {
  namespace fs = std::filesystem;
  auto root = fs::temp_directory_path() / ("sluice-bench-checkpoint-" + std::to_string(::getpid()));
  fs::remove_all(root);
  std::printf("checkpoint cost: %llu events, 10 s tumbling count+sum over 10,000 keys, %d partitions\n",
              static_cast<unsigned long long>(records), partitions);
  double best_none = 1e18, best_ckpt = 1e18;
  for (int r = 0; r < runs; ++r) {
    auto n = std::make_shared<std::atomic<int64_t>>(0);
    int64_t e = 0;
    double none = timed_run(window_plan(keyed_spec(records, 1), 10'000'000, partitions, n), "", 0, e);
    auto m = std::make_shared<std::atomic<int64_t>>(0);
    auto dir = (root / ("run-" + std::to_string(r))).string();
    double ckpt = timed_run(window_plan(keyed_spec(records, 1), 10'000'000, partitions, m), dir, 1'000'000, e);
    if (*n != *m) {
      std::fprintf(stderr, "sluice bench: the runs disagree (%lld vs %lld windows)\n", static_cast<long long>(*n),
                   static_cast<long long>(*m));
      return 1;
    }
    std::printf("  run %d: no checkpoint %.0f events/s, epoch every 1 s %.0f events/s (%lld epochs)\n", r + 1,
                records / none, records / ckpt, static_cast<long long>(e));
    best_none = std::min(best_none, none);
    best_ckpt = std::min(best_ckpt, ckpt);
  }
  std::printf("ratio (checkpoint every 1 s / none, best of %d): %.2f\n", runs, best_none / best_ckpt);

  // Recovery of `state_rows` rows: one group per key in a window that never closes.
  generator_spec spec = keyed_spec(state_rows, 2);
  spec.keys = state_rows;
  spec.spacing_us = 1;  // all within one (1-day) window
  auto n = std::make_shared<std::atomic<int64_t>>(0);
  auto dir = (root / "recovery").string();
  int64_t e = 0;
  double build = timed_run(window_plan(spec, 86'400'000'000, partitions, n), dir, 1'000'000, e);
  uintmax_t bytes = 0;
  for (const auto& f : fs::recursive_directory_iterator(dir))
    if (f.is_regular_file()) bytes += f.file_size();
  double restore = timed_run(window_plan(spec, 86'400'000'000, partitions, n), dir, 1'000'000, e);
  std::printf(
      "recovery: %llu state rows (%.1f MiB of checkpoint) built and committed in %.2f s; restored in %.2f s "
      "(%.0f rows/s)\n",
      static_cast<unsigned long long>(state_rows), bytes / (1024.0 * 1024.0), build, restore, state_rows / restore);
  fs::remove_all(root);
  return 0;
}

}  // namespace sluice::cli
