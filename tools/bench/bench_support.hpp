// bench_support: what the `sluice bench` benchmarks share — a sink that only counts, the
// keyed input (generator kind `keyed`: key, ts, v; 10,000 keys, 1,000 records per second of
// event time), the engine side's triggers and timed run, and the alternating runs whose
// medians a benchmark reports.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

#include "actors/plan/pipeline.hpp"
#include "actors/runtime/query_runner.hpp"
#include "messages/codec/json_codec.hpp"
#include "state/io/files/row_sink.hpp"
#include "state/io/gen/generator_reader.hpp"

namespace sluice::cli {

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

inline schema_ptr keyed_schema() {
  static const schema_ptr s =
      std::make_shared<const schema>(std::vector<column>{{"key", column_type::int64, true, time_unit::millis},
                                                         {"ts", column_type::timestamp, true, time_unit::millis},
                                                         {"v", column_type::int64, true, time_unit::millis}},
                                     "ts");
  return s;
}

inline generator_spec keyed_spec(uint64_t count, uint64_t seed) {
  generator_spec g;
  g.kind = "keyed";
  g.count = count;
  g.seed = seed;
  g.keys = 10'000;
  g.spacing_us = 1000;  // 1,000 records per second of event time
  return g;
}

/// What the operator benchmarks read: `json` — generated JSON text decoded by the source (the
/// default, the engine's whole input path); `rows` — typed rows made in memory without text
/// (sources::generated_rows), so the figure is the operator's and the actors' alone.
enum class bench_input { json, rows };

/// The keyed input `spec` as a source reading `input`.
source_spec keyed_source(const std::string& name, const generator_spec& spec, bench_input input);

/// Record i of `spec` as a row, as the baselines read it: decoded from its JSON with `decoder`,
/// or made in memory. False for a record that does not decode.
bool keyed_row(const generator_spec& spec, uint64_t i, bench_input input, row_decoder& decoder, row& out);

/// A sink plan writing to a counting_sink on `n`.
sink_plan counting_sink_plan(std::shared_ptr<std::atomic<int64_t>> n);

/// The engine side's triggers: available-now, `batch_rows` records each, `credits` in flight;
/// dead letters under /tmp.
void bench_triggers(pipeline& p, int64_t batch_rows, int credits);

/// Runs the queries to their end: the wall time in seconds. Throws when one fails.
double timed_queries(const std::vector<query_plan_ptr>& plans, const run_options& opts);

/// The medians of a benchmark's two sides, in records per second.
struct bench_medians {
  double engine = 0;
  double baseline = 0;
};

/// Runs the baseline, then the engine, `runs` times (alternating, because this machine is
/// shared and noisy); each returns its records per second.
bench_medians alternate_runs(int runs, const std::function<double()>& baseline, const std::function<double()>& engine);

int bench_join(uint64_t per_side, int runs, int64_t batch, int credits, int partitions, bench_input input);
int bench_window(uint64_t records, int runs, int64_t batch, int credits, int partitions, bench_input input);
int bench_cdc(uint64_t records, int runs);
int bench_decode(uint64_t records, int runs);
int bench_checkpoint(uint64_t records, int runs, int partitions, uint64_t state_rows);

}  // namespace sluice::cli
