#pragma once
// ACPI tables for direct kernel boot (QEMU gets them from SeaBIOS; with -kernel and no firmware
// the loader writes them): RSDP -> RSDT -> FADT -> {FACS, DSDT}. Enough for the guest to find
// the PM1 blocks (devices/acpi_pm) and the \_S5 sleep type, so `poweroff` switches the machine
// off. Layout per ACPI 6.5: RSDP 5.2.5, RSDT 5.2.7, FADT 5.2.9 (revision 1 layout, the legacy
// PC with dual 8259s), FACS 5.2.10, DSDT 5.2.11.2 and AML 20.2.
//
// Not described yet: the MADT (no local APIC is reported), PCI root bridges and their _PRT.

#include <cstdint>
#include <vector>

namespace vireo::loaders {

struct AcpiConfig {
  uint16_t pm_base = 0x600;  ///< PM1a_EVT_BLK; PM1a_CNT_BLK at +4, PM_TMR_BLK at +8
  uint16_t sci_irq = 9;      ///< ISA IRQ of the SCI (level, active low: the PIIX4 default)
  uint8_t cmos_century = 0x32;
};

/// Where the loader places the tables: the BIOS read-only area the e820 map reserves, where
/// guests also scan for the RSDP signature (ACPI 5.2.5.1: 0xE0000-0xFFFFF, 16-byte aligned).
inline constexpr uint64_t kAcpiBase = 0xE0000;

/// The tables as one block to be written at `base`; the RSDP is at offset 0.
std::vector<uint8_t> BuildAcpiTables(uint64_t base, const AcpiConfig& config);

}  // namespace vireo::loaders
