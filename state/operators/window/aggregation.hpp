// aggregation: the aggregate functions of window and session queries, as plain state —
// what one group keeps per aggregation (an `accumulator`), how a row updates it, how two
// merge (sessions joining), its result and its bytes in a checkpoint row.
//
// Functions and Spark's result rules (spark-semantics §3):
//   count            count(*) every row; count(col) non-null cells            → int64
//   sum(col)         int64 in → int64, double in → double; null if no value   → int64 / double
//   avg(col)         double; null if no value
//   (double sums are order-independent: state/operators/window/exact_sum.hpp)
//   min/max(col)     the column's type; null if no value
//   collect_list(col) the non-null values in arrival order                      → json array
//   approx_count_distinct(col, rsd) HyperLogLog++ (state/operators/window/hyperloglog.hpp)       → int64
// Exact count(DISTINCT) is refused in streaming, as Spark does (see make_aggregate_stage).
//
// Encoding (docs/formats/aggregate-state.md, version 2) is written per group by the
// aggregate actor; `encode`/`decode` here write one accumulator's part of it.
// Nothing here includes CAF; owners are single-threaded.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "messages/data/row.hpp"
#include "messages/data/schema.hpp"
#include "state/operators/window/exact_sum.hpp"
#include "state/operators/window/hyperloglog.hpp"
#include "state/store/bytes.hpp"
#include "state/store/status.hpp"

namespace sluice {

enum class aggregate_fn : uint8_t { count, sum, avg, min, max, collect_list, approx_count_distinct };

std::optional<aggregate_fn> parse_aggregate_fn(std::string_view name);
const char* to_string(aggregate_fn f);

/// One aggregation of a query, resolved against the input schema.
struct aggregate_column {
  aggregate_fn fn = aggregate_fn::count;
  std::optional<size_t> input;  // column index; none = count(*)
  column_type input_type = column_type::null;
  double rsd = 0.05;  // approx_count_distinct
  std::string name;   // the output column
  column_type result_type() const;
};

struct accumulator {
  int64_t n = 0;  // rows (count) / non-null values (sum, avg, min, max)
  int64_t i = 0;  // integer sum
  exact_sum d;    // floating sum, the same whatever the order of the rows
  value v;        // min / max so far
  std::vector<value> list;
  std::optional<hyperloglog> hll;
};

accumulator make_accumulator(const aggregate_column& a);
void update(const aggregate_column& a, accumulator& acc, const row& r);
/// Folds `other` into `acc` (both of aggregation `a`): sessions merging.
void merge(const aggregate_column& a, accumulator& acc, const accumulator& other);
value result(const aggregate_column& a, const accumulator& acc);
/// Appends the accumulator's bytes to `out` (format version 2); `decode` reads them back from
/// the front of `in`, written by format `version` (1: a plain double sum; 2).
void encode(const aggregate_column& a, const accumulator& acc, std::string& out);
status decode(const aggregate_column& a, std::string_view& in, accumulator& acc, int version);
/// Bytes held, O(1): string payloads inside lists and extremes are not counted.
size_t memory_bytes(const accumulator& acc);

}  // namespace sluice
