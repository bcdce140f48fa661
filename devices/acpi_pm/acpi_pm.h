#pragma once
// The ACPI fixed-hardware power-management registers (ACPI 6.5 section 4.8.3) that a guest
// needs to power the machine off and to read the PM timer, at the blocks the FADT built by
// machine/loaders/acpi_tables.cpp points to:
//   base + 0: PM1a_EVT_BLK  PM1_STS (u16, write 1 to clear), PM1_EN (u16)
//   base + 4: PM1a_CNT_BLK  PM1_CNT (u16): SCI_EN (bit 0, always 1: no SMI_CMD, the machine
//             is in ACPI mode from reset), SLP_TYP (bits 12:10), SLP_EN (bit 13, write-only)
//   base + 8: PM_TMR_BLK    32-bit free-running counter at 3.579545 MHz (4.8.3.3)
// Writing SLP_EN with SLP_TYP = kSoftOffType (the DSDT's \_S5 value) enters S5: on_power_off
// runs. No fixed events (power button, RTC alarm, timer carry) are generated yet, so the SCI
// line is never raised.
//
// Board wiring: map at kDefaultBase, kPortCount ports, with kAccessSizes.

#include <cstdint>
#include <functional>

#include "machine/io_handler.h"

namespace vireo::devices {

class AcpiPm : public machine::IoHandler {
 public:
  static constexpr uint16_t kDefaultBase = 0x600;
  static constexpr uint16_t kPortCount = 12;
  static constexpr machine::AccessSizes kAccessSizes{1, 4};
  /// Offsets of the blocks from the base, and their lengths (the FADT's *_LEN fields).
  static constexpr uint16_t kEvtOffset = 0, kEvtLen = 4;
  static constexpr uint16_t kCntOffset = 4, kCntLen = 2;
  static constexpr uint16_t kTmrOffset = 8, kTmrLen = 4;
  /// PM1_CNT bits.
  static constexpr uint16_t kSciEn = 1 << 0;
  static constexpr uint16_t kSlpEn = 1 << 13;
  static constexpr unsigned kSlpTypShift = 10;
  /// SLP_TYP of S5 (soft off) as the DSDT's \_S5 package reports it.
  static constexpr uint16_t kSoftOffType = 5;
  /// PM timer frequency (ACPI 4.8.3.3).
  static constexpr uint64_t kTimerHz = 3579545;

  /// `now_ns` gives the machine's time for the PM timer; `on_power_off` runs on entering S5.
  AcpiPm(std::function<int64_t()> now_ns, std::function<void()> on_power_off);

  uint64_t Read(uint64_t offset, unsigned size) override;
  void Write(uint64_t offset, unsigned size, uint64_t value) override;

 private:
  uint8_t ReadByte(uint64_t offset);
  void WriteByte(uint64_t offset, uint8_t value);
  uint32_t Timer() const;

  std::function<int64_t()> now_ns_;
  std::function<void()> on_power_off_;
  uint16_t sts_ = 0;
  uint16_t en_ = 0;
  uint16_t cnt_ = kSciEn;
};

}  // namespace vireo::devices
