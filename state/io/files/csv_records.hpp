// csv_records: CSV text (RFC 4180) as JSON objects a row_decoder reads — for lookup tables
// kept as CSV files (state/operators/lookup/dimension_table.hpp).
//
// The first record is the header: the column names (after a UTF-8 byte order mark). Fields are separated by commas; a field
// in double quotes may hold commas, line breaks and "" (one quote); records end with LF or
// CRLF; blank lines are skipped. Each later record becomes one JSON object keyed by the header
// names, each field written by the type of the schema column of that name: numbers, booleans
// and numeric timestamps as the value they parse to (else as a string, which the decoder then
// refuses), strings quoted, an empty unquoted field null; fields of columns the schema
// does not have are left out. A record with more or fewer fields than the header is reported
// instead of converted; an unterminated quote is reported and ends the text (what follows it
// cannot be told apart from the quoted field).
// No CAF, no I/O.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "messages/data/schema.hpp"

namespace sluice {

/// Calls `row(json_text)` for each data record of `text`, or `bad(reason)` for one that cannot
/// be converted (numbered from 1, the header being record 0).
void csv_to_json_rows(std::string_view text, const schema& columns, const std::function<void(const std::string&)>& row,
                      const std::function<void(const std::string&)>& bad);

/// Is `file_name` a CSV data file (`.csv`, not hidden, not `_`-prefixed)?
bool is_csv_data_file(const std::string& file_name);

}  // namespace sluice
