// json_fields: reading a JSON spec field by field, each error naming the field's path
// ("query.inputs.orders.watermark.delay: expected a duration …") — what the query front end
// (apps/frontend/query_json.hpp) and pipeline files read their vocabulary with. Every
// refusal is a std::invalid_argument (a usage error: the CLI exits 2, nothing ran).
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace sluice::json_fields {

namespace json = boost::json;

[[noreturn]] void fail(const std::string& path, const std::string& what);
/// "a.b" — `key` below `path` ("" = the top).
std::string child(const std::string& path, const std::string& key);

const json::object& as_object(const json::value& v, const std::string& path);
/// Refuses a field not in `accepted`, listing them.
void check_fields(const json::object& o, const std::string& path, const std::set<std::string>& accepted);

std::string get_string(const json::object& o, const char* key, const std::string& path, std::string def = {});
double get_number(const json::object& o, const char* key, const std::string& path, double def, double min, double max);
bool get_bool(const json::object& o, const char* key, const std::string& path, bool def);
/// A list of strings (e.g. output columns).
std::vector<std::string> get_strings(const json::value& v, const std::string& path);
/// Present and not null.
const json::value* present(const json::object& o, const char* key);

/// A duration: "500ms", "10s", "5m" or a number of seconds; ≥ 0 unless `signed_ok` ("-5s").
int64_t duration_us(const json::value& v, const std::string& path, bool signed_ok = false);
/// A duration field spelled `key` (as above) or `key_s` (seconds: the replay format's
/// spelling); nullopt when neither is there (or it is null).
std::optional<int64_t> duration_field(const json::object& o, const std::string& key, const std::string& path,
                                      bool signed_ok = false);

}  // namespace sluice::json_fields
