// `sluice bench passthrough`: events/s through generator → from_json → filter → sink with
// batched messages through the real actors, next to a plain single-threaded loop doing the
// same work (generate the same JSON, parse it by the same schema, same filter, count) in the
// same run, and the ratio. Runs alternate and the median of each side is reported, because
// this machine is shared and noisy.
#include <algorithm>
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>

#include "actors/pipeline.hpp"
#include "actors/query_runner.hpp"
#include "messages/json_codec.hpp"
#include "tools/commands.hpp"

namespace sluice::cli {
namespace po = boost::program_options;
namespace {

class counting_sink final : public row_sink {
 public:
  explicit counting_sink(std::shared_ptr<std::atomic<int64_t>> n) : n_(std::move(n)) {}
  status write(const batch& b) override {
    *n_ += static_cast<int64_t>(b.rows.size());
    return status::ok();
  }
  status finish(int64_t, int64_t& rows) override {
    rows = 0;
    return status::ok();
  }
  std::string description() const override { return "CountingSink"; }

 private:
  std::shared_ptr<std::atomic<int64_t>> n_;
};

constexpr double amount_threshold = 100.0;

double engine_run(uint64_t count, int64_t batch_rows, int credits, int64_t& kept) {
  generator_spec spec;
  spec.count = count;
  spec.seed = 7;
  auto n = std::make_shared<std::atomic<int64_t>>(0);
  pipeline p("bench-passthrough");
  p.with_trigger(trigger_policy{trigger_kind::available_now, 0});
  p.with_max_records_per_trigger(batch_rows).with_trigger_credits(credits).with_dead_letters("/tmp/sluice-bench-dead");
  p.source(sources::generator("events", spec, sources::events_schema()))
      .filter([](const record& r) { return r.num("amount") > amount_threshold; }, "amount > 100")
      .to(sink_plan{"CountingSink", [n] { return std::make_shared<counting_sink>(n); }, nullptr});
  auto plan = p.build();
  auto t0 = std::chrono::steady_clock::now();
  auto result = run_queries({plan}, run_options{});
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!result.ok) throw std::runtime_error("bench query failed: " + result.outcomes.front().message);
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
                                                                           "runs of each side (median reported)");
  po::options_description all;
  all.add(d).add_options()("what", po::value<std::string>(), "");
  po::positional_options_description pos;
  pos.add("what", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::fprintf(stderr, "sluice bench: %s\n", e.what());
    return 2;
  }
  if (vm.count("help") || !vm.count("what")) {
    std::cout << "usage: sluice bench passthrough [options]\n\n" << d << "\n";
    return vm.count("help") ? 0 : 2;
  }
  if (vm["what"].as<std::string>() != "passthrough") {
    std::fprintf(stderr, "sluice bench: unknown benchmark '%s'; accepted: passthrough\n",
                 vm["what"].as<std::string>().c_str());
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
  std::vector<double> engine, base;
  int64_t kept_engine = 0, kept_base = 0;
  for (int i = 0; i < runs; ++i) {
    base.push_back(baseline_run(records, kept_base));
    engine.push_back(engine_run(records, batch, credits, kept_engine));
  }
  std::sort(engine.begin(), engine.end());
  std::sort(base.begin(), base.end());
  double e = engine[engine.size() / 2], b = base[base.size() / 2];
  std::printf("bench passthrough: %llu events per run, %d runs each, batch %lld, credits %d\n",
              static_cast<unsigned long long>(records), runs, static_cast<long long>(batch), credits);
  std::printf("  baseline (one thread: generate → parse → filter → count): %12.0f events/s\n", b);
  std::printf("  sluice   (generator → filter → sink actors, batched):     %12.0f events/s\n", e);
  std::printf("  ratio sluice / baseline: %.2f   (rows kept: engine %lld, baseline %lld)\n", e / b,
              static_cast<long long>(kept_engine), static_cast<long long>(kept_base));
  if (kept_engine != kept_base) {
    std::fprintf(stderr, "bench passthrough: engine and baseline kept different row counts\n");
    return 1;
  }
  return 0;
}

}  // namespace sluice::cli
