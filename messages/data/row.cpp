#include "messages/data/row.hpp"

#include <boost/json.hpp>
#include <cmath>

#include "messages/codec/exact_json.hpp"

namespace sluice {

int64_t row_heap_bytes(const row& r) {
  int64_t n = static_cast<int64_t>(r.values.capacity() * sizeof(value));
  for (const auto& v : r.values)
    if (v.index() == 4) n += static_cast<int64_t>(std::get<std::string>(v).capacity());
  return n;
}

namespace {

/// Cells with a double that JSON cannot hold: ±infinity as ±1e999 (which reads back as
/// ±infinity), NaN as null. Boost.JSON would print `Infinity`, which no JSON parser reads.
std::string encode_cells_with_non_finite(const std::vector<value>& cells) {
  std::string out = "[";
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i) out.push_back(',');
    const auto* d = std::get_if<double>(&cells[i]);
    if (d && std::isnan(*d)) {
      out += "null";
    } else if (d && std::isinf(*d)) {
      out += *d > 0 ? "1e999" : "-1e999";
    } else {
      std::string one = encode_cells({cells[i]});  // "[x]"
      out.append(one, 1, one.size() - 2);
    }
  }
  out.push_back(']');
  return out;
}

}  // namespace

std::string encode_cells(const std::vector<value>& cells) {
  for (const auto& v : cells)
    if (const auto* d = std::get_if<double>(&v); d && !std::isfinite(*d)) return encode_cells_with_non_finite(cells);
  boost::json::array arr;
  arr.reserve(cells.size());
  for (const auto& v : cells) {
    switch (v.index()) {
      case 0:
        arr.emplace_back(nullptr);
        break;
      case 1:
        arr.emplace_back(std::get<bool>(v));
        break;
      case 2:
        arr.emplace_back(std::get<int64_t>(v));
        break;
      case 3:
        arr.emplace_back(std::get<double>(v));
        break;
      default:
        arr.emplace_back(std::get<std::string>(v));
        break;
    }
  }
  return boost::json::serialize(arr);
}

bool decode_cells(const std::string& text, std::vector<value>& cells) {
  boost::system::error_code ec;
  auto parsed = parse_json_exact(text, ec);
  if (ec || !parsed.is_array()) return false;
  cells.clear();
  for (const auto& j : parsed.as_array()) {
    switch (j.kind()) {
      case boost::json::kind::null:
        cells.emplace_back();
        break;
      case boost::json::kind::bool_:
        cells.emplace_back(j.get_bool());
        break;
      case boost::json::kind::int64:
        cells.emplace_back(j.get_int64());
        break;
      case boost::json::kind::uint64:
        cells.emplace_back(static_cast<int64_t>(j.get_uint64()));
        break;
      case boost::json::kind::double_:
        cells.emplace_back(j.get_double());
        break;
      case boost::json::kind::string:
        cells.emplace_back(std::string(j.get_string()));
        break;
      default:
        return false;
    }
  }
  return true;
}

}  // namespace sluice
