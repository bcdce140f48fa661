// Single-step traps (RFLAGS.TF, SDM Vol. 3A 18.3.1.4), BOUND (#BR) and alignment checking
// (#AC, SDM Vol. 3A 6.15 Interrupt 17).

#include <doctest/doctest.h>

#include "tests/unit/cpu/protected_fixture.h"

using namespace vireo::x86;
using vireo::x86::test::Protected;
using vireo::x86::test::Put;

namespace {

constexpr uint64_t kCounter = 0x5000, kHandler = 0x200000;

/// A #DB handler that counts into kCounter and returns.
void CountingDebugHandler(Protected& f) {
  f.SetGate(1, kHandler);
  f.Load(kHandler, {0xFF, 0x05, 0x00, 0x50, 0x00, 0x00, 0xCF});  // inc dword [0x5000] ; iret
}

// pushfd ; pushfd ; or dword [esp], 0x100 ; popfd: TF set, the original flags still pushed.
const std::vector<uint8_t> kSetTf = {0x9C, 0x9C, 0x81, 0x0C, 0x24, 0x00, 0x01, 0x00, 0x00, 0x9D};

std::vector<uint8_t> Concat(std::vector<uint8_t> a, const std::vector<uint8_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

TEST_CASE("TF: a #DB trap after each instruction that starts with TF set, with DR6.BS") {
  Protected f;
  CountingDebugHandler(f);
  // No trap after the POPF that sets TF; one after nop, inc, and the POPF that clears TF.
  REQUIRE(f.RunCode(Concat(kSetTf, {0x90, 0x40, 0x9D, 0x90})) == StopReason::kHalted);
  CHECK(f.Peek<uint32_t>(kCounter) == 3);
  CHECK((f.cpu.state().dr[6] & 0x4000) != 0);
  CHECK((f.cpu.state().rflags & kTf) == 0);
}

TEST_CASE("TF: INT n takes no single-step trap; stepping resumes after the handler's IRET") {
  Protected f;
  CountingDebugHandler(f);
  f.SetGate(0x40, 0x210000);
  f.Load(0x210000, {0xCF});  // iret: runs with TF clear (the gate cleared it)
  // int 0x40 (no trap), nop (trap), popfd (trap).
  REQUIRE(f.RunCode(Concat(kSetTf, {0xCD, 0x40, 0x90, 0x9D})) == StopReason::kHalted);
  CHECK(f.Peek<uint32_t>(kCounter) == 2);
}

TEST_CASE("TF: a faulting instruction delivers its fault instead of the trap") {
  Protected f;
  CountingDebugHandler(f);
  f.SetGate(6, 0x210000);
  f.Load(0x210000, {0xF4});  // #UD handler: hlt
  REQUIRE(f.RunCode(Concat(kSetTf, {0x0F, 0x0B})) == StopReason::kHalted);
  CHECK(f.Peek<uint32_t>(kCounter) == 0);
  CHECK(f.cpu.state().rip == 0x210001);
}

TEST_CASE("BOUND: #BR (a fault) unless lower <= index <= upper, compared signed") {
  Protected f;
  f.cpu.deliver_exceptions = false;
  Put<int32_t>(f, 0x5000, -5);
  Put<int32_t>(f, 0x5004, 5);
  const std::vector<uint8_t> bound = {0x62, 0x05, 0x00, 0x50, 0x00, 0x00};  // bound eax, [0x5000]
  f.Reg(kRax) = static_cast<uint32_t>(-3);
  CHECK(f.RunCode(bound) == StopReason::kHalted);
  for (int32_t index : {6, -6}) {
    f.Reg(kRax) = static_cast<uint32_t>(index);
    REQUIRE(f.RunCode(bound) == StopReason::kException);
    CHECK(f.cpu.state().exception_vector == kBR);
    CHECK(f.cpu.state().rip == Protected::kCode);
  }
}

TEST_CASE("#AC: misaligned data at CPL 3 with CR0.AM and RFLAGS.AC, error code 0") {
  Protected f;
  f.cpu.deliver_exceptions = false;
  CpuState& s = f.cpu.state();
  const std::vector<uint8_t> code = {0x8B, 0x05, 0x01, 0x50,
                                     0x00, 0x00, 0xF4};  // mov eax, [0x5001]
  f.Load(Protected::kCode, code);
  auto run = [&](bool user, bool am, bool ac) {
    if (user) {
      f.EnterRing3(Protected::kCode, 0x50000);
    } else {
      s.rip = Protected::kCode;
    }
    s.cr0 = am ? s.cr0 | (1u << 18) : s.cr0 & ~uint64_t{1u << 18};
    s.rflags = ac ? 0x40002 : 0x2;
    f.cpu.StateChanged();
    f.cpu.set_halted(false);
    return f.cpu.Run(100);
  };
  // HLT at CPL 3 is #GP: reaching it means the load did not fault.
  REQUIRE(run(true, true, true) == StopReason::kException);
  CHECK(s.exception_vector == kAC);
  CHECK(s.exception_error_code == 0);
  CHECK(s.rip == Protected::kCode);
  REQUIRE(run(true, true, false) == StopReason::kException);
  CHECK(s.exception_vector == kGP);
  REQUIRE(run(true, false, true) == StopReason::kException);
  CHECK(s.exception_vector == kGP);
  f.cpu.state().cpl = 0;
  s.seg[kCs] = {0, 0xFFFFFFFF, 0x08, 0xC09B};
  CHECK(run(false, true, true) == StopReason::kHalted);
}
