#pragma once
// The PC's Intel 8254 programmable interval timer at ports 0x40..0x43, clocked at 1.193182 MHz.
// Counter values and OUT are computed from the VirtualClock when read; the only timer is the one
// that raises IRQ0 on each rising edge of OUT0, armed for the next edge computed from the tick the
// count was loaded at, so a periodic IRQ0 does not drift however late the callbacks run.
//
// Board wiring: map at kBasePort for kPortCount ports with kAccessSizes; connect the IrqLine to
// ISA IRQ 0; map a Port61 (port61.h) for channel 2's gate and OUT. Channels 0 and 1 have GATE
// tied high, as on the PC.

#include <array>
#include <cstdint>

#include "devices/i8254/pit_channel.h"
#include "machine/clock.h"
#include "machine/io_handler.h"
#include "machine/irq.h"

namespace vireo::devices {

/// Three 82C54 counters, the control word register and the IRQ0 edge timer.
class Pit8254 : public machine::IoHandler {
 public:
  static constexpr uint16_t kBasePort = 0x40;                ///< counters 0..2, control at +3
  static constexpr uint64_t kPortCount = 4;                  ///< 0x40..0x43
  static constexpr machine::AccessSizes kAccessSizes{1, 1};  ///< byte-wide registers
  static constexpr unsigned kChannels = 3;                   ///< counters 0, 1, 2

  /// `irq0` is the wire from OUT0 to ISA IRQ 0 (may be connected later).
  explicit Pit8254(machine::VirtualClock& clock, machine::IrqLine irq0 = {});
  Pit8254(const Pit8254&) = delete;
  Pit8254& operator=(const Pit8254&) = delete;

  /// Connects (or replaces) the OUT0 -> IRQ0 wire.
  void SetIrq0(machine::IrqLine irq0) { irq0_ = irq0; }
  /// Power-on state: every counter in mode 3 without a count (OUT high); gate 2 low.
  void Reset();

  /// Offsets 0..2 read counters 0..2; offset 3 (control word) is write-only and reads 0xFF.
  uint64_t Read(uint64_t offset, unsigned size) override;
  /// Offsets 0..2 write counts; offset 3 takes control words, latch and read-back commands.
  void Write(uint64_t offset, unsigned size, uint64_t value) override;

  /// Drives the GATE pin of `channel` (the board only wires channel 2, through port 0x61).
  void SetGate(unsigned channel, bool level);
  /// The GATE pin of `channel`.
  bool Gate(unsigned channel) const { return channels_[channel].Gate(); }
  /// The OUT pin of `channel` now.
  bool Out(unsigned channel);

 private:
  int64_t NowTick() const { return PitTicksAt(clock_.NowNs()); }
  uint8_t ReadByte(unsigned port);
  void WriteByte(unsigned port, uint8_t value);
  void WriteControl(uint8_t value, int64_t tick);
  /// Runs `change` on channel 0 and keeps IRQ0 in step: delivers a due edge first, pulses if the
  /// change itself raises OUT0, and re-arms the timer for the next edge.
  template <typename Change>
  void ChangeChannel0(int64_t tick, Change change);
  void OnIrqTimer();
  void ArmIrqAfter(int64_t tick);

  machine::VirtualClock& clock_;
  machine::IrqLine irq0_;
  std::array<PitChannel, kChannels> channels_;
  machine::Timer irq_timer_;
  int64_t irq_tick_ = 0;  // the OUT0 rising edge the timer is armed for
};

}  // namespace vireo::devices
