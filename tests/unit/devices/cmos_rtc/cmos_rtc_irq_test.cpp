// MC146818A interrupts: update-ended, alarm (with don't-care bytes), periodic rates, Status C
// clear-on-read and the IRQ 8 level, and that timers run only for enabled sources.

#include <doctest/doctest.h>

#include <climits>

#include "tests/unit/devices/cmos_rtc/rtc_fixture.h"

namespace vireo::devices::test {
namespace {

constexpr uint8_t k24Hour = RtcReg::kB24Hour;

TEST_CASE("no timer runs while no interrupt is enabled") {
  RtcFixture f;
  CHECK(f.clock.NextDeadline() == INT64_MAX);
  f.clock.Advance(10 * kSec);
  CHECK(f.clock.NextDeadline() == INT64_MAX);
  f.Get(RtcReg::kStatusC);  // drop the flags latched so far, or enabling UIE would fire at once
  f.Put(RtcReg::kStatusB, k24Hour | RtcReg::kBUie);
  CHECK(f.clock.NextDeadline() == 11 * kSec);
  f.Put(RtcReg::kStatusB, k24Hour);
  CHECK(f.clock.NextDeadline() == INT64_MAX);
  CHECK(f.sink.events.empty());
}

TEST_CASE("flags latch without enables and Status C clears on read") {
  RtcFixture f;
  f.clock.Advance(kSec);
  // Updates happened and periodic ticks (1024 Hz, RS = 6) occurred, but nothing is enabled.
  CHECK(f.rtc.Peek(RtcReg::kStatusC) == (RtcReg::kCPf | RtcReg::kCUf));
  CHECK(f.Get(RtcReg::kStatusC) == (RtcReg::kCPf | RtcReg::kCUf));
  CHECK(f.Get(RtcReg::kStatusC) == 0x00);
  CHECK_FALSE(f.Irq());
  // Less than one periodic period later only PF can be set, and not yet.
  f.clock.Advance(500 * kUs);
  CHECK(f.Get(RtcReg::kStatusC) == 0x00);
  f.clock.Advance(500 * kUs);
  CHECK(f.Get(RtcReg::kStatusC) == RtcReg::kCPf);
  // Writes to C and D are ignored.
  f.Put(RtcReg::kStatusC, 0xFF);
  f.Put(RtcReg::kStatusD, 0x00);
  CHECK(f.Get(RtcReg::kStatusC) == 0x00);
  CHECK(f.Get(RtcReg::kStatusD) == RtcReg::kDVrt);
}

TEST_CASE("update-ended interrupt: IRQ 8 rises at each second and falls when C is read") {
  RtcFixture f;
  f.Put(RtcReg::kStatusA, 0x20);  // periodic off, so C holds only update/alarm flags
  f.Put(RtcReg::kStatusB, k24Hour | RtcReg::kBUie);
  f.clock.Advance(kSec - 1);
  CHECK_FALSE(f.Irq());
  f.clock.Advance(1);
  CHECK(f.Irq());
  CHECK(f.sink.events.back() == std::pair<unsigned, bool>{8, true});
  // The line stays high, and no timer runs, until the guest reads C.
  CHECK(f.clock.NextDeadline() == INT64_MAX);
  f.clock.Advance(3 * kSec);
  CHECK(f.Irq());
  CHECK(f.sink.Rises(8) == 1);
  CHECK(f.Get(RtcReg::kStatusC) == (RtcReg::kCIrqf | RtcReg::kCUf));
  CHECK_FALSE(f.Irq());
  CHECK(f.sink.events.back() == std::pair<unsigned, bool>{8, false});
  CHECK(f.clock.NextDeadline() == 5 * kSec);
  CHECK(f.RunHandlingIrqs(10 * kSec) == 10);
  CHECK(f.sink.Rises(8) == 11);
}

TEST_CASE("enabling a source whose flag is already set raises IRQ 8; disabling lowers it") {
  RtcFixture f;
  f.Put(RtcReg::kStatusA, 0x20);
  f.clock.Advance(kSec);
  CHECK_FALSE(f.Irq());
  f.Put(RtcReg::kStatusB, k24Hour | RtcReg::kBUie);
  CHECK(f.Irq());
  CHECK(f.rtc.Peek(RtcReg::kStatusC) == (RtcReg::kCIrqf | RtcReg::kCUf));
  f.Put(RtcReg::kStatusB, k24Hour);
  CHECK_FALSE(f.Irq());
  CHECK(f.Get(RtcReg::kStatusC) == RtcReg::kCUf);  // flag still latched, IRQF not
}

TEST_CASE("alarm at an exact time") {
  RtcFixture f;  // 13:45:30
  f.Put(RtcReg::kStatusA, 0x20);
  f.Put(RtcReg::kSecondsAlarm, 0x10);
  f.Put(RtcReg::kMinutesAlarm, 0x47);
  f.Put(RtcReg::kHoursAlarm, 0x13);
  f.Put(RtcReg::kStatusB, k24Hour | RtcReg::kBAie);
  // The timer is armed for the alarm itself, not every second: 13:47:10 is 100 s away.
  CHECK(f.clock.NextDeadline() == 100 * kSec);
  f.clock.Advance(100 * kSec - 1);
  CHECK_FALSE(f.Irq());
  f.clock.Advance(1);
  CHECK(f.Irq());
  // UF is latched at every update too (not enabled, so it does not contribute to IRQF).
  CHECK(f.Get(RtcReg::kStatusC) == (RtcReg::kCIrqf | RtcReg::kCAf | RtcReg::kCUf));
  CHECK_FALSE(f.Irq());
  // Next match is tomorrow at the same time.
  CHECK(f.clock.NextDeadline() == (100 + 86400) * kSec);
  CHECK(f.RunHandlingIrqs(86400 * kSec) == 1);
}

TEST_CASE("alarm in 12-hour mode compares the PM bit") {
  RtcFixture f;  // 13:45:30 = 1:45:30 PM
  f.Put(RtcReg::kStatusA, 0x20);
  f.Put(RtcReg::kStatusB, 0x00);
  f.Put(RtcReg::kSecondsAlarm, 0x00);
  f.Put(RtcReg::kMinutesAlarm, 0x00);
  f.Put(RtcReg::kHoursAlarm, 0x82);  // 2 PM
  f.Put(RtcReg::kStatusB, RtcReg::kBAie);
  CHECK(f.clock.NextDeadline() == (14 * 60 + 30) * kSec);
  f.Put(RtcReg::kHoursAlarm, 0x02);  // 2 AM tomorrow
  CHECK(f.clock.NextDeadline() == (12 * 3600 + 14 * 60 + 30) * kSec);
}

TEST_CASE("alarm don't-care bytes") {
  SUBCASE("all three don't care: every second") {
    RtcFixture f;
    f.Put(RtcReg::kStatusA, 0x20);
    f.Put(RtcReg::kSecondsAlarm, 0xC0);
    f.Put(RtcReg::kMinutesAlarm, 0xFF);
    f.Put(RtcReg::kHoursAlarm, 0xD5);
    f.Put(RtcReg::kStatusB, k24Hour | RtcReg::kBAie);
    CHECK(f.RunHandlingIrqs(5 * kSec) == 5);
  }
  SUBCASE("hours and minutes don't care, seconds 00: once a minute") {
    RtcFixture f;  // :30 seconds
    f.Put(RtcReg::kStatusA, 0x20);
    f.Put(RtcReg::kSecondsAlarm, 0x00);
    f.Put(RtcReg::kMinutesAlarm, 0xC0);
    f.Put(RtcReg::kHoursAlarm, 0xC0);
    f.Put(RtcReg::kStatusB, k24Hour | RtcReg::kBAie);
    CHECK(f.clock.NextDeadline() == 30 * kSec);
    CHECK(f.RunHandlingIrqs(3 * 60 * kSec) == 3);
  }
  SUBCASE("hours don't care: once an hour") {
    RtcFixture f;  // 13:45:30
    f.Put(RtcReg::kStatusA, 0x20);
    f.Put(RtcReg::kSecondsAlarm, 0x00);
    f.Put(RtcReg::kMinutesAlarm, 0x30);
    f.Put(RtcReg::kHoursAlarm, 0xC0);
    f.Put(RtcReg::kStatusB, k24Hour | RtcReg::kBAie);
    CHECK(f.clock.NextDeadline() == (14 * 60 + 30 + 30 * 60) * kSec);  // 14:30:00
    CHECK(f.RunHandlingIrqs(5 * 3600 * kSec) == 5);
  }
  SUBCASE("an alarm no time can match never fires") {
    RtcFixture f;
    f.Put(RtcReg::kStatusA, 0x20);
    f.Put(RtcReg::kSecondsAlarm, 0x75);
    f.Put(RtcReg::kMinutesAlarm, 0xC0);
    f.Put(RtcReg::kHoursAlarm, 0xC0);
    f.Put(RtcReg::kStatusB, k24Hour | RtcReg::kBAie);
    CHECK(f.clock.NextDeadline() == INT64_MAX);
    f.clock.Advance(120 * kSec);
    CHECK(f.Get(RtcReg::kStatusC) == RtcReg::kCUf);
  }
}

TEST_CASE("alarm flag latches without AIE, from lazily derived time") {
  RtcFixture f;  // 13:45:30
  f.Put(RtcReg::kStatusA, 0x20);
  f.Put(RtcReg::kSecondsAlarm, 0x40);
  f.Put(RtcReg::kMinutesAlarm, 0x45);
  f.Put(RtcReg::kHoursAlarm, 0x13);
  f.clock.Advance(9 * kSec);
  CHECK(f.Get(RtcReg::kStatusC) == RtcReg::kCUf);
  f.clock.Advance(kSec);
  CHECK(f.Get(RtcReg::kStatusC) == (RtcReg::kCAf | RtcReg::kCUf));
  CHECK(f.sink.events.empty());
}

TEST_CASE("no update or alarm flags while SET is 1, periodic flags continue") {
  RtcFixture f;
  f.Put(RtcReg::kSecondsAlarm, 0xC0);
  f.Put(RtcReg::kMinutesAlarm, 0xC0);
  f.Put(RtcReg::kHoursAlarm, 0xC0);
  f.Put(RtcReg::kStatusB, RtcReg::kBSet | k24Hour);
  f.clock.Advance(3 * kSec);
  CHECK(f.Get(RtcReg::kStatusC) == RtcReg::kCPf);
}

TEST_CASE("periodic interrupt rates from Register A RS bits") {
  // Datasheet table: RS 1, 2 = 256, 128 Hz; RS 3..15 = 8192 .. 2 Hz.
  const int expected_hz[16] = {0,   256, 128, 8192, 4096, 2048, 1024, 512,
                               256, 128, 64,  32,   16,   8,    4,    2};
  for (unsigned rs = 0; rs < 16; ++rs) {
    CAPTURE(rs);
    RtcFixture f;
    f.Put(RtcReg::kStatusA, static_cast<uint8_t>(0x20 | rs));
    f.Put(RtcReg::kStatusB, k24Hour | RtcReg::kBPie);
    CHECK(f.RunHandlingIrqs(kSec) == expected_hz[rs]);
    CHECK(f.RunHandlingIrqs(2 * kSec) == 2 * expected_hz[rs]);
  }
}

TEST_CASE("periodic ticks are exact multiples of the 32.768 kHz period") {
  RtcFixture f;  // RS = 6: 1024 Hz, 976562.5 ns
  f.Put(RtcReg::kStatusB, k24Hour | RtcReg::kBPie);
  CHECK(f.clock.NextDeadline() == 976563);
  f.clock.Advance(976562);
  CHECK_FALSE(f.Irq());
  f.clock.Advance(1);
  CHECK(f.Irq());
  CHECK(f.Get(RtcReg::kStatusC) == (RtcReg::kCIrqf | RtcReg::kCPf));
  CHECK(f.clock.NextDeadline() == 2 * 976562 + 1);  // exactly 1953125 ns
  // Changing the rate takes effect at once; RS = 15 is 2 Hz, aligned to the second.
  f.Put(RtcReg::kStatusA, 0x2F);
  CHECK(f.clock.NextDeadline() == 500 * kMs);
  // Disabling PIE stops the timer.
  f.Put(RtcReg::kStatusB, k24Hour);
  CHECK(f.clock.NextDeadline() == INT64_MAX);
}

TEST_CASE("periodic interrupt needs the divider running") {
  RtcFixture f;
  f.Put(RtcReg::kStatusA, 0x66);  // divider in reset, RS = 6
  f.Put(RtcReg::kStatusB, k24Hour | RtcReg::kBPie);
  CHECK(f.clock.NextDeadline() == INT64_MAX);
  f.clock.Advance(kSec);
  CHECK(f.Get(RtcReg::kStatusC) == 0x00);
}

TEST_CASE("all three sources together; C reports every flag once") {
  RtcFixture f;
  f.Put(RtcReg::kStatusA, 0x2F);  // 2 Hz
  f.Put(RtcReg::kSecondsAlarm, 0x31);
  f.Put(RtcReg::kMinutesAlarm, 0xC0);
  f.Put(RtcReg::kHoursAlarm, 0xC0);
  f.Put(RtcReg::kStatusB, k24Hour | RtcReg::kBPie | RtcReg::kBAie | RtcReg::kBUie);
  f.clock.Advance(500 * kMs);
  CHECK(f.Get(RtcReg::kStatusC) == (RtcReg::kCIrqf | RtcReg::kCPf));
  f.clock.Advance(500 * kMs);
  CHECK(f.Get(RtcReg::kStatusC) == (RtcReg::kCIrqf | RtcReg::kCPf | RtcReg::kCAf | RtcReg::kCUf));
  f.clock.Advance(kSec);
  CHECK(f.Get(RtcReg::kStatusC) == (RtcReg::kCIrqf | RtcReg::kCPf | RtcReg::kCUf));
}

TEST_CASE("index port: NMI mask bit, 7-bit index, write-only") {
  RtcFixture f;
  f.rtc.Write(0, 1, 0x80 | RtcReg::kStatusD);
  CHECK(f.rtc.nmi_disabled());
  CHECK(f.rtc.index() == RtcReg::kStatusD);
  CHECK(f.rtc.Read(1, 1) == RtcReg::kDVrt);
  CHECK(f.rtc.Read(0, 1) == 0xFF);
  f.rtc.Write(0, 1, RtcReg::kStatusD);
  CHECK_FALSE(f.rtc.nmi_disabled());
  // 0x8F selects register 0x0F with NMI masked, so a masked access reaches the same byte.
  f.Put(0x0F, 0x0A);
  f.rtc.Write(0, 1, 0x8F);
  CHECK(f.rtc.Read(1, 1) == 0x0A);
}

}  // namespace
}  // namespace vireo::devices::test
