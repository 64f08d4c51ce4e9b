// `sluice bench cdc`: changes/s applied by the CDC applier (decode the Debezium envelope, check
// the key's position, merge the row, record the offset — written in WriteBatches of whole records
// every 4,096 entries and at the end) next to raw LevelDB batched puts of the same rows (key → after image, batches of
// 1,000) in the same run, and the ratio. Both start from an empty directory; the median of
// `runs` is reported.
#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "state/cdc/cdc_applier.hpp"
#include "state/io/gen/generator_reader.hpp"
#include "tools/bench/bench_support.hpp"

namespace sluice::cli {
namespace json = boost::json;

namespace {

std::shared_ptr<state_store> fresh(const std::string& dir) {
  std::filesystem::remove_all(dir);
  std::unique_ptr<state_store> s;
  auto st = state_store::open(dir, {}, s);
  if (!st.is_ok()) throw std::runtime_error("bench cdc: " + st.to_string());
  return std::shared_ptr<state_store>(std::move(s));
}

}  // namespace

int bench_cdc(uint64_t records, int runs) {
  generator_spec g;
  g.kind = "cdc";
  g.count = records;
  g.keys = 10'000;
  std::vector<std::string> values, keys;
  values.reserve(records);
  for (uint64_t n = 0; n < records; ++n) {
    values.push_back(generate_record(g, n));
    keys.push_back(generator_record_key("cdc", values.back()));
  }
  std::string dir = (std::filesystem::temp_directory_path() / "sluice-bench-cdc").string();
  std::vector<double> applier_rates, raw_rates;
  size_t rows_applier = 0, rows_raw = 0;
  for (int r = 0; r < runs; ++r) {
    {  // raw LevelDB: parse the value, put key → after (or delete), batches of 1,000
      auto store = fresh(dir + "-raw");
      auto t0 = std::chrono::steady_clock::now();
      leveldb::WriteBatch wb;
      for (uint64_t n = 0; n < records; ++n) {
        auto v = json::parse(values[n]).as_object();
        const auto& after = v["after"];
        if (after.is_object())
          wb.Put(encode_state_key("raw", key_kind::committed, keys[n]), json::serialize(after));
        else
          wb.Delete(encode_state_key("raw", key_kind::committed, keys[n]));
        if ((n + 1) % 1000 == 0) {
          store->write(wb, false);
          wb.Clear();
        }
      }
      store->write(wb, true);
      raw_rates.push_back(static_cast<double>(records) /
                          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      rows_raw = 0;
      store->scan("raw", key_kind::committed, "", [&](std::string_view, std::string_view) {
        ++rows_raw;
        return true;
      });
    }
    {  // the applier: the same records as Kafka would hand them over
      auto store = fresh(dir + "-applier");
      cdc_applier a(cdc_options{"shop.public.customers", "", false, false, {"id"}}, store);
      a.open();
      std::vector<cdc_dead_letter> dead;
      auto t0 = std::chrono::steady_clock::now();
      for (uint64_t n = 0; n < records; ++n) {
        cdc_event e;
        e.topic = "shop.public.customers";
        e.offset = static_cast<int64_t>(n);
        e.key = json::parse(keys[n]);
        e.value = json::parse(values[n]);
        auto s = a.apply(e, dead);
        if (!s.is_ok()) throw std::runtime_error("bench cdc: " + s.to_string());
      }
      a.sync();
      applier_rates.push_back(static_cast<double>(records) /
                              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      std::map<std::string, json::object> rows;
      a.rows(rows);
      rows_applier = rows.size();
    }
  }
  std::filesystem::remove_all(dir + "-raw");
  std::filesystem::remove_all(dir + "-applier");
  std::sort(applier_rates.begin(), applier_rates.end());
  std::sort(raw_rates.begin(), raw_rates.end());
  double a = applier_rates[applier_rates.size() / 2], b = raw_rates[raw_rates.size() / 2];
  std::printf("bench cdc: %llu Debezium changes (creates, updates, deletes of 10,000 keys), %d runs each\n",
              static_cast<unsigned long long>(records), runs);
  std::printf("  raw LevelDB (parse, batched puts of the after image):        %12.0f changes/s\n", b);
  std::printf("  CDC applier (decode, position check, merge, offset; buffered batches):  %12.0f changes/s\n", a);
  std::printf("  ratio applier / raw: %.2f   (rows in the table: applier %zu, raw %zu)\n", a / b, rows_applier,
              rows_raw);
  if (rows_applier != rows_raw) {
    std::fprintf(stderr, "bench cdc: the applier and the raw puts ended with different tables\n");
    return 1;
  }
  return 0;
}

}  // namespace sluice::cli
