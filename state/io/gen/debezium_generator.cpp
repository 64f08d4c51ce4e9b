#include "state/io/gen/debezium_generator.hpp"

#include <cstdio>
#include <string>

namespace sluice {
namespace {

constexpr uint64_t txn_size = 3;

// Same mixing as the generator's: a uniform in [0, 1) from (seed, n, salt).
double draw(uint64_t seed, uint64_t n, uint64_t salt) {
  uint64_t x =
      seed * 0x9E3779B97F4A7C15ULL ^ (n + 0x632BE59BD9B4E019ULL) * 0xBF58476D1CE4E5B9ULL ^ salt * 0x94D049BB133111EBULL;
  x ^= x >> 31;
  x *= 0xD6E8FEB86659FD93ULL;
  x ^= x >> 32;
  return static_cast<double>(x >> 11) / static_cast<double>(uint64_t{1} << 53);
}

struct position_plan {
  uint64_t id, round;
  char kind;  // c, u, d, k (key change)
};

position_plan plan(const generator_spec& spec, uint64_t n) {
  uint64_t keys = spec.keys ? spec.keys : 1;
  uint64_t id = n % keys, round = n / keys;
  auto deleted = [&](uint64_t r) { return r > 0 && draw(spec.seed, id * 1000003 + r, 21) < 0.10; };
  auto moved = [&](uint64_t r) { return r > 0 && !deleted(r) && draw(spec.seed, id * 1000003 + r, 22) < 0.03; };
  char k = round == 0 || deleted(round - 1) || moved(round - 1) ? 'c' : deleted(round) ? 'd' : moved(round) ? 'k' : 'u';
  return {id, round, k};
}

// Data records at position n, excluding tombstones.
uint64_t data_records(const generator_spec& spec, uint64_t n) {
  char k = plan(spec, n).kind;
  return k == 'k' ? 2 : 1;
}

std::string row_json(uint64_t id, uint64_t round) {
  char b[200];
  std::snprintf(b, sizeof b, "{\"id\":%llu,\"name\":\"Customer %llu v%llu\",\"email\":\"c%llu@example.org\"}",
                static_cast<unsigned long long>(id), static_cast<unsigned long long>(id),
                static_cast<unsigned long long>(round), static_cast<unsigned long long>(id));
  return b;
}

std::string envelope(char op, const std::string& before, const std::string& after, unsigned long long lsn,
                     unsigned long long txn, uint64_t order, long long ms) {
  char b[1200];
  std::snprintf(b, sizeof b,
                "{\"before\":%s,\"after\":%s,\"source\":{\"version\":\"3.4.0.Final\",\"connector\":\"postgresql\","
                "\"name\":\"shop\",\"ts_ms\":%lld,\"snapshot\":\"false\",\"db\":\"shopdb\",\"sequence\":"
                "\"[\\\"%llu\\\",\\\"%llu\\\"]\",\"schema\":\"public\",\"table\":\"customers\",\"txId\":%llu,"
                "\"lsn\":%llu,\"xmin\":null},\"transaction\":{\"id\":\"%llu:%llu\",\"total_order\":%llu,"
                "\"data_collection_order\":%llu},\"op\":\"%c\",\"ts_ms\":%lld}",
                before.c_str(), after.c_str(), ms, lsn - 8, lsn, txn, lsn, txn, lsn,
                static_cast<unsigned long long>(order), static_cast<unsigned long long>(order), op, ms + 87);
  return b;
}

const char* const product_categories[] = {"books", "games", "garden", "kitchen", "music", "toys"};

std::string product_row(const generator_spec& spec, uint64_t id, uint64_t round) {
  double price = static_cast<double>(static_cast<int64_t>(draw(spec.seed, id * 64 + round, 31) * 19500)) / 100.0 + 5;
  char b[256];
  std::snprintf(b, sizeof b,
                "{\"product_id\":%llu,\"name\":\"Product %llu v%llu\",\"category\":\"%s\",\"price\":%.2f,"
                "\"catalog_revision\":%llu}",
                static_cast<unsigned long long>(id), static_cast<unsigned long long>(id),
                static_cast<unsigned long long>(round + 1),
                product_categories[static_cast<size_t>(draw(spec.seed, id, 32) * 6)], price,
                static_cast<unsigned long long>(round + 1));
  return b;
}

std::string product_envelope(char op, const std::string& before, const std::string& after, unsigned long long lsn,
                             long long ms) {
  char b[900];
  std::snprintf(b, sizeof b,
                "{\"before\":%s,\"after\":%s,\"source\":{\"version\":\"3.4.0.Final\",\"connector\":\"postgresql\","
                "\"name\":\"shop\",\"ts_ms\":%lld,\"snapshot\":\"false\",\"db\":\"shopdb\",\"schema\":\"public\","
                "\"table\":\"products\",\"lsn\":%llu},\"op\":\"%c\",\"ts_ms\":%lld}",
                before.c_str(), after.c_str(), ms, lsn, op, ms + 87);
  return b;
}

}  // namespace

std::string debezium_product_change(const generator_spec& spec, uint64_t n, int64_t ts_us) {
  auto p = plan(spec, n);
  unsigned long long lsn = 50'000'000ULL + n * 128;
  long long ms = static_cast<long long>(ts_us / 1000);
  std::string id = std::to_string(p.id);
  if (p.kind == 'd')
    return product_envelope('d', "{\"product_id\":" + id + "}", "null", lsn, ms) + "\ntombstone {\"product_id\":" + id +
           "}";
  return product_envelope(p.kind == 'c' ? 'c' : 'u', "null", product_row(spec, p.id, p.round), lsn, ms);
}

std::string debezium_change(const generator_spec& spec, uint64_t n, int64_t ts_us) {
  auto p = plan(spec, n);
  unsigned long long txn = 5000 + n / txn_size;
  uint64_t order = 1;  // total_order of this position's first data record within its transaction
  for (uint64_t m = n - n % txn_size; m < n; ++m) order += data_records(spec, m);
  unsigned long long lsn = 30'000'000ULL + n * 128;
  long long ms = static_cast<long long>(ts_us / 1000);
  char key[64];
  std::snprintf(key, sizeof key, "{\"id\":%llu}", static_cast<unsigned long long>(p.id));
  std::string before_key = "{\"id\":" + std::to_string(p.id) + ",\"name\":\"\",\"email\":null}";
  switch (p.kind) {
    case 'c':
      return envelope('c', "null", row_json(p.id, p.round), lsn, txn, order, ms);
    case 'u':
      return envelope('u', "null", row_json(p.id, p.round), lsn, txn, order, ms);
    case 'd':
      return envelope('d', before_key, "null", lsn, txn, order, ms) + "\ntombstone " + key;
    default: {  // key change: delete, tombstone, create under the new key
      uint64_t moved = 1'000'000 + 100 * p.id + p.round;
      return envelope('d', before_key, "null", lsn, txn, order, ms) + "\ntombstone " + key + "\n" +
             envelope('c', "null", row_json(moved, p.round), lsn + 16, txn, order + 1, ms);
    }
  }
}

std::string debezium_transaction(const generator_spec& spec, uint64_t n, int64_t ts_us) {
  unsigned long long txn = 5000 + n / txn_size;
  unsigned long long lsn = 30'000'000ULL + n * 128;
  long long ms = static_cast<long long>(ts_us / 1000);
  char b[600];
  if (n % txn_size == 0) {
    std::snprintf(b, sizeof b,
                  "{\"status\":\"BEGIN\",\"id\":\"%llu:%llu\",\"event_count\":null,\"data_collections\":null,"
                  "\"ts_ms\":%lld}",
                  txn, lsn - 4, ms);
    return b;
  }
  if (n % txn_size == txn_size - 1) {
    uint64_t count = 0;
    for (uint64_t m = n - n % txn_size; m <= n; ++m) count += data_records(spec, m);
    std::snprintf(b, sizeof b,
                  "{\"status\":\"END\",\"id\":\"%llu:%llu\",\"event_count\":%llu,\"data_collections\":[{"
                  "\"data_collection\":\"public.customers\",\"event_count\":%llu}],\"ts_ms\":%lld}",
                  txn, lsn + 64, static_cast<unsigned long long>(count), static_cast<unsigned long long>(count), ms);
    return b;
  }
  return {};
}

void split_generated_record(const std::string& kind, const std::string& line, std::string& key, std::string& value,
                            bool& tombstone) {
  static const std::string marker = "tombstone ";
  tombstone = line.rfind(marker, 0) == 0;
  if (tombstone) {
    key = line.substr(marker.size());
    value.clear();
    return;
  }
  key = generator_record_key(kind, line);
  value = line;
}

}  // namespace sluice
