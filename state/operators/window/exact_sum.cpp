#include "state/operators/window/exact_sum.hpp"

#include <cmath>
#include <cstring>

#include "state/store/bytes.hpp"

namespace sluice {
namespace {

constexpr double max_value = 0x1p62;  // beyond: 2^126 units or more
__extension__ typedef __int128 fixed_type;
__extension__ typedef unsigned __int128 bits_type;
constexpr fixed_type fixed_limit = static_cast<fixed_type>(1) << 126;

}  // namespace

void exact_sum::add(double x) {
  plain_ += x;
  if (!exact_) return;
  if (!std::isfinite(x) || std::fabs(x) >= max_value) {
    exact_ = false;
    return;
  }
  fixed r = fixed_ + static_cast<fixed>(std::ldexp(x, 64));  // |each| < 2^126: no overflow
  if (r >= fixed_limit || r <= -fixed_limit) {
    exact_ = false;
    return;
  }
  fixed_ = r;
}

void exact_sum::add(const exact_sum& o) {
  plain_ += o.plain_;
  if (!exact_) return;
  fixed r = fixed_ + o.fixed_;
  if (!o.exact_ || r >= fixed_limit || r <= -fixed_limit) {
    exact_ = false;
    return;
  }
  fixed_ = r;
}

double exact_sum::value() const {
  return exact_ ? std::ldexp(static_cast<double>(fixed_), -64) : plain_;
}

void exact_sum::encode(std::string& out) const {
  out.push_back(exact_ ? 1 : 0);
  auto u = static_cast<bits_type>(fixed_);
  put_i64(out, static_cast<int64_t>(static_cast<uint64_t>(u >> 64)));
  put_i64(out, static_cast<int64_t>(static_cast<uint64_t>(u)));
  int64_t bits;
  std::memcpy(&bits, &plain_, sizeof bits);
  put_i64(out, bits);
}

bool exact_sum::decode(std::string_view& in) {
  if (in.empty()) return false;
  exact_ = in[0] != 0;
  in.remove_prefix(1);
  int64_t hi, lo, bits;
  if (!get_i64(in, hi) || !get_i64(in, lo) || !get_i64(in, bits)) return false;
  fixed_ = static_cast<fixed>((static_cast<bits_type>(static_cast<uint64_t>(hi)) << 64) |
                              static_cast<bits_type>(static_cast<uint64_t>(lo)));
  std::memcpy(&plain_, &bits, sizeof bits);
  return true;
}

exact_sum exact_sum::of(double sum) {
  exact_sum s;
  s.add(sum);
  return s;
}

}  // namespace sluice
