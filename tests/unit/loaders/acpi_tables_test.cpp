// The ACPI tables of direct boot: every table's checksum, the RSDP -> RSDT -> FADT -> DSDT/FACS
// chain, the FADT's PM blocks matching devices/acpi_pm, and the \_S5 package.

#include "machine/loaders/acpi_tables.h"

#include <doctest/doctest.h>

#include <cstring>
#include <string>

#include "devices/acpi_pm/acpi_pm.h"
#include "machine/loaders/bytes.h"

namespace vireo::loaders {
namespace {

uint8_t Sum(const std::vector<uint8_t>& b, size_t at, size_t n) {
  uint8_t s = 0;
  for (size_t i = 0; i < n; ++i) s = static_cast<uint8_t>(s + b[at + i]);
  return s;
}

std::string Sig(const std::vector<uint8_t>& b, size_t at) {
  return std::string(reinterpret_cast<const char*>(&b[at]), 4);
}

TEST_CASE("acpi tables: the chain from the RSDP is complete and every checksum is right") {
  constexpr uint64_t kBase = kAcpiBase;
  AcpiConfig config;
  const std::vector<uint8_t> b = BuildAcpiTables(kBase, config);
  std::span<const uint8_t> s(b);
  auto at = [&](uint64_t addr) {
    REQUIRE(addr >= kBase);
    REQUIRE(addr < kBase + b.size());
    return static_cast<size_t>(addr - kBase);
  };

  // RSDP (ACPI 5.2.5.3): signature, 16-byte aligned, checksum over 20 bytes, revision 0.
  CHECK(std::memcmp(b.data(), "RSD PTR ", 8) == 0);
  CHECK(kBase % 16 == 0);
  CHECK(Sum(b, 0, 20) == 0);
  CHECK(b[15] == 0);

  const size_t rsdt = at(Get32(s, 16));
  CHECK(Sig(b, rsdt) == "RSDT");
  const uint32_t rsdt_len = Get32(s, rsdt + 4);
  CHECK(rsdt_len == 40);
  CHECK(Sum(b, rsdt, rsdt_len) == 0);

  const size_t fadt = at(Get32(s, rsdt + 36));
  CHECK(Sig(b, fadt) == "FACP");
  CHECK(Get32(s, fadt + 4) == 116);
  CHECK(Sum(b, fadt, 116) == 0);
  CHECK(Get16(s, fadt + 46) == config.sci_irq);
  CHECK(Get32(s, fadt + 48) == 0);  // no SMI_CMD: ACPI mode from reset
  CHECK(Get32(s, fadt + 56) == config.pm_base + devices::AcpiPm::kEvtOffset);
  CHECK(Get32(s, fadt + 64) == config.pm_base + devices::AcpiPm::kCntOffset);
  CHECK(Get32(s, fadt + 76) == config.pm_base + devices::AcpiPm::kTmrOffset);
  CHECK(b[fadt + 88] == 4);
  CHECK(b[fadt + 89] == 2);
  CHECK(b[fadt + 91] == 4);
  CHECK((Get32(s, fadt + 112) & (1u << 8)) != 0);  // 32-bit PM timer

  const size_t facs = at(Get32(s, fadt + 36));
  CHECK(Sig(b, facs) == "FACS");
  CHECK(facs % 64 == 0);  // FACS alignment (ACPI 5.2.10)
  CHECK(Get32(s, facs + 4) == 64);

  const size_t dsdt = at(Get32(s, fadt + 40));
  CHECK(Sig(b, dsdt) == "DSDT");
  const uint32_t dsdt_len = Get32(s, dsdt + 4);
  CHECK(dsdt + dsdt_len <= b.size());
  CHECK(Sum(b, dsdt, dsdt_len) == 0);
  // Name (_S5, Package (4) { SLP_TYPa, SLP_TYPb, 0, 0 }) with the PM device's S5 type.
  const uint8_t s5[] = {0x08, '_',
                        'S',  '5',
                        '_',  0x12,
                        0x08, 0x04,
                        0x0A, devices::AcpiPm::kSoftOffType,
                        0x0A, devices::AcpiPm::kSoftOffType,
                        0x00, 0x00};
  REQUIRE(dsdt_len == 36 + sizeof(s5));
  CHECK(std::memcmp(&b[dsdt + 36], s5, sizeof(s5)) == 0);
}

}  // namespace
}  // namespace vireo::loaders
