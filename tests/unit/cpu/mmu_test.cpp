// Page walks in every paging mode: translations, rights, #PF error codes, A/D bits
// (SDM Vol. 3A chapter 4).

#include "cpu/x86/mmu.h"

#include <doctest/doctest.h>

#include <cstring>

#include "machine/address_space.h"
#include "machine/guest_ram.h"

using namespace vireo;
using namespace vireo::x86;

namespace {

struct Mem {
  machine::GuestRam ram{8 << 20};
  machine::AddressSpace as;
  CpuState s{};
  Mem() { as.AddRam(0, ram.size(), ram.data(), "ram"); }
  void Put64(uint64_t a, uint64_t v) { std::memcpy(ram.data() + a, &v, 8); }
  void Put32(uint64_t a, uint32_t v) { std::memcpy(ram.data() + a, &v, 4); }
  uint64_t Get64(uint64_t a) {
    uint64_t v;
    std::memcpy(&v, ram.data() + a, 8);
    return v;
  }
  uint32_t Get32(uint64_t a) {
    uint32_t v;
    std::memcpy(&v, ram.data() + a, 4);
    return v;
  }
  /// 4-level tables mapping linear 0x400000 (one 4 KiB page) with the given PTE flags.
  void FourLevel(uint64_t pte_flags, uint64_t upper_flags = 7) {
    s.cr0 = 0x80000011;
    s.cr4 = 1 << 5;
    s.efer = (1 << 8) | (1 << 10) | (1 << 11);
    s.cr3 = 0x1000;
    Put64(0x1000, 0x2000 | upper_flags);
    Put64(0x2000, 0x3000 | upper_flags);
    Put64(0x3000 + 8 * 2, 0x4000 | upper_flags);  // PD index 2 = 0x400000
    Put64(0x4000, 0x500000 | pte_flags);
  }
};

constexpr uint64_t kP = 1, kW = 2, kU = 4, kA = 0x20, kD = 0x40;

}  // namespace

TEST_CASE("4-level walk translates and sets accessed/dirty bits") {
  Mem m;
  m.FourLevel(kP | kW | kU);
  Translation t = Walk(m.s, m.as, 0x400123, {false, false, true});
  REQUIRE(t.ok);
  CHECK(t.phys == 0x500123);
  CHECK((m.Get64(0x4000) & kA) != 0);
  CHECK((m.Get64(0x4000) & kD) == 0);
  CHECK((m.Get64(0x1000) & kA) != 0);
  CHECK(Walk(m.s, m.as, 0x400000, {true, false, true}).ok);
  CHECK((m.Get64(0x4000) & kD) != 0);
}

TEST_CASE("#PF error codes: not present, protection, user, write, fetch, reserved") {
  Mem m;
  m.FourLevel(kP | kU);                                                     // read-only user page
  CHECK(Walk(m.s, m.as, 0x600000, {false, false, false}).error_code == 0);  // not present
  CHECK(Walk(m.s, m.as, 0x600000, {true, false, true}).error_code == (kPfWrite | kPfUser));
  CHECK(Walk(m.s, m.as, 0x400000, {true, false, true}).error_code ==
        (kPfPresent | kPfWrite | kPfUser));
  // Supervisor write to a read-only page: allowed with CR0.WP=0, a fault with WP=1.
  m.s.cr0 &= ~(1ull << 16);
  CHECK(Walk(m.s, m.as, 0x400000, {true, false, false}).ok);
  m.s.cr0 |= 1ull << 16;
  CHECK(Walk(m.s, m.as, 0x400000, {true, false, false}).error_code == (kPfPresent | kPfWrite));
  // NX: a fetch from a page with XD set (EFER.NXE=1) reports I/D.
  m.Put64(0x4000, 0x500000 | kP | kU | (1ull << 63));
  CHECK(Walk(m.s, m.as, 0x400000, {false, true, true}).error_code ==
        (kPfPresent | kPfUser | kPfFetch));
  CHECK(Walk(m.s, m.as, 0x400000, {false, false, true}).ok);  // reads are fine
  // With NXE off, bit 63 is reserved.
  m.s.efer &= ~(1ull << 11);
  CHECK(Walk(m.s, m.as, 0x400000, {false, false, true}).error_code ==
        (kPfPresent | kPfUser | kPfReserved));
  // A supervisor-only upper level denies user access even if the PTE allows it.
  m.s.efer |= 1ull << 11;
  m.FourLevel(kP | kW | kU, kP | kW);
  CHECK(Walk(m.s, m.as, 0x400000, {false, false, true}).error_code == (kPfPresent | kPfUser));
  // SMEP: supervisor fetch from a user page.
  m.FourLevel(kP | kW | kU);
  m.s.cr4 |= 1 << 20;
  CHECK(Walk(m.s, m.as, 0x400000, {false, true, false}).error_code == (kPfPresent | kPfFetch));
  // SMAP: supervisor data access to a user page unless EFLAGS.AC.
  m.s.cr4 = (1 << 5) | (1 << 21);
  CHECK(!Walk(m.s, m.as, 0x400000, {false, false, false}).ok);
  m.s.rflags |= kAc;
  CHECK(Walk(m.s, m.as, 0x400000, {false, false, false}).ok);
}

TEST_CASE("large pages: 2 MiB and 1 GiB in 4-level, 4 MiB in 32-bit paging") {
  Mem m;
  m.FourLevel(kP | kW);
  m.Put64(0x3000 + 8 * 3, 0x200000 | kP | kW | 0x80);  // 0x600000 -> 2 MiB page at 0x200000
  Translation t = Walk(m.s, m.as, 0x6ABCDE, {false, false, false});
  REQUIRE(t.ok);
  CHECK(t.phys == 0x2ABCDE);
  CHECK(t.large);
  m.Put64(0x2000 + 8 * 1, 0x40000000 | kP | kW | 0x80);  // 1 GiB page for linear 1 GiB..2 GiB
  CHECK(Walk(m.s, m.as, 0x40001234, {false, false, false}).phys == 0x40001234);
  m.Put64(0x3000 + 8 * 4, 0x210000 | kP | 0x80);  // 2 MiB page with reserved bits 20:13 set
  CHECK(Walk(m.s, m.as, 0x800000, {false, false, false}).error_code == (kPfPresent | kPfReserved));

  Mem l;  // 32-bit paging with PSE
  l.s.cr0 = 0x80000011;
  l.s.cr4 = 1 << 4;
  l.s.cr3 = 0x1000;
  l.Put32(0x1000 + 4 * 1, 0x00400000 | kP | kW | 0x80);  // 4..8 MiB -> 4 MiB page at 4 MiB
  l.Put32(0x1000 + 4 * 2, 0x3000 | kP | kW);             // 8 MiB.. -> page table
  l.Put32(0x3000 + 4 * 5, 0x7000 | kP);
  CHECK(Walk(l.s, l.as, 0x412345, {false, false, false}).phys == 0x412345);
  CHECK(Walk(l.s, l.as, 0x805010, {false, false, false}).phys == 0x7010);
  CHECK(Walk(l.s, l.as, 0x805010, {true, false, true}).error_code ==
        (kPfPresent | kPfWrite | kPfUser));
  // 32-bit paging never reports I/D (SDM 4.7).
  CHECK(Walk(l.s, l.as, 0xC00000, {false, true, false}).error_code == 0);
}

TEST_CASE("PAE paging walks PDPTE -> PD -> PT") {
  Mem m;
  m.s.cr0 = 0x80000011;
  m.s.cr4 = 1 << 5;
  m.s.cr3 = 0x1000;
  m.Put64(0x1000 + 8 * 3, 0x2000 | kP);       // PDPTE 3: 0xC0000000..
  m.Put64(0x2000 + 8 * 1, 0x3000 | kP | kW);  // PD index 1
  m.Put64(0x3000 + 8 * 2, 0x9000 | kP | kW);
  CHECK(Walk(m.s, m.as, 0xC0202ABC, {false, false, false}).phys == 0x9ABC);
  m.Put64(0x1000 + 8 * 3, 0x2000 | kP | 2);  // PDPTE reserved bit 1
  CHECK((Walk(m.s, m.as, 0xC0202ABC, {false, false, false}).error_code & kPfReserved) != 0);
}

TEST_CASE("without paging, linear is physical and A20 wraps bit 20") {
  Mem m;
  m.s.cr0 = 0x11;
  CHECK(Walk(m.s, m.as, 0x123456, {false, false, false}).phys == 0x123456);
  m.as.SetA20(false);
  CHECK(Walk(m.s, m.as, 0x10FFF0, {false, false, false}).phys == 0x00FFF0);
}
