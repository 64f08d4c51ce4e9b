#include "messages/data/row.hpp"

#include <boost/json.hpp>

namespace sluice {

std::string encode_cells(const std::vector<value>& cells) {
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
  auto parsed = boost::json::parse(text, ec);
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
