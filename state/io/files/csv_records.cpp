#include "state/io/files/csv_records.hpp"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <vector>

#include "messages/codec/json_codec.hpp"

namespace sluice {
namespace {

struct field {
  std::string text;
  bool quoted = false;
};

/// The next record's fields from `text` at `pos`; false at the end. `error` is set for an
/// unterminated quote.
bool next_record(std::string_view text, size_t& pos, std::vector<field>& out, std::string& error) {
  out.clear();
  while (pos < text.size() && (text[pos] == '\n' || text[pos] == '\r')) ++pos;  // blank lines
  if (pos >= text.size()) return false;
  field f;
  for (;;) {
    if (pos < text.size() && text[pos] == '"' && f.text.empty() && !f.quoted) {
      f.quoted = true;
      for (++pos;; ++pos) {
        if (pos >= text.size()) {
          error = "a quoted field is not closed";
          return true;
        }
        if (text[pos] != '"') {
          f.text.push_back(text[pos]);
        } else if (pos + 1 < text.size() && text[pos + 1] == '"') {
          f.text.push_back('"');
          ++pos;
        } else {
          ++pos;
          break;
        }
      }
    }
    if (pos >= text.size() || text[pos] == '\n' || text[pos] == '\r') {
      out.push_back(std::move(f));
      if (pos < text.size() && text[pos] == '\r') ++pos;
      if (pos < text.size() && text[pos] == '\n') ++pos;
      return true;
    }
    if (text[pos] == ',') {
      out.push_back(std::move(f));
      f = field{};
      ++pos;
      continue;
    }
    f.text.push_back(text[pos++]);
  }
}

/// The field as a JSON number ("+2", "007", ".5" and "1." are numbers in CSV but not in
/// JSON: the parsed value is written), or false when it is not one.
bool append_number(std::string& json, const std::string& s, bool integer) {
  if (s.empty() || s.find_first_of("xXnNiI") != std::string::npos) return false;  // no hex, inf, nan
  const char* begin = s.c_str();
  char* end = nullptr;
  char buf[32];
  if (integer) {
    errno = 0;
    long long v = std::strtoll(begin, &end, 10);
    if (end != begin + s.size() || errno == ERANGE) return false;
    json += std::to_string(v);
    return true;
  }
  double v = std::strtod(begin, &end);
  if (end != begin + s.size() || !std::isfinite(v)) return false;
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  json.append(buf, r.ptr);
  return true;
}

void append_field(std::string& json, const field& f, std::optional<column_type> type) {
  if (f.text.empty() && !f.quoted) {
    json += "null";
    return;
  }
  if (type == column_type::int64 && append_number(json, f.text, true)) return;
  if ((type == column_type::float64 || type == column_type::timestamp) && append_number(json, f.text, false)) return;
  if (type == column_type::boolean && (f.text == "true" || f.text == "false")) {
    json += f.text;
    return;
  }
  append_json_string(json, f.text);
}

}  // namespace

void csv_to_json_rows(std::string_view text, const schema& columns, const std::function<void(const std::string&)>& row,
                      const std::function<void(const std::string&)>& bad) {
  size_t pos = text.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;  // a UTF-8 byte order mark
  std::vector<field> header, fields;
  std::string error;
  if (!next_record(text, pos, header, error)) return;
  if (!error.empty()) {
    bad("the header: " + error);
    return;
  }
  std::vector<std::optional<column_type>> types;
  for (const auto& h : header) {
    auto i = columns.index_of(h.text);
    types.push_back(i ? std::optional<column_type>(columns.at(*i).type) : std::nullopt);
  }
  std::string json;
  for (size_t n = 1; next_record(text, pos, fields, error); ++n) {
    if (!error.empty()) {
      bad("record " + std::to_string(n) + ": " + error);
      return;
    }
    if (fields.size() != header.size()) {
      bad("record " + std::to_string(n) + " has " + std::to_string(fields.size()) + " fields; the header has " +
          std::to_string(header.size()));
      continue;
    }
    json = "{";
    bool first = true;
    for (size_t i = 0; i < fields.size(); ++i) {
      if (!types[i]) continue;
      if (!first) json += ',';
      first = false;
      append_json_string(json, header[i].text);
      json += ':';
      append_field(json, fields[i], types[i]);
    }
    json += '}';
    row(json);
  }
}

bool is_csv_data_file(const std::string& name) {
  if (name.empty() || name[0] == '.' || name[0] == '_') return false;
  return std::filesystem::path(name).extension() == ".csv";
}

}  // namespace sluice
