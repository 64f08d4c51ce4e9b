#include "state/cdc/cdc_record.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <vector>

namespace sluice {
namespace json = boost::json;

const json::value& cdc_unwrap(const json::value& v, const json::value** schema) {
  if (v.is_object()) {
    const auto& o = v.get_object();
    if (o.size() == 2 && o.contains("schema") && o.contains("payload")) {
      if (schema) *schema = &o.at("schema");
      return o.at("payload");
    }
  }
  if (schema) *schema = nullptr;
  return v;
}

std::string cdc_primary_key(const json::value& key) {
  const json::value& k = cdc_unwrap(key);
  if (k.is_object() && k.get_object().size() == 1) {
    const auto& only = k.get_object().begin()->value();
    return only.is_string() ? std::string(only.get_string()) : json::serialize(only);
  }
  return k.is_string() ? std::string(k.get_string()) : json::serialize(k);
}

namespace {

bool base64_decode(const std::string& in, std::vector<unsigned char>& out) {
  auto val = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
  };
  out.clear();
  int bits = 0;
  uint32_t acc = 0;  // only the bits not yet written (at most 14) are kept
  for (char c : in) {
    if (c == '=') break;
    int v = val(c);
    if (v < 0) return false;
    acc = ((acc << 6) | static_cast<uint32_t>(v)) & 0x3fff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<unsigned char>((acc >> bits) & 0xff));
    }
  }
  return true;
}

}  // namespace

std::string decimal_from_base64(const std::string& b64, int scale, bool& ok) {
  std::vector<unsigned char> bytes;
  ok = base64_decode(b64, bytes) && !bytes.empty() && scale >= 0;
  if (!ok) return {};
  bool negative = bytes[0] & 0x80;
  if (negative) {  // two's complement → magnitude
    for (auto& b : bytes) b = static_cast<unsigned char>(~b);
    for (size_t i = bytes.size(); i-- > 0;)
      if (++bytes[i] != 0) break;
  }
  std::string digits;  // repeated division by 10 of the big-endian magnitude
  while (std::any_of(bytes.begin(), bytes.end(), [](unsigned char b) { return b != 0; })) {
    int rem = 0;
    for (auto& b : bytes) {
      int cur = rem * 256 + b;
      b = static_cast<unsigned char>(cur / 10);
      rem = cur % 10;
    }
    digits.push_back(static_cast<char>('0' + rem));
  }
  if (digits.empty()) digits = "0";
  while (static_cast<int>(digits.size()) <= scale) digits.push_back('0');
  std::reverse(digits.begin(), digits.end());
  std::string out = digits.substr(0, digits.size() - static_cast<size_t>(scale));
  if (scale > 0) out += "." + digits.substr(digits.size() - static_cast<size_t>(scale));
  bool zero = std::all_of(digits.begin(), digits.end(), [](char c) { return c == '0'; });
  return negative && !zero ? "-" + out : out;
}

std::string cdc_value_text(const json::value& v) {
  if (!v.is_double()) return json::serialize(v);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v.get_double());
  return buf;
}

std::string date_from_days(int64_t z) {  // H. Hinnant's civil_from_days
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
  int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lld", static_cast<long long>(y + (m <= 2)),
                static_cast<long long>(m), static_cast<long long>(d));
  return buf;
}

std::string timestamp_from_us(int64_t us, int digits) {
  int64_t day = us >= 0 ? us / 86'400'000'000 : -((-us + 86'400'000'000 - 1) / 86'400'000'000);
  int64_t rest = us - day * 86'400'000'000;
  char buf[160];
  int64_t frac = digits == 3 ? (rest % 1'000'000) / 1000 : rest % 1'000'000;
  std::snprintf(buf, sizeof buf, "%sT%02lld:%02lld:%02lld.%0*lld", date_from_days(day).c_str(),
                static_cast<long long>(rest / 3'600'000'000), static_cast<long long>(rest / 60'000'000 % 60),
                static_cast<long long>(rest / 1'000'000 % 60), digits, static_cast<long long>(frac));
  return buf;
}

namespace {

// What one logical value may cost: a decimal of at most 128 bytes (308 digits) and a scale of
// at most 1000 digits; dates and timestamps within years 0000–9999. Past these the record is a
// dead letter with the reason, never a crash, a runaway CPU loop or a giant row.
constexpr size_t max_decimal_base64 = 172;  // 128 bytes
constexpr int64_t max_scale = 1000;
constexpr int64_t min_day = -719528, max_day = 2932896;  // 0000-01-01, 9999-12-31
constexpr int64_t day_us = 86'400'000'000;

/// An exact integer of a JSON value (1.5, 1e30, "x" are not); strings of digits count.
std::optional<int64_t> exact_integer(const json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) {
    if (v.get_uint64() > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<int64_t>(v.get_uint64());
  }
  if (v.is_double()) {
    double d = v.get_double();
    if (!std::isfinite(d) || std::trunc(d) != d || std::fabs(d) >= 9.2e18) return std::nullopt;
    return static_cast<int64_t>(d);
  }
  if (v.is_string()) {
    const auto& str = v.get_string();
    if (str.empty() || str.size() > 18) return std::nullopt;
    int64_t n = 0;
    for (size_t i = 0; i < str.size(); ++i) {
      if (i == 0 && str[i] == '-' && str.size() > 1) continue;
      if (str[i] < '0' || str[i] > '9') return std::nullopt;
      n = n * 10 + (str[i] - '0');
    }
    return str[0] == '-' ? -n : n;
  }
  return std::nullopt;
}

/// A decimal's digits, or the reason it cannot be one.
std::string decimal_value(const std::string& field, const json::value& b64, const json::value* scale_v,
                          json::value& out) {
  std::optional<int64_t> scale = scale_v ? exact_integer(*scale_v) : std::optional<int64_t>(0);
  if (!scale || *scale < 0 || *scale > max_scale)
    return "column '" + field + "': Decimal scale " + (scale_v ? cdc_value_text(*scale_v) : "") +
           " is not an integer in 0.." + std::to_string(max_scale);
  if (!b64.is_string()) return "column '" + field + "': Decimal value is not a base64 string";
  if (b64.get_string().size() > max_decimal_base64)
    return "column '" + field + "': Decimal value of " + std::to_string(b64.get_string().size()) +
           " base64 characters is over the bound of " + std::to_string(max_decimal_base64) + " (128 bytes)";
  bool ok;
  auto d = decimal_from_base64(std::string(b64.get_string()), static_cast<int>(*scale), ok);
  if (!ok) return "column '" + field + "': Decimal value is not base64";
  out = d;
  return {};
}

/// A day count, ms or µs since the epoch as a date or timestamp, or the reason it cannot be.
std::string time_value(const std::string& field, std::string_view type, json::value& v) {
  auto n = exact_integer(v);
  int64_t unit_per_day = type == "io.debezium.time.Date"        ? 1
                         : type == "io.debezium.time.Timestamp" ? 86'400'000
                                                                : day_us;
  if (!n || *n < min_day * unit_per_day || *n >= (max_day + 1) * unit_per_day)
    return "column '" + field + "': " + std::string(type.substr(type.rfind('.') + 1)) + " " + cdc_value_text(v) +
           " is not an integer within years 0000–9999";
  if (unit_per_day == 1)
    v = date_from_days(*n);
  else if (unit_per_day == 86'400'000)
    v = timestamp_from_us(*n * 1000, 3);
  else
    v = timestamp_from_us(*n, 6);
  return {};
}

// The logical type of each column of a row image, from the value schema's `after` field; ""
// or why a value cannot be converted (the record is then a dead letter).
std::string convert_logical(const json::value* value_schema, json::object& row) {
  if (!value_schema || !value_schema->is_object()) return {};
  const auto* fields = value_schema->get_object().if_contains("fields");
  if (!fields || !fields->is_array()) return {};
  const json::array* cols = nullptr;
  for (const auto& f : fields->get_array())
    if (f.is_object() && f.get_object().contains("field") && f.get_object().at("field") == "after")
      if (auto* c = f.get_object().if_contains("fields"); c && c->is_array()) cols = &c->get_array();
  if (!cols) cols = &fields->get_array();  // a flattened row: the columns are the top-level fields
  for (const auto& c : *cols) {
    if (!c.is_object()) continue;
    const auto& co = c.get_object();
    const auto* name = co.if_contains("name");
    const auto* field = co.if_contains("field");
    if (!name || !name->is_string() || !field || !field->is_string()) continue;
    auto it = row.find(field->get_string());
    if (it == row.end() || it->value().is_null()) continue;
    std::string_view n = name->get_string();
    std::string f(field->get_string());
    json::value& v = it->value();
    std::string reason;
    if (n == "org.apache.kafka.connect.data.Decimal") {
      const json::value* scale = nullptr;
      if (auto* p = co.if_contains("parameters"); p && p->is_object()) scale = p->get_object().if_contains("scale");
      json::value out;
      reason = decimal_value(f, v, scale, out);
      if (reason.empty()) v = std::move(out);
    } else if (n == "io.debezium.data.VariableScaleDecimal") {
      if (!v.is_object() || !v.get_object().contains("scale") || !v.get_object().contains("value"))
        return "column '" + f + "': VariableScaleDecimal is not {\"scale\", \"value\"}";
      json::value out;
      reason = decimal_value(f, v.get_object().at("value"), &v.get_object().at("scale"), out);
      if (reason.empty()) v = std::move(out);
    } else if (n == "io.debezium.time.Date" || n == "io.debezium.time.Timestamp" ||
               n == "io.debezium.time.MicroTimestamp") {
      reason = time_value(f, n, v);
    }
    if (!reason.empty()) return reason;
  }
  return {};
}

int64_t integer_of(const json::value* v, int64_t fallback) {
  if (!v || v->is_null()) return fallback;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return v->get_uint64() <= INT64_MAX ? static_cast<int64_t>(v->get_uint64()) : fallback;
  if (v->is_double()) {
    double d = v->get_double();  // in range of an int64, else the fallback
    return d > -9.2e18 && d < 9.2e18 ? static_cast<int64_t>(d) : fallback;
  }
  if (v->is_string()) {
    try {
      return std::stoll(std::string(v->get_string()));
    } catch (...) {
      return fallback;
    }
  }
  return fallback;
}

cdc_position position_of(const json::object& env, char op) {
  const json::object* src = nullptr;
  if (auto* s = env.if_contains("source"); s && s->is_object()) src = &s->get_object();
  cdc_position p{1, -1, 0, 0};
  if (!src) return p;
  const auto* snap = src->if_contains("snapshot");
  bool incremental = snap && snap->is_string() && snap->get_string() == "incremental";
  p[0] = op == 'r' && !incremental ? 0 : 1;
  const auto* connector = src->if_contains("connector");
  if (connector && connector->is_string() && connector->get_string() == "mysql") {
    int64_t file_no = -1;
    if (auto* f = src->if_contains("file"); f && f->is_string()) {
      std::string file(f->get_string());
      size_t dot = file.find_last_of('.');
      std::string suffix = dot == std::string::npos ? file : file.substr(dot + 1);
      try {
        file_no = std::stoll(suffix);
      } catch (...) {
      }
    }
    p[1] = file_no;
    p[2] = integer_of(src->if_contains("pos"), 0);
    p[3] = integer_of(src->if_contains("row"), 0);
    return p;
  }
  if (auto* seq = src->if_contains("sequence"); seq && seq->is_string()) {
    // "[\"24009984\",\"24010112\"]": the first element, a quoted integer (or null)
    std::string_view s = seq->get_string();
    size_t q = s.find('"'), comma = s.find(',');
    if (q != std::string_view::npos && (comma == std::string_view::npos || q < comma)) {
      size_t end = s.find('"', q + 1);
      try {
        p[1] = std::stoll(std::string(s.substr(q + 1, end - q - 1)));
      } catch (...) {
        p[1] = -1;
      }
    }
  }
  p[2] = integer_of(src->if_contains("lsn"), 0);
  return p;
}

}  // namespace

namespace {
// The primary key string from a row image when the record has no key: its primary-key columns
// (one: the value; several: a JSON object of them), or its first column when none are known.
std::string key_from_row(const json::object& row, const std::vector<std::string>& primary_key) {
  if (primary_key.size() == 1)
    if (auto* v = row.if_contains(primary_key[0]))
      return v->is_string() ? std::string(v->get_string()) : json::serialize(*v);
  if (primary_key.size() > 1) {
    json::object k;
    for (const auto& c : primary_key)
      if (auto* v = row.if_contains(c)) k[c] = *v;
    return json::serialize(k);
  }
  if (row.empty()) return {};
  const auto& first = row.begin()->value();
  return first.is_string() ? std::string(first.get_string()) : json::serialize(first);
}
}  // namespace

std::string cdc_convert_logical(const json::value* value_schema, json::object& row) {
  return convert_logical(value_schema, row);
}

std::string decode_cdc_change(const cdc_event& e, bool flattened, cdc_change& out,
                              const std::vector<std::string>& primary_key) {
  out = cdc_change{};
  if (e.value_raw) return "value is not valid JSON";
  const json::value* schema = nullptr;
  const json::value& v = cdc_unwrap(e.value, &schema);
  if (v.is_null()) {
    out.kind = cdc_change::tombstone;
    out.pk = cdc_primary_key(e.key);
    return {};
  }
  if (!v.is_object()) {
    return std::string("value is a JSON ") +
           (v.is_string()  ? "string"
            : v.is_array() ? "array"
            : v.is_bool()  ? "boolean"
                           : "number") +
           ", not an envelope object";
  }
  const auto& env = v.get_object();
  if (flattened) {
    json::object row;
    bool deleted = false;
    for (const auto& kv : env) {
      if (kv.key() == "__deleted")
        deleted |= kv.value().is_string() ? kv.value().get_string() == "true" : kv.value() == true;
      if (kv.key() == "__op") deleted |= kv.value() == "d";
      if (kv.key().starts_with("__")) continue;
      row.emplace(kv.key(), kv.value());
    }
    out.pk = e.key.is_null() ? key_from_row(row, primary_key) : cdc_primary_key(e.key);
    if (out.pk.empty()) return "flattened record has no key";
    out.kind = deleted ? cdc_change::erase : cdc_change::upsert;
    if (!deleted) {
      if (auto reason = convert_logical(schema, row); !reason.empty()) return reason;
      out.row = std::move(row);
    }
    return {};
  }
  const auto* op_v = env.if_contains("op");
  if (!op_v || !op_v->is_string()) return "envelope has no 'op'";
  std::string op(op_v->get_string());
  if (op.size() != 1 || std::string("cudrtm").find(op[0]) == std::string::npos) return "unknown op '" + op + "'";
  char o = op[0];
  if (auto* t = env.if_contains("transaction"); t && t->is_object())
    if (auto* id = t->get_object().if_contains("id"); id && id->is_string()) {
      std::string s(id->get_string());
      out.transaction = s.substr(0, s.find(':'));
    }
  if (o == 'm') {
    out.kind = cdc_change::ignore;
    return {};
  }
  out.position = position_of(env, o);
  if (o == 't') {
    out.kind = cdc_change::truncate;
    return {};
  }
  const auto* after = env.if_contains("after");
  if (o == 'd') {
    const auto* before = env.if_contains("before");
    bool has_key = !e.key.is_null() && !cdc_unwrap(e.key).is_null();
    if (!has_key && (!before || !before->is_object())) return "op 'd' with neither a key nor 'before'";
    out.kind = cdc_change::erase;
    if (has_key) {
      out.pk = cdc_primary_key(e.key);
    } else {  // no record key: the before image's primary-key column(s)
      out.pk = key_from_row(before->get_object(), primary_key);
      if (out.pk.empty()) return "op 'd' with an empty 'before' and no key";
    }
    return {};
  }
  if (!after || !after->is_object()) return "op '" + op + "' with null 'after'";
  out.kind = cdc_change::upsert;
  out.row = after->get_object();
  if (auto reason = convert_logical(schema, out.row); !reason.empty()) return reason;
  if (!e.key.is_null() && !cdc_unwrap(e.key).is_null()) {
    out.pk = cdc_primary_key(e.key);
  } else {
    out.pk = key_from_row(out.row, primary_key);
    if (out.pk.empty()) return "op '" + op + "' with no key and an empty 'after'";
  }
  return {};
}

}  // namespace sluice
