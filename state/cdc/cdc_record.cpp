#include "state/cdc/cdc_record.hpp"

#include <algorithm>
#include <cstdio>
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
  int bits = 0, acc = 0;
  for (char c : in) {
    if (c == '=') break;
    int v = val(c);
    if (v < 0) return false;
    acc = (acc << 6) | v;
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

// The logical type of each column of a row image, from the value schema's `after` field.
void convert_logical(const json::value* value_schema, json::object& row) {
  if (!value_schema || !value_schema->is_object()) return;
  const auto* fields = value_schema->get_object().if_contains("fields");
  if (!fields || !fields->is_array()) return;
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
    json::value& v = it->value();
    if (n == "org.apache.kafka.connect.data.Decimal" && v.is_string()) {
      int scale = 0;
      if (auto* p = co.if_contains("parameters"); p && p->is_object())
        if (auto* s = p->get_object().if_contains("scale"))
          scale = s->is_string() ? std::atoi(s->get_string().c_str()) : static_cast<int>(s->to_number<int64_t>());
      bool ok;
      auto d = decimal_from_base64(std::string(v.get_string()), scale, ok);
      if (ok) v = d;
    } else if (n == "io.debezium.data.VariableScaleDecimal" && v.is_object()) {
      const auto& vo = v.get_object();
      if (vo.contains("scale") && vo.contains("value") && vo.at("value").is_string()) {
        bool ok;
        auto d = decimal_from_base64(std::string(vo.at("value").get_string()),
                                     static_cast<int>(vo.at("scale").to_number<int64_t>()), ok);
        if (ok) v = d;
      }
    } else if (n == "io.debezium.time.Date" && v.is_number()) {
      v = date_from_days(v.to_number<int64_t>());
    } else if (n == "io.debezium.time.Timestamp" && v.is_number()) {
      v = timestamp_from_us(v.to_number<int64_t>() * 1000, 3);
    } else if (n == "io.debezium.time.MicroTimestamp" && v.is_number()) {
      v = timestamp_from_us(v.to_number<int64_t>(), 6);
    }
  }
}

int64_t integer_of(const json::value* v, int64_t fallback) {
  if (!v || v->is_null()) return fallback;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<int64_t>(v->get_uint64());
  if (v->is_double()) return static_cast<int64_t>(v->get_double());
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
      convert_logical(schema, row);
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
  convert_logical(schema, out.row);
  if (!e.key.is_null() && !cdc_unwrap(e.key).is_null()) {
    out.pk = cdc_primary_key(e.key);
  } else {
    out.pk = key_from_row(out.row, primary_key);
    if (out.pk.empty()) return "op '" + op + "' with no key and an empty 'after'";
  }
  return {};
}

}  // namespace sluice
