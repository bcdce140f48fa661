#pragma once
// Shared fixture for the CMOS RTC tests: a manual clock, IRQ 8 wired to a recording sink, and
// helpers that go through the 0x70/0x71 port pair exactly as a guest does.

#include <cstdint>
#include <utility>
#include <vector>

#include "devices/cmos_rtc/cmos_rtc.h"
#include "machine/clock.h"
#include "machine/irq.h"

namespace vireo::devices::test {

/// Records every level change it receives.
class RecordingSink : public machine::IrqSink {
 public:
  void SetIrqLevel(unsigned line, bool level) override { events.emplace_back(line, level); }
  /// Number of low-to-high transitions seen on `line`.
  int Rises(unsigned line) const {
    int rises = 0;
    bool level = false;
    for (auto [l, v] : events) {
      if (l != line) continue;
      if (v && !level) ++rises;
      level = v;
    }
    return rises;
  }
  std::vector<std::pair<unsigned, bool>> events;
};

constexpr int64_t kNs = 1;
constexpr int64_t kUs = 1000 * kNs;
constexpr int64_t kMs = 1000 * kUs;
constexpr int64_t kSec = 1000 * kMs;

/// 2024-03-15 13:45:30 UTC, a Friday.
constexpr int64_t kFriday2024 = 1710510330;

/// An RTC on a manual clock starting at `start`.
struct RtcFixture {
  explicit RtcFixture(int64_t start = kFriday2024)
      : rtc(clock, machine::IrqLine(&sink, 8), start) {}

  uint8_t Get(uint8_t index) {
    rtc.Write(0, 1, index);
    return static_cast<uint8_t>(rtc.Read(1, 1));
  }
  void Put(uint8_t index, uint8_t value) {
    rtc.Write(0, 1, index);
    rtc.Write(1, 1, value);
  }
  bool Irq() const { return rtc.irq().level(); }
  /// Advances to `ns` from now, acting as the guest's IRQ 8 handler: each time the line rises,
  /// Status C is read (which acknowledges it). Returns the number of interrupts handled.
  int RunHandlingIrqs(int64_t ns) {
    const int64_t end = clock.NowNs() + ns;
    int handled = 0;
    for (;;) {
      int64_t next = clock.NextDeadline();
      if (next > end) break;
      clock.Advance(next - clock.NowNs());
      if (Irq()) {
        ++handled;
        Get(RtcReg::kStatusC);
      }
    }
    clock.Advance(end - clock.NowNs());
    return handled;
  }

  machine::VirtualClock clock{machine::VirtualClock::Mode::kManual};
  RecordingSink sink;
  CmosRtc rtc;
};

}  // namespace vireo::devices::test
