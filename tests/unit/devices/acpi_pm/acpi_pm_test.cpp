// The ACPI PM1 event/control registers and the PM timer.

#include "devices/acpi_pm/acpi_pm.h"

#include <doctest/doctest.h>

namespace vireo::devices {
namespace {

TEST_CASE("acpi pm: S5 through PM1_CNT powers off, other sleep types do not") {
  int offs = 0;
  AcpiPm pm([] { return int64_t{0}; }, [&] { ++offs; });
  // SCI_EN reads 1: the machine is in ACPI mode without an SMI_CMD handshake.
  CHECK(pm.Read(AcpiPm::kCntOffset, 2) == AcpiPm::kSciEn);
  // SLP_TYP alone does nothing; SLP_EN with a type other than S5 does not power off.
  pm.Write(AcpiPm::kCntOffset, 2, AcpiPm::kSoftOffType << AcpiPm::kSlpTypShift);
  CHECK(offs == 0);
  pm.Write(AcpiPm::kCntOffset, 2, (3 << AcpiPm::kSlpTypShift) | AcpiPm::kSlpEn);
  CHECK(offs == 0);
  // SLP_EN is write-only and reads back 0.
  CHECK((pm.Read(AcpiPm::kCntOffset, 2) & AcpiPm::kSlpEn) == 0);
  // Linux writes SLP_TYP then SLP_EN in one 16-bit write (acpi_hw_legacy_sleep).
  pm.Write(AcpiPm::kCntOffset, 2,
           (AcpiPm::kSoftOffType << AcpiPm::kSlpTypShift) | AcpiPm::kSlpEn | AcpiPm::kSciEn);
  CHECK(offs == 1);
  // Byte writes: the high byte carries SLP_EN (bit 13) and SLP_TYP (bits 12:10).
  pm.Write(AcpiPm::kCntOffset + 1, 1, ((AcpiPm::kSoftOffType << 2) | 0x20));
  CHECK(offs == 2);
}

TEST_CASE("acpi pm: PM1_STS is write-1-to-clear, PM1_EN is read/write") {
  AcpiPm pm([] { return int64_t{0}; }, [] {});
  CHECK(pm.Read(AcpiPm::kEvtOffset, 2) == 0);
  pm.Write(AcpiPm::kEvtOffset + 2, 2, 0x0121);
  CHECK(pm.Read(AcpiPm::kEvtOffset + 2, 2) == 0x0121);
  CHECK(pm.Read(AcpiPm::kEvtOffset, 4) == 0x01210000);
  pm.Write(AcpiPm::kEvtOffset, 2, 0xFFFF);  // clearing nothing set leaves 0
  CHECK(pm.Read(AcpiPm::kEvtOffset, 2) == 0);
  // SCI_EN cannot be cleared.
  pm.Write(AcpiPm::kCntOffset, 2, 0);
  CHECK(pm.Read(AcpiPm::kCntOffset, 2) == AcpiPm::kSciEn);
}

TEST_CASE("acpi pm: the PM timer counts at 3.579545 MHz and wraps at 32 bits") {
  int64_t now = 0;
  AcpiPm pm([&] { return now; }, [] {});
  CHECK(pm.Read(AcpiPm::kTmrOffset, 4) == 0);
  now = 1000000000;  // one second
  CHECK(pm.Read(AcpiPm::kTmrOffset, 4) == AcpiPm::kTimerHz);
  now = 1000;  // 1 us: 3.58 ticks, truncated
  CHECK(pm.Read(AcpiPm::kTmrOffset, 4) == 3);
  // 2^32 ticks is 1199.86 s: past it the counter wraps.
  now = int64_t{1200} * 1000000000;
  CHECK(pm.Read(AcpiPm::kTmrOffset, 4) == static_cast<uint32_t>(1200 * AcpiPm::kTimerHz));
  // Writes are ignored; byte reads see the same sample's bytes.
  pm.Write(AcpiPm::kTmrOffset, 4, 0);
  CHECK(pm.Read(AcpiPm::kTmrOffset, 4) == static_cast<uint32_t>(1200 * AcpiPm::kTimerHz));
  CHECK(pm.Read(AcpiPm::kTmrOffset + 1, 1) ==
        ((static_cast<uint32_t>(1200 * AcpiPm::kTimerHz) >> 8) & 0xFF));
}

}  // namespace
}  // namespace vireo::devices
