#include "messages/data/time.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>

namespace sluice {
namespace {

// Howard Hinnant's days_from_civil / civil_from_days.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp + (mp < 10 ? 3 : -9);
  y += m <= 2;
}

bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  return true;
}

int days_in_month(int year, int month) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : days[month - 1];
}

int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

}  // namespace

std::optional<int64_t> parse_iso8601_us(std::string_view s) {
  int year, month, day, hour = 0, minute = 0, second = 0;
  if (!digits(s, 0, 4, year) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, month) || s[7] != '-' ||
      !digits(s, 8, 2, day))
    return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return std::nullopt;  // no Feb 31
  size_t pos = 10;
  int64_t frac_us = 0;
  int64_t offset_s = 0;
  if (pos < s.size()) {
    if (s[pos] != 'T' && s[pos] != ' ') return std::nullopt;
    ++pos;
    if (!digits(s, pos, 2, hour) || pos + 2 >= s.size() + 0 || s[pos + 2] != ':' || !digits(s, pos + 3, 2, minute))
      return std::nullopt;
    pos += 5;
    if (pos < s.size() && s[pos] == ':') {
      if (!digits(s, pos + 1, 2, second)) return std::nullopt;
      pos += 3;
      if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
        ++pos;
        int64_t scale = 100000;
        size_t start = pos;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
          if (scale > 0) frac_us += (s[pos] - '0') * scale;
          scale /= 10;
          ++pos;
        }
        if (pos == start) return std::nullopt;
      }
    }
    if (pos < s.size()) {
      if (s[pos] == 'Z' && pos + 1 == s.size()) {
        ++pos;
      } else if (s[pos] == '+' || s[pos] == '-') {
        int sign = s[pos] == '-' ? -1 : 1;
        int oh, om = 0;
        if (!digits(s, pos + 1, 2, oh)) return std::nullopt;
        size_t p = pos + 3;
        if (p < s.size() && s[p] == ':') ++p;
        if (p < s.size() && !digits(s, p, 2, om)) return std::nullopt;
        if (p < s.size()) p += 2;
        if (p != s.size()) return std::nullopt;
        offset_s = sign * (oh * 3600 + om * 60);
        pos = p;
      } else {
        return std::nullopt;
      }
    }
  }
  if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
  int64_t days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second - offset_s;
  return secs * us_per_s + frac_us;
}

std::string format_iso8601_ms(int64_t us) {
  int64_t ms = floor_div(us, us_per_ms);
  int64_t secs = floor_div(ms, 1000);
  int64_t days = floor_div(secs, 86400);
  int64_t rem = secs - days * 86400;
  int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  char buf[128];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ", static_cast<long long>(y), m, d,
                static_cast<long long>(rem / 3600), static_cast<long long>(rem / 60 % 60),
                static_cast<long long>(rem % 60), static_cast<long long>(ms - secs * 1000));
  return buf;
}

std::string format_iso8601(int64_t us) {
  int64_t sub = us - floor_div(us, us_per_ms) * us_per_ms;
  std::string out = format_iso8601_ms(us);
  if (sub != 0) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%03lld", static_cast<long long>(sub));
    out.insert(out.size() - 1, buf);
  }
  return out;
}

std::optional<int64_t> checked_micros(double number, time_unit unit) {
  double scale = unit == time_unit::seconds ? 1e6 : unit == time_unit::millis ? 1e3 : 1.0;
  double us = number * scale;
  // 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999Z
  if (!std::isfinite(us) || us < -62135596800e6 || us > 253402300799999999.0) return std::nullopt;
  return static_cast<int64_t>(std::llround(us));
}

int64_t to_micros(double number, time_unit unit) {
  switch (unit) {
    case time_unit::seconds:
      return static_cast<int64_t>(std::llround(number * 1e6));
    case time_unit::millis:
      return static_cast<int64_t>(std::llround(number * 1e3));
    case time_unit::micros:
      return static_cast<int64_t>(std::llround(number));
  }
  return 0;
}

std::optional<int64_t> parse_duration_us(std::string_view t) {
  if (t.empty()) return std::nullopt;
  size_t i = 0;
  double n = 0;
  bool any = false, dot = false;
  double scale = 0.1;
  for (; i < t.size(); ++i) {
    char c = t[i];
    if (c >= '0' && c <= '9') {
      any = true;
      if (dot) {
        n += (c - '0') * scale;
        scale /= 10;
      } else {
        n = n * 10 + (c - '0');
      }
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      break;
    }
  }
  if (!any) return std::nullopt;
  std::string_view unit = t.substr(i);
  double mult;
  if (unit.empty() || unit == "s")
    mult = 1e6;
  else if (unit == "ms")
    mult = 1e3;
  else if (unit == "us")
    mult = 1;
  else if (unit == "m" || unit == "min")
    mult = 60e6;
  else if (unit == "h")
    mult = 3600e6;
  else if (unit == "d")
    mult = 86400e6;
  else
    return std::nullopt;
  double us = n * mult;
  if (!(us < 9.2e18)) return std::nullopt;  // beyond an int64 of microseconds (~292,000 years)
  return static_cast<int64_t>(std::llround(us));
}

std::string format_duration(int64_t us) {
  struct unit {
    int64_t us;
    const char* name;
  };
  static const unit units[] = {
      {86'400'000'000, "d"}, {3'600'000'000, "h"}, {60'000'000, "m"}, {1'000'000, "s"}, {1'000, "ms"}};
  if (us != 0)
    for (const auto& u : units)
      if (us % u.us == 0) return std::to_string(us / u.us) + u.name;
  return std::to_string(us) + "us";
}

int64_t processing_time_us(const std::function<int64_t()>& clock) {
  if (clock) return clock();
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace sluice
