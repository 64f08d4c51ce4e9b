#include "messages/data/packed_cells.hpp"

#include <cstdint>
#include <cstring>

namespace sluice {
namespace {

enum tag : char { null_cell = 0, false_cell = 1, true_cell = 2, int_cell = 3, double_cell = 4, string_cell = 5 };

void put_varint(std::string& out, uint64_t x) {
  while (x >= 0x80) {
    out.push_back(static_cast<char>((x & 0x7f) | 0x80));
    x >>= 7;
  }
  out.push_back(static_cast<char>(x));
}

bool get_varint(std::string_view& in, uint64_t& x) {
  x = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (in.empty()) return false;
    auto b = static_cast<uint8_t>(in.front());
    in.remove_prefix(1);
    x |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) return true;
  }
  return false;  // more than 10 bytes: not ours
}

}  // namespace

void pack_cells(const std::vector<value>& cells, std::string& out) {
  put_varint(out, cells.size());
  for (const auto& v : cells) {
    switch (v.index()) {
      case 0:
        out.push_back(null_cell);
        break;
      case 1:
        out.push_back(std::get<bool>(v) ? true_cell : false_cell);
        break;
      case 2: {
        auto x = static_cast<uint64_t>(std::get<int64_t>(v));
        out.push_back(int_cell);
        put_varint(out, (x << 1) ^ (0 - (x >> 63)));  // zigzag: small magnitudes, few bytes
        break;
      }
      case 3: {
        double d = std::get<double>(v);
        char bytes[8];
        std::memcpy(bytes, &d, 8);
        out.push_back(double_cell);
        out.append(bytes, 8);
        break;
      }
      default: {
        const auto& s = std::get<std::string>(v);
        out.push_back(string_cell);
        put_varint(out, s.size());
        out.append(s);
        break;
      }
    }
  }
}

bool unpack_cells(std::string_view& in, std::vector<value>& cells) {
  uint64_t n = 0;
  if (!get_varint(in, n) || n > in.size()) return false;  // every cell takes at least a byte
  cells.clear();
  cells.reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    if (in.empty()) return false;
    char t = in.front();
    in.remove_prefix(1);
    switch (t) {
      case null_cell:
        cells.emplace_back();
        break;
      case false_cell:
      case true_cell:
        cells.emplace_back(t == true_cell);
        break;
      case int_cell: {
        uint64_t z = 0;
        if (!get_varint(in, z)) return false;
        cells.emplace_back(static_cast<int64_t>((z >> 1) ^ (0 - (z & 1))));
        break;
      }
      case double_cell: {
        if (in.size() < 8) return false;
        double d;
        std::memcpy(&d, in.data(), 8);
        in.remove_prefix(8);
        cells.emplace_back(d);
        break;
      }
      case string_cell: {
        uint64_t len = 0;
        if (!get_varint(in, len) || len > in.size()) return false;
        cells.emplace_back(std::in_place_type<std::string>, in.data(), static_cast<size_t>(len));
        in.remove_prefix(static_cast<size_t>(len));
        break;
      }
      default:
        return false;
    }
  }
  return true;
}

}  // namespace sluice
