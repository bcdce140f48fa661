#include "machine/loaders/acpi_tables.h"

#include <cstring>

#include "devices/acpi_pm/acpi_pm.h"
#include "machine/loaders/bytes.h"

namespace vireo::loaders {

namespace {

using devices::AcpiPm;

// Offsets in the block (each table 16- or 64-byte aligned).
constexpr size_t kRsdpAt = 0x000, kRsdtAt = 0x040, kFacsAt = 0x080, kFadtAt = 0x100,
                 kDsdtAt = 0x180;
constexpr size_t kHeaderBytes = 36, kFadtBytes = 116, kFacsBytes = 64;

uint8_t Checksum(const uint8_t* p, size_t n) {
  uint8_t sum = 0;
  for (size_t i = 0; i < n; ++i) sum = static_cast<uint8_t>(sum + p[i]);
  return static_cast<uint8_t>(-sum);
}

/// The common description header (ACPI 5.2.6); the checksum is filled in by Seal().
void Header(std::vector<uint8_t>& b, size_t at, const char* sig, size_t length, uint8_t revision) {
  std::span<uint8_t> s(b);
  std::memcpy(&b[at], sig, 4);
  Put32(s, at + 4, length);
  Put8(s, at + 8, revision);
  std::memcpy(&b[at + 10], "VIREO ", 6);    // OEMID
  std::memcpy(&b[at + 16], "VIREOPC ", 8);  // OEM table ID
  Put32(s, at + 24, 1);                     // OEM revision
  std::memcpy(&b[at + 28], "VIRO", 4);      // creator ID
  Put32(s, at + 32, 1);                     // creator revision
}

void Seal(std::vector<uint8_t>& b, size_t at, size_t length) {
  b[at + 9] = 0;
  b[at + 9] = Checksum(&b[at], length);
}

/// DSDT body: Name (_S5, Package (4) { 5, 5, 0, 0 }) (AML 20.2.5.1 NameOp, 20.2.5.4
/// PackageOp with a one-byte PkgLength, BytePrefix constants, ZeroOp).
constexpr uint8_t kDsdtAml[] = {
    0x08, '_',
    'S',  '5',
    '_',  // NameOp "_S5_"
    0x12, 0x08,
    0x04,  // PackageOp, PkgLength 8, NumElements 4
    0x0A, AcpiPm::kSoftOffType,
    0x0A, AcpiPm::kSoftOffType,
    0x00, 0x00,
};

}  // namespace

std::vector<uint8_t> BuildAcpiTables(uint64_t base, const AcpiConfig& config) {
  const size_t dsdt_bytes = kHeaderBytes + sizeof(kDsdtAml);
  std::vector<uint8_t> b(kDsdtAt + dsdt_bytes, 0);
  std::span<uint8_t> s(b);
  const auto addr = [&](size_t at) { return static_cast<uint32_t>(base + at); };

  // RSDP, revision 0 (ACPI 1.0 form: 20 bytes, RSDT only).
  std::memcpy(&b[kRsdpAt], "RSD PTR ", 8);
  std::memcpy(&b[kRsdpAt + 9], "VIREO ", 6);
  Put8(s, kRsdpAt + 15, 0);
  Put32(s, kRsdpAt + 16, addr(kRsdtAt));
  b[kRsdpAt + 8] = Checksum(&b[kRsdpAt], 20);

  // RSDT: one entry, the FADT.
  Header(b, kRsdtAt, "RSDT", kHeaderBytes + 4, 1);
  Put32(s, kRsdtAt + kHeaderBytes, addr(kFadtAt));
  Seal(b, kRsdtAt, kHeaderBytes + 4);

  // FACS (no checksum; 64-byte aligned).
  std::memcpy(&b[kFacsAt], "FACS", 4);
  Put32(s, kFacsAt + 4, kFacsBytes);

  // FADT, revision 1 field layout (ACPI 5.2.9 Table 5.9, offsets as in ACPI 1.0).
  Header(b, kFadtAt, "FACP", kFadtBytes, 1);
  const size_t f = kFadtAt;
  Put32(s, f + 36, addr(kFacsAt));   // FIRMWARE_CTRL
  Put32(s, f + 40, addr(kDsdtAt));   // DSDT
  Put16(s, f + 46, config.sci_irq);  // SCI_INT
  Put32(s, f + 48, 0);               // SMI_CMD 0: always in ACPI mode, no enable handshake
  Put32(s, f + 56, config.pm_base + AcpiPm::kEvtOffset);  // PM1a_EVT_BLK
  Put32(s, f + 64, config.pm_base + AcpiPm::kCntOffset);  // PM1a_CNT_BLK
  Put32(s, f + 76, config.pm_base + AcpiPm::kTmrOffset);  // PM_TMR_BLK
  Put8(s, f + 88, AcpiPm::kEvtLen);                       // PM1_EVT_LEN
  Put8(s, f + 89, AcpiPm::kCntLen);                       // PM1_CNT_LEN
  Put8(s, f + 91, AcpiPm::kTmrLen);                       // PM_TMR_LEN
  Put16(s, f + 96, 101);                                  // P_LVL2_LAT > 100: no C2
  Put16(s, f + 98, 1001);                                 // P_LVL3_LAT > 1000: no C3
  Put8(s, f + 108, config.cmos_century);
  // Flags: WBINVD works (0), C1 supported (2), no fixed power/sleep buttons (4, 5), RTC
  // wake status not fixed (6), 32-bit PM timer (TMR_VAL_EXT, 8).
  Put32(s, f + 112, (1u << 0) | (1u << 2) | (1u << 4) | (1u << 5) | (1u << 8));
  Seal(b, kFadtAt, kFadtBytes);

  // DSDT, revision 2 (64-bit integers).
  Header(b, kDsdtAt, "DSDT", dsdt_bytes, 2);
  std::memcpy(&b[kDsdtAt + kHeaderBytes], kDsdtAml, sizeof(kDsdtAml));
  Seal(b, kDsdtAt, dsdt_bytes);
  return b;
}

}  // namespace vireo::loaders
