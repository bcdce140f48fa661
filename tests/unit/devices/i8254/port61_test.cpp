// Port 0x61: timer 2 gate and speaker bits, the refresh toggle, OUT2, and the firmware/kernel
// sequences that calibrate against PIT channel 2 through it (SeaBIOS, Linux), on the manual clock
// and on the host clock.

#include <doctest/doctest.h>

#include <chrono>

#include "tests/unit/devices/i8254/pit_fixture.h"

namespace vireo::devices::pit_test {
namespace {

TEST_CASE("Port 0x61: read/write bits, read-only bits and the timer 2 gate") {
  PitRig rig;
  CHECK(rig.Port61Value() == 0x20);  // reset: gate and speaker off; OUT2 idles high
  CHECK_FALSE(rig.pit.Gate(2));
  rig.SetPort61(0xFF);  // bits 4..7 are read-only
  CHECK((rig.Port61Value() & 0xCF) == 0x0F);
  CHECK(rig.pit.Gate(2));
  CHECK(rig.port61.SpeakerEnabled());
  rig.SetPort61(0x02);
  CHECK((rig.Port61Value() & 0x0F) == 0x02);
  CHECK_FALSE(rig.pit.Gate(2));
  CHECK(rig.port61.SpeakerEnabled());
  rig.SetPort61(0x00);
  CHECK_FALSE(rig.port61.SpeakerEnabled());
  CHECK(rig.pit.Gate(0));  // channels 0 and 1 are tied high
  CHECK(rig.pit.Gate(1));
}

TEST_CASE("Port 0x61: the refresh request bit toggles every 15.085 us of clock time") {
  PitRig rig;
  CHECK((rig.Port61Value() & Port61::kRefreshToggle) == 0);
  rig.clock.Advance(15'084);
  CHECK((rig.Port61Value() & Port61::kRefreshToggle) == 0);
  rig.clock.Advance(1);
  CHECK((rig.Port61Value() & Port61::kRefreshToggle) != 0);
  rig.clock.Advance(15'085);
  CHECK((rig.Port61Value() & Port61::kRefreshToggle) == 0);
  // A firmware delay loop: 66 toggles are one millisecond.
  int toggles = 0;
  bool last = false;
  const int64_t start = rig.clock.NowNs();
  while (toggles < 66) {
    rig.clock.Advance(1'000);
    const bool bit = (rig.Port61Value() & Port61::kRefreshToggle) != 0;
    if (bit != last) ++toggles;
    last = bit;
  }
  const int64_t elapsed = rig.clock.NowNs() - start;
  CHECK(elapsed >= 66 * 15'085 - 15'085);
  CHECK(elapsed <= 66 * 15'085 + 1'000);
}

TEST_CASE("Port 0x61: OUT2 follows channel 2 in every mode that drives it") {
  PitRig rig;
  rig.SetPort61(0x01);
  rig.Control(0xB6);  // mode 3, count 4: high 2, low 2
  rig.Count16(2, 4);
  rig.AtTick(1);
  CHECK(rig.Out2ViaPort61());
  rig.AtTick(3);
  CHECK_FALSE(rig.Out2ViaPort61());
  rig.AtTick(5);
  CHECK(rig.Out2ViaPort61());
  rig.SetPort61(0x00);  // gate off: mode 3 OUT forced high
  rig.AtTick(7);
  CHECK(rig.Out2ViaPort61());
  CHECK(rig.irq0.rises == 0);  // channel 2 never touches IRQ0
}

TEST_CASE("Port 0x61: SeaBIOS channel 2 calibration sequence") {
  PitRig rig;
  // outb((inb(0x61) & ~0x02) | 0x01, 0x61): gate on, speaker off.
  rig.SetPort61(static_cast<uint8_t>((rig.Port61Value() & ~0x02) | 0x01));
  rig.Control(0xB0);  // counter 2, LSB/MSB, mode 0, binary
  rig.Count(2, 0x00);
  rig.Count(2, 0x08);  // 0x800: OUT2 rises 0x801 clocks later, 1.717 ms
  CHECK_FALSE(rig.Out2ViaPort61());
  int polls = 0;
  while (!rig.Out2ViaPort61()) {
    rig.clock.Advance(10'000);
    ++polls;
  }
  CHECK(rig.Tick() >= 0x801);
  CHECK(rig.Tick() < 0x801 + 12);  // within one 10 us poll step
  CHECK(polls == 172);
}

TEST_CASE("Port 0x61: Linux quick PIT calibration reads channel 2's MSB as it counts down") {
  PitRig rig;
  rig.SetPort61(0x01);
  rig.Control(0xB0);
  rig.Count16(2, 0xFFFF);
  // Linux reads LSB then MSB of the live counter and waits for the MSB to step down.
  rig.AtTick(1);
  CHECK(rig.Read16(2) == 0xFFFF);
  rig.AtTick(256);
  CHECK(rig.Read16(2) == 0xFF00);
  rig.AtTick(257);
  CHECK(rig.Read16(2) == 0xFEFF);
  rig.AtTick(1 + 256 * 10);
  CHECK(rig.Read(2) == 0xFF);  // LSB of 0xF5FF
  CHECK(rig.Read(2) == 0xF5);
}

TEST_CASE("Port 0x61: channel 2 calibration against the host clock") {
  machine::VirtualClock clock(machine::VirtualClock::Mode::kHost);
  Pit8254 pit(clock);
  Port61 port61(pit, clock);
  port61.Write(0, 1, 0x01);
  pit.Write(3, 1, 0xB0);
  const auto start = std::chrono::steady_clock::now();
  pit.Write(2, 1, 0x00);
  pit.Write(2, 1, 0x08);  // 0x801 clocks = 1.717 ms
  CHECK((port61.Read(0, 1) & Port61::kTimer2Out) == 0);
  bool high = false;
  while (!high && std::chrono::steady_clock::now() - start < std::chrono::seconds(5)) {
    high = (port61.Read(0, 1) & Port61::kTimer2Out) != 0;
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(high);
  CHECK(elapsed >= std::chrono::microseconds(1'716));
  CHECK(elapsed < std::chrono::seconds(5));
}

TEST_CASE("Port 0x61: 16-bit PIT accesses split into byte ports; Reset") {
  PitRig rig;
  rig.pit.Write(3, 1, 0x70);  // counter 1, LSB/MSB, mode 0
  rig.pit.Write(1, 1, 0x34);
  rig.pit.Write(1, 1, 0x12);
  rig.AtTick(1);
  // A word read is port 0x41 (counter 1's LSB) and port 0x42 (idle counter 2's LSB, 0) ...
  CHECK(rig.pit.Read(1, 2) == 0x0034);
  CHECK(rig.Read(1) == 0x12);  // ... and leaves counter 1's flip-flop on the MSB
  rig.pit.Reset();
  rig.port61.Reset();
  CHECK(rig.Port61Value() == 0x20);
  CHECK((rig.Status(0) & 0x3F) == 0x36);  // idle in mode 3, OUT high
  CHECK(rig.Out(0));
}

}  // namespace
}  // namespace vireo::devices::pit_test
