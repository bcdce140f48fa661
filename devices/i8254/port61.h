#pragma once
// System control port B at 0x61 (the PIIX "NMI Status and Control" register, Intel 82371 PIIX
// datasheet): bit 0 drives timer 2's GATE, bit 1 enables the speaker, bits 2..3 are the
// SERR#/IOCHK# NMI enables (stored only), bit 4 is the refresh request toggle, bit 5 reads timer
// 2's OUT and bits 6..7 (NMI sources) read 0 as nothing here raises them.
//
// Board wiring: map at kPort for kPortCount port with kAccessSizes.

#include <cstdint>

#include "devices/i8254/pit8254.h"
#include "machine/clock.h"
#include "machine/io_handler.h"

namespace vireo::devices {

/// Port 0x61: timer 2 gate and speaker enable, refresh toggle and OUT2 status.
class Port61 : public machine::IoHandler {
 public:
  static constexpr uint16_t kPort = 0x61;                    ///< system control port B
  static constexpr uint64_t kPortCount = 1;                  ///< one byte-wide register
  static constexpr machine::AccessSizes kAccessSizes{1, 1};  ///< byte-wide register
  static constexpr uint8_t kTimer2Gate = 0x01;               ///< R/W: GATE of PIT counter 2
  static constexpr uint8_t kSpeakerEnable = 0x02;  ///< R/W: speaker data = OUT2 AND this bit
  static constexpr uint8_t kWritableMask = 0x0F;   ///< bits 0..3 are read/write
  static constexpr uint8_t kRefreshToggle = 0x10;  ///< RO: flips with every DRAM refresh request
  static constexpr uint8_t kTimer2Out = 0x20;      ///< RO: OUT of PIT counter 2
  /// The refresh request period: 18 PIT clocks (counter 1's classic divisor), 15.085 us.
  static constexpr int64_t kRefreshPeriodNs = 15'085;

  /// Wires bit 0 to `pit` counter 2's gate (driven low now, the reset value).
  Port61(Pit8254& pit, machine::VirtualClock& clock);
  Port61(const Port61&) = delete;
  Port61& operator=(const Port61&) = delete;

  /// Power-on value 0: gate 2 low, speaker off.
  void Reset();
  /// Returns the control bits, the refresh toggle and OUT2.
  uint64_t Read(uint64_t offset, unsigned size) override;
  /// Stores bits 0..3 and drives timer 2's gate from bit 0.
  void Write(uint64_t offset, unsigned size, uint64_t value) override;
  /// True while the speaker is enabled (bit 1); the tone is PIT counter 2's OUT.
  bool SpeakerEnabled() const { return (control_ & kSpeakerEnable) != 0; }

 private:
  Pit8254& pit_;
  machine::VirtualClock& clock_;
  uint8_t control_ = 0;
};

}  // namespace vireo::devices
