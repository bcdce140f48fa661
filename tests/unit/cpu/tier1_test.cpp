// The vCPU with tier 1: real x86 code compiled by LLVM (tier=llvm, deterministic) or tiered up
// in the background, including self-modifying code, the instruction budget and eviction.

#include <doctest/doctest.h>

#include <chrono>

#include "tests/unit/cpu/cpu_fixture.h"

using namespace vireo::x86;
using vireo::x86::test::CpuFixture;
using vireo::jit::TierMode;
using vireo::jit::TierOptions;

namespace {
// loop: add rax, 2 ; dec rcx ; jnz loop
const std::vector<uint8_t> kLoop = {0x48, 0x83, 0xC0, 0x02, 0x48, 0xFF, 0xC9, 0x75, 0xF7};
}  // namespace

TEST_CASE("tier=llvm: a loop runs as compiled code, its back-edge inside the region") {
  CpuFixture f;
  f.cpu.SetTiers({TierMode::kLlvm});
  f.Reg(kRcx) = 100000;
  f.Reg(kRax) = 0x123400000000;  // upper bits must survive
  CHECK(f.RunCode(kLoop) == StopReason::kHalted);
  CHECK(f.Reg(kRax) == 0x123400000000 + 200000);
  CHECK(f.Reg(kRcx) == 0);
  CHECK(f.cpu.stats().native_insts >= 300000);
  // The loop never went back to the dispatcher per iteration.
  CHECK(f.cpu.stats().native_runs < 10);
  REQUIRE(f.cpu.tier1() != nullptr);
  CHECK(f.cpu.tier1()->stats().regions_installed >= 2);  // the loop, the HLT
}

TEST_CASE("tier=llvm: the instruction budget ends a compiled endless loop") {
  CpuFixture f;
  f.cpu.SetTiers({TierMode::kLlvm});
  // inc rax ; jmp back
  CHECK(f.RunCode({0x48, 0xFF, 0xC0, 0xEB, 0xFB}, 50000) == StopReason::kInstructionLimit);
  CHECK(f.Reg(kRax) >= 24000);
  CHECK(f.Reg(kRax) <= 25001);
}

TEST_CASE("tier=llvm: self-modifying code invalidates the compiled region") {
  CpuFixture f;
  f.cpu.SetTiers({TierMode::kLlvm});
  // 0:  mov ecx, 100
  // 5:  add eax, 1          <- its immediate (offset 7) is patched to 5
  // 8:  dec ecx ; jnz 5
  // 12: cmp ebx, 0 ; jne 31
  // 17: mov ebx, 1
  // 22: mov byte [rip-22], 5  (offset 7)
  // 29: jmp 0
  // 31: hlt
  CHECK(f.RunCode({0xB9, 0x64, 0, 0, 0, 0x83, 0xC0, 0x01, 0xFF, 0xC9, 0x75, 0xF9, 0x83, 0xFB, 0x00,
                   0x75, 0x0E, 0xBB, 0x01, 0, 0, 0, 0xC6, 0x05, 0xEA, 0xFF, 0xFF, 0xFF, 0x05,
                   0xEB, 0xE1}) == StopReason::kHalted);
  CHECK(f.Reg(kRax) == 100 * 1 + 100 * 5);
  CHECK(f.cpu.cache().stats().native_invalidated >= 1);
}

TEST_CASE("tier=llvm: a one-byte code cache evicts old regions and stays correct") {
  CpuFixture f;
  TierOptions o{TierMode::kLlvm};
  o.code_limit = 1;
  f.cpu.SetTiers(o);
  f.Reg(kRcx) = 1000;
  CHECK(f.RunCode(kLoop) == StopReason::kHalted);
  CHECK(f.Reg(kRax) == 2000);
  CHECK(f.cpu.tier1()->stats().regions_evicted >= 1);
}

TEST_CASE("tiered: a hot loop moves to tier 1 while it runs, without a stop") {
  CpuFixture f;
  TierOptions o{TierMode::kTiered};
  o.threshold = 100;
  f.cpu.SetTiers(o);
  const uint64_t n = 4'000'000'000;
  f.Reg(kRcx) = n;
  std::vector<uint8_t> code = kLoop;
  code.push_back(0xF4);
  f.Load(CpuFixture::kCode, code);
  f.cpu.FlushTranslations();
  f.cpu.state().rip = CpuFixture::kCode;
  // Slices of 100,000 instructions until the background compile lands (or 30 s pass).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (f.cpu.stats().native_runs == 0 && std::chrono::steady_clock::now() < deadline)
    REQUIRE(f.cpu.Run(100'000) == StopReason::kInstructionLimit);
  REQUIRE(f.cpu.stats().native_runs > 0);
  // Both tiers kept the same registers across the switch.
  CHECK(f.Reg(kRax) == 2 * (n - f.Reg(kRcx)));
  f.Reg(kRcx) = 12345;  // finish quickly
  const uint64_t rax = f.Reg(kRax);
  CHECK(f.cpu.Run(1'000'000) == StopReason::kHalted);
  CHECK(f.Reg(kRax) == rax + 2 * 12345);
}

TEST_CASE("tier=llvm: the live-region limit evicts too (host mappings are finite)") {
  CpuFixture f;
  TierOptions o{TierMode::kLlvm};
  o.max_regions = 1;
  f.cpu.SetTiers(o);
  f.Reg(kRcx) = 1000;
  CHECK(f.RunCode(kLoop) == StopReason::kHalted);
  CHECK(f.Reg(kRax) == 2000);
  CHECK(f.cpu.tier1()->stats().regions_evicted >= 1);
  const auto& k = f.cpu.tier1()->compiler_stats();
  CHECK(k.compiled.load() - k.released.load() <= 1);
}
