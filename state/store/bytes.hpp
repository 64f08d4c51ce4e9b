// bytes: the little binary encodings the state encoders share — 8-byte little-endian integers,
// length-prefixed byte strings, and the key bytes of a cell (numbers normalised so that 1 and
// 1.0 are one key, as grouping in Spark after type coercion). Readers take from the front of
// their input and return false when it is too short.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "messages/data/value.hpp"

namespace sluice {

void put_i64(std::string& out, int64_t x);
bool get_i64(std::string_view& in, int64_t& x);
void put_bytes(std::string& out, std::string_view b);
bool get_bytes(std::string_view& in, std::string_view& b);
/// Compact bytes of one cell, for hash-map keys.
void append_key_bytes(const value& v, std::string& out);

}  // namespace sluice
