// exact_json: JSON text → boost::json::value with every floating-point number correctly
// rounded, so a double printed in shortest form and read back is the same double.
//
// Why: Boost.JSON 1.81's parser converts long decimal mantissas in two roundings and lands one
// ulp off for about one double in ten (1.83 adds `number_precision::precise`). Read back from
// a checkpoint, a part file or a Kafka topic between stages, such a double would differ from
// the one written — the same input would give a different output after a restart. This parser
// is Boost.JSON's own (basic_parser, value_stack) with one change: a double is taken from the
// number's text by std::from_chars (correctly rounded); a number beyond a double's range keeps
// Boost.JSON's value (±inf): the row decoder refuses it, stored cells use it for ±infinity.
//
// Owner: one per thread (it reuses its buffers); not thread-safe.
#pragma once

#include <boost/json/basic_parser.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_stack.hpp>
#include <string>
#include <string_view>

namespace sluice {

/// The handler of exact_json_parser: Boost.JSON's value-building handler, doubles re-read.
struct exact_json_handler {
  static constexpr std::size_t max_object_size = boost::json::object::max_size();
  static constexpr std::size_t max_array_size = boost::json::array::max_size();
  static constexpr std::size_t max_key_size = boost::json::string::max_size();
  static constexpr std::size_t max_string_size = boost::json::string::max_size();

  boost::json::value_stack st;
  std::string number;  // the text of the number being read (split over buffers)

  bool on_document_begin(boost::json::error_code&) { return true; }
  bool on_document_end(boost::json::error_code&) { return true; }
  bool on_object_begin(boost::json::error_code&) { return true; }
  bool on_object_end(std::size_t n, boost::json::error_code&) { return st.push_object(n), true; }
  bool on_array_begin(boost::json::error_code&) { return true; }
  bool on_array_end(std::size_t n, boost::json::error_code&) { return st.push_array(n), true; }
  bool on_key_part(boost::json::string_view s, std::size_t, boost::json::error_code&) { return st.push_chars(s), true; }
  bool on_key(boost::json::string_view s, std::size_t, boost::json::error_code&) { return st.push_key(s), true; }
  bool on_string_part(boost::json::string_view s, std::size_t, boost::json::error_code&) {
    return st.push_chars(s), true;
  }
  bool on_string(boost::json::string_view s, std::size_t, boost::json::error_code&) { return st.push_string(s), true; }
  bool on_number_part(boost::json::string_view s, boost::json::error_code&) {
    number.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t i, boost::json::string_view, boost::json::error_code&) {
    number.clear();
    return st.push_int64(i), true;
  }
  bool on_uint64(std::uint64_t u, boost::json::string_view, boost::json::error_code&) {
    number.clear();
    return st.push_uint64(u), true;
  }
  bool on_double(double d, boost::json::string_view s, boost::json::error_code&);
  bool on_bool(bool b, boost::json::error_code&) { return st.push_bool(b), true; }
  bool on_null(boost::json::error_code&) { return st.push_null(), true; }
  bool on_comment_part(boost::json::string_view, boost::json::error_code&) { return true; }
  bool on_comment(boost::json::string_view, boost::json::error_code&) { return true; }
};

class exact_json_parser {
 public:
  explicit exact_json_parser(const boost::json::parse_options& opts = {});
  /// Parses one whole document into a value whose memory comes from `sp`; on error `ec` is set
  /// and the value is null.
  boost::json::value parse(std::string_view text, boost::json::error_code& ec, boost::json::storage_ptr sp = {});

 private:
  boost::json::basic_parser<exact_json_handler> p_;
};

/// One document; with the default options a parser kept per thread is reused.
boost::json::value parse_json_exact(std::string_view text, boost::json::error_code& ec,
                                    const boost::json::parse_options& opts = {});

}  // namespace sluice
