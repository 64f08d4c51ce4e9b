// `sluice bench cdc`: changes/s applied by the CDC applier (decode the Debezium envelope, check
// the key's position, merge the row, record the offset — written in WriteBatches of whole records
// every 4,096 entries and at the end) next to raw LevelDB batched puts of the same rows (key → after image, batches of
// 1,000) in the same run, and the ratio. Both start from an empty directory; the median of
// `runs` is reported.
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

/// The generated changes: Debezium envelopes and their Kafka keys.
struct cdc_changes {
  std::vector<std::string> values, keys;
};

cdc_changes generate_changes(uint64_t records) {
  generator_spec g;
  g.kind = "cdc";
  g.count = records;
  g.keys = 10'000;
  cdc_changes c;
  c.values.reserve(records);
  for (uint64_t n = 0; n < records; ++n) {
    c.values.push_back(generate_record(g, n));
    c.keys.push_back(generator_record_key("cdc", c.values.back()));
  }
  return c;
}

/// Raw LevelDB: parse the value, put key → after (or delete), batches of 1,000. Changes/s;
/// `rows` = rows in the table after.
double raw_run(const cdc_changes& c, const std::string& dir, size_t& rows) {
  auto store = fresh(dir);
  auto t0 = std::chrono::steady_clock::now();
  leveldb::WriteBatch wb;
  for (size_t n = 0; n < c.values.size(); ++n) {
    auto v = json::parse(c.values[n]).as_object();
    const auto& after = v["after"];
    if (after.is_object())
      wb.Put(encode_state_key("raw", key_kind::committed, c.keys[n]), json::serialize(after));
    else
      wb.Delete(encode_state_key("raw", key_kind::committed, c.keys[n]));
    if ((n + 1) % 1000 == 0) {
      store->write(wb, false);
      wb.Clear();
    }
  }
  store->write(wb, true);
  double rate = static_cast<double>(c.values.size()) /
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  rows = 0;
  store->scan("raw", key_kind::committed, "", [&](std::string_view, std::string_view) {
    ++rows;
    return true;
  });
  return rate;
}

/// The applier: the same records as Kafka would hand them over. Changes/s; `rows` = rows in
/// its table after.
double applier_run(const cdc_changes& c, const std::string& dir, size_t& rows) {
  auto store = fresh(dir);
  cdc_applier a(cdc_options{"shop.public.customers", "", false, false, {"id"}}, store);
  a.open();
  std::vector<cdc_dead_letter> dead;
  auto t0 = std::chrono::steady_clock::now();
  for (size_t n = 0; n < c.values.size(); ++n) {
    cdc_event e;
    e.topic = "shop.public.customers";
    e.offset = static_cast<int64_t>(n);
    e.key = json::parse(c.keys[n]);
    e.value = json::parse(c.values[n]);
    auto s = a.apply(e, dead);
    if (!s.is_ok()) throw std::runtime_error("bench cdc: " + s.to_string());
  }
  a.sync();
  double rate = static_cast<double>(c.values.size()) /
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::map<std::string, json::object> table;
  a.rows(table);
  rows = table.size();
  return rate;
}

}  // namespace

int bench_cdc(uint64_t records, int runs) {
  auto changes = generate_changes(records);
  std::string dir = (std::filesystem::temp_directory_path() / "sluice-bench-cdc").string();
  size_t rows_applier = 0, rows_raw = 0;
  auto m = alternate_runs(
      runs, [&] { return raw_run(changes, dir + "-raw", rows_raw); },
      [&] { return applier_run(changes, dir + "-applier", rows_applier); });
  std::filesystem::remove_all(dir + "-raw");
  std::filesystem::remove_all(dir + "-applier");
  double a = m.engine, b = m.baseline;
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
