#include "messages/codec/exact_json.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/error.hpp>
#include <charconv>
#include <cmath>

namespace sluice {

bool exact_json_handler::on_double(double d, boost::json::string_view s, boost::json::error_code&) {
  // The whole number is in `s` unless it was split over buffers (then its start is in `number`).
  if (!number.empty()) number.append(s.data(), s.size());
  const char* first = number.empty() ? s.data() : number.data();
  const char* last = number.empty() ? s.data() + s.size() : number.data() + number.size();
  double exact = 0;
  auto res = std::from_chars(first, last, exact);
  if (res.ec == std::errc() && res.ptr == last && std::isfinite(exact)) d = exact;
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
  bool plain = !opts.allow_comments && !opts.allow_trailing_commas && !opts.allow_invalid_utf8 &&
               opts.max_depth == boost::json::parse_options{}.max_depth;
  if (plain) {
    thread_local exact_json_parser reused;  // its buffers stay: no parser built per call
    return reused.parse(text, ec);
  }
  exact_json_parser p(opts);
  return p.parse(text, ec);
}

}  // namespace sluice
