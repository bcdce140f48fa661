#pragma once
// Chipset reset and A20 controls outside the keyboard controller:
// - Port92: "system control port A" at 0x92 (IBM PS/2, kept by every PC chipset): bit 1 gates
//   A20 ("fast A20"), writing bit 0 = 1 resets the CPU ("fast reset").
// - ResetControl: the PIIX/PIIX3/PIIX4 Reset Control Register at 0xCF9 (PIIX4 datasheet, RC
//   register): bit 1 System Reset (1 = hard, 0 = soft), bit 2 Reset CPU (writing 1 starts the
//   reset selected by bit 1), bit 3 Full Reset (ICH; power-cycles). Linux's "reboot=pci" and
//   ACPI's RESET_REG use it.
//
// Board wiring: map Port92 at Port92::kPort and ResetControl at ResetControl::kPort, one byte
// each with kAccessSizes. 0xCF9 sits inside the 0xCF8..0xCFF PCI configuration window; the board
// routes byte accesses to 0xCF9 here and everything else to the PCI host bridge.

#include <cstdint>
#include <functional>

#include "machine/io_handler.h"
#include "machine/irq.h"

namespace vireo::devices {

/// Port 0x92, system control port A.
class Port92 : public machine::IoHandler {
 public:
  static constexpr uint16_t kPort = 0x92;                    ///< where the board maps it
  static constexpr machine::AccessSizes kAccessSizes{1, 1};  ///< one byte register
  static constexpr uint8_t kFastReset = 0x01;                ///< write 1: reset the CPU; reads 0
  static constexpr uint8_t kFastA20 = 0x02;                  ///< A20 gate, read/write

  /// `on_reset`/`on_a20` may be empty; on_a20 is called when bit 1 changes.
  Port92(std::function<void()> on_reset, std::function<void(bool enabled)> on_a20);

  /// Bit 1 = A20 gate; every other bit reads 0 (the reset bit self-clears).
  uint64_t Read(uint64_t offset, unsigned size) override;
  /// Bit 1 sets the A20 gate, bit 0 = 1 requests a reset.
  void Write(uint64_t offset, unsigned size, uint64_t value) override;
  /// The A20 gate as this port drives it (the board ORs it with the i8042's).
  bool a20_enabled() const { return a20_; }

 private:
  std::function<void()> on_reset_;
  std::function<void(bool)> on_a20_;
  bool a20_ = false;
};

/// Port 0xCF9, the PIIX Reset Control Register.
class ResetControl : public machine::IoHandler {
 public:
  static constexpr uint16_t kPort = 0xCF9;                   ///< where the board maps it
  static constexpr machine::AccessSizes kAccessSizes{1, 1};  ///< one byte register
  static constexpr uint8_t kSystemReset = 0x02;  ///< reset type: 1 = hard, 0 = soft (INIT)
  static constexpr uint8_t kResetCpu = 0x04;     ///< write 1: perform the reset
  static constexpr uint8_t kFullReset = 0x08;    ///< ICH: full power cycle on reset

  /// `on_reset` may be empty. Every reset type restarts the machine the same way here.
  explicit ResetControl(std::function<void()> on_reset);

  /// Returns the stored bits 1 and 3; bit 2 is write-only.
  uint64_t Read(uint64_t offset, unsigned size) override;
  /// Stores bits 1 and 3; bit 2 = 1 calls on_reset.
  void Write(uint64_t offset, unsigned size, uint64_t value) override;
  /// True if the last reset requested was a hard one (bit 1 or bit 3 set when bit 2 was written).
  bool last_reset_hard() const { return last_reset_hard_; }

 private:
  std::function<void()> on_reset_;
  uint8_t value_ = 0;
  bool last_reset_hard_ = false;
};

}  // namespace vireo::devices

namespace vireo::devices {

/// The PC's x87 error logic (the AT's FERR#/IGNNE# glue, kept by PIIX chipsets): the CPU's
/// FERR# raises IRQ13; a write to port 0xF0 clears it (and asserts IGNNE#, which the vCPU
/// models by going on after signalling). SDM Vol. 1 8.7.
class FpuErrorLatch : public machine::IoHandler {
 public:
  static constexpr uint16_t kPort = 0xF0;
  static constexpr machine::AccessSizes kAccessSizes{1, 1};

  explicit FpuErrorLatch(machine::IrqLine irq13) : irq_(irq13) {}
  /// FERR# from the CPU: IRQ13 goes (and stays) high until port 0xF0 is written.
  void Signal() { irq_.Raise(); }
  /// Reads as unassigned.
  uint64_t Read(uint64_t, unsigned) override { return 0xFF; }
  /// Any write clears the latch.
  void Write(uint64_t, unsigned, uint64_t) override { irq_.Lower(); }

 private:
  machine::IrqLine irq_;
};

}  // namespace vireo::devices
