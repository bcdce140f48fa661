// 32-bit protected mode for CPU tests: a GDT with ring-0 and ring-3 segments and a TSS, an
// IDT, and helpers to build descriptors and gates (SDM Vol. 3A 3.4.5, 6.11).
#pragma once

#include <cstring>

#include "tests/unit/cpu/cpu_fixture.h"

namespace vireo::x86::test {

inline uint64_t Descriptor(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags) {
  return (limit & 0xFFFF) | (uint64_t{base & 0xFFFFFF} << 16) | (uint64_t{access} << 40) |
         (uint64_t{(limit >> 16) & 0xFu} << 48) | (static_cast<uint64_t>(flags & 0xF) << 52) |
         (uint64_t{base >> 24} << 56);
}

/// A 32-bit gate: offset, selector, type (0xE interrupt, 0xF trap), DPL.
inline uint64_t Gate32(uint32_t offset, uint16_t selector, uint8_t type, uint8_t dpl) {
  return (offset & 0xFFFF) | (uint64_t{selector} << 16) |
         (uint64_t{0x80u | (dpl << 5) | type} << 40) | (uint64_t{offset >> 16} << 48);
}

template <class T>
inline void Put(CpuFixture& f, uint64_t addr, T v) {
  std::memcpy(f.ram.data() + addr, &v, sizeof v);
}

/// 32-bit protected mode with a GDT (ring 0 and ring 3 code/data, a TSS) and an IDT.
struct Protected : CpuFixture {
  static constexpr uint64_t kGdt = 0x8000, kIdt = 0x9000, kTss = 0xA000;
  Protected() {
    CpuState& s = cpu.state();
    s.cr0 = 0x11;
    s.cr4 = s.efer = 0;
    uint64_t gdt[] = {0,
                      Descriptor(0, 0xFFFFF, 0x9B, 0xC),   // 0x08 ring-0 code
                      Descriptor(0, 0xFFFFF, 0x93, 0xC),   // 0x10 ring-0 data
                      Descriptor(0, 0xFFFFF, 0xFB, 0xC),   // 0x18 ring-3 code
                      Descriptor(0, 0xFFFFF, 0xF3, 0xC),   // 0x20 ring-3 data
                      Descriptor(kTss, 0x67, 0x89, 0x0)};  // 0x28 32-bit TSS
    std::memcpy(ram.data() + kGdt, gdt, sizeof gdt);
    s.gdtr = {kGdt, sizeof gdt - 1, 0};
    s.idtr = {kIdt, 256 * 8 - 1, 0};
    s.tr = {kTss, 0x67, 0x28, 0x8B};
    Put<uint32_t>(*this, kTss + 4, 0x70000);  // ESP0
    Put<uint16_t>(*this, kTss + 8, 0x10);     // SS0
    s.seg[kCs] = {0, 0xFFFFFFFF, 0x08, 0xC09B};
    for (int r : {kDs, kEs, kSs, kFs, kGs}) s.seg[r] = {0, 0xFFFFFFFF, 0x10, 0xC093};
    s.cpl = 0;
    s.gpr[kRsp] = 0x60000;
    cpu.deliver_exceptions = true;
    cpu.StateChanged();
  }
  void SetGate(uint8_t vector, uint32_t handler, uint8_t type = 0xE, uint8_t dpl = 0) {
    Put(*this, kIdt + vector * 8, Gate32(handler, 0x08, type, dpl));
  }
  void EnterRing3(uint64_t eip, uint64_t esp) {
    CpuState& s = cpu.state();
    s.seg[kCs] = {0, 0xFFFFFFFF, 0x1B, 0xC0FB};
    for (int r : {kDs, kEs, kSs}) s.seg[r] = {0, 0xFFFFFFFF, 0x23, 0xC0F3};
    s.cpl = 3;
    s.rip = eip;
    s.gpr[kRsp] = esp;
    cpu.StateChanged();
  }
};

}  // namespace vireo::x86::test
