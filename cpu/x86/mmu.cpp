#include "cpu/x86/mmu.h"

#include <cstring>

#include "cpu/x86/msr.h"

namespace vireo::x86 {

namespace {

constexpr uint64_t kCr0Wp = 1ull << 16, kCr0Pg = 1ull << 31;
constexpr uint64_t kCr4Pse = 1ull << 4, kCr4Pae = 1ull << 5, kCr4Pge = 1ull << 7,
                   kCr4Smep = 1ull << 20, kCr4Smap = 1ull << 21;

// Page-table entry bits (SDM Vol. 3A Tables 4-4 .. 4-20).
constexpr uint64_t kP = 1, kRw = 2, kUs = 4, kA = 1 << 5, kD = 1 << 6, kPs = 1 << 7, kG = 1 << 8;
constexpr uint64_t kXd = 1ull << 63;
constexpr uint64_t kAddrMask = ((uint64_t{1} << kPhysAddrBits) - 1) & ~uint64_t{0xFFF};
/// Bits above MAXPHYADDR (up to bit 51) are reserved in PAE/4-level entries.
constexpr uint64_t kHighReserved =
    ((uint64_t{1} << 52) - 1) & ~((uint64_t{1} << kPhysAddrBits) - 1);

uint64_t ReadEntry(machine::AddressSpace& m, uint64_t phys, unsigned bytes) {
  uint64_t v = 0;
  m.Read(phys, std::span<uint8_t>(reinterpret_cast<uint8_t*>(&v), bytes));
  return v;
}

void WriteEntry(machine::AddressSpace& m, uint64_t phys, unsigned bytes, uint64_t v) {
  m.Write(phys, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(&v), bytes));
}

struct Walker {
  const CpuState& s;
  machine::AddressSpace& m;
  Access a;
  uint64_t linear;
  bool rw = true, us = true, nx = false;
  struct Touched {
    uint64_t addr;
    uint64_t value;
    unsigned bytes;
  } touched[5];
  int ntouched = 0;

  uint32_t BaseError() const {
    uint32_t e = 0;
    if (a.write) e |= kPfWrite;
    if (a.user) e |= kPfUser;
    // I/D is reported only where the processor could fault a fetch (SDM 4.7).
    bool fetch_reported = (s.cr4 & kCr4Smep) || ((s.cr4 & kCr4Pae) && (s.efer & kEferNxe));
    if (a.fetch && fetch_reported) e |= kPfFetch;
    return e;
  }
  Translation NotPresent() const { return {false, 0, BaseError()}; }
  Translation Reserved() const { return {false, 0, BaseError() | kPfPresent | kPfReserved}; }

  /// Combines one level's rights and remembers it for the A/D update.
  void Use(uint64_t entry_addr, uint64_t entry, unsigned bytes) {
    rw = rw && (entry & kRw);
    us = us && (entry & kUs);
    if ((s.efer & kEferNxe) && bytes == 8) nx = nx || (entry & kXd);
    touched[ntouched++] = {entry_addr, entry, bytes};
  }

  Translation Finish(uint64_t phys, bool large) {
    Translation t;
    t.phys = phys;
    t.large = large;
    bool supervisor_write_ok = rw || !(s.cr0 & kCr0Wp);
    t.writable = a.user ? (rw && us) : supervisor_write_ok;
    t.user_ok = us;
    bool denied = false;
    if (a.user && !us) denied = true;
    if (a.write && !(a.user ? rw : supervisor_write_ok)) denied = true;
    if (a.fetch && nx) denied = true;
    if (!a.user && us) {
      if (a.fetch && (s.cr4 & kCr4Smep)) denied = true;
      // SMAP: supervisor data access to a user page with EFLAGS.AC clear (SDM 4.6.1).
      if (!a.fetch && (s.cr4 & kCr4Smap) && !(s.rflags & kAc)) denied = true;
    }
    if (denied) return {false, 0, BaseError() | kPfPresent};
    // Set accessed bits on every level, and dirty on the last for a write (SDM 4.8).
    for (int i = 0; i < ntouched; ++i) {
      uint64_t v = touched[i].value | kA;
      if (i == ntouched - 1 && a.write) v |= kD;
      if (v != touched[i].value) WriteEntry(m, touched[i].addr, touched[i].bytes, v);
    }
    t.dirty = (touched[ntouched - 1].value & kD) || a.write;
    // G counts only in the entry that maps the page, and only with CR4.PGE (SDM 4.10.2.4).
    t.global = (s.cr4 & kCr4Pge) && (touched[ntouched - 1].value & kG);
    t.ok = true;
    return t;
  }

  Translation Legacy32() {
    uint64_t pde_addr = (s.cr3 & 0xFFFFF000) + ((linear >> 22) & 0x3FF) * 4;
    uint64_t pde = ReadEntry(m, pde_addr, 4);
    if (!(pde & kP)) return NotPresent();
    if ((pde & kPs) && (s.cr4 & kCr4Pse)) {
      // 4 MiB page; PSE-36 puts physical bits 39:32 in PDE bits 20:13, bit 21 is reserved.
      if (pde & (1u << 21)) return Reserved();
      Use(pde_addr, pde, 4);
      uint64_t base = (pde & 0xFFC00000) | ((pde >> 13) & 0xFF) << 32;
      return Finish(base | (linear & 0x3FFFFF), true);
    }
    Use(pde_addr, pde, 4);
    uint64_t pte_addr = (pde & 0xFFFFF000) + ((linear >> 12) & 0x3FF) * 4;
    uint64_t pte = ReadEntry(m, pte_addr, 4);
    if (!(pte & kP)) return NotPresent();
    Use(pte_addr, pte, 4);
    return Finish((pte & 0xFFFFF000) | (linear & 0xFFF), false);
  }

  /// One PAE/4-level table step; returns false with `out` set on a fault or a large page.
  bool Step(uint64_t table, unsigned shift, unsigned level, uint64_t* entry_out, Translation* out) {
    uint64_t addr = (table & kAddrMask) + ((linear >> shift) & 0x1FF) * 8;
    uint64_t e = ReadEntry(m, addr, 8);
    if (!(e & kP)) {
      *out = NotPresent();
      return false;
    }
    uint64_t reserved = kHighReserved;
    if (!(s.efer & kEferNxe)) reserved |= kXd;
    if (level == 4) reserved |= kPs;                      // PML4E.PS is reserved
    if (level == 3 && (e & kPs)) reserved |= 0x3FFFE000;  // 1 GiB page: bits 29:13
    if (level == 2 && (e & kPs)) reserved |= 0x1FE000;    // 2 MiB page: bits 20:13
    if (e & reserved) {
      *out = Reserved();
      return false;
    }
    Use(addr, e, 8);
    *entry_out = e;
    if ((level == 3 || level == 2) && (e & kPs)) {
      uint64_t page_mask = level == 3 ? 0x3FFFFFFF : 0x1FFFFF;
      *out = Finish(((e & kAddrMask) & ~page_mask) | (linear & page_mask), true);
      return false;
    }
    return true;
  }

  Translation Pae() {
    // PAE: CR3 points at four PDPTEs (SDM 4.4.1); reserved bits there fault as #GP at load time
    // on hardware, reported here as a reserved-bit #PF at use.
    uint64_t pdpte_addr = (s.cr3 & 0xFFFFFFE0) + ((linear >> 30) & 3) * 8;
    uint64_t pdpte = ReadEntry(m, pdpte_addr, 8);
    if (!(pdpte & kP)) return NotPresent();
    if (pdpte & (kHighReserved | 0x1E6)) return Reserved();
    uint64_t e = 0;
    Translation t;
    if (!Step(pdpte, 21, 2, &e, &t)) return t;
    if (!Step(e, 12, 1, &e, &t)) return t;
    return Finish((e & kAddrMask) | (linear & 0xFFF), false);
  }

  Translation FourLevel() {
    uint64_t e = s.cr3;
    Translation t;
    if (!Step(e, 39, 4, &e, &t)) return t;
    if (!Step(e, 30, 3, &e, &t)) return t;
    if (!Step(e, 21, 2, &e, &t)) return t;
    if (!Step(e, 12, 1, &e, &t)) return t;
    return Finish((e & kAddrMask) | (linear & 0xFFF), false);
  }
};

}  // namespace

Translation Walk(const CpuState& state, machine::AddressSpace& memory, uint64_t linear,
                 Access access) {
  uint64_t a20 = memory.a20_mask();
  if (!(state.cr0 & kCr0Pg)) {
    Translation t;
    t.ok = true;
    t.phys = (linear & 0xFFFFFFFF) & a20;
    t.writable = t.user_ok = t.dirty = true;
    return t;
  }
  Walker w{state, memory, access, linear};
  Translation t;
  if (state.efer & kEferLma) {
    // Non-canonical addresses raise #GP/#SS before paging (checked by the caller).
    t = w.FourLevel();
  } else if (state.cr4 & kCr4Pae) {
    w.linear &= 0xFFFFFFFF;
    t = w.Pae();
  } else {
    w.linear &= 0xFFFFFFFF;
    t = w.Legacy32();
  }
  if (t.ok) t.phys &= a20;
  return t;
}

}  // namespace vireo::x86
