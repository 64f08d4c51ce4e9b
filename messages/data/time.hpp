// time: event-time values — ISO-8601 parsing and printing, unit conversion.
//
// Contract: every instant in sluice is int64 microseconds since 1970-01-01T00:00:00Z.
// Parsing accepts `YYYY-MM-DD[T| ]HH:MM[:SS[.fraction]][Z|±HH[:MM]]` and a bare date;
// printing gives Spark's progress form `yyyy-MM-dd'T'HH:mm:ss.SSS'Z'` (spark-semantics §6).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "messages/data/schema.hpp"

namespace sluice {

constexpr int64_t us_per_ms = 1000;
constexpr int64_t us_per_s = 1000000;

std::optional<int64_t> parse_iso8601_us(std::string_view text);
/// `2026-03-02T10:15:30.120Z` (milliseconds, truncated toward −∞).
std::string format_iso8601_ms(int64_t us);
/// Milliseconds form unless µs are non-zero, then `…30.120001Z`.
std::string format_iso8601(int64_t us);
int64_t to_micros(double number, time_unit unit);
/// `to_micros` for input: none when the number is not finite or outside years 0001–9999.
std::optional<int64_t> checked_micros(double number, time_unit unit);
/// Durations in config and flags: `500ms`, `10s`, `5m`, `1h`, `2d`, or a bare number of seconds.
std::optional<int64_t> parse_duration_us(std::string_view text);
/// Processing time now, µs: `clock()` when given (tests' seam), else the system clock.
int64_t processing_time_us(const std::function<int64_t()>& clock = nullptr);
/// The inverse for printing: the largest unit that divides it (`5m`, `90s`, `250ms`, `7us`).
std::string format_duration(int64_t us);

}  // namespace sluice
