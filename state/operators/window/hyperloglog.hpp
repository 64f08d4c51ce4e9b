// hyperloglog: the approx_count_distinct sketch — HyperLogLog++ as Spark lays it out
// (spark-semantics §3, `HyperLogLogPlusPlusHelper`), with its registers in checkpointed state.
//
// Papers: Flajolet, Fusy, Gandouet, Meunier, "HyperLogLog: the analysis of a near-optimal
// cardinality estimation algorithm" (2007); Heule, Nunkesser, Hall, "HyperLogLog in Practice:
// Algorithmic Engineering of a State of The Art Cardinality Estimation Algorithm" (EDBT 2013,
// "HLL++"); Ertl, "New cardinality estimation algorithms for HyperLogLog sketches" (2017).
//
//   precision p = ⌈2·log2(1.106 / rsd)⌉ (rsd 0.05 → p = 9, m = 512 registers), 4 ≤ p ≤ 18
//   hash        xxHash64, seed 42, of the value's bytes (int64/timestamp: 8 bytes LE; double:
//               its bits; string/json: UTF-8 bytes; bool: 4 bytes LE) — Spark's XxHash64Function
//   register    idx = hash >> (64 − p); ρ = leading zeros of (hash << p | 1 << (p−1)) + 1
//   layout      6-bit registers packed 10 per 64-bit word (Spark's), ⌈m/10⌉ words
//   estimate    HLL++: 64-bit hash (no large-range correction) and linear counting while its
//               estimate is below the paper's threshold for p; above it, where HLL++ subtracts
//               an empirical bias (k-NN over its published tables), sluice uses Ertl's improved
//               raw estimator, which removes that small/mid-range bias analytically — the same
//               role, no tables. The error test (tests/state/operators/window/hyperloglog_test.cpp) holds it to
//               the rsd bound from 1 to 10M distinct values.
//   merge       register-wise max (precisions must match); nulls are never added
//
// Encoding (docs/formats/hll-registers.md, version 1): 0x01, p, then the words, 8 bytes LE each.
// Owner: one aggregation buffer of one group; plain value type, no locking.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "messages/data/value.hpp"
#include "state/store/status.hpp"

namespace sluice {

class hyperloglog {
 public:
  /// Throws std::invalid_argument for rsd outside (0.0039, 0.39] (p outside 4..18), as Spark.
  explicit hyperloglog(double relative_sd = 0.05);

  static int precision_for(double relative_sd);
  int precision() const { return p_; }
  size_t registers() const { return size_t{1} << p_; }

  void add_hash(uint64_t hash);
  /// Adds a cell; null is ignored. `as_json` cells hash like strings.
  void add(const value& v);
  /// Register-wise max; false (and nothing changed) when the precisions differ.
  bool merge(const hyperloglog& other);
  int64_t estimate() const;

  std::string encode() const;
  static status decode(std::string_view bytes, hyperloglog& out);
  size_t memory_bytes() const { return words_.size() * sizeof(uint64_t); }
  int register_at(size_t i) const;

  static uint64_t hash_value(const value& v);

 private:
  void set_max(size_t idx, int rho);
  int p_;
  std::vector<uint64_t> words_;
};

}  // namespace sluice
