#include "state/operators/window/hyperloglog.hpp"

#include <xxhash.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

namespace sluice {
namespace {

constexpr int register_bits = 6;
constexpr int registers_per_word = 10;
constexpr uint64_t register_mask = (uint64_t{1} << register_bits) - 1;
constexpr uint64_t seed = 42;
// HLL++ (Heule et al. 2013, appendix): linear counting is used below these, for p = 4 … 18.
constexpr double linear_counting_threshold[] = {10,   20,   40,    80,    220,   400,    900,   1800,
                                                3100, 6500, 11500, 20000, 50000, 120000, 350000};

// Ertl 2017, algorithm 6: σ and τ for the improved raw estimator.
double sigma(double x) {
  if (x == 1.0) return std::numeric_limits<double>::infinity();
  double y = 1.0, z = x, prev;
  do {
    x *= x;
    prev = z;
    z += x * y;
    y += y;
  } while (z != prev);
  return z;
}

double tau(double x) {
  if (x == 0.0 || x == 1.0) return 0.0;
  double y = 1.0, z = 1.0 - x, prev;
  do {
    x = std::sqrt(x);
    prev = z;
    y *= 0.5;
    z -= (1.0 - x) * (1.0 - x) * y;
  } while (z != prev);
  return z / 3.0;
}

}  // namespace

int hyperloglog::precision_for(double rsd) {
  if (!(rsd > 0)) throw std::invalid_argument("approx_count_distinct: relative standard deviation must be positive");
  int p = static_cast<int>(std::ceil(2.0 * std::log2(1.106 / rsd)));
  if (p < 4)
    throw std::invalid_argument("approx_count_distinct: relative standard deviation " + std::to_string(rsd) +
                                " is too large; it must be at most 0.39");
  if (p > 18)
    throw std::invalid_argument("approx_count_distinct: relative standard deviation " + std::to_string(rsd) +
                                " needs more than 2^18 registers; use at least 0.0043");
  return p;
}

hyperloglog::hyperloglog(double rsd) : p_(precision_for(rsd)) {
  words_.assign((registers() + registers_per_word - 1) / registers_per_word, 0);
}

int hyperloglog::register_at(size_t i) const {
  return static_cast<int>((words_[i / registers_per_word] >> ((i % registers_per_word) * register_bits)) &
                          register_mask);
}

void hyperloglog::set_max(size_t idx, int rho) {
  uint64_t& w = words_[idx / registers_per_word];
  int shift = static_cast<int>(idx % registers_per_word) * register_bits;
  uint64_t cur = (w >> shift) & register_mask;
  if (static_cast<uint64_t>(rho) > cur) w = (w & ~(register_mask << shift)) | (static_cast<uint64_t>(rho) << shift);
}

void hyperloglog::add_hash(uint64_t h) {
  size_t idx = static_cast<size_t>(h >> (64 - p_));
  uint64_t w = (h << p_) | (uint64_t{1} << (p_ - 1));
  set_max(idx, __builtin_clzll(w) + 1);
}

uint64_t hyperloglog::hash_value(const value& v) {
  switch (v.index()) {
    case 1: {
      int32_t b = std::get<bool>(v) ? 1 : 0;
      return XXH64(&b, sizeof b, seed);
    }
    case 2: {
      int64_t x = std::get<int64_t>(v);
      return XXH64(&x, sizeof x, seed);
    }
    case 3: {
      double d = std::get<double>(v);
      if (d == 0.0) d = 0.0;  // -0.0 and 0.0 are one value
      uint64_t bits;
      std::memcpy(&bits, &d, sizeof bits);
      return XXH64(&bits, sizeof bits, seed);
    }
    default: {
      const auto& s = std::get<std::string>(v);
      return XXH64(s.data(), s.size(), seed);
    }
  }
}

void hyperloglog::add(const value& v) {
  if (v.index() == 0) return;
  add_hash(hash_value(v));
}

bool hyperloglog::merge(const hyperloglog& o) {
  if (o.p_ != p_) return false;
  for (size_t i = 0; i < registers(); ++i) set_max(i, o.register_at(i));
  return true;
}

int64_t hyperloglog::estimate() const {
  const int q = 64 - p_;
  const double m = static_cast<double>(registers());
  std::vector<int> histogram(static_cast<size_t>(q + 2), 0);
  for (size_t i = 0; i < registers(); ++i) ++histogram[static_cast<size_t>(register_at(i))];
  double zeros = histogram[0];
  if (zeros > 0) {
    double lc = m * std::log(m / zeros);
    if (lc <= linear_counting_threshold[p_ - 4]) return static_cast<int64_t>(std::llround(lc));
  }
  double z = m * tau(1.0 - histogram[static_cast<size_t>(q + 1)] / m);
  for (int k = q; k >= 1; --k) z = 0.5 * (z + histogram[static_cast<size_t>(k)]);
  z += m * sigma(zeros / m);
  double alpha_inf = 1.0 / (2.0 * std::log(2.0));
  return static_cast<int64_t>(std::llround(alpha_inf * m * m / z));
}

std::string hyperloglog::encode() const {
  std::string out;
  out.reserve(2 + words_.size() * 8);
  out.push_back(0x01);
  out.push_back(static_cast<char>(p_));
  for (uint64_t w : words_)
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(w >> (8 * i)));
  return out;
}

status hyperloglog::decode(std::string_view b, hyperloglog& out) {
  if (b.size() < 2) return status::corruption("HLL registers are truncated");
  if (b[0] != 0x01)
    return status::corruption("HLL registers have format version " + std::to_string(static_cast<int>(b[0])) +
                              "; this sluice reads version 1");
  int p = static_cast<unsigned char>(b[1]);
  if (p < 4 || p > 18) return status::corruption("HLL registers have precision " + std::to_string(p));
  size_t words = ((size_t{1} << p) + registers_per_word - 1) / registers_per_word;
  if (b.size() != 2 + words * 8) return status::corruption("HLL registers have the wrong length for precision");
  out.p_ = p;
  out.words_.assign(words, 0);
  for (size_t w = 0; w < words; ++w)
    for (int i = 0; i < 8; ++i)
      out.words_[w] |= static_cast<uint64_t>(static_cast<unsigned char>(b[2 + w * 8 + static_cast<size_t>(i)]))
                       << (8 * i);
  return status::ok();
}

}  // namespace sluice
