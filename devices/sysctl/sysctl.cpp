#include "devices/sysctl/sysctl.h"

#include <utility>

namespace vireo::devices {

Port92::Port92(std::function<void()> on_reset, std::function<void(bool enabled)> on_a20)
    : on_reset_(std::move(on_reset)), on_a20_(std::move(on_a20)) {}

uint64_t Port92::Read(uint64_t offset, unsigned size) { return a20_ ? kFastA20 : 0; }

void Port92::Write(uint64_t offset, unsigned size, uint64_t value) {
  bool a20 = (value & kFastA20) != 0;
  if (a20 != a20_) {
    a20_ = a20;
    if (on_a20_) on_a20_(a20);
  }
  // A20 first: software that sets both wants the reset to see its A20 choice.
  if ((value & kFastReset) && on_reset_) on_reset_();
}

ResetControl::ResetControl(std::function<void()> on_reset) : on_reset_(std::move(on_reset)) {}

uint64_t ResetControl::Read(uint64_t offset, unsigned size) { return value_; }

void ResetControl::Write(uint64_t offset, unsigned size, uint64_t value) {
  value_ = static_cast<uint8_t>(value & (kSystemReset | kFullReset));
  if (value & kResetCpu) {
    // PIIX4: the reset starts on the 0->1 transition of bit 2; the bit is not stored, so every
    // write with it set is such a transition.
    last_reset_hard_ = (value & (kSystemReset | kFullReset)) != 0;
    if (on_reset_) on_reset_();
  }
}

}  // namespace vireo::devices
