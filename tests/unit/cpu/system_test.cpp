// System instructions (translate_system.cpp, msr.cpp): control/debug registers, descriptor
// tables, MSRs, fast system calls, interrupt flag and port I/O, each with its #GP/#UD rules.

#include <doctest/doctest.h>

#include <map>

#include "cpu/x86/msr.h"
#include "tests/unit/cpu/cpu_fixture.h"

using namespace vireo::x86;
using vireo::x86::test::CpuFixture;

TEST_CASE("MOV CR0 reads CR0") {
  CpuFixture f;
  REQUIRE(f.RunCode({0x0F, 0x20, 0xC0}) == StopReason::kHalted);  // mov rax, cr0
  CHECK(f.Reg(kRax) == f.cpu.state().cr0);
}
