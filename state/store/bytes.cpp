#include "state/store/bytes.hpp"

#include <cmath>
#include <cstring>

namespace sluice {

void put_i64(std::string& out, int64_t x) {
  for (int k = 0; k < 8; ++k) out.push_back(static_cast<char>(static_cast<uint64_t>(x) >> (8 * k)));
}

bool get_i64(std::string_view& in, int64_t& x) {
  if (in.size() < 8) return false;
  uint64_t u = 0;
  for (int k = 0; k < 8; ++k)
    u |= static_cast<uint64_t>(static_cast<unsigned char>(in[static_cast<size_t>(k)])) << (8 * k);
  x = static_cast<int64_t>(u);
  in.remove_prefix(8);
  return true;
}

void put_bytes(std::string& out, std::string_view b) {
  put_i64(out, static_cast<int64_t>(b.size()));
  out.append(b);
}

bool get_bytes(std::string_view& in, std::string_view& b) {
  int64_t n;
  if (!get_i64(in, n) || n < 0 || static_cast<size_t>(n) > in.size()) return false;
  b = in.substr(0, static_cast<size_t>(n));
  in.remove_prefix(static_cast<size_t>(n));
  return true;
}

void append_key_bytes(const value& v, std::string& out) {
  switch (v.index()) {
    case 0:
      out.push_back('N');
      break;
    case 1:
      out.push_back(std::get<bool>(v) ? 'T' : 'F');
      break;
    case 2:
      out.push_back('I');
      put_i64(out, std::get<int64_t>(v));
      break;
    case 3: {
      double d = std::get<double>(v);
      if (std::trunc(d) == d && std::fabs(d) < 9e18) {  // 1.0 groups with 1
        out.push_back('I');
        put_i64(out, static_cast<int64_t>(d));
      } else {
        int64_t bits;
        std::memcpy(&bits, &d, sizeof bits);
        out.push_back('D');
        put_i64(out, bits);
      }
      break;
    }
    default: {
      const auto& s = std::get<std::string>(v);
      out.push_back('S');
      put_bytes(out, s);
    }
  }
}

}  // namespace sluice
