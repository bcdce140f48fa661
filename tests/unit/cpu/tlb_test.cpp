// The soft TLB and global pages: a MOV to CR3 drops cached translations except those of pages
// with PTE.G under CR4.PGE; INVLPG drops those too (SDM Vol. 3A 4.10.4.1).

#include <doctest/doctest.h>

#include "tests/unit/cpu/protected_fixture.h"

using namespace vireo::x86;
using vireo::x86::test::Protected;
using vireo::x86::test::Put;

TEST_CASE("MOV to CR3 keeps global translations; INVLPG drops them") {
  Protected f;
  CpuState& s = f.cpu.state();
  constexpr uint64_t kPd = 0x300000, kPt = 0x301000;
  Put<uint32_t>(f, kPd, 0x83);                  // 0..4 MiB identity, 4 MiB page (code, stack)
  Put<uint32_t>(f, kPd + 4, 0x400083);          // 4..8 MiB identity (the data pages)
  Put<uint32_t>(f, kPd + 8, kPt | 3);           // 0x800000: a page table
  Put<uint32_t>(f, kPt + 0, 0x400000 | 0x103);  // 0x800000 -> 0x400000, global
  Put<uint32_t>(f, kPt + 8, 0x402000 | 0x003);  // 0x802000 -> 0x402000, not global
  Put<uint32_t>(f, 0x400000, 0x11111111);
  Put<uint32_t>(f, 0x401000, 0x22222222);
  Put<uint32_t>(f, 0x402000, 0x33333333);
  Put<uint32_t>(f, 0x403000, 0x44444444);
  s.cr4 = (1 << 4) | (1 << 7);  // PSE, PGE
  s.cr3 = kPd;
  s.cr0 |= 0x80000000;
  f.cpu.StateChanged();
  REQUIRE(f.RunCode({
              0xA1, 0x00, 0x00, 0x80, 0x00,        // mov eax, [0x800000]: cached, global
              0x8B, 0x35, 0x00, 0x20, 0x80, 0x00,  // mov esi, [0x802000]: cached
              0xC7, 0x05, 0x00, 0x10, 0x30, 0x00, 0x03, 0x11, 0x40, 0x00,  // PTE 0 -> 0x401000
              0xC7, 0x05, 0x08, 0x10, 0x30, 0x00, 0x03, 0x30, 0x40, 0x00,  // PTE 2 -> 0x403000
              0x0F, 0x20, 0xD9, 0x0F, 0x22, 0xD9,        // mov ecx, cr3 ; mov cr3, ecx
              0x8B, 0x1D, 0x00, 0x00, 0x80, 0x00,        // mov ebx, [0x800000]: still the old page
              0x8B, 0x3D, 0x00, 0x20, 0x80, 0x00,        // mov edi, [0x802000]: the new page
              0x0F, 0x01, 0x3D, 0x00, 0x00, 0x80, 0x00,  // invlpg [0x800000]
              0x8B, 0x15, 0x00, 0x00, 0x80, 0x00,        // mov edx, [0x800000]: the new page
          }) == StopReason::kHalted);
  CHECK(f.Reg(kRax) == 0x11111111);
  CHECK(f.Reg(kRsi) == 0x33333333);
  CHECK(f.Reg(kRbx) == 0x11111111);
  CHECK(f.Reg(kRdi) == 0x44444444);
  CHECK(f.Reg(kRdx) == 0x22222222);
}
