#include "messages/codec/exact_json.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/error.hpp>
#include <charconv>
#include <cmath>

namespace sluice {

bool exact_json_handler::on_double(double d, boost::json::string_view s, boost::json::error_code&) {
  number.append(s.data(), s.size());
  double exact = 0;
  auto res = std::from_chars(number.data(), number.data() + number.size(), exact);
  if (res.ec == std::errc() && res.ptr == number.data() + number.size() && std::isfinite(exact)) d = exact;
  number.clear();
  st.push_double(d);
  return true;
}

exact_json_parser::exact_json_parser(const boost::json::parse_options& opts) : p_(opts) {}

boost::json::value exact_json_parser::parse(std::string_view text, boost::json::error_code& ec,
                                            boost::json::storage_ptr sp) {
  p_.reset();
  p_.handler().number.clear();
  p_.handler().st.reset(std::move(sp));
  auto n = p_.write_some(false, text.data(), text.size(), ec);
  if (!ec && n < text.size()) ec = boost::json::error::extra_data;
  if (ec) return nullptr;
  if (!p_.done()) {
    ec = boost::json::error::incomplete;
    return nullptr;
  }
  return p_.handler().st.release();
}

boost::json::value parse_json_exact(std::string_view text, boost::json::error_code& ec,
                                    const boost::json::parse_options& opts) {
  exact_json_parser p(opts);
  return p.parse(text, ec);
}

}  // namespace sluice
