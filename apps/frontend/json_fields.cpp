#include "apps/frontend/json_fields.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

#include "messages/data/time.hpp"

namespace sluice::json_fields {

void fail(const std::string& path, const std::string& what) {
  throw std::invalid_argument(path + ": " + what);
}

std::string child(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

const json::object& as_object(const json::value& v, const std::string& path) {
  if (!v.is_object()) fail(path, "expected a JSON object, got " + json::serialize(v));
  return v.get_object();
}

void check_fields(const json::object& o, const std::string& path, const std::set<std::string>& accepted) {
  for (const auto& kv : o)
    if (!accepted.count(std::string(kv.key()))) {
      std::string list;
      for (const auto& a : accepted) list += (list.empty() ? "" : ", ") + a;
      fail(child(path, std::string(kv.key())), "unknown field; accepted here: " + list);
    }
}

std::string get_string(const json::object& o, const char* key, const std::string& path, std::string def) {
  auto* v = o.if_contains(key);
  if (!v) return def;
  if (!v->is_string()) fail(child(path, key), "expected a string, got " + json::serialize(*v));
  return std::string(v->get_string());
}

double get_number(const json::object& o, const char* key, const std::string& path, double def, double min, double max) {
  auto* v = o.if_contains(key);
  if (!v) return def;
  if (!v->is_number()) fail(child(path, key), "expected a number, got " + json::serialize(*v));
  double d = v->to_number<double>();
  if (d < min || d > max) {
    std::ostringstream os;
    os << "expected a number from " << min << " to " << max << ", got " << d;
    fail(child(path, key), os.str());
  }
  return d;
}

bool get_bool(const json::object& o, const char* key, const std::string& path, bool def) {
  auto* v = o.if_contains(key);
  if (!v) return def;
  if (!v->is_bool()) fail(child(path, key), "expected true or false");
  return v->get_bool();
}

std::vector<std::string> get_strings(const json::value& v, const std::string& path) {
  if (!v.is_array()) fail(path, "expected a list of names, got " + json::serialize(v));
  std::vector<std::string> out;
  for (const auto& e : v.get_array()) {
    if (!e.is_string()) fail(path, "expected names, got " + json::serialize(e));
    out.emplace_back(e.get_string());
  }
  return out;
}

const json::value* present(const json::object& o, const char* key) {
  auto* v = o.if_contains(key);
  return v && !v->is_null() ? v : nullptr;
}

int64_t duration_us(const json::value& v, const std::string& path, bool signed_ok) {
  if (v.is_number()) {
    double s = v.to_number<double>();
    // Within ±100 years, so it is finite and its microseconds fit an int64.
    if ((s >= 0 || signed_ok) && std::fabs(s) <= 100.0 * 365 * 86400) return static_cast<int64_t>(s * 1e6);
  } else if (v.is_string()) {
    std::string_view text = v.get_string();
    bool negative = signed_ok && !text.empty() && text[0] == '-';
    auto d = parse_duration_us(negative ? text.substr(1) : text);
    if (d && *d >= 0) return negative ? -*d : *d;
  }
  fail(path, std::string("expected a duration such as \"500ms\", \"10s\", \"5m\" (or a number of seconds") +
                 (signed_ok ? ", may be negative" : "") + "), got " + json::serialize(v));
}

std::optional<int64_t> duration_field(const json::object& o, const std::string& key, const std::string& path,
                                      bool signed_ok) {
  std::string seconds = key + "_s";
  if (present(o, key.c_str()) && present(o, seconds.c_str()))
    fail(child(path, key), "give either \"" + key + "\" or \"" + seconds + "\", not both");
  if (auto* v = present(o, key.c_str())) return duration_us(*v, child(path, key), signed_ok);
  if (auto* v = present(o, seconds.c_str())) {
    if (!v->is_number()) fail(child(path, seconds), "expected a number of seconds, got " + json::serialize(*v));
    return duration_us(*v, child(path, seconds), signed_ok);
  }
  return std::nullopt;
}

}  // namespace sluice::json_fields
