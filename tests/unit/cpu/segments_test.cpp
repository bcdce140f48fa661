// Segment register loads: descriptor checks, accessed bit, error codes (SDM Vol. 3A 5.5-5.8,
// Vol. 2B MOV/POP), and accesses through the loaded segments.

#include <doctest/doctest.h>

#include "tests/unit/cpu/cpu_fixture.h"

using namespace vireo::x86;
using vireo::x86::test::CpuFixture;

namespace {

constexpr uint64_t kGdt = 0x8000;

/// A descriptor: base, limit (20 bits), access byte, flags nibble (G D/B L AVL).
uint64_t Descriptor(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags) {
  return (limit & 0xFFFF) | (uint64_t{base & 0xFFFFFF} << 16) | (uint64_t{access} << 40) |
         (uint64_t{(limit >> 16) & 0xFu} << 48) | (static_cast<uint64_t>(flags & 0xF) << 52) |
         (uint64_t{base >> 24} << 56);
}

/// 32-bit protected mode, paging off, CPL 0, with a GDT of test descriptors.
struct Protected32 : CpuFixture {
  Protected32() {
    CpuState& s = cpu.state();
    s.cr0 = 0x11;
    s.cr4 = s.efer = 0;
    s.cpl = 0;
    s.seg[kCs] = {0, 0xFFFFFFFF, 0x08, 0xC09B};
    for (int r : {kDs, kEs, kSs, kFs, kGs}) s.seg[r] = {0, 0xFFFFFFFF, 0x10, 0xC093};
    uint64_t gdt[] = {
        0,
        Descriptor(0, 0xFFFFF, 0x9B, 0xC),        // 0x08 code, flat
        Descriptor(0, 0xFFFFF, 0x93, 0xC),        // 0x10 data, flat
        Descriptor(0x200000, 0x0FFF, 0x92, 0x4),  // 0x18 data, base 2 MiB, limit 4 KiB, A clear
        Descriptor(0, 0xFFFFF, 0xF3, 0xC),        // 0x20 data DPL 3
        Descriptor(0, 0xFFFFF, 0x13, 0xC),        // 0x28 data, not present
        Descriptor(0, 0xFFFFF, 0x98, 0xC),        // 0x30 code, execute-only
        Descriptor(0, 0xFFFFF, 0x9A, 0xC),        // 0x38 code, readable
        Descriptor(0, 0xFFFFF, 0x91, 0xC),        // 0x40 data, read-only
        Descriptor(0, 0x000FF, 0x97, 0x4),        // 0x48 data, expand-down, limit 0xFF, B=1
    };
    Load(kGdt, std::vector<uint8_t>(reinterpret_cast<uint8_t*>(gdt),
                                    reinterpret_cast<uint8_t*>(gdt) + sizeof gdt));
    s.gdtr = {kGdt, sizeof gdt - 1, 0};
    cpu.StateChanged();
  }
  /// mov ds, ax with AX = selector (then HLT).
  StopReason MovDs(uint16_t sel) {
    Reg(kRax) = sel;
    return RunCode({0x8E, 0xD8});
  }
};

}  // namespace

TEST_CASE("MOV DS loads the hidden part from the GDT and sets the accessed bit") {
  Protected32 f;
  REQUIRE(f.MovDs(0x18) == StopReason::kHalted);
  const SegmentCache& ds = f.cpu.state().seg[kDs];
  CHECK(ds.selector == 0x18);
  CHECK(ds.base == 0x200000);
  CHECK(ds.limit == 0xFFF);
  CHECK((ds.attrs & 0xFF) == 0x93);                    // accessed now set in the cache
  CHECK((f.Peek<uint8_t>(kGdt + 0x18 + 5) & 1) == 1);  // and in memory
  // An access through DS now lands at base + offset, and past the limit faults.
  f.Reg(kRbx) = 0x10;
  f.Load(0x200010, {0x78, 0x56, 0x34, 0x12});
  CHECK(f.RunCode({0x8B, 0x03}) == StopReason::kHalted);  // mov eax, [ebx]
  CHECK(f.Reg(kRax) == 0x12345678);
  f.Reg(kRbx) = 0xFFE;
  CHECK(f.RunCode({0x8B, 0x03}) == StopReason::kException);
  CHECK(f.cpu.state().exception_vector == kGP);
  CHECK(f.cpu.state().exception_error_code == 0);
}

TEST_CASE("segment load faults carry the selector as error code") {
  struct Case {
    uint16_t sel;
    int vector;
    uint32_t error;
  } cases[] = {
      {0x58, kGP, 0x58},  // beyond the GDT limit
      {0x28, kNP, 0x28},  // not present
      {0x30, kGP, 0x30},  // execute-only code
  };
  for (const Case& c : cases) {
    Protected32 f;
    CAPTURE(c.sel);
    CHECK(f.MovDs(c.sel) == StopReason::kException);
    CHECK(f.cpu.state().exception_vector == c.vector);
    CHECK(f.cpu.state().exception_error_code == c.error);
    CHECK(f.cpu.state().seg[kDs].selector == 0x10);  // unchanged
    CHECK(f.cpu.state().rip == CpuFixture::kCode);   // precise
  }
  Protected32 ok;
  CHECK(ok.MovDs(0x23) == StopReason::kHalted);  // DPL 3 data with RPL 3 at CPL 0: allowed
}

TEST_CASE("privilege checks: RPL and CPL against DPL") {
  Protected32 f;
  CHECK(f.MovDs(0x3B) == StopReason::kException);  // readable non-conforming code DPL 0, RPL 3
  CHECK(f.cpu.state().exception_error_code == 0x38);
  Protected32 g;
  CHECK(g.MovDs(0x38) == StopReason::kHalted);  // readable code, RPL 0
}

TEST_CASE("null selectors: fine for DS (unusable afterwards), #GP(0) for SS") {
  Protected32 f;
  CHECK(f.MovDs(0) == StopReason::kHalted);
  f.Reg(kRbx) = 0x100;
  CHECK(f.RunCode({0x8B, 0x03}) == StopReason::kException);  // access through null DS
  CHECK(f.cpu.state().exception_vector == kGP);
  Protected32 g;
  g.Reg(kRax) = 0;
  CHECK(g.RunCode({0x8E, 0xD0}) == StopReason::kException);  // mov ss, ax
  CHECK(g.cpu.state().exception_vector == kGP);
  CHECK(g.cpu.state().exception_error_code == 0);
  Protected32 h;
  h.Reg(kRax) = 0x40;  // read-only data into SS
  CHECK(h.RunCode({0x8E, 0xD0}) == StopReason::kException);
  CHECK(h.cpu.state().exception_error_code == 0x40);
}

TEST_CASE("read-only and expand-down data segments") {
  Protected32 f;
  REQUIRE(f.MovDs(0x40) == StopReason::kHalted);
  f.Reg(kRbx) = 0x300000;
  CHECK(f.RunCode({0x8B, 0x03}) == StopReason::kHalted);     // read: fine
  CHECK(f.RunCode({0x89, 0x03}) == StopReason::kException);  // write: #GP(0)
  CHECK(f.cpu.state().exception_vector == kGP);
  Protected32 g;
  REQUIRE(g.MovDs(0x48) == StopReason::kHalted);
  g.Reg(kRbx) = 0x100;  // above the limit: valid in an expand-down segment
  CHECK(g.RunCode({0x8B, 0x03}) == StopReason::kHalted);
  g.Reg(kRbx) = 0xFE;  // at or below the limit: #GP
  CHECK(g.RunCode({0x8B, 0x03}) == StopReason::kException);
}

TEST_CASE("POP DS and LDS load segments; real mode uses selector << 4") {
  Protected32 f;
  f.Reg(kRsp) = 0x80000;
  f.Load(0x7FFFC, {0x18, 0x00, 0x00, 0x00});
  f.Reg(kRsp) = 0x7FFFC;
  CHECK(f.RunCode({0x1F}) == StopReason::kHalted);  // pop ds
  CHECK(f.cpu.state().seg[kDs].base == 0x200000);
  CHECK(f.Reg(kRsp) == 0x80000);
  // lds esi, [0x9000] with the far pointer 0x18:0x1234
  f.Load(0x9000, {0x34, 0x12, 0x00, 0x00, 0x18, 0x00});
  f.cpu.state().seg[kDs] = {0, 0xFFFFFFFF, 0x10, 0xC093};
  f.cpu.StateChanged();
  CHECK(f.RunCode({0xC5, 0x35, 0x00, 0x90, 0x00, 0x00}) == StopReason::kHalted);
  CHECK(f.Reg(kRsi) == 0x1234);
  CHECK(f.cpu.state().seg[kDs].selector == 0x18);

  CpuFixture r;  // real mode
  r.cpu.Reset();
  r.cpu.state().seg[kCs] = {0x10000, 0xFFFF, 0x1000, 0x9B};
  r.Load(0x10000, {0x8E, 0xD8, 0xF4});  // mov ds, ax ; hlt
  r.cpu.state().rip = 0;
  r.Reg(kRax) = 0x1234;
  CHECK(r.cpu.Run(100) == StopReason::kHalted);
  CHECK(r.cpu.state().seg[kDs].base == 0x12340);
  CHECK(r.cpu.state().seg[kDs].limit == 0xFFFF);
}
