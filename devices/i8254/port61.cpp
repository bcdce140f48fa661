#include "devices/i8254/port61.h"

namespace vireo::devices {

Port61::Port61(Pit8254& pit, machine::VirtualClock& clock) : pit_(pit), clock_(clock) { Reset(); }

void Port61::Reset() {
  control_ = 0;
  pit_.SetGate(2, false);
}

uint64_t Port61::Read(uint64_t offset, unsigned size) {
  if (offset != 0) return 0;
  uint8_t value = control_;
  // The refresh toggle is derived from clock time so firmware delay loops that count its flips
  // (SeaBIOS, older BIOSes) measure real intervals.
  if ((clock_.NowNs() / kRefreshPeriodNs) & 1) value |= kRefreshToggle;
  if (pit_.Out(2)) value |= kTimer2Out;
  return value;
}

void Port61::Write(uint64_t offset, unsigned size, uint64_t value) {
  if (offset != 0) return;
  control_ = static_cast<uint8_t>(value) & kWritableMask;
  pit_.SetGate(2, (control_ & kTimer2Gate) != 0);
}

}  // namespace vireo::devices
