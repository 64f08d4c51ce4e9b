// generator_reader: deterministic generated records — record n is a pure function of
// (kind, seed, n), so a restarted query regenerates exactly what it read before.
//
// Kinds: `events` (user activity: event_id, user, type, amount, ts); `orders` (order_id,
// customer, amount, order_time) and `payments` (payment_id, order_id, amount, pay_time) on one
// clock: payment n pays order n about 30 s (± 5 s) after it — except a `missing_fraction` of
// orders that are never paid and a `late_fraction` whose payment arrives `late_us` of event
// time later in the stream than it was made (so a join's watermark has passed it). A late
// payment shares its stream position with an on-time one, and a producer's retry
// (`duplicate_fraction`, transactions/iot/clicks/sales) repeats a record at its own position:
// `generate_record` may return two records separated by a newline. `keyed` (key, ts, v): `keys` keys drawn per record,
// for join benchmarks; `debezium`, `debezium-tx` and `product-changes`: Debezium change streams
// (state/io/gen/debezium_generator.hpp); `generator_kinds()` lists every kind. Knobs: key cardinality, a share of
// malformed records (not JSON, a missing time column, a wrong type — for dead-letter paths), a share of out-of-order
// and late records (event time moved back by up to `disorder_us`, or by `late_us`). Event time of record n = start +
// n·spacing. Rate limit: `rate` records per second of processing time since the first read (0 = as fast as the pipeline
// takes them). Position = index of the next record.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "state/io/files/record_reader.hpp"

namespace sluice {

struct generator_spec {
  std::string kind = "events";
  uint64_t seed = 42;
  uint64_t count = 0;    // 0 = unbounded
  double rate = 0;       // records per second; 0 = as fast as possible
  uint64_t keys = 1000;  // distinct users
  double malformed_fraction = 0;
  double disorder_fraction = 0;  // moved back by up to disorder_us
  int64_t disorder_us = 5'000'000;
  double late_fraction = 0;     // moved back by late_us (payments: paid late_us after the order)
  double missing_fraction = 0;  // payments: orders never paid
  /// transactions, iot, clicks, sales: a producer's retries — record n is sent again, the same
  /// bytes, right after itself (two records separated by a newline).
  double duplicate_fraction = 0;
  int64_t late_us = 600'000'000;
  uint64_t revision = 1;                     // products: the catalog's revision (1, 2, …)
  int64_t start_us = 1'767'225'600'000'000;  // 2026-01-01T00:00:00Z
  int64_t spacing_us = 1000;                 // event-time distance between consecutive records
};

/// The kinds a generator knows, for help texts and validation.
const std::vector<std::string>& generator_kinds();
/// The natural Kafka key of a generated record (orders/payments: order_id; iot: device_id;
/// keyed: key; cdc: {"id":…}; the others: user); "" when it has none (a malformed record).
std::string generator_record_key(const std::string& kind, const std::string& record);
/// Record n of the spec (the same bytes for the same spec and n, always); "" when the kind has
/// no record n (a missing payment), which readers skip.
std::string generate_record(const generator_spec& spec, uint64_t n);

/// Record n of kind `keyed` as a typed row (key, ts in µs, v) — the cells decoding its JSON
/// gives, without the text.
void generate_keyed_row(const generator_spec& spec, uint64_t n, row& out);

class generator_reader final : public record_reader {
 public:
  /// `typed`: records carry no text, only their index; typed_row() makes each row (kind
  /// `keyed` only — the caller checks).
  explicit generator_reader(generator_spec spec, bool typed = false) : spec_(std::move(spec)), typed_(typed) {}
  std::string description() const override { return "Generator[" + spec_.kind + "]"; }
  status read(size_t max, int64_t now_us, std::vector<raw_record>& out) override;
  status read_until(const std::string& position, int64_t now_us, std::vector<raw_record>& out) override;
  bool exhausted() const override { return spec_.count != 0 && next_ >= spec_.count; }
  std::string position() const override { return std::to_string(next_); }
  status seek(const std::string& position) override;
  std::string origin_prefix() const override { return "generator:" + spec_.kind + "@"; }
  const generator_spec& spec() const { return spec_; }
  bool typed_row(const raw_record& record, row& out) const override;

 private:
  void emit_until(uint64_t end, std::vector<raw_record>& out);
  generator_spec spec_;
  bool typed_ = false;
  uint64_t next_ = 0;
  uint64_t released_base_ = 0;  // records released before the rate clock started
  int64_t clock_start_us_ = -1;
};

}  // namespace sluice
