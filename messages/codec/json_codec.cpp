#include "messages/codec/json_codec.hpp"

#include <boost/json.hpp>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include "messages/data/time.hpp"

namespace sluice {
namespace json = boost::json;

namespace {

/// A number JSON text cannot print back (Boost.JSON reads 1e400 as infinity, prints `Infinity`).
bool has_non_finite(const json::value& v) {
  switch (v.kind()) {
    case json::kind::double_:
      return !std::isfinite(v.get_double());
    case json::kind::array:
      for (const auto& e : v.get_array())
        if (has_non_finite(e)) return true;
      return false;
    case json::kind::object:
      for (const auto& kv : v.get_object())
        if (has_non_finite(kv.value())) return true;
      return false;
    default:
      return false;
  }
}

}  // namespace

row_decoder::row_decoder(schema_ptr s) : schema_(std::move(s)) {}

std::string row_decoder::decode(std::string_view text, row& out) {
  json::monotonic_resource mr(buffer_, sizeof buffer_);
  boost::system::error_code ec;
  json::value doc = parser_.parse(text, ec, &mr);
  if (ec) return "not valid JSON: " + ec.message();
  if (!doc.is_object()) return "not a JSON object";
  const json::object& obj = doc.get_object();
  const schema& s = *schema_;
  out.values.clear();
  out.values.resize(s.size());
  out.event_time_us = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const column& c = s.at(i);
    auto it = obj.find(c.name);
    if (it == obj.end() || it->value().is_null()) {
      if (c.required || (s.event_time_index() && *s.event_time_index() == i))
        return "missing required column '" + c.name + "'";
      continue;
    }
    const json::value& v = it->value();
    value& cell = out.values[i];
    switch (c.type) {
      case column_type::null:
        break;
      case column_type::boolean:
        if (!v.is_bool()) return "column '" + c.name + "' expects bool, got " + json::serialize(v);
        cell = v.get_bool();
        break;
      case column_type::int64:
        if (v.is_int64())
          cell = v.get_int64();
        else if (v.is_uint64() && v.get_uint64() <= static_cast<uint64_t>(INT64_MAX))
          cell = static_cast<int64_t>(v.get_uint64());
        else if (v.is_double() && std::trunc(v.get_double()) == v.get_double() && std::fabs(v.get_double()) < 9e18)
          cell = static_cast<int64_t>(v.get_double());
        else
          return "column '" + c.name + "' expects int64, got " + json::serialize(v);
        break;
      case column_type::float64:
        if (v.is_number() && std::isfinite(v.to_number<double>()))
          cell = v.to_number<double>();
        else if (v.is_number())
          return "column '" + c.name + "' is out of the range of a double: " + json::serialize(v);
        else
          return "column '" + c.name + "' expects double, got " + json::serialize(v);
        break;
      case column_type::string:
        if (!v.is_string()) return "column '" + c.name + "' expects string, got " + json::serialize(v);
        cell = std::string(v.get_string());
        break;
      case column_type::timestamp: {
        int64_t us;
        if (v.is_string()) {
          auto parsed = parse_iso8601_us(std::string_view(v.get_string()));
          if (!parsed) return "column '" + c.name + "' is not an ISO-8601 timestamp: " + json::serialize(v);
          us = *parsed;
        } else if (v.is_number()) {
          auto checked = checked_micros(v.to_number<double>(), c.unit);
          if (!checked) return "column '" + c.name + "' is a timestamp outside years 0001-9999: " + json::serialize(v);
          us = *checked;
        } else {
          return "column '" + c.name + "' expects a timestamp, got " + json::serialize(v);
        }
        cell = us;
        if (s.event_time_index() && *s.event_time_index() == i) out.event_time_us = us;
        break;
      }
      case column_type::json:
        if (has_non_finite(v)) return "column '" + c.name + "' holds a number out of the range of a double";
        cell = json::serialize(v);
        break;
    }
  }
  return {};
}

std::string read_json_file(const std::string& path, json::value& out) {
  std::ifstream in(path);
  if (!in) return "cannot read the file";
  std::stringstream ss;
  ss << in.rdbuf();
  boost::system::error_code ec;
  json::parse_options po;
  po.allow_comments = true;
  po.allow_trailing_commas = true;
  out = json::parse(ss.str(), ec, {}, po);
  if (ec) return "not valid JSON (" + ec.message() + ")";
  return {};
}

namespace {

constexpr char hex_digits[] = "0123456789abcdef";

/// The length of the valid UTF-8 sequence at text[i] (a lead byte ≥ 0x80), or 0 when it is not
/// one: a stray continuation byte, an overlong form, a surrogate, past U+10FFFF or cut short.
size_t utf8_sequence(std::string_view text, size_t i) {
  auto at = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char c = at(i);
  size_t n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
  if (n == 0 || i + n > text.size()) return 0;
  for (size_t k = 1; k < n; ++k)
    if ((at(i + k) & 0xC0) != 0x80) return 0;
  unsigned char second = at(i + 1);
  if (c == 0xE0 && second < 0xA0) return 0;  // overlong
  if (c == 0xED && second > 0x9F) return 0;  // a surrogate
  if (c == 0xF0 && second < 0x90) return 0;  // overlong
  if (c == 0xF4 && second > 0x8F) return 0;  // past U+10FFFF
  return n;
}

void append_escaped_byte(std::string& out, const char* prefix, unsigned char c) {
  out += prefix;
  out.push_back(hex_digits[c >> 4]);
  out.push_back(hex_digits[c & 0xF]);
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  out.push_back('"');
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (c < 0x20) {
          append_escaped_byte(out, "\\u00", c);
        } else if (c < 0x80) {
          out.push_back(static_cast<char>(c));
        } else if (size_t n = utf8_sequence(text, i)) {
          out.append(text.data() + i, n);
          i += n - 1;
        } else {
          append_escaped_byte(out, "\\\\x", c);  // not UTF-8: the byte as the text \xNN
        }
    }
  }
  out.push_back('"');
}

void append_json_value(std::string& out, const value& v, column_type type) {
  char buf[32];
  switch (v.index()) {
    case 0:
      out += "null";
      break;
    case 1:
      out += std::get<bool>(v) ? "true" : "false";
      break;
    case 2:
      if (type == column_type::timestamp) {
        out.push_back('"');
        out += format_iso8601(std::get<int64_t>(v));
        out.push_back('"');
      } else {
        auto res = std::to_chars(buf, buf + sizeof buf, std::get<int64_t>(v));
        out.append(buf, res.ptr);
      }
      break;
    case 3: {
      double d = std::get<double>(v);
      if (!std::isfinite(d)) {
        out += "null";
      } else {
        auto res = std::to_chars(buf, buf + sizeof buf, d);
        out.append(buf, res.ptr);
      }
      break;
    }
    default:
      if (type == column_type::json)
        out += std::get<std::string>(v);
      else
        append_json_string(out, std::get<std::string>(v));
      break;
  }
}

void write_json(const boost::json::value& v, std::string& out,
                const std::function<void(double, std::string&)>& write_double) {
  switch (v.kind()) {
    case boost::json::kind::object: {
      out.push_back('{');
      bool first = true;
      for (const auto& kv : v.get_object()) {
        if (!first) out.push_back(',');
        first = false;
        append_json_string(out, kv.key());
        out.push_back(':');
        write_json(kv.value(), out, write_double);
      }
      out.push_back('}');
      break;
    }
    case boost::json::kind::array: {
      out.push_back('[');
      bool first = true;
      for (const auto& e : v.get_array()) {
        if (!first) out.push_back(',');
        first = false;
        write_json(e, out, write_double);
      }
      out.push_back(']');
      break;
    }
    case boost::json::kind::double_:
      if (write_double)
        write_double(v.get_double(), out);
      else
        append_json_value(out, value{v.get_double()}, column_type::float64);
      break;
    default:
      out += boost::json::serialize(v);
  }
}

void encode_row(const schema& s, const row& r, std::string& out) {
  out.push_back('{');
  for (size_t i = 0; i < s.size() && i < r.values.size(); ++i) {
    if (i) out.push_back(',');
    append_json_string(out, s.at(i).name);
    out.push_back(':');
    const auto& c = s.at(i);
    if (c.role == time_role::window && c.window_size_us > 0 && r.values[i].index() == 2) {
      // Spark's window struct: {"start", "end"} (the cell holds window_time = end − 1 µs).
      int64_t end = std::get<int64_t>(r.values[i]) + 1;
      out += "{\"start\":\"";
      out += format_iso8601(end - c.window_size_us);
      out += "\",\"end\":\"";
      out += format_iso8601(end);
      out += "\"}";
      continue;
    }
    append_json_value(out, r.values[i], c.type);
  }
  out.push_back('}');
}

std::string encode_row(const schema& s, const row& r) {
  std::string out;
  encode_row(s, r, out);
  return out;
}

}  // namespace sluice
