#include "devices/i8254/pit8254.h"

namespace vireo::devices {

namespace {
// Control word fields (82C54 datasheet, "Control Word Format"): SC1..SC0, RW1..RW0, M2..M0, BCD.
constexpr unsigned kControlPort = 3;
constexpr uint8_t kSelectReadBack = 3;       // SC = 11
constexpr uint8_t kReadBackNoCount = 0x20;   // D5 = 0 latches the count
constexpr uint8_t kReadBackNoStatus = 0x10;  // D4 = 0 latches the status
constexpr uint8_t kFloatingBus = 0xFF;       // the control word register cannot be read
}  // namespace

Pit8254::Pit8254(machine::VirtualClock& clock, machine::IrqLine irq0)
    : clock_(clock), irq0_(irq0), irq_timer_(clock, [this] { OnIrqTimer(); }) {
  Reset();
}

void Pit8254::Reset() {
  // Counters 0 and 1 have GATE tied high on the PC; counter 2's gate is port 0x61 bit 0.
  for (unsigned i = 0; i < kChannels; ++i) channels_[i].Reset(i != 2);
  irq_timer_.Cancel();
}

uint64_t Pit8254::Read(uint64_t offset, unsigned size) {
  // Byte-wide registers: a wider access reads consecutive ports, as the ISA bus splits it.
  uint64_t value = 0;
  for (unsigned i = 0; i < size && offset + i < kPortCount; ++i) {
    value |= static_cast<uint64_t>(ReadByte(static_cast<unsigned>(offset + i))) << (8 * i);
  }
  return value;
}

void Pit8254::Write(uint64_t offset, unsigned size, uint64_t value) {
  for (unsigned i = 0; i < size && offset + i < kPortCount; ++i) {
    WriteByte(static_cast<unsigned>(offset + i), static_cast<uint8_t>(value >> (8 * i)));
  }
}

uint8_t Pit8254::ReadByte(unsigned port) {
  if (port == kControlPort) return kFloatingBus;
  return channels_[port].ReadByte(NowTick());
}

void Pit8254::WriteByte(unsigned port, uint8_t value) {
  const int64_t tick = NowTick();
  if (port == kControlPort) {
    WriteControl(value, tick);
  } else if (port == 0) {
    ChangeChannel0(tick, [&] { channels_[0].WriteCount(value, tick); });
  } else {
    channels_[port].WriteCount(value, tick);
  }
}

void Pit8254::WriteControl(uint8_t value, int64_t tick) {
  const unsigned select = value >> 6;
  if (select == kSelectReadBack) {
    // Read-back command: D3..D1 select counters 2..0; latches are taken at the same instant.
    for (unsigned i = 0; i < kChannels; ++i) {
      if (!(value & (2u << i))) continue;
      if (!(value & kReadBackNoStatus)) channels_[i].LatchStatus(tick);
      if (!(value & kReadBackNoCount)) channels_[i].LatchCount(tick);
    }
    return;
  }
  const auto access = static_cast<PitChannel::Access>((value >> 4) & 3);
  if (access == PitChannel::Access::kLatch) {
    channels_[select].LatchCount(tick);  // counter latch command; the mode is unchanged
    return;
  }
  const auto mode_bits = static_cast<uint8_t>((value >> 1) & 7);
  const bool bcd = (value & 1) != 0;
  if (select == 0) {
    ChangeChannel0(tick, [&] { channels_[0].WriteControl(access, mode_bits, bcd, tick); });
  } else {
    channels_[select].WriteControl(access, mode_bits, bcd, tick);
  }
}

void Pit8254::SetGate(unsigned channel, bool level) {
  if (channel >= kChannels) return;
  const int64_t tick = NowTick();
  if (channel == 0) {
    ChangeChannel0(tick, [&] { channels_[0].SetGate(level, tick); });
  } else {
    channels_[channel].SetGate(level, tick);
  }
}

bool Pit8254::Out(unsigned channel) {
  if (channel >= kChannels) return false;
  return channels_[channel].Out(NowTick());
}

template <typename Change>
void Pit8254::ChangeChannel0(int64_t tick, Change change) {
  // With the host clock the I/O thread may not have run a due timer yet; deliver that edge
  // before the change so the PIC sees OUT0's edges in order.
  while (irq_timer_.armed() && irq_timer_.deadline() <= clock_.NowNs()) {
    irq_timer_.Cancel();
    OnIrqTimer();
  }
  const bool before = channels_[0].Out(tick);
  change();
  // Programming can itself raise OUT0 (e.g. a mode 2 control word after mode 0 left it low);
  // IRQ0 is edge-triggered, so that is an interrupt too.
  if (!before && channels_[0].Out(tick)) irq0_.Pulse();
  ArmIrqAfter(tick);
}

void Pit8254::OnIrqTimer() {
  irq0_.Pulse();
  // Arm for the edge after the one just delivered, not after "now": a manual clock advanced by
  // 10 ms then fires every edge in the interval, and a late host callback does not drift. After a
  // host stall the missed edges arrive back to back and the PIC's edge latch coalesces them.
  ArmIrqAfter(irq_tick_);
}

void Pit8254::ArmIrqAfter(int64_t tick) {
  const std::optional<int64_t> rise = channels_[0].NextRiseAfter(tick);
  if (!rise) {
    irq_timer_.Cancel();
    return;
  }
  irq_tick_ = *rise;
  irq_timer_.ArmAt(PitTickTimeNs(*rise));
}

}  // namespace vireo::devices
