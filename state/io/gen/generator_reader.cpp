#include "state/io/gen/generator_reader.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>

#include "state/io/gen/debezium_generator.hpp"

namespace sluice {
namespace {

uint64_t mix(uint64_t x) {  // splitmix64 finalizer
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A uniform double in [0,1) from (seed, n, salt).
double uniform(uint64_t seed, uint64_t n, uint64_t salt) {
  return static_cast<double>(mix(seed * 0x100000001b3ULL ^ mix(n * 31 + salt)) >> 11) * (1.0 / 9007199254740992.0);
}

const char* const event_types[] = {"view", "view", "view", "click", "click", "cart", "purchase"};

}  // namespace

const std::vector<std::string>& generator_kinds() {
  static const std::vector<std::string> kinds = {"events", "orders",   "payments",    "keyed",          "transactions",
                                                 "iot",    "clicks",   "sales",       "purchases",      "products",
                                                 "cdc",    "debezium", "debezium-tx", "product-changes"};
  return kinds;
}

namespace {

std::string order_or_payment(const generator_spec& spec, uint64_t n) {
  // Orders and payments share the seed's draws for order n, so the two streams agree.
  int64_t order_time = spec.start_us + static_cast<int64_t>(n) * spec.spacing_us;
  uint64_t customer =
      static_cast<uint64_t>(uniform(spec.seed, n, 4) * static_cast<double>(std::max<uint64_t>(spec.keys, 1)));
  char buf[256];
  if (spec.kind == "orders") {
    double amount = static_cast<double>(static_cast<int64_t>(uniform(spec.seed, n, 6) * 50000)) / 100.0 + 1;
    std::snprintf(buf, sizeof buf,
                  "{\"order_id\":%llu,\"customer\":\"cust_%05llu\",\"amount\":%.2f,\"order_time\":%lld}",
                  static_cast<unsigned long long>(n), static_cast<unsigned long long>(customer), amount,
                  static_cast<long long>(order_time / 1000));
    return buf;
  }
  // Payments: at stream position n, the payment of order n (unless it is missing or late) and
  // the late payment of order n − lag, which arrives `late_us` of event time after it was made.
  auto missing = [&](uint64_t m) {
    return spec.missing_fraction > 0 && uniform(spec.seed, m, 8) < spec.missing_fraction;
  };
  auto late = [&](uint64_t m) { return spec.late_fraction > 0 && uniform(spec.seed, m, 1) < spec.late_fraction; };
  auto payment = [&](uint64_t m) {
    int64_t t = spec.start_us + static_cast<int64_t>(m) * spec.spacing_us + 30'000'000 +
                static_cast<int64_t>((uniform(spec.seed, m, 9) - 0.5) * 10'000'000);
    double amt = static_cast<double>(static_cast<int64_t>(uniform(spec.seed, m, 6) * 50000)) / 100.0 + 1;
    std::snprintf(buf, sizeof buf, "{\"payment_id\":%llu,\"order_id\":%llu,\"amount\":%.2f,\"pay_time\":%lld}",
                  static_cast<unsigned long long>(m + 1'000'000'000ULL), static_cast<unsigned long long>(m), amt,
                  static_cast<long long>(t / 1000));
    return std::string(buf);
  };
  std::string out;
  if (!missing(n) && !late(n)) out = payment(n);
  uint64_t lag = static_cast<uint64_t>(std::max<int64_t>(1, spec.late_us / std::max<int64_t>(1, spec.spacing_us)));
  if (n >= lag && late(n - lag) && !missing(n - lag)) out += (out.empty() ? "" : "\n") + payment(n - lag);
  return out;
}

// Event time of record n with the spec's disorder and lateness applied.
int64_t event_time_us(const generator_spec& spec, uint64_t n) {
  int64_t ts = spec.start_us + static_cast<int64_t>(n) * spec.spacing_us;
  if (spec.late_fraction > 0 && uniform(spec.seed, n, 1) < spec.late_fraction)
    ts -= spec.late_us;
  else if (spec.disorder_fraction > 0 && uniform(spec.seed, n, 2) < spec.disorder_fraction)
    ts -= static_cast<int64_t>(uniform(spec.seed, n, 3) * static_cast<double>(spec.disorder_us));
  return ts;
}

uint64_t draw_key(const generator_spec& spec, uint64_t n) {
  return static_cast<uint64_t>(uniform(spec.seed, n, 4) * static_cast<double>(std::max<uint64_t>(spec.keys, 1)));
}

// A malformed variant of a well-formed record whose last member is `,"ts":…}`: cut short (not
// JSON), without its event time, or with a time that is not one.
std::string malform(const generator_spec& spec, uint64_t n, std::string r) {
  size_t ts = r.rfind(",\"");
  switch (mix(spec.seed ^ n) % 3) {
    case 0:
      return r.substr(0, r.size() / 2);
    case 1:
      return r.substr(0, ts) + "}";
    default:
      return r.substr(0, ts) + ",\"ts\":\"yesterday\"}";
  }
}

const char* const merchants[] = {"grocer", "fuel", "electronics", "travel", "online", "pharmacy", "restaurant"};
const char* const categories[] = {"books", "electronics", "garden", "grocery", "toys", "fashion"};
const char* const countries[] = {"US", "DE", "FR", "GB", "BR", "JP"};

// A Debezium (PostgreSQL, pgoutput) change of table customers(id, name, email): record n
// touches id n mod keys in round n / keys — created in round 0, then updated, or deleted
// (10 %) and created again in the round after.
std::string cdc_change(const generator_spec& spec, uint64_t n, int64_t ts_us) {
  uint64_t keys = std::max<uint64_t>(spec.keys, 1);
  uint64_t id = n % keys, round = n / keys;
  auto deleted = [&](uint64_t r) { return r > 0 && uniform(spec.seed, id * 1000003 + r, 11) < 0.1; };
  char op = round == 0 || deleted(round - 1) ? 'c' : deleted(round) ? 'd' : 'u';
  unsigned long long lsn = 24'000'000ULL + n * 128;
  char row[200], before[220];
  std::snprintf(row, sizeof row, "{\"id\":%llu,\"name\":\"Customer %llu v%llu\",\"email\":\"c%llu@example.org\"}",
                static_cast<unsigned long long>(id), static_cast<unsigned long long>(id),
                static_cast<unsigned long long>(round), static_cast<unsigned long long>(id));
  std::snprintf(before, sizeof before, "{\"id\":%llu,\"name\":null,\"email\":null}",
                static_cast<unsigned long long>(id));
  long long ms = static_cast<long long>(ts_us / 1000);
  char buf[900];
  std::snprintf(buf, sizeof buf,
                "{\"before\":%s,\"after\":%s,\"source\":{\"version\":\"3.4.0.Final\",\"connector\":\"postgresql\","
                "\"name\":\"shop\",\"ts_ms\":%lld,\"snapshot\":\"false\",\"db\":\"shopdb\",\"sequence\":"
                "\"[\\\"%llu\\\",\\\"%llu\\\"]\",\"schema\":\"public\",\"table\":\"customers\",\"txId\":%llu,"
                "\"lsn\":%llu,\"xmin\":null},\"transaction\":null,\"op\":\"%c\",\"ts_ms\":%lld}",
                op == 'd' ? before : "null", op == 'd' ? "null" : row, ms, lsn - 128, lsn,
                static_cast<unsigned long long>(1000 + n), lsn, op, ms + 87);
  return buf;
}

// Product n of catalog `spec.revision`: its name and price as of the last revision that
// changed it (each revision after the first changes a product with probability 0.3).
std::string product(const generator_spec& spec, uint64_t n) {
  uint64_t changed = 1;
  for (uint64_t r = 2; r <= spec.revision; ++r)
    if (uniform(spec.seed, n, 20 + r) < 0.3) changed = r;
  double price =
      static_cast<double>(static_cast<int64_t>(uniform(spec.seed, n * 64 + changed, 21) * 19500)) / 100.0 + 5;
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "{\"product_id\":%llu,\"name\":\"Product %llu rev %llu\",\"category\":\"%s\",\"price\":%.2f,"
                "\"catalog_revision\":%llu}",
                static_cast<unsigned long long>(n), static_cast<unsigned long long>(n),
                static_cast<unsigned long long>(changed), categories[static_cast<size_t>(uniform(spec.seed, n, 5) * 6)],
                price, static_cast<unsigned long long>(spec.revision));
  return buf;
}

std::string kind_record(const generator_spec& spec, uint64_t n) {
  int64_t ts = event_time_us(spec, n);
  long long ms = static_cast<long long>(ts / 1000);
  auto key = static_cast<unsigned long long>(draw_key(spec, n));
  auto u = [&](uint64_t salt) { return uniform(spec.seed, n, salt); };
  char buf[400];
  if (spec.kind == "transactions") {
    // Mostly small amounts; 2 % are large (a spend spike for fraud rules).
    double amount = u(6) < 0.02 ? 500 + u(12) * 4500 : 1 + u(12) * u(13) * 200;
    std::snprintf(buf, sizeof buf,
                  "{\"txn_id\":%llu,\"user\":\"user_%05llu\",\"amount\":%.2f,\"merchant\":\"%s\",\"country\":"
                  "\"%s\",\"ts\":%lld}",
                  static_cast<unsigned long long>(n), key, amount, merchants[static_cast<size_t>(u(5) * 7)],
                  countries[static_cast<size_t>(u(14) * 6)], ms);
  } else if (spec.kind == "iot") {
    double temp = 15 + u(5) * 60 + (u(6) < 0.05 ? 15 : 0);  // 5 % run hot (> 75)
    double hum = 30 + u(12) * 55 + (u(13) < 0.05 ? 12 : 0);
    std::snprintf(buf, sizeof buf, "{\"device_id\":\"dev_%04llu\",\"temperature\":%.1f,\"humidity\":%.1f,\"ts\":%lld}",
                  key, temp, hum, ms);
  } else if (spec.kind == "clicks") {
    double a = u(5);
    const char* action = a < 0.7 ? "view" : a < 0.9 ? "cart" : "checkout";
    std::snprintf(buf, sizeof buf, "{\"user\":\"user_%05llu\",\"page\":\"/p/%llu\",\"action\":\"%s\",\"ts\":%lld}", key,
                  static_cast<unsigned long long>(u(12) * 50), action, ms);
  } else if (spec.kind == "sales") {
    std::snprintf(buf, sizeof buf,
                  "{\"order_id\":%llu,\"category\":\"%s\",\"user\":\"user_%05llu\",\"amount\":%.2f,\"ts\":%lld}",
                  static_cast<unsigned long long>(n), categories[static_cast<size_t>(u(5) * 6)], key,
                  static_cast<double>(static_cast<int64_t>(u(6) * 20000)) / 100.0 + 1, ms);
  } else if (spec.kind == "purchases") {
    std::snprintf(buf, sizeof buf,
                  "{\"purchase_id\":%llu,\"user\":\"user_%05llu\",\"product_id\":%llu,\"quantity\":%d,\"ts\":%lld}",
                  static_cast<unsigned long long>(n), static_cast<unsigned long long>(u(5) * 1000), key,
                  1 + static_cast<int>(u(6) * 4), ms);
  } else {
    return cdc_change(spec, n, ts);
  }
  std::string r = buf;
  if (spec.malformed_fraction > 0 && u(7) < spec.malformed_fraction) return malform(spec, n, std::move(r));
  if (spec.duplicate_fraction > 0 && u(15) < spec.duplicate_fraction) r += "\n" + std::string(buf);
  return r;
}

uint64_t keyed_key(const generator_spec& spec, uint64_t n) {
  return static_cast<uint64_t>(uniform(spec.seed, n, 4) * static_cast<double>(std::max<uint64_t>(spec.keys, 1)));
}

int64_t keyed_ms(const generator_spec& spec, uint64_t n) {
  return (spec.start_us + static_cast<int64_t>(n) * spec.spacing_us) / 1000;
}

}  // namespace

void generate_keyed_row(const generator_spec& spec, uint64_t n, row& out) {
  out.values.resize(3);
  out.values[0] = static_cast<int64_t>(keyed_key(spec, n));
  out.event_time_us = keyed_ms(spec, n) * 1000;
  out.values[1] = out.event_time_us;
  out.values[2] = static_cast<int64_t>(n);
}

bool generator_reader::typed_row(const raw_record& record, row& out) const {
  if (!typed_) return false;
  generate_keyed_row(spec_, record.ordinal, out);
  return true;
}

std::string generate_record(const generator_spec& spec, uint64_t n) {
  if (spec.kind == "orders" || spec.kind == "payments") return order_or_payment(spec, n);
  if (spec.kind == "debezium") return debezium_change(spec, n, event_time_us(spec, n));
  if (spec.kind == "debezium-tx") return debezium_transaction(spec, n, event_time_us(spec, n));
  if (spec.kind == "product-changes") return debezium_product_change(spec, n, event_time_us(spec, n));
  if (spec.kind == "products") return product(spec, n);
  if (spec.kind == "transactions" || spec.kind == "iot" || spec.kind == "clicks" || spec.kind == "sales" ||
      spec.kind == "purchases" || spec.kind == "cdc")
    return kind_record(spec, n);
  if (spec.kind == "keyed") {  // {"key", "ts", "v"}: `keys` keys in a seeded order, ts on the clock
    char kb[128];
    std::snprintf(kb, sizeof kb, "{\"key\":%llu,\"ts\":%lld,\"v\":%llu}",
                  static_cast<unsigned long long>(keyed_key(spec, n)), static_cast<long long>(keyed_ms(spec, n)),
                  static_cast<unsigned long long>(n));
    return kb;
  }
  int64_t ts = spec.start_us + static_cast<int64_t>(n) * spec.spacing_us;
  if (spec.late_fraction > 0 && uniform(spec.seed, n, 1) < spec.late_fraction)
    ts -= spec.late_us;
  else if (spec.disorder_fraction > 0 && uniform(spec.seed, n, 2) < spec.disorder_fraction)
    ts -= static_cast<int64_t>(uniform(spec.seed, n, 3) * static_cast<double>(spec.disorder_us));
  uint64_t user =
      static_cast<uint64_t>(uniform(spec.seed, n, 4) * static_cast<double>(std::max<uint64_t>(spec.keys, 1)));
  const char* type = event_types[static_cast<size_t>(uniform(spec.seed, n, 5) * 7)];
  double amount = static_cast<double>(static_cast<int64_t>(uniform(spec.seed, n, 6) * 50000)) / 100.0;
  char buf[256];
  long long ts_ms = static_cast<long long>(ts / 1000);
  if (spec.malformed_fraction > 0 && uniform(spec.seed, n, 7) < spec.malformed_fraction) {
    switch (mix(spec.seed ^ n) % 4) {
      case 0:  // cut short: not JSON
        std::snprintf(buf, sizeof buf, "{\"event_id\":%llu,\"user\":\"user_%05llu\",\"type\":\"%s\",\"amo",
                      static_cast<unsigned long long>(n), static_cast<unsigned long long>(user), type);
        break;
      case 1:  // no event time
        std::snprintf(buf, sizeof buf, "{\"event_id\":%llu,\"user\":\"user_%05llu\",\"type\":\"%s\",\"amount\":%.2f}",
                      static_cast<unsigned long long>(n), static_cast<unsigned long long>(user), type, amount);
        break;
      case 2:  // valid JSON, invalid content: a negative amount
        std::snprintf(buf, sizeof buf,
                      "{\"event_id\":%llu,\"user\":\"user_%05llu\",\"type\":\"%s\",\"amount\":-%.2f,\"ts\":%lld}",
                      static_cast<unsigned long long>(n), static_cast<unsigned long long>(user), type, amount + 1,
                      ts_ms);
        break;
      default:  // wrong type
        std::snprintf(
            buf, sizeof buf,
            "{\"event_id\":%llu,\"user\":\"user_%05llu\",\"type\":\"%s\",\"amount\":\"%.2f EUR\",\"ts\":%lld}",
            static_cast<unsigned long long>(n), static_cast<unsigned long long>(user), type, amount, ts_ms);
    }
    return buf;
  }
  std::snprintf(buf, sizeof buf,
                "{\"event_id\":%llu,\"user\":\"user_%05llu\",\"type\":\"%s\",\"amount\":%.2f,\"ts\":%lld}",
                static_cast<unsigned long long>(n), static_cast<unsigned long long>(user), type, amount, ts_ms);
  return buf;
}

std::string generator_record_key(const std::string& kind, const std::string& record) {
  boost::json::error_code ec;
  auto v = boost::json::parse(record, ec);
  if (ec || !v.is_object()) return {};
  const auto& o = v.get_object();
  if (kind == "debezium-tx") {
    const auto* id = o.if_contains("id");
    if (!id || !id->is_string()) return {};
    std::string s(id->get_string());
    return "{\"id\":\"" + s.substr(0, s.find(':')) + "\"}";
  }
  if (kind == "cdc" || kind == "debezium") {
    for (const char* side : {"after", "before"})
      if (const auto* row = o.if_contains(side); row && row->is_object() && row->get_object().contains("id"))
        return "{\"id\":" + boost::json::serialize(row->get_object().at("id")) + "}";
    return {};
  }
  if (kind == "product-changes") {
    for (const char* side : {"after", "before"})
      if (const auto* row = o.if_contains(side); row && row->is_object() && row->get_object().contains("product_id"))
        return "{\"product_id\":" + boost::json::serialize(row->get_object().at("product_id")) + "}";
    return {};
  }
  const char* field = kind == "orders" || kind == "payments" ? "order_id"
                      : kind == "iot"                        ? "device_id"
                      : kind == "keyed"                      ? "key"
                      : kind == "products"                   ? "product_id"
                                                             : "user";
  const auto* k = o.if_contains(field);
  if (!k) return {};
  return k->is_string() ? std::string(k->get_string()) : boost::json::serialize(*k);
}

status generator_reader::read(size_t max, int64_t now_us, std::vector<raw_record>& out) {
  uint64_t end = spec_.count ? spec_.count : UINT64_MAX;
  if (max) end = std::min<uint64_t>(end, next_ + max);
  if (spec_.rate > 0) {
    if (clock_start_us_ < 0) {
      clock_start_us_ = now_us;
      released_base_ = next_;
    }
    double elapsed_s = static_cast<double>(now_us - clock_start_us_) / 1e6;
    uint64_t released = released_base_ + static_cast<uint64_t>(elapsed_s * spec_.rate) + 1;
    end = std::min(end, released);
  }
  emit_until(end, out);
  return status::ok();
}

status generator_reader::read_until(const std::string& position, int64_t, std::vector<raw_record>& out) {
  uint64_t end = 0;
  try {
    end = std::stoull(position);
  } catch (const std::exception&) {
    return status::corruption("generator: logged trigger position '" + position + "' is not a record index");
  }
  if (end < next_)
    return status::corruption("generator: logged trigger ends at record " + position + ", before record " +
                              std::to_string(next_) + " where it starts");
  emit_until(end, out);  // released when the trigger first ran: no rate limit
  return status::ok();
}

namespace {
const std::string tombstone_prefix = "tombstone ";
}  // namespace

void generator_reader::emit_until(uint64_t end, std::vector<raw_record>& out) {
  out.reserve(out.size() + static_cast<size_t>(end > next_ ? std::min<uint64_t>(end - next_, 1 << 20) : 0));
  if (typed_) {  // the index only: typed_row() makes the row
    for (; next_ < end; ++next_) out.push_back(raw_record{{}, {}, next_, nullptr});
    return;
  }
  for (; next_ < end; ++next_) {
    std::string r = generate_record(spec_, next_);
    if (r.empty()) continue;
    if (r.find('\n') == std::string::npos) {
      out.push_back(raw_record{std::move(r), {}, next_, nullptr});
      continue;
    }
    // A position may hold several records (a late payment, a retry, a delete and its tombstone).
    for (size_t start = 0; start <= r.size();) {
      size_t nl = std::min(r.find('\n', start), r.size());
      std::string line = r.substr(start, nl - start);
      start = nl + 1;
      if (line.rfind(tombstone_prefix, 0) != 0) {
        out.push_back(raw_record{std::move(line), {}, next_, nullptr});
        continue;
      }
      auto meta = std::make_shared<record_metadata>();  // a tombstone: its key, a null value
      meta->has_key = true;
      meta->key = line.substr(tombstone_prefix.size());
      meta->null_value = true;
      out.push_back(raw_record{{}, {}, next_, std::move(meta)});
    }
  }
}

status generator_reader::seek(const std::string& position) {
  try {
    next_ = std::stoull(position);
  } catch (const std::exception&) {
    return status::invalid_argument("generator position '" + position + "' is not a record index");
  }
  clock_start_us_ = -1;
  return status::ok();
}

}  // namespace sluice
