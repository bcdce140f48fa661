#include "devices/cmos_rtc/rtc_calendar.h"

#include <algorithm>
#include <chrono>

namespace vireo::devices {

namespace {
constexpr int64_t kSecondsPerDay = 86400;
}  // namespace

CivilTime CivilFromUnix(int64_t unix_seconds) {
  using namespace std::chrono;
  int64_t days = FloorDiv(unix_seconds, kSecondsPerDay);
  int64_t second_of_day = unix_seconds - days * kSecondsPerDay;
  sys_days date{std::chrono::days{days}};
  year_month_day ymd{date};
  CivilTime t;
  t.year = static_cast<int>(ymd.year());
  t.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  t.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  t.hour = static_cast<int>(second_of_day / 3600);
  t.minute = static_cast<int>(second_of_day / 60 % 60);
  t.second = static_cast<int>(second_of_day % 60);
  t.weekday = static_cast<int>(weekday{date}.c_encoding()) + 1;  // c_encoding: 0 = Sunday
  return t;
}

int64_t UnixFromCivil(const CivilTime& time) {
  using namespace std::chrono;
  // year_month_day -> sys_days is specified for any day 1..255 of a valid year and month (it
  // counts on from the 1st), which gives the normalisation documented in the header.
  int month = std::clamp(time.month, 1, 12);
  int day = std::clamp(time.day, 1, 255);
  year_month_day first{year{static_cast<int>(time.year)},
                       std::chrono::month{static_cast<unsigned>(month)}, std::chrono::day{1}};
  int64_t days = sys_days{first}.time_since_epoch().count() + (day - 1);
  return days * kSecondsPerDay + int64_t{time.hour} * 3600 + int64_t{time.minute} * 60 +
         time.second;
}

uint8_t ToBcd(int value) { return static_cast<uint8_t>((value / 10 % 10) << 4 | value % 10); }

int FromBcd(uint8_t value) { return (value >> 4) * 10 + (value & 0x0F); }

}  // namespace vireo::devices
