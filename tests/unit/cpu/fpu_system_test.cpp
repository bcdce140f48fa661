// The system side of the FPU and SIMD units (SDM Vol. 3A 2.5 Table 2-2, 13.1, 13.3; Vol. 1 8.6):
// CR0.TS/EM/MP and CR4.OSFXSR gate x87, MMX and SSE with #NM/#UD; CR0.NE makes a pending
// unmasked x87 exception raise #MF at the next waiting instruction; CR4.OSXSAVE gates
// XGETBV/XSETBV/XSAVE and shows in CPUID.1:ECX.OSXSAVE; XSETBV checks what it is given.

#include <doctest/doctest.h>

#include <vector>

#include "tests/unit/cpu/cpu_fixture.h"

using namespace vireo::x86;
using vireo::x86::test::CpuFixture;

namespace {

constexpr uint64_t kTs = 1 << 3, kEm = 1 << 2, kMp = 1 << 1, kNe = 1 << 5;
constexpr uint64_t kOsfxsr = 1 << 9, kOsxmmexcpt = 1 << 10, kOsxsave = 1 << 18;

const std::vector<uint8_t> kFld1 = {0xD9, 0xE8};
const std::vector<uint8_t> kMovaps = {0x0F, 0x28, 0xC1};    // movaps xmm0, xmm1
const std::vector<uint8_t> kPaddbMmx = {0x0F, 0xFC, 0xC1};  // paddb mm0, mm1
const std::vector<uint8_t> kFwait = {0x9B};
const std::vector<uint8_t> kFxsave = {0x0F, 0xAE, 0x00};  // fxsave [rax]
const std::vector<uint8_t> kXgetbv = {0x0F, 0x01, 0xD0};
const std::vector<uint8_t> kXsetbv = {0x0F, 0x01, 0xD1};

struct Fpu : CpuFixture {
  Fpu() { SetControl(0x80000011 | kMp | kNe, (1 << 5) | kOsfxsr | kOsxmmexcpt); }
  void SetControl(uint64_t cr0, uint64_t cr4) {
    cpu.state().cr0 = cr0;
    cpu.state().cr4 = cr4;
    cpu.StateChanged();
  }
  /// Runs `code`; -1 if it reached its end, else the vector, raised at offset `fault_at`.
  int Run(const std::vector<uint8_t>& code, uint64_t fault_at = 0) {
    StopReason r = RunCode(code);
    if (r == StopReason::kHalted) return -1;
    CHECK(cpu.state().rip == kCode + fault_at);  // at the faulting instruction
    return cpu.state().exception_vector;
  }
  /// fninit; fldcw (ZM clear); fldz; fld1; fdiv st(0), st(1): a zero divide is left pending
  /// unmasked (FSW.ES), for the next waiting instruction to report.
  void PendZeroDivide() {
    Load(0x200000, {0x7B, 0x03});  // FCW 0x037B
    Reg(kRax) = 0x200000;
    CHECK(Run({0xDB, 0xE3, 0xD9, 0x28, 0xD9, 0xEE, 0xD9, 0xE8, 0xD8, 0xF1}) == -1);
  }
};

TEST_CASE("CR0.TS: x87, MMX, SSE and FXSAVE raise #NM; WAIT only with MP; CLTS clears it") {
  Fpu f;
  const uint64_t cr0 = f.cpu.state().cr0, cr4 = f.cpu.state().cr4;
  f.SetControl(cr0 | kTs, cr4);
  CHECK(f.Run(kFld1) == kNM);
  CHECK(f.Run(kMovaps) == kNM);
  CHECK(f.Run(kPaddbMmx) == kNM);
  f.Reg(kRax) = 0x200000;  // a 64-byte aligned buffer
  CHECK(f.Run(kFxsave) == kNM);
  CHECK(f.Run(kFwait) == kNM);  // MP = 1 and TS = 1
  f.SetControl((cr0 | kTs) & ~kMp, cr4);
  CHECK(f.Run(kFwait) == -1);  // MP = 0: WAIT ignores TS
  f.SetControl(cr0 | kTs, cr4);
  std::vector<uint8_t> clts_then_fld1 = {0x0F, 0x06};
  clts_then_fld1.insert(clts_then_fld1.end(), kFld1.begin(), kFld1.end());
  CHECK(f.Run(clts_then_fld1) == -1);
  CHECK((f.cpu.state().cr0 & kTs) == 0);
}

TEST_CASE("CR0.EM: x87 and MMX raise #NM / #UD, SSE #UD; CR4.OSFXSR clear: SSE #UD, MMX runs") {
  Fpu f;
  const uint64_t cr0 = f.cpu.state().cr0, cr4 = f.cpu.state().cr4;
  f.SetControl(cr0 | kEm, cr4);
  CHECK(f.Run(kFld1) == kNM);
  CHECK(f.Run(kPaddbMmx) == kUD);
  CHECK(f.Run(kMovaps) == kUD);
  f.SetControl(cr0, cr4 & ~kOsfxsr);
  CHECK(f.Run(kMovaps) == kUD);
  CHECK(f.Run(kPaddbMmx) == -1);
  CHECK(f.Run(kFld1) == -1);
}

TEST_CASE("CR0.NE: an unmasked x87 exception raises #MF at the next waiting instruction") {
  Fpu f;
  f.PendZeroDivide();
  CHECK((f.cpu.state().fpu.fsw & 0x84) == 0x84);  // ES and ZE set
  CHECK(f.Run(kFwait) == kMF);
  CHECK(f.Run(kFld1) == kMF);
  // Non-waiting forms do not check: FNSTSW AX, FNCLEX; after FNCLEX the error is gone.
  CHECK(f.Run({0xDF, 0xE0, 0xDB, 0xE2}) == -1);
  CHECK(f.Run(kFwait) == -1);
}

TEST_CASE("CR0.NE clear: a pending x87 exception signals FERR# (IRQ13 on a PC) and goes on") {
  Fpu f;
  int ferr = 0;
  f.cpu.on_fpu_error = [&] { ++ferr; };
  f.SetControl(f.cpu.state().cr0 & ~kNe, f.cpu.state().cr4);
  f.PendZeroDivide();
  CHECK(ferr == 0);  // signalled at the next waiting instruction, not by the faulting one
  CHECK(f.Run(kFwait) == -1);
  CHECK(ferr == 1);
  CHECK(f.Run(kFld1) == -1);  // IGNNE#: the instruction runs
  CHECK(ferr == 2);
  CHECK(f.Run({0xDB, 0xE2, 0x9B}) == -1);  // FNCLEX, then FWAIT: nothing pending
  CHECK(ferr == 2);
}

TEST_CASE("CR4.OSXSAVE gates XGETBV/XSETBV and shows in CPUID; XSETBV validates XCR0") {
  Fpu f;
  const uint64_t cr0 = f.cpu.state().cr0, cr4 = f.cpu.state().cr4;
  f.Reg(kRcx) = 0;
  CHECK(f.Run(kXgetbv) == kUD);
  f.Reg(kRax) = 1;
  f.Reg(kRcx) = 0;
  CHECK(f.Run({0x0F, 0xA2}) == -1);        // cpuid leaf 1
  CHECK((f.Reg(kRcx) & (1u << 26)) != 0);  // XSAVE supported
  CHECK((f.Reg(kRcx) & (1u << 27)) == 0);  // OSXSAVE off
  f.SetControl(cr0, cr4 | kOsxsave);
  f.Reg(kRax) = 1;
  f.Reg(kRcx) = 0;
  CHECK(f.Run({0x0F, 0xA2}) == -1);
  CHECK((f.Reg(kRcx) & (1u << 27)) != 0);
  // CPUID leaf 0DH: x87|SSE, 576-byte area.
  f.Reg(kRax) = 0xD;
  f.Reg(kRcx) = 0;
  CHECK(f.Run({0x0F, 0xA2}) == -1);
  CHECK(f.Reg(kRax) == 3);
  CHECK(f.Reg(kRcx) == 576);
  // XSETBV: x87|SSE accepted; SSE without x87, AVX (unsupported) and ECX != 0 are #GP(0).
  auto xsetbv = [&](uint64_t value, uint32_t xcr) {
    f.Reg(kRcx) = xcr;
    f.Reg(kRdx) = value >> 32;
    std::vector<uint8_t> code = {0x48, 0xB8};  // mov rax, imm64 (RAX is set by Run)
    for (int i = 0; i < 8; ++i) code.push_back(static_cast<uint8_t>(value >> (8 * i)));
    code.insert(code.end(), kXsetbv.begin(), kXsetbv.end());
    return f.Run(code, 10);
  };
  CHECK(xsetbv(3, 0) == -1);
  f.Reg(kRcx) = 0;
  CHECK(f.Run({0x0F, 0x01, 0xD0}) == -1);
  CHECK(f.Reg(kRax) == 3);
  CHECK(f.Reg(kRdx) == 0);
  CHECK(xsetbv(2, 0) == kGP);
  CHECK(xsetbv(7, 0) == kGP);
  CHECK(xsetbv(3, 1) == kGP);
  f.Reg(kRcx) = 1;
  CHECK(f.Run(kXgetbv) == kGP);  // XGETBV ECX=1 needs CPUID.(0DH,1):EAX[2]
}

}  // namespace
