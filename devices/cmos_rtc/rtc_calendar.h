#pragma once
// Calendar arithmetic for the RTC: Unix seconds <-> broken-down UTC date and time, and the BCD /
// 12-hour encodings of the MC146818A time registers. The RTC derives its registers from a
// seconds count instead of ticking each field, so every date rollover (month ends, leap years,
// centuries) comes from one conversion and cannot drift.

#include <cstdint>

namespace vireo::devices {

/// A broken-down UTC time as the RTC registers hold it (full year, not split into century).
struct CivilTime {
  int64_t year = 1970;  ///< full year, e.g. 2024
  int month = 1;        ///< 1..12
  int day = 1;          ///< 1..31
  int hour = 0;         ///< 0..23
  int minute = 0;       ///< 0..59
  int second = 0;       ///< 0..59
  int weekday = 5;      ///< RTC day of week: 1 = Sunday .. 7 = Saturday (1970-01-01 was Thursday)
};

/// Splits Unix seconds (may be negative) into a UTC civil time.
CivilTime CivilFromUnix(int64_t unix_seconds);
/// Joins a civil time into Unix seconds; out-of-range fields are normalised (day 32 of January is
/// 1 February), month is clamped to 1..12, and `weekday` is ignored.
int64_t UnixFromCivil(const CivilTime& time);

/// Binary 0..99 to packed BCD (MC146818A register format with DM = 0).
uint8_t ToBcd(int value);
/// Packed BCD to binary; each nibble is taken at face value (0x5A decodes as 60), as a guest
/// writing garbage gets garbage back rather than an error.
int FromBcd(uint8_t value);

/// Floor division for possibly negative numerators (time before the epoch, phases).
constexpr int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}
/// The non-negative remainder matching FloorDiv.
constexpr int64_t FloorMod(int64_t a, int64_t b) { return a - FloorDiv(a, b) * b; }

}  // namespace vireo::devices
