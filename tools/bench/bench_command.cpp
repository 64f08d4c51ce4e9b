// `sluice bench WHAT`: reads the options and starts one benchmark (join, window, decode, kafka,
// cdc and checkpoint have files of their own), and is itself `sluice bench passthrough`: events/s
// through generator → from_json → filter → sink with batched messages through the real actors,
// next to a plain single-threaded loop doing the same work (generate the same JSON, parse it
// by the same schema, same filter, count) in the same run, and the ratio. Runs alternate and
// the median of each side is reported, because this machine is shared and noisy.
#include <algorithm>
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>

#include "messages/codec/json_codec.hpp"
#include "tools/bench/bench_support.hpp"
#include "tools/cli/commands.hpp"
#include "tools/cli/verb_options.hpp"

namespace sluice::cli {
namespace po = boost::program_options;
namespace {

constexpr double amount_threshold = 100.0;

double engine_run(uint64_t count, int64_t batch_rows, int credits, int64_t& kept) {
  generator_spec spec;
  spec.count = count;
  spec.seed = 7;
  auto n = std::make_shared<std::atomic<int64_t>>(0);
  pipeline p("bench-passthrough");
  bench_triggers(p, batch_rows, credits);
  p.source(sources::generator("events", spec, sources::events_schema()))
      .filter([](const record& r) { return r.num("amount") > amount_threshold; }, "amount > 100")
      .to(counting_sink_plan(n));
  double s = timed_queries({p.build()}, run_options{});
  kept = *n;
  return static_cast<double>(count) / s;
}

double baseline_run(uint64_t count, int64_t& kept) {
  generator_spec spec;
  spec.count = count;
  spec.seed = 7;
  auto t0 = std::chrono::steady_clock::now();
  row_decoder decoder(sources::events_schema());
  const schema& s = *sources::events_schema();
  int64_t k = 0;
  row r;
  for (uint64_t i = 0; i < count; ++i) {
    std::string text = generate_record(spec, i);
    if (!decoder.decode(text, r).empty()) continue;
    if (record(s, r).num("amount") > amount_threshold) ++k;
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  kept = k;
  return static_cast<double>(count) / secs;
}

}  // namespace

int bench_command(const std::vector<std::string>& args) {
  po::options_description d("options");
  d.add_options()("help,h", "this help")("records", po::value<uint64_t>()->default_value(1'000'000), "events per run")(
      "batch", po::value<int64_t>()->default_value(4096), "records per trigger (batch size)")(
      "credits", po::value<int>()->default_value(4), "triggers in flight")("runs", po::value<int>()->default_value(3),
                                                                           "runs of each side (median reported)")(
      "partitions", po::value<int>()->default_value(2), "join, window, checkpoint: partitions")(
      "input", po::value<std::string>()->default_value("json"),
      "join, window: json (generated JSON decoded by the source) or rows (typed rows made in memory: the operator "
      "alone)")("state-rows", po::value<uint64_t>()->default_value(1'000'000), "checkpoint: state rows to recover");
  verb_syntax syntax{"bench", "usage: sluice bench passthrough|join|window|decode|kafka|cdc|checkpoint [options]",
                     "what", 1, false};
  po::variables_map vm;
  if (auto done = parse_verb(syntax, d, args, vm)) return *done;
  std::string what = vm["what"].as<std::string>();
  if (what != "passthrough" && what != "join" && what != "window" && what != "decode" && what != "kafka" &&
      what != "cdc" && what != "checkpoint") {
    std::fprintf(stderr,
                 "sluice bench: unknown benchmark '%s'; accepted: passthrough, join, window, decode, kafka, cdc, "
                 "checkpoint\n",
                 what.c_str());
    return 2;
  }
  uint64_t records = vm["records"].as<uint64_t>();
  int runs = std::max(1, vm["runs"].as<int>());
  int64_t batch = vm["batch"].as<int64_t>();
  int credits = vm["credits"].as<int>();
  if (batch < 1 || credits < 1) {
    std::fprintf(stderr, "sluice bench: --batch and --credits must be ≥ 1\n");
    return 2;
  }
  if (what == "kafka") return bench_kafka(records, runs);
  if (what == "decode") return bench_decode(records, runs);
  if (what == "cdc") return bench_cdc(records, runs);
  if (what == "checkpoint")
    return bench_checkpoint(records, runs, std::max(1, vm["partitions"].as<int>()), vm["state-rows"].as<uint64_t>());
  if (what == "join" || what == "window") {
    int partitions = vm["partitions"].as<int>();
    if (partitions < 1) {
      std::fprintf(stderr, "sluice bench: --partitions must be ≥ 1\n");
      return 2;
    }
    std::string in = vm["input"].as<std::string>();
    if (in != "json" && in != "rows") {
      std::fprintf(stderr, "sluice bench: --input '%s': expected json or rows\n", in.c_str());
      return 2;
    }
    auto input = in == "rows" ? bench_input::rows : bench_input::json;
    if (what == "window") return bench_window(records, runs, batch, credits, partitions, input);
    return bench_join(records / 2, runs, batch, credits, partitions, input);
  }
  int64_t kept_engine = 0, kept_base = 0;
  auto m = alternate_runs(
      runs, [&] { return baseline_run(records, kept_base); },
      [&] { return engine_run(records, batch, credits, kept_engine); });
  std::printf("bench passthrough: %llu events per run, %d runs each, batch %lld, credits %d\n",
              static_cast<unsigned long long>(records), runs, static_cast<long long>(batch), credits);
  std::printf("  baseline (one thread: generate → parse → filter → count): %12.0f events/s\n", m.baseline);
  std::printf("  sluice   (generator → filter → sink actors, batched):     %12.0f events/s\n", m.engine);
  std::printf("  ratio sluice / baseline: %.2f   (rows kept: engine %lld, baseline %lld)\n", m.engine / m.baseline,
              static_cast<long long>(kept_engine), static_cast<long long>(kept_base));
  if (kept_engine != kept_base) {
    std::fprintf(stderr, "bench passthrough: engine and baseline kept different row counts\n");
    return 1;
  }
  return 0;
}

}  // namespace sluice::cli
