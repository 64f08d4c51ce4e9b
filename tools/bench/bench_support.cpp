#include "tools/bench/bench_support.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace sluice::cli {

sink_plan counting_sink_plan(std::shared_ptr<std::atomic<int64_t>> n) {
  return sink_plan{"CountingSink", {}, [n] { return std::make_shared<counting_sink>(n); }, nullptr, {}, {}, nullptr};
}

void bench_triggers(pipeline& p, int64_t batch_rows, int credits) {
  p.with_trigger(trigger_policy{trigger_kind::available_now, 0});
  p.with_max_records_per_trigger(batch_rows).with_trigger_credits(credits).with_dead_letters("/tmp/sluice-bench-dead");
}

double timed_queries(const std::vector<query_plan_ptr>& plans, const run_options& opts) {
  auto t0 = std::chrono::steady_clock::now();
  auto result = run_queries(plans, opts);
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!result.ok) throw std::runtime_error("bench query failed: " + result.outcomes.front().message);
  return s;
}

bench_medians alternate_runs(int runs, const std::function<double()>& baseline, const std::function<double()>& engine) {
  std::vector<double> es, bs;
  for (int i = 0; i < runs; ++i) {
    bs.push_back(baseline());
    es.push_back(engine());
  }
  std::sort(es.begin(), es.end());
  std::sort(bs.begin(), bs.end());
  return {es[es.size() / 2], bs[bs.size() / 2]};
}

source_spec keyed_source(const std::string& name, const generator_spec& spec, bench_input input) {
  return input == bench_input::rows ? sources::generated_rows(name, spec, keyed_schema())
                                    : sources::generator(name, spec, keyed_schema());
}

bool keyed_row(const generator_spec& spec, uint64_t i, bench_input input, row_decoder& decoder, row& out) {
  if (input == bench_input::rows) {
    generate_keyed_row(spec, i, out);
    return true;
  }
  return decoder.decode(generate_record(spec, i), out).empty();
}

}  // namespace sluice::cli
