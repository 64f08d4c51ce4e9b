// json_codec: JSON text ↔ rows, by a declared schema (the `from_json` step at the source,
// and the printer at the sink).
//
// Contract: `row_decoder::decode` turns one JSON object into a row of the schema or says
// why it cannot (not JSON, not an object, a required column missing or null, a value of
// the wrong type, a bad timestamp); the caller turns that reason into a dead letter.
// Timestamps are read from ISO-8601 strings or numbers in the column's unit. Extra fields
// are ignored (schemas evolve). Doubles are read correctly rounded (exact_json.hpp). One decoder
// per thread: it reuses its parse buffers.
// `encode_row` prints a row as one JSON object, timestamps as ISO-8601 UTC strings.
#pragma once

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/value.hpp>
#include <functional>
#include <string>
#include <string_view>

#include "messages/codec/exact_json.hpp"
#include "messages/data/row.hpp"
#include "messages/data/schema.hpp"

namespace sluice {

class row_decoder {
 public:
  explicit row_decoder(schema_ptr s);
  /// Fills `out`; returns an empty string on success, else the reason.
  std::string decode(std::string_view text, row& out);
  const schema_ptr& schema_of() const { return schema_; }

 private:
  schema_ptr schema_;
  unsigned char buffer_[4096];
  exact_json_parser parser_;  // doubles correctly rounded
};

/// Reads a whole JSON document from a file (comments and trailing commas allowed).
/// Returns "" on success, else why not ("cannot read the file", "not valid JSON (…)").
std::string read_json_file(const std::string& path, boost::json::value& out);

/// Appends the JSON object of `r` to `out`.
void encode_row(const schema& s, const row& r, std::string& out);
std::string encode_row(const schema& s, const row& r);
/// Appends `text` as a JSON string literal (quoted, escaped), always valid UTF-8: a byte that
/// is not part of a valid UTF-8 sequence is written as the four characters `\xNN`.
void append_json_string(std::string& out, std::string_view text);
/// Appends one cell as JSON, timestamps as ISO-8601 strings when `type` is timestamp.
void append_json_value(std::string& out, const value& v, column_type type);
/// Appends a Boost.JSON document in one line with its doubles written by `write_double` (Boost's
/// own writer prints 3.121976E5); by default the shortest text that reads back the same double.
void write_json(const boost::json::value& v, std::string& out,
                const std::function<void(double, std::string&)>& write_double = nullptr);

}  // namespace sluice
