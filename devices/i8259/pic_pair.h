#pragma once
// The PC/AT interrupt controller pair: a master 8259A at 0x20/0x21 whose IR2 is the INT output of
// a slave 8259A at 0xA0/0xA1 (ICW3 0x04 on the master, ID 2 on the slave), plus the PIIX Edge/Level
// Control Registers at 0x4D0/0x4D1 (Intel 82371 PIIX datasheet, "ELCR1/ELCR2").
//
// Board wiring: map MasterIo() at kMasterBase, SlaveIo() at kSlaveBase and ElcrIo() at kElcrBase,
// each for kPortCount ports with kAccessSizes; route ISA IRQ n to SetIrqLevel(n, level); connect
// the INT output (SetIntOutput) to the CPU's INTR pin and use the pair as the CPU's
// InterruptController for the INTA cycle.

#include <cstdint>

#include "devices/i8259/pic8259.h"
#include "machine/io_handler.h"
#include "machine/irq.h"

namespace vireo::devices {

/// Master + cascaded slave 8259A and the PIIX ELCR, as an IrqSink for ISA IRQ 0..15.
class PicPair : public machine::IrqSink, public machine::InterruptController {
 public:
  static constexpr uint16_t kMasterBase = 0x20;              ///< master: 0x20 (A0=0), 0x21
  static constexpr uint16_t kSlaveBase = 0xA0;               ///< slave: 0xA0 (A0=0), 0xA1
  static constexpr uint16_t kElcrBase = 0x4D0;               ///< ELCR1 0x4D0, ELCR2 0x4D1
  static constexpr uint64_t kPortCount = 2;                  ///< every window is two ports
  static constexpr machine::AccessSizes kAccessSizes{1, 1};  ///< byte-wide registers
  static constexpr unsigned kCascadeIr = 2;                  ///< master input the slave drives
  /// PIIX: IRQ0, 1, 2 (ELCR1) and 8, 13 (ELCR2) are always edge; their ELCR bits read 0.
  static constexpr uint8_t kElcr1Mask = 0xF8;
  static constexpr uint8_t kElcr2Mask = 0xDE;  ///< see kElcr1Mask

  /// `int_output` is the wire to the CPU's INTR pin (may be connected later).
  explicit PicPair(machine::IrqLine int_output = {});
  PicPair(const PicPair&) = delete;
  PicPair& operator=(const PicPair&) = delete;

  /// Connects (or replaces) the INT output wire and drives it to the current level.
  void SetIntOutput(machine::IrqLine int_output);
  /// Power-on state of both chips and the ELCR (all edge).
  void Reset();

  /// ISA IRQ `line` (0..15) changed level; IRQ2 is the cascade and is not an input.
  void SetIrqLevel(unsigned line, bool level) override;
  /// The INTA cycle: the master resolves, and the slave supplies the vector for IR2.
  uint8_t Acknowledge() override;
  /// True while the master drives INT (an unmasked request of sufficient priority waits).
  bool IntAsserted() const { return master_.IntOutput(); }

  /// The master's two ports, for mapping at kMasterBase.
  machine::IoHandler& MasterIo() { return master_; }
  /// The slave's two ports, for mapping at kSlaveBase.
  machine::IoHandler& SlaveIo() { return slave_; }
  /// ELCR1/ELCR2, for mapping at kElcrBase.
  machine::IoHandler& ElcrIo() { return elcr_; }

 private:
  /// ELCR1 (offset 0, IRQ0..7) and ELCR2 (offset 1, IRQ8..15): 1 = level, 0 = edge.
  class Elcr : public machine::IoHandler {
   public:
    explicit Elcr(PicPair& pair) : pair_(pair) {}
    uint64_t Read(uint64_t offset, unsigned size) override;
    void Write(uint64_t offset, unsigned size, uint64_t value) override;

   private:
    PicPair& pair_;
  };

  void SetElcr(unsigned index, uint8_t value);

  Pic8259 master_;
  Pic8259 slave_;
  Elcr elcr_{*this};
  uint8_t elcr_bits_[2] = {0, 0};
  machine::IrqLine int_output_;
};

}  // namespace vireo::devices
