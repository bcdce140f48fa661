#include "machine/loaders/cpu_entry.h"

#include <array>
#include <cstring>

#include "cpu/x86/long_mode.h"
#include "machine/loaders/boot_layout.h"
#include "machine/loaders/bytes.h"

namespace vireo::loaders {
namespace {

constexpr uint64_t kCr0Pe = 1 << 0, kCr0Et = 1 << 4;

// Writes the four-entry GDT and points GDTR at it; the IDT is empty (limit 0) because every
// protocol enters with interrupts off and the kernel installs its own before enabling them.
void LoadBootGdt(x86::Cpu& cpu, uint64_t code_descriptor) {
  std::array<uint8_t, kBootGdtLimit + 1> gdt{};
  Put64(gdt, kBootCsSelector, code_descriptor);
  Put64(gdt, kBootDsSelector, kBootDs);
  cpu.memory().Write(kGdtAddr, gdt);
  x86::CpuState& s = cpu.state();
  s.gdtr = {kGdtAddr, kBootGdtLimit, 0};
  s.idtr = {0, 0, 0};
}

// Clears the GPRs and flags (RFLAGS = 2: IF=0, VM=0) and the lazy-flag state.
void ClearRegisters(x86::CpuState& s) {
  std::memset(s.gpr, 0, sizeof s.gpr);
  s.rflags = x86::kFixedOne;
  s.cc_op = x86::CcOp(x86::CcKind::kEflags, 0);
  s.cc_dst = s.cc_src = s.cc_src2 = 0;
  s.cpl = 0;
}

// Flat 32-bit protected mode with paging off, segments loaded from the boot GDT.
void EnterFlatProtectedMode(x86::Cpu& cpu, uint32_t eip) {
  LoadBootGdt(cpu, kBootCs32);
  x86::CpuState& s = cpu.state();
  ClearRegisters(s);
  s.cr0 = kCr0Pe | kCr0Et;
  s.cr3 = s.cr4 = 0;
  s.efer = 0;
  s.seg[x86::kCs] = DescriptorCache(kBootCs32, kBootCsSelector);
  for (int r : {x86::kDs, x86::kEs, x86::kSs, x86::kFs, x86::kGs})
    s.seg[r] = DescriptorCache(kBootDs, kBootDsSelector);
  s.rip = eip;
  s.gpr[x86::kRsp] = kStackTop;
  cpu.memory().SetA20(true);
  cpu.set_halted(false);
  cpu.StateChanged();
}

}  // namespace

x86::SegmentCache DescriptorCache(uint64_t descriptor, uint16_t selector) {
  const uint64_t base = ((descriptor >> 16) & 0xFFFFFF) | (((descriptor >> 56) & 0xFF) << 24);
  uint32_t limit = static_cast<uint32_t>((descriptor & 0xFFFF) | ((descriptor >> 32) & 0xF0000));
  const auto attrs = static_cast<uint16_t>((descriptor >> 40) & 0xF0FF);
  if (attrs & 0x8000) limit = (limit << 12) | 0xFFF;  // G: 4 KiB granularity
  return {base, limit, selector, attrs};
}

void EnterLinux64(x86::Cpu& cpu, uint64_t rip, uint64_t boot_params) {
  x86::EnterFlatLongMode(cpu, kPageTablesAddr, kIdentityMapBytes);
  LoadBootGdt(cpu, kBootCs64);
  x86::CpuState& s = cpu.state();
  ClearRegisters(s);
  // Match the caches to the GDT just written, so a reload of the selectors changes nothing.
  s.seg[x86::kCs] = DescriptorCache(kBootCs64, kBootCsSelector);
  for (int r : {x86::kDs, x86::kEs, x86::kSs, x86::kFs, x86::kGs})
    s.seg[r] = DescriptorCache(kBootDs, kBootDsSelector);
  s.rip = rip;
  s.gpr[x86::kRsi] = boot_params;
  s.gpr[x86::kRsp] = kStackTop;
  cpu.memory().SetA20(true);
  cpu.set_halted(false);
  cpu.StateChanged();
}

void EnterLinux32(x86::Cpu& cpu, uint32_t eip, uint32_t boot_params) {
  EnterFlatProtectedMode(cpu, eip);
  cpu.state().gpr[x86::kRsi] = boot_params;
}

void EnterMultiboot(x86::Cpu& cpu, uint32_t eip, uint32_t info) {
  EnterFlatProtectedMode(cpu, eip);
  cpu.state().gpr[x86::kRax] = kMultibootBootloaderMagic;
  cpu.state().gpr[x86::kRbx] = info;
}

}  // namespace vireo::loaders
