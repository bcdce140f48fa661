// MC146818A time keeping: register encodings, the update cycle, SET, the divider and rollovers.

#include <doctest/doctest.h>

#include "devices/cmos_rtc/rtc_calendar.h"
#include "tests/unit/devices/cmos_rtc/rtc_fixture.h"

namespace vireo::devices::test {
namespace {

struct Fields {
  uint8_t second, minute, hour, weekday, day, month, year, century;
};

Fields ReadFields(RtcFixture& f) {
  return {f.Get(RtcReg::kSeconds),   f.Get(RtcReg::kMinutes),    f.Get(RtcReg::kHours),
          f.Get(RtcReg::kDayOfWeek), f.Get(RtcReg::kDayOfMonth), f.Get(RtcReg::kMonth),
          f.Get(RtcReg::kYear),      f.Get(RtcReg::kCentury)};
}

TEST_CASE("calendar conversions agree with known Unix times") {
  CivilTime epoch = CivilFromUnix(0);
  CHECK(epoch.year == 1970);
  CHECK(epoch.month == 1);
  CHECK(epoch.day == 1);
  CHECK(epoch.weekday == 5);  // Thursday

  CivilTime t = CivilFromUnix(kFriday2024);
  CHECK(t.year == 2024);
  CHECK(t.month == 3);
  CHECK(t.day == 15);
  CHECK(t.hour == 13);
  CHECK(t.minute == 45);
  CHECK(t.second == 30);
  CHECK(t.weekday == 6);  // Friday
  CHECK(UnixFromCivil(t) == kFriday2024);

  CivilTime before = CivilFromUnix(-1);
  CHECK(before.year == 1969);
  CHECK(before.month == 12);
  CHECK(before.day == 31);
  CHECK(before.second == 59);
  CHECK(before.weekday == 4);  // Wednesday

  // Day 30 of February 2023 normalises to 2 March.
  CivilTime overflow{2023, 2, 30, 0, 0, 0, 1};
  CHECK(CivilFromUnix(UnixFromCivil(overflow)).month == 3);
  CHECK(CivilFromUnix(UnixFromCivil(overflow)).day == 2);

  CHECK(ToBcd(59) == 0x59);
  CHECK(FromBcd(0x47) == 47);
}

TEST_CASE("power-on registers: BCD, 24-hour, divider running, VRT set") {
  RtcFixture f;
  CHECK(f.Get(RtcReg::kStatusA) == 0x26);
  CHECK(f.Get(RtcReg::kStatusB) == 0x02);
  CHECK(f.Get(RtcReg::kStatusC) == 0x00);
  CHECK(f.Get(RtcReg::kStatusD) == 0x80);
  Fields t = ReadFields(f);
  CHECK(t.second == 0x30);
  CHECK(t.minute == 0x45);
  CHECK(t.hour == 0x13);
  CHECK(t.weekday == 0x06);
  CHECK(t.day == 0x15);
  CHECK(t.month == 0x03);
  CHECK(t.year == 0x24);
  CHECK(t.century == 0x20);
  CHECK(f.rtc.UnixTime() == kFriday2024);
}

TEST_CASE("binary data mode") {
  RtcFixture f;
  f.Put(RtcReg::kStatusB, RtcReg::kB24Hour | RtcReg::kBBinary);
  Fields t = ReadFields(f);
  CHECK(t.second == 30);
  CHECK(t.minute == 45);
  CHECK(t.hour == 13);
  CHECK(t.day == 15);
  CHECK(t.month == 3);
  CHECK(t.year == 24);
  CHECK(t.century == 20);
  // A binary write is taken as binary.
  f.Put(RtcReg::kMinutes, 59);
  CHECK(f.Get(RtcReg::kMinutes) == 59);
  f.Put(RtcReg::kStatusB, RtcReg::kB24Hour);
  CHECK(f.Get(RtcReg::kMinutes) == 0x59);
}

TEST_CASE("12-hour mode hours, including midnight and noon") {
  struct Case {
    int64_t hour;
    uint8_t bcd;
    uint8_t binary;
  };
  const Case cases[] = {
      {0, 0x12, 12},          // 12 AM
      {1, 0x01, 1},           // 1 AM
      {11, 0x11, 11},         // 11 AM
      {12, 0x92, 0x80 | 12},  // 12 PM
      {13, 0x81, 0x80 | 1},   // 1 PM
      {23, 0x91, 0x80 | 11},  // 11 PM
  };
  for (const Case& c : cases) {
    CAPTURE(c.hour);
    RtcFixture f(1710460800 + c.hour * 3600);  // 2024-03-15 hh:00:00
    f.Put(RtcReg::kStatusB, 0x00);             // 12-hour, BCD
    CHECK(f.Get(RtcReg::kHours) == c.bcd);
    f.Put(RtcReg::kStatusB, RtcReg::kBBinary);  // 12-hour, binary
    CHECK(f.Get(RtcReg::kHours) == c.binary);
  }
}

TEST_CASE("12-hour mode writes set the right 24-hour time") {
  RtcFixture f(1710460800);  // midnight
  f.Put(RtcReg::kStatusB, 0x00);
  f.Put(RtcReg::kHours, 0x12);  // 12 AM
  CHECK(CivilFromUnix(f.rtc.UnixTime()).hour == 0);
  f.Put(RtcReg::kHours, 0x92);  // 12 PM
  CHECK(CivilFromUnix(f.rtc.UnixTime()).hour == 12);
  f.Put(RtcReg::kHours, 0x87);  // 7 PM
  CHECK(CivilFromUnix(f.rtc.UnixTime()).hour == 19);
  f.Put(RtcReg::kStatusB, RtcReg::kB24Hour);
  CHECK(f.Get(RtcReg::kHours) == 0x19);
}

TEST_CASE("12 AM/PM rollovers happen at the right update") {
  RtcFixture f(1710460800 - 1);  // 2024-03-14 23:59:59
  f.Put(RtcReg::kStatusB, 0x00);
  CHECK(f.Get(RtcReg::kHours) == 0x91);  // 11 PM
  f.clock.Advance(kSec);
  CHECK(f.Get(RtcReg::kHours) == 0x12);  // 12 AM
  CHECK(f.Get(RtcReg::kDayOfMonth) == 0x15);
  f.rtc.SetUnixTime(1710460800 + 12 * 3600 - 1);  // 11:59:59 AM
  CHECK(f.Get(RtcReg::kHours) == 0x11);
  f.clock.Advance(kSec);
  CHECK(f.Get(RtcReg::kHours) == 0x92);  // 12 PM
}

TEST_CASE("registers update exactly at each second and UIP leads the update by 244 us") {
  RtcFixture f;
  // The RTC was started at a second boundary: the next update is one second later.
  f.clock.Advance(kSec - kUs * 244 - 1);
  CHECK((f.Get(RtcReg::kStatusA) & RtcReg::kAUip) == 0);
  CHECK(f.Get(RtcReg::kSeconds) == 0x30);
  f.clock.Advance(1);
  CHECK((f.Get(RtcReg::kStatusA) & RtcReg::kAUip) != 0);
  CHECK(f.Get(RtcReg::kStatusA) == (0x26 | RtcReg::kAUip));
  CHECK(f.Get(RtcReg::kSeconds) == 0x30);  // old time until the update
  f.clock.Advance(kUs * 244 - 1);
  CHECK((f.Get(RtcReg::kStatusA) & RtcReg::kAUip) != 0);
  f.clock.Advance(1);
  CHECK((f.Get(RtcReg::kStatusA) & RtcReg::kAUip) == 0);
  CHECK(f.Get(RtcReg::kSeconds) == 0x31);
  f.clock.Advance(29 * kSec);
  CHECK(f.Get(RtcReg::kSeconds) == 0x00);
  CHECK(f.Get(RtcReg::kMinutes) == 0x46);
  // UIP is a status bit: writes to it are ignored.
  f.Put(RtcReg::kStatusA, 0xA6);
  CHECK(f.Get(RtcReg::kStatusA) == 0x26);
}

TEST_CASE("SET halts updates; clearing it starts the written time") {
  RtcFixture f;
  f.clock.Advance(300 * kMs);
  f.Put(RtcReg::kStatusB, RtcReg::kBSet | RtcReg::kB24Hour);
  f.clock.Advance(5 * kSec - kUs);  // inside what would be a UIP window
  CHECK(f.Get(RtcReg::kSeconds) == 0x30);
  CHECK((f.Get(RtcReg::kStatusA) & RtcReg::kAUip) == 0);  // no update cycles while SET
  // Set 1999-12-31 23:59:58, a Friday.
  f.Put(RtcReg::kSeconds, 0x58);
  f.Put(RtcReg::kMinutes, 0x59);
  f.Put(RtcReg::kHours, 0x23);
  f.Put(RtcReg::kDayOfWeek, 0x06);
  f.Put(RtcReg::kDayOfMonth, 0x31);
  f.Put(RtcReg::kMonth, 0x12);
  f.Put(RtcReg::kYear, 0x99);
  f.Put(RtcReg::kCentury, 0x19);
  CHECK(f.Get(RtcReg::kSeconds) == 0x58);  // held values read back
  CHECK(f.rtc.UnixTime() == 946684798);
  f.clock.Advance(kSec);
  CHECK(f.Get(RtcReg::kSeconds) == 0x58);
  // Now at 6.3 s - 1 us since start; the chain's phase is 0.3 s - 1 us.
  f.Put(RtcReg::kStatusB, RtcReg::kB24Hour);
  CHECK(f.rtc.UnixTime() == 946684798);
  f.clock.Advance(700 * kMs);  // 1 us before the divider's next second boundary
  CHECK(f.Get(RtcReg::kSeconds) == 0x58);
  CHECK((f.Get(RtcReg::kStatusA) & RtcReg::kAUip) != 0);
  f.clock.Advance(kUs);
  CHECK(f.Get(RtcReg::kSeconds) == 0x59);
  f.clock.Advance(kSec);
  Fields t = ReadFields(f);
  CHECK(t.second == 0x00);
  CHECK(t.minute == 0x00);
  CHECK(t.hour == 0x00);
  CHECK(t.weekday == 0x07);  // Saturday
  CHECK(t.day == 0x01);
  CHECK(t.month == 0x01);
  CHECK(t.year == 0x00);
  CHECK(t.century == 0x20);
}

TEST_CASE("writing SET clears UIE; other Status B bits are stored") {
  RtcFixture f;
  f.Put(RtcReg::kStatusB, RtcReg::kBSet | RtcReg::kBUie | RtcReg::kB24Hour);
  CHECK(f.Get(RtcReg::kStatusB) == (RtcReg::kBSet | RtcReg::kB24Hour));
  f.Put(RtcReg::kStatusB, RtcReg::kBSqwe | RtcReg::kBDse | RtcReg::kB24Hour);
  CHECK(f.Get(RtcReg::kStatusB) == (RtcReg::kBSqwe | RtcReg::kBDse | RtcReg::kB24Hour));
}

TEST_CASE("time writes without SET take effect immediately and keep the phase") {
  RtcFixture f;
  f.clock.Advance(400 * kMs);
  f.Put(RtcReg::kMinutes, 0x10);
  f.Put(RtcReg::kYear, 0x30);
  CHECK(f.Get(RtcReg::kMinutes) == 0x10);
  CHECK(f.Get(RtcReg::kYear) == 0x30);
  CHECK(f.Get(RtcReg::kSeconds) == 0x30);
  f.clock.Advance(600 * kMs - 1);
  CHECK(f.Get(RtcReg::kSeconds) == 0x30);
  f.clock.Advance(1);
  CHECK(f.Get(RtcReg::kSeconds) == 0x31);
  CivilTime t = CivilFromUnix(f.rtc.UnixTime());
  CHECK(t.year == 2030);
  CHECK(t.minute == 10);
}

TEST_CASE("a guest-written day of week is kept and advances at midnight") {
  RtcFixture f(1704585599);  // 2024-01-06 23:59:59, a Saturday
  CHECK(f.Get(RtcReg::kDayOfWeek) == 0x07);
  f.Put(RtcReg::kDayOfWeek, 0x03);
  CHECK(f.Get(RtcReg::kDayOfWeek) == 0x03);
  f.clock.Advance(kSec);
  CHECK(f.Get(RtcReg::kDayOfWeek) == 0x04);
  CHECK(f.Get(RtcReg::kDayOfMonth) == 0x07);
}

TEST_CASE("the divider must be 010 for time to run; leaving reset delays the update 500 ms") {
  RtcFixture f;
  f.clock.Advance(200 * kMs);
  f.Put(RtcReg::kStatusA, 0x66);  // DV = 110: divider chain in reset
  f.clock.Advance(10 * kSec);
  CHECK(f.Get(RtcReg::kSeconds) == 0x30);
  CHECK((f.Get(RtcReg::kStatusA) & RtcReg::kAUip) == 0);
  f.Put(RtcReg::kStatusA, 0x26);
  f.clock.Advance(500 * kMs - 1);
  CHECK(f.Get(RtcReg::kSeconds) == 0x30);
  f.clock.Advance(1);
  CHECK(f.Get(RtcReg::kSeconds) == 0x31);
  f.clock.Advance(kSec);
  CHECK(f.Get(RtcReg::kSeconds) == 0x32);
  // Other divider values stop time too.
  f.Put(RtcReg::kStatusA, 0x06);
  f.clock.Advance(3 * kSec);
  CHECK(f.Get(RtcReg::kSeconds) == 0x32);
}

TEST_CASE("date rollovers across month and year ends and leap years") {
  struct Case {
    int64_t start;  // 23:59:59 on the day before
    uint8_t day, month, year, century, weekday;
  };
  const Case cases[] = {
      {946684799, 0x01, 0x01, 0x00, 0x20, 0x07},   // 1999-12-31 -> 2000-01-01 (Sat)
      {1709164799, 0x29, 0x02, 0x24, 0x20, 0x05},  // 2024-02-28 -> 02-29 (leap, Thu)
      {1709251199, 0x01, 0x03, 0x24, 0x20, 0x06},  // 2024-02-29 -> 03-01 (Fri)
      {1677628799, 0x01, 0x03, 0x23, 0x20, 0x04},  // 2023-02-28 -> 03-01 (Wed)
      {951782399, 0x29, 0x02, 0x00, 0x20, 0x03},   // 2000-02-28 -> 02-29 (400-year leap, Tue)
      {4107542399, 0x01, 0x03, 0x00, 0x21, 0x02},  // 2100-02-28 -> 03-01 (not leap, Mon)
      {1714521599, 0x01, 0x05, 0x24, 0x20, 0x04},  // 2024-04-30 -> 05-01 (Wed)
  };
  for (const Case& c : cases) {
    CAPTURE(c.start);
    RtcFixture f(c.start);
    CHECK(f.Get(RtcReg::kSeconds) == 0x59);
    f.clock.Advance(kSec);
    Fields t = ReadFields(f);
    CHECK(t.second == 0x00);
    CHECK(t.minute == 0x00);
    CHECK(t.hour == 0x00);
    CHECK(t.day == c.day);
    CHECK(t.month == c.month);
    CHECK(t.year == c.year);
    CHECK(t.century == c.century);
    CHECK(t.weekday == c.weekday);
  }
}

TEST_CASE("SetUnixTime (-rtc base) restarts the phase at a whole second") {
  RtcFixture f;
  f.clock.Advance(700 * kMs);
  f.rtc.SetUnixTime(946684799);
  CHECK(f.Get(RtcReg::kYear) == 0x99);
  f.clock.Advance(kSec - 1);
  CHECK(f.Get(RtcReg::kYear) == 0x99);
  f.clock.Advance(1);
  CHECK(f.Get(RtcReg::kYear) == 0x00);
  CHECK(f.Get(RtcReg::kCentury) == 0x20);
}

}  // namespace
}  // namespace vireo::devices::test
