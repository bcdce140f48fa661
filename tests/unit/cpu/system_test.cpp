// System instructions (translate_system.cpp, msr.cpp): control/debug registers, descriptor
// tables, MSRs, fast system calls, interrupt flag and port I/O, each with its #GP/#UD rules.

#include <doctest/doctest.h>

#include <vector>

#include "cpu/x86/msr.h"
#include "tests/unit/cpu/cpu_fixture.h"

using namespace vireo::x86;
using vireo::x86::test::CpuFixture;

namespace {

constexpr uint64_t kGdt = 0x8000, kTss = 0x9000, kLdt = 0xA000;

uint64_t Descriptor(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags) {
  return (limit & 0xFFFF) | (uint64_t{base & 0xFFFFFF} << 16) | (uint64_t{access} << 40) |
         (uint64_t{(limit >> 16) & 0xFu} << 48) | (static_cast<uint64_t>(flags & 0xF) << 52) |
         (uint64_t{base >> 24} << 56);
}

/// Long mode at CPL 0 with a GDT: 0x10 code64, 0x18 data, 0x20 TSS (16 bytes, I/O bitmap for
/// ports 0-255 with only 0x81 denied), 0x30 LDT (16 bytes), 0x40 code64 DPL 3, 0x48 data DPL 3,
/// 0x50 data not present, 0x58 busy TSS.
struct System : CpuFixture {
  System() {
    std::vector<uint64_t> gdt = {0,
                                 0,
                                 Descriptor(0, 0xFFFFF, 0x9B, 0xA),
                                 Descriptor(0, 0xFFFFF, 0x93, 0xC),
                                 Descriptor(kTss, 0x88, 0x89, 0),
                                 0,
                                 Descriptor(kLdt, 0xFF, 0x82, 0),
                                 0,
                                 Descriptor(0, 0xFFFFF, 0xFB, 0xA),
                                 Descriptor(0, 0xFFFFF, 0xF3, 0xC),
                                 Descriptor(0, 0xFFFFF, 0x13, 0xC),
                                 Descriptor(kTss, 0x88, 0x8B, 0),
                                 0};
    Load(kGdt, Bytes(gdt));
    CpuState& s = cpu.state();
    s.gdtr = {kGdt, static_cast<uint32_t>(gdt.size() * 8 - 1), 0};
    ram.data()[kTss + 0x66] = 0x68;         // I/O bitmap right after the 0x68-byte TSS
    ram.data()[kTss + 0x68 + 0x10] = 0x02;  // port 0x81 denied
    // User-accessible pages (the fixture maps supervisor-only).
    for (uint64_t a : {0x1000ull, 0x2000ull}) ram.data()[a] |= 4;
    for (int i = 0; i < 8; ++i) ram.data()[0x3000 + 8 * i] |= 4;
    ResetMsrs(s);
    s.gpr[kRsp] = 0x7F000;
    cpu.StateChanged();
  }
  template <class T>
  static std::vector<uint8_t> Bytes(const std::vector<T>& v) {
    return std::vector<uint8_t>(reinterpret_cast<const uint8_t*>(v.data()),
                                reinterpret_cast<const uint8_t*>(v.data()) + v.size() * sizeof(T));
  }
  void ToUser(unsigned iopl = 0) {
    CpuState& s = cpu.state();
    s.seg[kCs] = {0, 0xFFFFFFFF, 0x43, 0xA0FB};
    s.seg[kSs] = {0, 0xFFFFFFFF, 0x4B, 0xC0F3};
    s.cpl = 3;
    s.rflags = (s.rflags & ~kIopl) | (uint64_t{iopl} << 12);
    cpu.StateChanged();
  }
  /// Runs `code` at kCode without the trailing HLT (for CPL 3, where HLT faults): stops at the
  /// first exception; code should end with UD2.
  StopReason RunRaw(std::vector<uint8_t> code) {
    Load(kCode, code);
    cpu.FlushTranslations();
    cpu.state().rip = kCode;
    cpu.set_halted(false);
    return cpu.Run(1000);
  }
  /// Runs user-mode `code` to the HLT RunCode appends, which faults at CPL 3.
  bool RunUser(std::vector<uint8_t> code) {
    const uint64_t end = kCode + code.size();
    return RunCode(code) == StopReason::kException && cpu.state().exception_vector == kGP &&
           cpu.state().rip == end;
  }
  int Vector() const { return const_cast<System*>(this)->cpu.state().exception_vector; }
  uint32_t Error() { return cpu.state().exception_error_code; }
  /// Runs and expects exception `vector` (error code `error` if given).
  void Faults(std::vector<uint8_t> code, int vector, int64_t error = -1) {
    CHECK(RunCode(code) == StopReason::kException);
    CHECK(Vector() == vector);
    if (error >= 0) CHECK(Error() == static_cast<uint32_t>(error));
    CHECK(cpu.state().rip == kCode);
  }
};

}  // namespace

TEST_CASE("MOV CR reads and writes with the #GP/#UD rules") {
  System f;
  CpuState& s = f.cpu.state();
  REQUIRE(f.RunCode({0x0F, 0x20, 0xC0}) == StopReason::kHalted);  // mov rax, cr0
  CHECK(f.Reg(kRax) == s.cr0);
  f.Reg(kRax) = 0xABCDE000;
  REQUIRE(f.RunCode({0x0F, 0x22, 0xD0, 0x0F, 0x20, 0xD3}) == StopReason::kHalted);  // cr2; rbx=cr2
  CHECK(f.Reg(kRbx) == 0xABCDE000);
  // CR8 (TPR): stored; bits above 3 are reserved.
  f.Reg(kRax) = 9;
  REQUIRE(f.RunCode({0x44, 0x0F, 0x22, 0xC0, 0x44, 0x0F, 0x20, 0xC3}) == StopReason::kHalted);
  CHECK(s.cr8 == 9);
  CHECK(f.Reg(kRbx) == 9);
  f.Reg(kRax) = 0x10;
  f.Faults({0x44, 0x0F, 0x22, 0xC0}, kGP, 0);
  // CR1 does not exist.
  f.Faults({0x0F, 0x22, 0xC8}, kUD);
  // CR0: PG cleared in 64-bit mode, bits 63:32, PG without PE, NW without CD.
  for (uint64_t v :
       {s.cr0 & ~(1ull << 31), s.cr0 | (1ull << 32), s.cr0 & ~1ull, s.cr0 | (1ull << 29)}) {
    f.Reg(kRax) = v;
    f.Faults({0x0F, 0x22, 0xC0}, kGP, 0);
  }
  // CR4: clearing PAE in long mode, and an unsupported bit (LA57).
  f.Reg(kRax) = s.cr4 & ~0x20ull;
  f.Faults({0x0F, 0x22, 0xE0}, kGP, 0);
  f.Reg(kRax) = s.cr4 | (1 << 12);
  f.Faults({0x0F, 0x22, 0xE0}, kGP, 0);
  f.Reg(kRax) = s.cr4 | 0x80 | 0x600;  // PGE, OSFXSR, OSXMMEXCPT
  REQUIRE(f.RunCode({0x0F, 0x22, 0xE0}) == StopReason::kHalted);
  CHECK(s.cr4 == (0x20 | 0x80 | 0x600));
  // CR3: reserved bits above MAXPHYADDR.
  f.Reg(kRax) = 0x1000 | (1ull << 45);
  f.Faults({0x0F, 0x22, 0xD8}, kGP, 0);
  f.Reg(kRax) = 0x1000;
  REQUIRE(f.RunCode({0x0F, 0x22, 0xD8}) == StopReason::kHalted);
  // CPL 3: #GP(0).
  f.ToUser(3);
  f.Faults({0x0F, 0x20, 0xC0}, kGP, 0);
}

TEST_CASE("real mode to long mode through CR0, CR4, CR3 and EFER") {
  System f;
  CpuState& s = f.cpu.state();
  s.cr0 = 0x60000010;
  s.cr4 = 0;
  s.efer = 0;
  s.seg[kCs] = {0, 0xFFFF, 0, 0x9B};
  for (int r : {kDs, kEs, kSs, kFs, kGs}) s.seg[r] = {0, 0xFFFF, 0, 0x93};
  f.cpu.StateChanged();
  const std::vector<uint8_t> code = {
      0x0F, 0x20, 0xC0,                    // mov eax, cr0
      0x66, 0x83, 0xC8, 0x01,              // or eax, 1
      0x0F, 0x22, 0xC0,                    // mov cr0, eax  (protected mode)
      0x0F, 0x20, 0xE0,                    // mov eax, cr4
      0x66, 0x83, 0xC8, 0x20,              // or eax, 0x20
      0x0F, 0x22, 0xE0,                    // mov cr4, eax  (PAE)
      0x66, 0xB8, 0x00, 0x10, 0x00, 0x00,  // mov eax, 0x1000
      0x0F, 0x22, 0xD8,                    // mov cr3, eax
      0x66, 0xB9, 0x80, 0x00, 0x00, 0xC0,  // mov ecx, 0xC0000080
      0x0F, 0x32,                          // rdmsr
      0x66, 0x0D, 0x00, 0x01, 0x00, 0x00,  // or eax, 0x100 (LME)
      0x0F, 0x30,                          // wrmsr
      0x0F, 0x20, 0xC0,                    // mov eax, cr0
      0x66, 0x0D, 0x00, 0x00, 0x00, 0x80,  // or eax, 0x80000000
      0x0F, 0x22, 0xC0,                    // mov cr0, eax  (paging: IA-32e mode active)
      0xF4};
  f.Load(0x7000, code);
  f.cpu.FlushTranslations();
  s.rip = 0x7000;
  REQUIRE(f.cpu.Run(1000) == StopReason::kHalted);
  CHECK((s.cr0 & 0x80000001) == 0x80000001);
  CHECK(s.cr4 == 0x20);
  CHECK(s.cr3 == 0x1000);
  CHECK((s.efer & (kEferLme | kEferLma)) == (kEferLme | kEferLma));
  // Now compatibility mode (CS.L = 0): clearing PG deactivates IA-32e mode.
  f.cpu.set_halted(false);
  f.Load(0x7100,
         {0x0F, 0x20, 0xC0, 0x66, 0x0F, 0xBA, 0xF0, 0x1F, 0x0F, 0x22, 0xC0, 0xF4});  // btr eax, 31
  f.cpu.FlushTranslations();
  s.rip = 0x7100;
  REQUIRE(f.cpu.Run(1000) == StopReason::kHalted);
  CHECK((s.cr0 >> 31) == 0);
  CHECK((s.efer & kEferLma) == 0);
}

TEST_CASE("paging with LME set but PAE clear is #GP; LME cannot change while paging is on") {
  System f;
  CpuState& s = f.cpu.state();
  f.Reg(kRcx) = kMsrEfer;
  f.Reg(kRax) = s.efer & ~kEferLme;
  f.Reg(kRdx) = 0;
  f.Faults({0x0F, 0x30}, kGP, 0);
  f.Reg(kRax) = s.efer | (1 << 2);  // reserved bit
  f.Faults({0x0F, 0x30}, kGP, 0);
}

TEST_CASE("MOV DR, CLTS, LMSW, SMSW") {
  System f;
  CpuState& s = f.cpu.state();
  f.Reg(kRax) = 0x123456789;
  REQUIRE(f.RunCode({0x0F, 0x23, 0xC0, 0x0F, 0x21, 0xC3}) == StopReason::kHalted);  // dr0; rbx=dr0
  CHECK(s.dr[0] == 0x123456789);
  CHECK(f.Reg(kRbx) == 0x123456789);
  // DR4 aliases DR6 without CR4.DE, #UD with it.
  REQUIRE(f.RunCode({0x0F, 0x21, 0xE3}) == StopReason::kHalted);
  CHECK(f.Reg(kRbx) == 0xFFFF0FF0);
  s.cr4 |= 1 << 3;
  f.Faults({0x0F, 0x21, 0xE3}, kUD);
  // DR7: fixed bits; upper half reserved.
  f.Reg(kRax) = 0xFFFFFFFF;
  REQUIRE(f.RunCode({0x0F, 0x23, 0xF8}) == StopReason::kHalted);
  CHECK(s.dr[7] == 0xFFFF27FF);
  f.Reg(kRax) = 1ull << 32;
  f.Faults({0x0F, 0x23, 0xF8}, kGP, 0);
  // CLTS clears TS; LMSW sets MP/EM/TS bits but cannot clear PE; SMSW reads CR0.
  s.cr0 |= 8;
  REQUIRE(f.RunCode({0x0F, 0x06}) == StopReason::kHalted);
  CHECK((s.cr0 & 8) == 0);
  f.Reg(kRax) = 0xA;  // TS | MP, PE clear
  REQUIRE(f.RunCode({0x0F, 0x01, 0xF0, 0x0F, 0x01, 0xE3}) ==
          StopReason::kHalted);  // lmsw ax; smsw ebx
  CHECK((s.cr0 & 0xF) == 0xB);
  CHECK(f.Reg(kRbx) == (s.cr0 & 0xFFFFFFFF));
  f.ToUser();
  f.Faults({0x0F, 0x06}, kGP, 0);
}

TEST_CASE("LGDT/SGDT/LIDT/SIDT in 64-bit and 32-bit mode") {
  System f;
  CpuState& s = f.cpu.state();
  f.Load(0x5000, {0x34, 0x12, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11});
  f.Reg(kRbx) = 0x5000;
  f.Reg(kRcx) = 0x5100;
  REQUIRE(f.RunCode({0x0F, 0x01, 0x1B, 0x0F, 0x01, 0x09}) ==
          StopReason::kHalted);  // lidt [rbx]; sidt [rcx]
  CHECK(s.idtr.base == 0x1122334455667788);
  CHECK(s.idtr.limit == 0x1234);
  CHECK(f.Peek<uint16_t>(0x5100) == 0x1234);
  CHECK(f.Peek<uint64_t>(0x5102) == 0x1122334455667788);
  REQUIRE(f.RunCode({0x0F, 0x01, 0x13, 0x0F, 0x01, 0x01}) == StopReason::kHalted);  // lgdt; sgdt
  CHECK(s.gdtr.base == 0x1122334455667788);
  // 32-bit code, 16-bit operand size: a 24-bit base is loaded; SGDT stores 32 bits.
  s.gdtr = {kGdt, 0x67, 0};
  s.seg[kCs] = {0, 0xFFFFFFFF, 0x08, 0xC09B};
  f.cpu.StateChanged();
  REQUIRE(f.RunCode({0x66, 0x0F, 0x01, 0x1B, 0x0F, 0x01, 0x09}) == StopReason::kHalted);
  CHECK(s.idtr.base == 0x667788);
  CHECK(f.Peek<uint32_t>(0x5102) == 0x667788);
  f.ToUser();
  f.Faults({0x0F, 0x01, 0x1B}, kGP, 0);
}

TEST_CASE("LTR marks the TSS busy; LLDT; STR/SLDT; their faults") {
  System f;
  CpuState& s = f.cpu.state();
  f.Reg(kRax) = 0x20;
  f.Reg(kRbx) = 0x30;
  // ltr ax; lldt bx; str ecx; sldt edx
  REQUIRE(f.RunCode({0x0F, 0x00, 0xD8, 0x0F, 0x00, 0xD3, 0x0F, 0x00, 0xC9, 0x0F, 0x00, 0xC2}) ==
          StopReason::kHalted);
  CHECK(s.tr.selector == 0x20);
  CHECK(s.tr.base == kTss);
  CHECK(s.tr.limit == 0x88);
  CHECK((s.tr.attrs & 0xF) == 0xB);
  CHECK((f.Peek<uint8_t>(kGdt + 0x20 + 5) & 0xF) == 0xB);
  CHECK(s.ldtr.base == kLdt);
  CHECK(f.Reg(kRcx) == 0x20);
  CHECK(f.Reg(kRdx) == 0x30);
  // Busy TSS now, a data descriptor, null, not present, LDT-relative.
  f.Faults({0x0F, 0x00, 0xD8}, kGP, 0x20);
  f.Reg(kRax) = 0x18;
  f.Faults({0x0F, 0x00, 0xD8}, kGP, 0x18);
  f.Reg(kRax) = 0;
  f.Faults({0x0F, 0x00, 0xD8}, kGP, 0);
  f.Reg(kRax) = 0x24;
  f.Faults({0x0F, 0x00, 0xD8}, kGP, 0x24);
  f.Reg(kRbx) = 0x20;  // LLDT of a TSS
  f.Faults({0x0F, 0x00, 0xD3}, kGP, 0x20);
  // LLDT 0 makes LDTR unusable.
  f.Reg(kRbx) = 0;
  REQUIRE(f.RunCode({0x0F, 0x00, 0xD3}) == StopReason::kHalted);
  CHECK((s.ldtr.attrs & 0x80) == 0);
  f.ToUser();
  f.Faults({0x0F, 0x00, 0xD8}, kGP, 0);
}

TEST_CASE("LAR, LSL, VERR, VERW set ZF from the descriptor checks") {
  System f;
  auto zf = [&] {
    CpuState& s = f.cpu.state();
    (void)s;
    f.RunCode({0x9C, 0x5A});  // pushfq; pop rdx
    return (f.Reg(kRdx) >> 6) & 1;
  };
  f.Reg(kRbx) = 0x18;
  f.Reg(kRax) = 0xFFFFFFFFFFFFFFFF;
  REQUIRE(f.RunCode({0x0F, 0x02, 0xC3}) == StopReason::kHalted);  // lar eax, ebx
  CHECK(f.Reg(kRax) == 0x00C09300);
  CHECK(zf() == 1);
  REQUIRE(f.RunCode({0x0F, 0x03, 0xC3}) == StopReason::kHalted);  // lsl eax, ebx
  CHECK(f.Reg(kRax) == 0xFFFFFFFF);
  f.Reg(kRbx) = 0x20;  // a 64-bit TSS: LSL gives its limit
  REQUIRE(f.RunCode({0x0F, 0x03, 0xC3}) == StopReason::kHalted);
  CHECK(f.Reg(kRax) == 0x88);
  // Beyond the GDT limit: ZF = 0, destination unchanged, no fault.
  f.Reg(kRbx) = 0x400;
  f.Reg(kRax) = 0x5555;
  REQUIRE(f.RunCode({0x0F, 0x02, 0xC3}) == StopReason::kHalted);
  CHECK(f.Reg(kRax) == 0x5555);
  CHECK(zf() == 0);
  // VERR / VERW: data writable, code readable but not writable.
  f.Reg(kRbx) = 0x18;
  REQUIRE(f.RunCode({0x0F, 0x00, 0xEB}) == StopReason::kHalted);  // verw bx
  CHECK(zf() == 1);
  f.Reg(kRbx) = 0x10;
  REQUIRE(f.RunCode({0x0F, 0x00, 0xEB}) == StopReason::kHalted);
  CHECK(zf() == 0);
  REQUIRE(f.RunCode({0x0F, 0x00, 0xE3}) == StopReason::kHalted);  // verr bx
  CHECK(zf() == 1);
  // At CPL 3 a DPL 0 segment is not visible; the DPL 3 one is.
  f.ToUser();
  auto user_zf = [&](std::vector<uint8_t> code) {
    code.insert(code.end(), {0x9C, 0x5A});  // pushfq; pop rdx
    REQUIRE(f.RunUser(code));
    return (f.Reg(kRdx) >> 6) & 1;
  };
  CHECK(user_zf({0x0F, 0x00, 0xE3}) == 0);
  f.Reg(kRbx) = 0x4B;
  CHECK(user_zf({0x0F, 0x00, 0xEB}) == 1);
}

TEST_CASE("ARPL raises the RPL and sets ZF; #UD in real mode") {
  System f;
  CpuState& s = f.cpu.state();
  s.seg[kCs] = {0, 0xFFFFFFFF, 0x08, 0xC09B};
  f.cpu.StateChanged();
  f.Reg(kRax) = 0x1230;
  f.Reg(kRbx) = 0x2;
  REQUIRE(f.RunCode({0x63, 0xD8, 0x9C, 0x5A}) ==
          StopReason::kHalted);  // arpl ax, bx; pushf; pop edx
  CHECK((f.Reg(kRax) & 0xFFFF) == 0x1232);
  CHECK(((f.Reg(kRdx) >> 6) & 1) == 1);
  REQUIRE(f.RunCode({0x63, 0xD8, 0x9C, 0x5A}) == StopReason::kHalted);
  CHECK((f.Reg(kRax) & 0xFFFF) == 0x1232);
  CHECK(((f.Reg(kRdx) >> 6) & 1) == 0);
  s.cr0 &= ~0x80000001ull;
  s.efer &= ~kEferLma;
  s.seg[kCs] = {0, 0xFFFF, 0, 0x9B};
  f.cpu.StateChanged();
  f.Load(0x7000, {0x63, 0xD8});
  f.cpu.FlushTranslations();
  f.cpu.set_halted(false);
  s.rip = 0x7000;
  CHECK(f.cpu.Run(10) == StopReason::kException);
  CHECK(s.exception_vector == kUD);
}

TEST_CASE("RDMSR/WRMSR: the MSR table and its #GP rules") {
  System f;
  CpuState& s = f.cpu.state();
  auto rdmsr = [&](uint32_t msr) {
    f.Reg(kRcx) = msr;
    REQUIRE(f.RunCode({0x0F, 0x32}) == StopReason::kHalted);
    return (f.Reg(kRdx) << 32) | f.Reg(kRax);
  };
  auto wrmsr = [&](uint32_t msr, uint64_t v) {
    f.Reg(kRcx) = msr;
    f.Reg(kRax) = v & 0xFFFFFFFF;
    f.Reg(kRdx) = v >> 32;
    return f.RunCode({0x0F, 0x30});
  };
  CHECK(rdmsr(kMsrEfer) == s.efer);
  CHECK(rdmsr(kMsrApicBase) == 0xFEE00900);
  CHECK(rdmsr(kMsrPat) == 0x0007040600070406);
  CHECK((rdmsr(kMsrMiscEnable) & 1) == 1);
  CHECK(rdmsr(kMsrMtrrCap) == 0x508);
  CHECK(wrmsr(kMsrBiosSignId, 0) == StopReason::kHalted);  // Linux reads it unguarded
  CHECK(rdmsr(kMsrBiosSignId) == 0);
  CHECK(wrmsr(kMsrStar, 0x0023001000000000) == StopReason::kHalted);
  CHECK(rdmsr(kMsrStar) == 0x0023001000000000);
  CHECK(wrmsr(kMsrFsBase, 0x7FFF12345000) == StopReason::kHalted);
  CHECK(s.seg[kFs].base == 0x7FFF12345000);
  CHECK(rdmsr(kMsrFsBase) == 0x7FFF12345000);
  CHECK(wrmsr(kMsrKernelGsBase, 0xFFFF800000001000) == StopReason::kHalted);
  CHECK(wrmsr(0x200, 0x06) == StopReason::kHalted);  // MTRRphysBase0 WB
  CHECK(rdmsr(0x200) == 6);
  CHECK(wrmsr(0x26F, 0x0606060606060606) == StopReason::kHalted);
  CHECK(rdmsr(0x26F) == 0x0606060606060606);
  // TSC: a write moves the counter.
  CHECK(wrmsr(kMsrTsc, 1ull << 50) == StopReason::kHalted);
  uint64_t tsc = rdmsr(kMsrTsc);
  CHECK(tsc >= (1ull << 50));
  CHECK(tsc < (1ull << 50) + 10'000'000'000ull);
  // #GP(0): unknown MSRs, non-canonical bases, invalid memory types, read-only, reserved bits.
  for (uint32_t msr : {0x0u, 0x1234u, 0xC0000104u, 0x40000000u}) {
    f.Reg(kRcx) = msr;
    f.Faults({0x0F, 0x32}, kGP, 0);
  }
  struct Bad {
    uint32_t msr;
    uint64_t value;
  };
  for (Bad b :
       {Bad{kMsrLstar, 0x0000800000000000}, Bad{kMsrGsBase, 0x1234567812345678},
        Bad{kMsrPat, 0x0007040600070402}, Bad{kMsrMtrrCap, 0x508}, Bad{kMsrFmask, 1ull << 32},
        Bad{kMsrMtrrDefType, 0x1000}, Bad{0x201, 0x7FF}, Bad{kMsrTscAux, 1ull << 40}}) {
    CAPTURE(b.msr);
    f.Reg(kRcx) = b.msr;
    f.Reg(kRax) = b.value & 0xFFFFFFFF;
    f.Reg(kRdx) = b.value >> 32;
    f.Faults({0x0F, 0x30}, kGP, 0);
  }
  // FEATURE_CONTROL: writable until locked.
  CHECK(wrmsr(kMsrFeatureControl, 1) == StopReason::kHalted);
  CHECK(wrmsr(kMsrFeatureControl, 1) == StopReason::kException);
  f.ToUser(3);
  f.Reg(kRcx) = kMsrEfer;
  f.Faults({0x0F, 0x32}, kGP, 0);
}

TEST_CASE("RDTSCP returns TSC_AUX in ECX; SWAPGS; INVLPG/WBINVD at CPL 0 only") {
  System f;
  CpuState& s = f.cpu.state();
  f.Reg(kRcx) = kMsrTscAux;
  f.Reg(kRax) = 7;
  f.Reg(kRdx) = 0;
  REQUIRE(f.RunCode({0x0F, 0x30, 0x48, 0x31, 0xC9, 0x0F, 0x01, 0xF9}) == StopReason::kHalted);
  CHECK(f.Reg(kRcx) == 7);
  s.seg[kGs].base = 0x1111;
  s.kernel_gs_base = 0x2222;
  REQUIRE(f.RunCode({0x0F, 0x01, 0xF8}) == StopReason::kHalted);
  CHECK(s.seg[kGs].base == 0x2222);
  CHECK(s.kernel_gs_base == 0x1111);
  f.Reg(kRax) = 0x5000;
  REQUIRE(f.RunCode({0x0F, 0x01, 0x38, 0x0F, 0x09, 0x0F, 0x08}) == StopReason::kHalted);
  f.ToUser(3);
  for (std::vector<uint8_t> code :
       {std::vector<uint8_t>{0x0F, 0x01, 0xF8}, {0x0F, 0x01, 0x38}, {0x0F, 0x09}})
    f.Faults(code, kGP, 0);
}

TEST_CASE("SYSCALL and SYSRET") {
  System f;
  CpuState& s = f.cpu.state();
  f.Faults({0x0F, 0x05}, kUD);  // EFER.SCE clear
  s.efer |= kEferSce;
  s.star = 0x0023001000000000;  // kernel CS 0x10, user base 0x20 (CS 0x33, SS 0x2B)
  s.lstar = 0x200000;
  s.sfmask = kIf | kDf;
  f.Load(0x200000, {0xF4});
  s.rflags |= kIf | kDf;
  f.ToUser();
  s.seg[kCs].selector = 0x33;
  REQUIRE(f.RunCode({0x0F, 0x05}) == StopReason::kHalted);
  CHECK(s.rip == 0x200001);
  CHECK(f.Reg(kRcx) == f.kCode + 2);
  CHECK((f.Reg(kR11) & (kIf | kDf)) == (kIf | kDf));
  CHECK((s.rflags & (kIf | kDf)) == 0);
  CHECK(s.cpl == 0);
  CHECK(s.seg[kCs].selector == 0x10);
  CHECK(s.seg[kCs].attrs == 0xA09B);
  CHECK(s.seg[kSs].selector == 0x18);
  // SYSRET to 64-bit user code: HLT there faults at CPL 3.
  f.Reg(kRcx) = 0x300000;
  f.Load(0x300000, {0xF4});
  f.Reg(kR11) = 0x202;
  REQUIRE(f.RunCode({0x48, 0x0F, 0x07}) == StopReason::kException);
  CHECK(s.exception_vector == kGP);
  CHECK(s.rip == 0x300000);
  CHECK(s.cpl == 3);
  CHECK(s.seg[kCs].selector == 0x33);
  CHECK(s.seg[kSs].selector == 0x2B);
  CHECK((s.rflags & kIf) != 0);
  // SYSRET with a non-canonical RCX, or above CPL 0: #GP(0).
  f.Faults({0x48, 0x0F, 0x07}, kGP, 0);
  s.cpl = 0;
  s.seg[kCs] = {0, 0xFFFFFFFF, 0x10, 0xA09B};
  f.cpu.StateChanged();
  f.Reg(kRcx) = 0x0000800000000000;
  f.Faults({0x48, 0x0F, 0x07}, kGP, 0);
}

TEST_CASE("SYSENTER and SYSEXIT") {
  System f;
  CpuState& s = f.cpu.state();
  f.Faults({0x0F, 0x34}, kGP, 0);  // SYSENTER_CS null
  s.sysenter_cs = 0x10;
  s.sysenter_esp = 0x4000;
  s.sysenter_eip = 0x200000;
  f.Load(0x200000, {0xF4});
  f.ToUser();
  REQUIRE(f.RunCode({0x0F, 0x34}) == StopReason::kHalted);
  CHECK(s.rip == 0x200001);
  CHECK(f.Reg(kRsp) == 0x4000);
  CHECK(s.cpl == 0);
  CHECK(s.seg[kCs].selector == 0x10);
  CHECK(s.seg[kSs].selector == 0x18);
  f.Reg(kRdx) = 0x300000;
  f.Load(0x300000, {0xF4});
  f.Reg(kRcx) = 0x5000;
  REQUIRE(f.RunCode({0x48, 0x0F, 0x35}) == StopReason::kException);  // to CPL 3, then HLT faults
  CHECK(s.rip == 0x300000);
  CHECK(f.Reg(kRsp) == 0x5000);
  CHECK(s.cpl == 3);
  CHECK(s.seg[kCs].selector == 0x33);
  CHECK(s.seg[kSs].selector == 0x3B);
  f.Faults({0x48, 0x0F, 0x35}, kGP, 0);  // SYSEXIT above CPL 0
}

TEST_CASE("CLI/STI: IOPL rules and the interrupt shadow") {
  System f;
  CpuState& s = f.cpu.state();
  REQUIRE(f.RunCode({0xFA}) == StopReason::kHalted);
  CHECK((s.rflags & kIf) == 0);
  REQUIRE(f.RunCode({0xFB}) == StopReason::kHalted);
  CHECK((s.rflags & kIf) != 0);
  f.ToUser(0);
  f.Faults({0xFA}, kGP, 0);
  f.Faults({0xFB}, kGP, 0);
  f.ToUser(3);
  CHECK(f.RunRaw({0xFA, 0x0F, 0x0B}) == StopReason::kException);  // cli; ud2
  CHECK(s.exception_vector == kUD);
  CHECK((s.rflags & kIf) == 0);
}

namespace {
struct TestPorts : vireo::machine::IoHandler {
  std::vector<std::pair<uint64_t, uint64_t>> writes;
  uint64_t Read(uint64_t offset, unsigned size) override {
    return (0xA0 + offset) * (size == 1 ? 1 : size == 2 ? 0x101 : 0x1010101);
  }
  void Write(uint64_t offset, unsigned size, uint64_t value) override {
    writes.push_back({offset, value});
  }
};
}  // namespace

TEST_CASE("IN/OUT/INS/OUTS and the TSS I/O permission bitmap") {
  System f;
  CpuState& s = f.cpu.state();
  TestPorts ports;
  f.memory.ports().Map(0x80, 0x10, &ports, "test");
  f.Reg(kRax) = 0x5A;
  f.Reg(kRdx) = 0x81;
  // out 0x80, al; in al, 0x80 -> mov bl, al; in eax, dx; out dx, al
  REQUIRE(f.RunCode({0xE6, 0x80, 0xE4, 0x80, 0x88, 0xC3, 0xED, 0xEE}) == StopReason::kHalted);
  CHECK(f.Reg(kRbx) == 0xA0);
  CHECK(f.Reg(kRax) == 0xA1A1A1A1);
  REQUIRE(ports.writes.size() == 2);
  CHECK(ports.writes[0] == std::pair<uint64_t, uint64_t>{0, 0x5A});
  CHECK(ports.writes[1] == std::pair<uint64_t, uint64_t>{1, 0xA1});
  // rep insb / rep outsw.
  f.Reg(kRdi) = 0x6000;
  f.Reg(kRcx) = 3;
  f.Reg(kRdx) = 0x82;
  REQUIRE(f.RunCode({0xF3, 0x6C}) == StopReason::kHalted);
  CHECK(f.Peek<uint32_t>(0x6000) == 0x00A2A2A2);
  CHECK(f.Reg(kRdi) == 0x6003);
  CHECK(f.Reg(kRcx) == 0);
  f.Load(0x6100, {0x11, 0x22, 0x33, 0x44});
  f.Reg(kRsi) = 0x6100;
  f.Reg(kRcx) = 2;
  ports.writes.clear();
  REQUIRE(f.RunCode({0x66, 0xF3, 0x6F}) == StopReason::kHalted);
  REQUIRE(ports.writes.size() == 2);
  CHECK(ports.writes[1] == std::pair<uint64_t, uint64_t>{2, 0x4433});
  // CPL 3 with IOPL 0: the bitmap decides (0x80 allowed, 0x81 denied, beyond the TSS denied).
  f.Reg(kRax) = 0x20;
  REQUIRE(f.RunCode({0x0F, 0x00, 0xD8}) == StopReason::kHalted);  // ltr ax
  f.ToUser(0);
  CHECK(f.RunRaw({0xE4, 0x80, 0x0F, 0x0B}) == StopReason::kException);  // in al, 0x80; ud2
  CHECK(s.exception_vector == kUD);
  CHECK((f.Reg(kRax) & 0xFF) == 0xA0);
  f.Faults({0xE4, 0x81}, kGP, 0);
  f.Faults({0x66, 0xE5, 0x80}, kGP, 0);  // in ax, 0x80 also covers 0x81
  f.Reg(kRdx) = 0x400;
  f.Faults({0xEE}, kGP, 0);
  f.Reg(kRdx) = 0x81;
  f.Reg(kRcx) = 1;
  f.Faults({0xF3, 0x6C}, kGP, 0);
  // IOPL 3 allows everything.
  f.ToUser(3);
  CHECK(f.RunRaw({0xE4, 0x81, 0x0F, 0x0B}) == StopReason::kException);
  CHECK(s.exception_vector == kUD);
  CHECK((f.Reg(kRax) & 0xFF) == 0xA1);
}

TEST_CASE("virtual-8086 mode: port I/O always consults the bitmap; CLI needs IOPL 3") {
  System f;
  CpuState& s = f.cpu.state();
  TestPorts ports;
  f.memory.ports().Map(0x80, 0x10, &ports, "test");
  // 32-bit protected mode without paging, then LTR of the (now 32-bit) TSS.
  s.cr0 = 0x11;
  s.cr4 = 0;
  s.efer = 0;
  s.seg[kCs] = {0, 0xFFFFFFFF, 0x08, 0xC09B};
  for (int r : {kDs, kEs, kSs, kFs, kGs}) s.seg[r] = {0, 0xFFFFFFFF, 0x18, 0xC093};
  f.cpu.StateChanged();
  f.Reg(kRax) = 0x20;
  REQUIRE(f.RunCode({0x0F, 0x00, 0xD8}) == StopReason::kHalted);  // ltr ax
  CHECK(s.tr.base == kTss);
  // Enter V86 mode with IOPL 3 (as IRET would): CS:IP = 0x700:0.
  s.rflags |= kVm | kIopl;
  s.cpl = 3;
  for (int r = 0; r < kSegCount; ++r) s.seg[r] = {0x7000, 0xFFFF, 0x700, 0xF3};
  f.cpu.StateChanged();
  auto run_v86 = [&](std::vector<uint8_t> code) {
    f.Load(0x7000, code);
    f.cpu.FlushTranslations();
    f.cpu.set_halted(false);
    s.rip = 0;
    return f.cpu.Run(100);
  };
  CHECK(run_v86({0xE4, 0x80, 0xFA, 0x0F, 0x0B}) == StopReason::kException);  // in; cli; ud2
  CHECK(s.exception_vector == kUD);
  CHECK((f.Reg(kRax) & 0xFF) == 0xA0);
  CHECK((s.rflags & kIf) == 0);
  CHECK(run_v86({0xE4, 0x81}) == StopReason::kException);
  CHECK(s.exception_vector == kGP);
  CHECK(s.rip == 0);
  s.rflags &= ~kIopl;
  CHECK(run_v86({0xFA}) == StopReason::kException);  // IOPL < 3 without CR4.VME
  CHECK(s.exception_vector == kGP);
}

TEST_CASE("CR4.SMEP: a CPL-0 fetch from a user page is #PF(P|I/D); PCIDE keeps the PCID in CR3") {
  System f;
  CpuState& s = f.cpu.state();
  // The fixture makes the first 16 MiB user pages; the code and stack page (PDE 0) goes back
  // to supervisor, the page at 0x400000 (PDE 2) stays user.
  f.ram.data()[0x3000] &= ~4;
  f.cpu.StateChanged();
  f.Load(0x400000, {0xF4});
  // mov rax, cr4 ; or eax, SMEP ; mov cr4, rax ; mov eax, 0x400000 ; jmp rax
  REQUIRE(f.RunCode({0x0F, 0x20, 0xE0, 0x0D, 0x00, 0x00, 0x10, 0x00, 0x0F, 0x22, 0xE0, 0xB8, 0x00,
                     0x00, 0x40, 0x00, 0xFF, 0xE0}) == StopReason::kException);
  CHECK(f.Vector() == kPF);
  CHECK(f.Error() == (kPfPresent | kPfFetch));
  CHECK(s.cr2 == 0x400000);
  CHECK(s.rip == 0x400000);
  // PCIDE: CR3 bits 11:0 are the PCID; bit 63 of a MOV to CR3 is not stored.
  // mov rax, cr4 ; bts eax, 17 ; mov cr4, rax ; mov rax, cr3 ; or rax, 5 ; bts rax, 63 ;
  // mov cr3, rax ; mov rbx, cr3
  REQUIRE(f.RunCode({0x0F, 0x20, 0xE0, 0x0F, 0xBA, 0xE8, 0x11, 0x0F, 0x22, 0xE0,
                     0x0F, 0x20, 0xD8, 0x48, 0x83, 0xC8, 0x05, 0x48, 0x0F, 0xBA,
                     0xE8, 0x3F, 0x0F, 0x22, 0xD8, 0x0F, 0x20, 0xDB}) == StopReason::kHalted);
  CHECK((s.cr4 & (1u << 17)) != 0);
  CHECK(f.Reg(kRbx) == 0x1005);
}

TEST_CASE("IRET to ring 3 drops supervisor translations: a user read of a kernel page faults") {
  System f;
  // The fixture's first 16 MiB are user pages; make 2-4 MiB (PDE 1) supervisor-only.
  f.ram.data()[0x3000 + 8] &= ~4;
  f.cpu.StateChanged();
  const uint64_t user = CpuFixture::kCode + 0x40;
  // mov rbx, [0x200000] (at CPL 3: #PF, even though CPL 0 just read the page)
  f.Load(user, {0x48, 0x8B, 0x1C, 0x25, 0x00, 0x00, 0x20, 0x00});
  // mov rax, [0x200000] ; push 0x4B ; push 0x7E000 ; pushfq ; push 0x43 ; push user ; iretq
  REQUIRE(f.RunCode({0x48, 0x8B, 0x04, 0x25, 0x00, 0x00, 0x20, 0x00, 0x6A, 0x4B, 0x68, 0x00, 0xE0,
                     0x07, 0x00, 0x9C, 0x6A, 0x43, 0x68, 0x40, 0x00, 0x10, 0x00, 0x48, 0xCF}) ==
          StopReason::kException);
  CHECK(f.cpu.state().cpl == 3);
  CHECK(f.cpu.state().rip == user);
  CHECK(f.Vector() == kPF);
  CHECK(f.Error() == (kPfPresent | kPfUser));
}
