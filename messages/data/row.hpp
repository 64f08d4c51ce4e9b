// row: one record of a stream — its values in schema order plus its event time.
//
// Contract: `values.size()` equals the schema's column count; `event_time_us` is the value
// of the schema's event-time column (µs since the epoch, UTC), or 0 when the stream has
// none. Rows travel inside batches (messages/data/batch.hpp), never one per message.
// `inspect` lets CAF carry and print a row; it encodes the cells as a JSON array, which is
// only used when a row is printed or serialized — local sends move the vector untouched.
#pragma once

#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "messages/data/value.hpp"

namespace sluice {

struct row {
  std::vector<value> values;
  int64_t event_time_us = 0;
};

/// What state operators count as a row's memory: the cell vector's capacity and every string
/// cell's capacity.
int64_t row_heap_bytes(const row& r);

/// JSON array text of the cells, e.g. `[1,"a",null,2.5E0]`; the inverse of `decode_cells`, but
/// for NaN, which JSON cannot hold: it is stored as null (±infinity as ±1e999, read back exactly).
std::string encode_cells(const std::vector<value>& cells);
/// Returns false on text that `encode_cells` did not produce.
bool decode_cells(const std::string& text, std::vector<value>& cells);

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, row& x) {
  if constexpr (Inspector::reads_state) {
    std::string cells = encode_cells(x.values);
    return f(x.event_time_us, cells);
  } else {
    std::string cells;
    auto result = f(x.event_time_us, cells);
    decode_cells(cells, x.values);
    return result;
  }
}

}  // namespace sluice
