// `sluice bench decode`: records/s turning JSON text into typed rows with the engine's decoder
// (`row_decoder`: schema-directed, messages/codec/json_codec.hpp) next to a raw Boost.JSON parse
// of the same text into a DOM (a reused monotonic buffer, nothing done with the result) in the
// same run, and the ratio — the decode layer alone: the records are generated into memory
// before either side is timed. Two inputs: `keyed` (three integers) and `events` (strings, a
// double, a timestamp). Both sides must read every record.
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "messages/codec/json_codec.hpp"
#include "tools/bench/bench_support.hpp"

namespace sluice::cli {
namespace {

std::vector<std::string> generated(const std::string& kind, uint64_t count) {
  generator_spec g = keyed_spec(count, 7);
  g.kind = kind;
  std::vector<std::string> out;
  out.reserve(count);
  for (uint64_t i = 0; i < count; ++i) out.push_back(generate_record(g, i));
  return out;
}

double decoder_run(const std::vector<std::string>& records, const schema_ptr& columns, int64_t& read) {
  row_decoder decoder(columns);
  row r;
  int64_t n = 0;
  auto t0 = std::chrono::steady_clock::now();
  for (const auto& text : records) n += decoder.decode(text, r).empty();
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  read = n;
  return static_cast<double>(records.size()) / s;
}

double parse_run(const std::vector<std::string>& records, int64_t& read) {
  unsigned char buffer[4096];
  boost::json::parser p;
  int64_t n = 0;
  auto t0 = std::chrono::steady_clock::now();
  for (const auto& text : records) {
    p.reset(boost::json::storage_ptr(
        boost::json::make_shared_resource<boost::json::monotonic_resource>(buffer, sizeof buffer)));
    boost::system::error_code ec;
    p.write(text, ec);
    if (!ec) n += p.release().is_object();
  }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  read = n;
  return static_cast<double>(records.size()) / s;
}

}  // namespace

int bench_decode(uint64_t records, int runs) {
  std::printf("bench decode: %llu records per input, %d runs each, generated into memory before timing\n",
              static_cast<unsigned long long>(records), runs);
  int rc = 0;
  for (const char* kind : {"keyed", "events"}) {
    auto texts = generated(kind, records);
    schema_ptr columns = std::string(kind) == "keyed" ? keyed_schema() : sources::events_schema();
    int64_t decoded = 0, parsed = 0;
    auto m = alternate_runs(
        runs, [&] { return parse_run(texts, parsed); }, [&] { return decoder_run(texts, columns, decoded); });
    std::printf("  %s (%s)\n", kind, columns->describe().c_str());
    std::printf("    baseline (Boost.JSON parse into a DOM, reused buffer): %12.0f events/s\n", m.baseline);
    std::printf("    sluice   (row_decoder: JSON text → typed row):          %12.0f events/s\n", m.engine);
    std::printf("    ratio sluice / baseline: %.2f   (records read: sluice %lld, baseline %lld)\n",
                m.engine / m.baseline, static_cast<long long>(decoded), static_cast<long long>(parsed));
    if (decoded != parsed) {
      std::fprintf(stderr, "bench decode: %s: the decoder and the parser read different record counts\n", kind);
      rc = 1;
    }
  }
  return rc;
}

}  // namespace sluice::cli
