#include "cpu/x86/long_mode.h"

#include <cstring>

namespace vireo::x86 {

uint64_t EnterFlatLongMode(Cpu& cpu, uint64_t tables, uint64_t bytes) {
  machine::AddressSpace& mem = cpu.memory();
  constexpr uint64_t kPresentRw = 3, kLarge = 1 << 7;
  const uint64_t gibs = (bytes + (1ull << 30) - 1) >> 30;
  auto put = [&](uint64_t phys, uint64_t v) {
    mem.Write(phys, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(&v), 8));
  };
  const uint64_t pml4 = tables, pdpt = tables + 0x1000, pd = tables + 0x2000;
  std::vector<uint8_t> zero((2 + gibs) * 0x1000, 0);
  mem.Write(tables, zero);
  put(pml4, pdpt | kPresentRw);
  for (uint64_t g = 0; g < gibs; ++g) {
    put(pdpt + 8 * g, (pd + 0x1000 * g) | kPresentRw);
    for (uint64_t i = 0; i < 512; ++i) {
      uint64_t addr = (g << 30) | (i << 21);
      if (addr >= bytes) break;
      put(pd + 0x1000 * g + 8 * i, addr | kPresentRw | kLarge);
    }
  }
  CpuState& s = cpu.state();
  s.cr3 = pml4;
  s.cr4 = 1 << 5;                             // PAE
  s.efer = (1 << 8) | (1 << 10) | (1 << 11);  // LME | LMA | NXE
  s.cr0 = 0x80000011;                         // PG | ET | PE
  s.cpl = 0;
  // attrs: type | S | P | G, plus L for the code segment and D/B for data (SDM Vol. 3A 3.4.5):
  // the descriptors __BOOT_CS 0x00AF9B000000FFFF and __BOOT_DS 0x00CF93000000FFFF describe.
  s.seg[kCs] = {0, 0xFFFFFFFF, 0x10, 0xA09B};
  for (int r : {kDs, kEs, kSs, kFs, kGs}) s.seg[r] = {0, 0xFFFFFFFF, 0x18, 0xC093};
  cpu.StateChanged();
  return (2 + gibs) * 0x1000;
}

}  // namespace vireo::x86
