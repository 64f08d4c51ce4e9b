// packed_cells: a row's cells in a compact binary form, for state rows in checkpoints
// (docs/formats/packed-cells.md). Where `encode_cells` writes JSON text (and reading it back
// builds a JSON document), this writes each cell as a tag byte and its bytes, and reads it back
// with no parser and no allocation but the cells' own strings.
//
//   cells   := count (LEB128) cell*
//   cell    := 0x00 null | 0x01 false | 0x02 true
//            | 0x03 int64 (zigzag LEB128) | 0x04 double (8 bytes, IEEE 754, little-endian)
//            | 0x05 string (length LEB128, bytes)
//
// Exact for every value, NaN and ±infinity included. The form carries no version of its own:
// the state row that holds it does (each state format's page says which versions pack cells).
// Readers take from the front of their input and return false when it is truncated or holds
// a tag they do not know; they never read past its end.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "messages/data/value.hpp"

namespace sluice {

/// Appends the packed form of `cells` to `out`.
void pack_cells(const std::vector<value>& cells, std::string& out);
/// Reads one packed list from the front of `in` into `cells` (replacing them); false when `in`
/// does not start with a whole packed list.
[[nodiscard]] bool unpack_cells(std::string_view& in, std::vector<value>& cells);

}  // namespace sluice
