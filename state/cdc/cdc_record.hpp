// cdc_record: one Debezium change record as the CDC applier reads it, decoded per
// ../shared/spec/cdc-format.md — the schema/payload wrapper removed from key and value
// independently, the envelope's op, row images, source position and transaction block,
// Debezium's logical types turned into their canonical values, or the reason it is a dead
// letter (rule 4).
//
//   position  PostgreSQL (phase, sequence[0] or −1, lsn, 0); MySQL (phase, binlog file number,
//             pos, row); phase 0 for a non-incremental snapshot read (op r), else 1 — compared
//             lexicographically (rule 6)
//   logical   Decimal / VariableScaleDecimal → exact decimal string with the scale's digits;
//             Date → YYYY-MM-DD; Timestamp → …T…:SS.mmm; MicroTimestamp → …:SS.ffffff;
//             ZonedTimestamp and everything else unchanged
// No CAF, no I/O: pure functions over Boost.JSON values.
#pragma once

#include <array>
#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sluice {

using cdc_position = std::array<int64_t, 4>;

/// A record as it arrived: where from, and its key and value as JSON (or raw text when the
/// value bytes are not JSON).
struct cdc_event {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  boost::json::value key;    // null when the record has no key
  boost::json::value value;  // null = tombstone
  std::optional<std::string> value_raw;
  boost::json::object headers;
};

struct cdc_change {
  enum kind_t { upsert, erase, truncate, tombstone, ignore } kind = ignore;
  std::string pk;                          // the primary key as a string ("42")
  boost::json::object row;                 // upsert: the decoded after image
  std::optional<cdc_position> position;    // none: flattened records and tombstones
  std::optional<std::string> transaction;  // the transaction number, when the block is set
};

/// "" and the change, or the dead-letter reason. `flattened`: the unwrap-SMT format;
/// `primary_key`: the table's key columns, used when a record has no key.
std::string decode_cdc_change(const cdc_event& e, bool flattened, cdc_change& out,
                              const std::vector<std::string>& primary_key = {});

/// Debezium's logical types in a row image turned into their canonical values, by the value
/// schema (`value_schema` may be null: nothing to convert); "" or why a value cannot be.
std::string cdc_convert_logical(const boost::json::value* value_schema, boost::json::object& row);

/// The primary key string of a decoded key ({"id": 42} → "42"; several columns → their JSON).
std::string cdc_primary_key(const boost::json::value& key);

/// Removes the {schema, payload} wrapper: returns the payload (and the schema through `schema`).
const boost::json::value& cdc_unwrap(const boost::json::value& v, const boost::json::value** schema = nullptr);

/// A JSON value as a dead-letter reason quotes it (1.5, not Boost.JSON's 1.5E0).
std::string cdc_value_text(const boost::json::value& v);

/// Debezium logical values (exposed for tests).
std::string decimal_from_base64(const std::string& b64, int scale, bool& ok);
std::string date_from_days(int64_t days);
std::string timestamp_from_us(int64_t us, int fraction_digits);

}  // namespace sluice
