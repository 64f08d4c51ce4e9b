// `sluice bench checkpoint`: what checkpointing costs and how long recovery takes.
//
//   1. throughput: generator → keyed count + sum → counting sink, run without a checkpoint and
//      with an epoch every second (LevelDB in a temp directory), alternating, in the same
//      process; the ratio of the medians is checkpointed / not. Twice: 10 s tumbling windows
//      over 10,000 keys, then a state that grows to `--state-rows` groups (a 1-day window).
//   2. recovery: a query that ends holding `--state-rows` groups (one per key, windows that
//      never close) commits them in its last epoch; a second run of the same query on the
//      same checkpoint restores every row into its partitions, rewinds the (finished) source
//      and commits an epoch: the time to that epoch is the time to recover that state.
#include <algorithm>
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

/// The run's wall time in seconds; `first_epoch_s`, when given, the time to its first epoch
/// committed (after a restore: the state is back and the query runs).
double timed_run(const query_plan_ptr& plan, const std::string& checkpoint, int64_t interval_us, int64_t& epochs,
                 double* first_epoch_s = nullptr) {
  run_options opts;
  opts.checkpoint_dir = checkpoint;
  opts.checkpoint_interval_us = interval_us;
  epochs = 0;
  auto t0 = std::chrono::steady_clock::now();
  opts.on_event = [&](const query_event& e) {
    if (e.kind != "checkpoint") return;
    if (++epochs == 1 && first_epoch_s)
      *first_epoch_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  return timed_queries({plan}, opts);
}

/// Throughput of `plan(n)` with no checkpoint and with an epoch every second, alternating,
/// median of `runs` each; prints both and their ratio. False when the runs disagree.
bool cost(const char* what, const std::function<query_plan_ptr(std::shared_ptr<std::atomic<int64_t>>)>& plan,
          uint64_t records, int runs, const std::filesystem::path& root) {
  std::printf("checkpoint cost: %s\n", what);
  std::vector<double> none, ckpt;
  for (int r = 0; r < runs; ++r) {
    auto n = std::make_shared<std::atomic<int64_t>>(0);
    auto m = std::make_shared<std::atomic<int64_t>>(0);
    int64_t e = 0;
    none.push_back(static_cast<double>(records) / timed_run(plan(n), "", 0, e));
    auto dir = root / ("run-" + std::to_string(r));
    ckpt.push_back(static_cast<double>(records) / timed_run(plan(m), dir.string(), 1'000'000, e));
    std::filesystem::remove_all(dir);
    if (*n != *m) {
      std::fprintf(stderr, "sluice bench: the runs disagree (%lld vs %lld windows)\n", static_cast<long long>(*n),
                   static_cast<long long>(*m));
      return false;
    }
    std::printf("  run %d: no checkpoint %.0f events/s, epoch every 1 s %.0f events/s (%lld epochs)\n", r + 1,
                none.back(), ckpt.back(), static_cast<long long>(e));
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  std::printf("  ratio (epoch every 1 s / none, medians of %d): %.2f\n", runs, median(ckpt) / median(none));
  return true;
}

}  // namespace

int bench_checkpoint(uint64_t records, int runs, int partitions, uint64_t state_rows) {
  namespace fs = std::filesystem;
  auto root = fs::temp_directory_path() / ("sluice-bench-checkpoint-" + std::to_string(::getpid()));
  fs::remove_all(root);
  char what[200];
  std::snprintf(what, sizeof what, "%llu events, 10 s tumbling count+sum over 10,000 keys, %d partitions",
                static_cast<unsigned long long>(records), partitions);
  bool agree = cost(
      what, [&](auto n) { return window_plan(keyed_spec(records, 1), 10'000'000, partitions, n); }, records, runs,
      root);
  // A large state: `state_rows` groups (one per key, in a window that stays open), each event
  // a new group or an update of one, so every epoch has work to write — but only its own.
  generator_spec big = keyed_spec(2 * state_rows, 3);
  big.keys = state_rows;
  big.spacing_us = 1;
  std::snprintf(what, sizeof what,
                "%llu events into %llu groups of a 1-day window (state grows to %llu rows), %d partitions",
                static_cast<unsigned long long>(2 * state_rows), static_cast<unsigned long long>(state_rows),
                static_cast<unsigned long long>(state_rows), partitions);
  agree = agree && cost(
                       what, [&](auto n) { return window_plan(big, 86'400'000'000, partitions, n); }, 2 * state_rows,
                       runs, root);
  if (!agree) return 1;

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
  double restored = 0;
  double whole = timed_run(window_plan(spec, 86'400'000'000, partitions, n), dir, 1'000'000, e, &restored);
  std::printf(
      "recovery: %llu state rows (%.1f MiB of checkpoint) built and committed in %.2f s; restored and an epoch "
      "committed in %.2f s (%.0f rows/s); the whole run, stop and teardown included, %.2f s\n",
      static_cast<unsigned long long>(state_rows), bytes / (1024.0 * 1024.0), build, restored, state_rows / restored,
      whole);
  fs::remove_all(root);
  return 0;
}

}  // namespace sluice::cli
