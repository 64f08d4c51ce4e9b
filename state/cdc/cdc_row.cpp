#include "state/cdc/cdc_row.hpp"

namespace sluice {
namespace json = boost::json;

namespace {

int64_t ms_or_null(const json::object& o, const char* field, bool& found) {
  found = false;
  if (auto* v = o.if_contains(field)) {
    if (v->is_int64()) {
      found = true;
      return v->get_int64();
    }
    if (v->is_uint64()) {
      found = true;
      return static_cast<int64_t>(v->get_uint64());
    }
  }
  return 0;
}

void put_time(json::object& out, const char* name, const json::object& from, const char* field) {
  bool found;
  int64_t ms = ms_or_null(from, field, found);
  if (found)
    out[name] = ms;
  else
    out[name] = nullptr;
}

}  // namespace

std::string flatten_cdc_record(const cdc_event& e, json::object& out, cdc_row_kind& kind) {
  out.clear();
  kind = cdc_row_kind::skip;
  cdc_change change;
  if (auto reason = decode_cdc_change(e, false, change); !reason.empty()) return reason;
  if (change.kind == cdc_change::tombstone || change.kind == cdc_change::ignore) return {};
  if (change.kind == cdc_change::truncate)
    return "op 't' (truncate) removes every row at once; a stream of versions has no row for it";
  const json::value* schema = nullptr;
  const auto& env = cdc_unwrap(e.value, &schema).get_object();
  std::string op(env.at("op").get_string());
  if (change.kind == cdc_change::upsert) {
    out = std::move(change.row);
  } else {  // a delete: the before image (its logical types converted as an after image's), or the key's columns
    const auto* before = env.if_contains("before");
    if (before && before->is_object()) {
      out = before->get_object();
      if (auto reason = cdc_convert_logical(schema, out); !reason.empty()) return reason;
    }
    const json::value& key = cdc_unwrap(e.key);
    if (key.is_object())
      for (const auto& kv : key.get_object())
        if (auto* cell = out.if_contains(kv.key()); !cell || cell->is_null()) out[kv.key()] = kv.value();
  }
  out["__op"] = op;
  out["__deleted"] = change.kind == cdc_change::erase;
  const auto* source = env.if_contains("source");
  if (source && source->is_object())
    put_time(out, "__source_ts_ms", source->get_object(), "ts_ms");
  else
    out["__source_ts_ms"] = nullptr;
  put_time(out, "__ts_ms", env, "ts_ms");
  kind = cdc_row_kind::row;
  return {};
}

}  // namespace sluice
