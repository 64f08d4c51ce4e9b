// exact_sum: a sum of doubles whose result does not depend on the order of the additions, so
// the same rows give the same bits whatever the partition pace, trigger caps, kills and
// restarts ("same input, same output"; IEEE addition is not associative: 0.1 + 0.2 + 0.3 and
// 0.3 + 0.2 + 0.1 differ in the last bit). Used by sum and avg over doubles
// (state/operators/window/aggregation.hpp).
//
// Each value is added as a 128-bit fixed-point integer in units of 2^-64: exact for |x| ≥ 2^-12
// (every bit of its mantissa is kept), truncated toward zero below that (< 2^-64 per value) —
// the same way in any order. The result is the fixed-point sum rounded once to the nearest
// double. A value of magnitude 2^62 or more, a non-finite value, or a running sum past ±2^126
// units (±2^62) ends exactness: from then on the plain double sum (kept alongside) is the
// result, as in Spark (`exact()` says which).
//
// Owner: one accumulator, single-threaded. Encoding (docs/formats/aggregate-state.md,
// version 2): a flag byte (1 exact), the fixed-point sum as high and low 8 bytes, the plain
// sum's IEEE bits.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sluice {

class exact_sum {
 public:
  void add(double x);
  void add(const exact_sum& other);
  double value() const;
  bool exact() const { return exact_; }

  void encode(std::string& out) const;
  /// Reads what `encode` wrote from the front of `in`; false when it is truncated.
  [[nodiscard]] bool decode(std::string_view& in);
  /// A plain double sum (an aggregation state of format version 1), taken as exact.
  static exact_sum of(double sum);

 private:
  __extension__ typedef __int128 fixed;
  fixed fixed_ = 0;
  double plain_ = 0;
  bool exact_ = true;
};

}  // namespace sluice
