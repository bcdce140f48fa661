#pragma once
// Shared fixture for the 8254 tests: a manual clock, the PIT with IRQ0 wired to an edge counter,
// and port 0x61. Everything is driven through the I/O handlers; times are named by PIT tick (the
// instant the tick-th input clock edge has occurred).

#include <doctest/doctest.h>

#include <cstdint>

#include "devices/i8254/pit8254.h"
#include "devices/i8254/port61.h"
#include "machine/clock.h"
#include "machine/irq.h"

namespace vireo::devices::pit_test {

/// The PIC's IRQ0 input: counts rising edges.
struct EdgeCounter : machine::IrqSink {
  bool level = false;
  int rises = 0;
  void SetIrqLevel(unsigned, bool value) override {
    if (value && !level) ++rises;
    level = value;
  }
};

// Status byte bits (82C54 read-back status).
inline constexpr uint8_t kOut = 0x80;
inline constexpr uint8_t kNullCount = 0x40;

struct PitRig {
  machine::VirtualClock clock{machine::VirtualClock::Mode::kManual};
  EdgeCounter irq0;
  Pit8254 pit{clock, machine::IrqLine(&irq0, 0)};
  Port61 port61{pit, clock};

  void Control(uint8_t value) { pit.Write(3, 1, value); }
  void Count(unsigned channel, uint8_t value) { pit.Write(channel, 1, value); }
  /// A 16-bit count in LSB-then-MSB access mode.
  void Count16(unsigned channel, uint16_t value) {
    Count(channel, static_cast<uint8_t>(value));
    Count(channel, static_cast<uint8_t>(value >> 8));
  }
  uint8_t Read(unsigned channel) { return static_cast<uint8_t>(pit.Read(channel, 1)); }
  /// Two reads in LSB-then-MSB access mode (live or latched).
  uint16_t Read16(unsigned channel) {
    const uint8_t lsb = Read(channel);
    return static_cast<uint16_t>(lsb | (Read(channel) << 8));
  }
  /// Counter latch command, then the two bytes.
  uint16_t Latched16(unsigned channel) {
    Control(static_cast<uint8_t>(channel << 6));
    return Read16(channel);
  }
  /// Read-back of one channel's status byte only.
  uint8_t Status(unsigned channel) {
    Control(static_cast<uint8_t>(0xE0 | (2u << channel)));
    return Read(channel);
  }
  bool Out(unsigned channel) { return (Status(channel) & kOut) != 0; }
  uint8_t Port61Value() { return static_cast<uint8_t>(port61.Read(0, 1)); }
  void SetPort61(uint8_t value) { port61.Write(0, 1, value); }
  bool Out2ViaPort61() { return (Port61Value() & Port61::kTimer2Out) != 0; }

  /// Moves the clock to the instant PIT input edge `tick` occurs.
  void AtTick(int64_t tick) { clock.Advance(PitTickTimeNs(tick) - clock.NowNs()); }
  /// Moves the clock to 1 ns before edge `tick`.
  void JustBefore(int64_t tick) { clock.Advance(PitTickTimeNs(tick) - 1 - clock.NowNs()); }
  int64_t Tick() const { return PitTicksAt(clock.NowNs()); }
};

}  // namespace vireo::devices::pit_test
