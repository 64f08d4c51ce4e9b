// `sluice bench passthrough`: events/s through generator → from_json → filter → sink with
// batched messages through the real actors, next to a plain single-threaded loop doing the
// same work (generate the same JSON, parse it by the same schema, same filter, count) in the
// same run, and the ratio. Runs alternate and the median of each side is reported, because
// this machine is shared and noisy.
#include <algorithm>
#include <boost/json.hpp>
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <deque>
#include <fstream>
#include <iostream>
#include <unordered_map>

#include "actors/plan/pipeline.hpp"
#include "actors/runtime/query_runner.hpp"
#include "messages/codec/json_codec.hpp"
#include "tools/bench/bench_support.hpp"
#include "tools/cli/commands.hpp"

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
  p.with_trigger(trigger_policy{trigger_kind::available_now, 0});
  p.with_max_records_per_trigger(batch_rows).with_trigger_credits(credits).with_dead_letters("/tmp/sluice-bench-dead");
  p.source(sources::generator("events", spec, sources::events_schema()))
      .filter([](const record& r) { return r.num("amount") > amount_threshold; }, "amount > 100")
      .to(sink_plan{"CountingSink", [n] { return std::make_shared<counting_sink>(n); }, nullptr, {}});
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

// ---- join: generator → join → counting sink, vs. a plain single-threaded interval join ----

constexpr int64_t join_range_us = 10'000'000;  // right.ts BETWEEN left.ts − 10 s AND left.ts + 10 s
constexpr int64_t join_delay_us = 5'000'000;   // watermark delay on both sides

struct join_run {
  double events_per_s = 0;
  int64_t matches = 0;
  int64_t peak_state_rows = 0;
  int64_t peak_state_bytes = 0;
};

join_run engine_join(uint64_t per_side, int64_t batch_rows, int credits, int partitions, const std::string& progress) {
  auto n = std::make_shared<std::atomic<int64_t>>(0);
  pipeline p("bench-join");
  p.with_trigger(trigger_policy{trigger_kind::available_now, 0});
  p.with_max_records_per_trigger(batch_rows).with_trigger_credits(credits).with_dead_letters("/tmp/sluice-bench-dead");
  auto l = p.source(sources::generator("left", keyed_spec(per_side, 1), keyed_schema()))
               .with_watermark("ts", std::chrono::microseconds(join_delay_us));
  auto r = p.source(sources::generator("right", keyed_spec(per_side, 2), keyed_schema()))
               .with_watermark("ts", std::chrono::microseconds(join_delay_us));
  join_options j;
  j.on = {{"key", "key"}};
  j.time_range =
      join_options::range{"right.ts", "left.ts", time_bound{-join_range_us, true}, time_bound{join_range_us, true}};
  j.output_columns = {"left.key", "left.v", "right.v"};
  j.partitions = partitions;
  l.join(r, j).to(sink_plan{"CountingSink", [n] { return std::make_shared<counting_sink>(n); }, nullptr, {}});
  run_options ro;
  ro.progress_path = progress;
  auto t0 = std::chrono::steady_clock::now();
  auto result = run_queries({p.build()}, ro);
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!result.ok) throw std::runtime_error("bench query failed: " + result.outcomes.front().message);
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

// The same work in one thread, written plainly: parse both sides' JSON with the same decoder,
// a hash map of key → rows per side, match the range against the other side, append, and evict
// in time order (each generator's times only grow) once the watermark passes.
join_run baseline_join(uint64_t per_side, int64_t batch_rows) {
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
        if (!dec.decode(generate_record(s == 0 ? l : r, i), rw).empty()) continue;
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

int bench_join(uint64_t per_side, int runs, int64_t batch, int credits, int partitions) {
  std::vector<double> engine, base;
  join_run e, b;
  for (int i = 0; i < runs; ++i) {
    b = baseline_join(per_side, batch);
    base.push_back(b.events_per_s);
    e = engine_join(per_side, batch, credits, partitions, "/tmp/sluice-bench-join-progress.jsonl");
    std::remove("/tmp/sluice-bench-join-progress.jsonl");
    engine.push_back(e.events_per_s);
  }
  std::sort(engine.begin(), engine.end());
  std::sort(base.begin(), base.end());
  double em = engine[engine.size() / 2], bm = base[base.size() / 2];
  std::printf(
      "bench join: %llu events per side, inner, 10,000 keys, ±10 s range, 5 s watermark delay, %d runs each, "
      "batch %lld, credits %d, %d partitions\n",
      static_cast<unsigned long long>(per_side), runs, static_cast<long long>(batch), credits, partitions);
  std::printf("  baseline (one thread: parse → hash join → evict):   %12.0f events/s\n", bm);
  std::printf("  sluice   (generators → join partitions → sink):      %12.0f events/s\n", em);
  std::printf("  ratio sluice / baseline: %.2f   (matches: engine %lld, baseline %lld)\n", em / bm,
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

int bench_command(const std::vector<std::string>& args) {
  po::options_description d("options");
  d.add_options()("help,h", "this help")("records", po::value<uint64_t>()->default_value(1'000'000), "events per run")(
      "batch", po::value<int64_t>()->default_value(4096), "records per trigger (batch size)")(
      "credits", po::value<int>()->default_value(4), "triggers in flight")("runs", po::value<int>()->default_value(3),
                                                                           "runs of each side (median reported)")(
      "partitions", po::value<int>()->default_value(2), "join, window, checkpoint: partitions")(
      "state-rows", po::value<uint64_t>()->default_value(1'000'000), "checkpoint: state rows to recover");
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
    std::cout << "usage: sluice bench passthrough|join|window|kafka|cdc|checkpoint [options]\n\n" << d << "\n";
    return vm.count("help") ? 0 : 2;
  }
  std::string what = vm["what"].as<std::string>();
  if (what != "passthrough" && what != "join" && what != "window" && what != "kafka" && what != "cdc" &&
      what != "checkpoint") {
    std::fprintf(stderr,
                 "sluice bench: unknown benchmark '%s'; accepted: passthrough, join, window, kafka, cdc, checkpoint\n",
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
  if (what == "cdc") return bench_cdc(records, runs);
  if (what == "checkpoint")
    return bench_checkpoint(records, runs, std::max(1, vm["partitions"].as<int>()), vm["state-rows"].as<uint64_t>());
  if (what == "join" || what == "window") {
    int partitions = vm["partitions"].as<int>();
    if (partitions < 1) {
      std::fprintf(stderr, "sluice bench: --partitions must be ≥ 1\n");
      return 2;
    }
    if (what == "window") return bench_window(records, runs, batch, credits, partitions);
    return bench_join(records / 2, runs, batch, credits, partitions);
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
