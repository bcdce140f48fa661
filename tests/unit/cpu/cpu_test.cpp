// The vCPU as a whole: dispatch, chaining, traces, self-modifying code, exceptions.

#include <doctest/doctest.h>

#include "cpu/x86/translator.h"
#include "jit/ir/passes.h"
#include "tests/unit/cpu/cpu_fixture.h"

using namespace vireo::x86;
using vireo::x86::test::CpuFixture;

TEST_CASE("a loop runs chained: the dispatcher is entered once, not per iteration") {
  CpuFixture f;
  f.Reg(kRcx) = 1000;
  // loop: add rax, 2 ; dec rcx ; jnz loop
  CHECK(f.RunCode({0x48, 0x83, 0xC0, 0x02, 0x48, 0xFF, 0xC9, 0x75, 0xF8}) == StopReason::kHalted);
  CHECK(f.Reg(kRax) == 2000);
  CHECK(f.Reg(kRcx) == 0);
  CHECK(f.cpu.stats().dispatches <= 4);
  CHECK(f.cpu.stats().blocks_run >= 1000);
}

TEST_CASE("dead lazy-flag stores disappear from a straight-line ALU block") {
  CpuFixture f;
  f.Load(CpuFixture::kCode,
         {0x01, 0xD8, 0x29, 0xC8, 0x31, 0xD0, 0xF4});  // add eax,ebx; sub eax,ecx; xor eax,edx
  Translator t(f.cpu.CurrentMode(), [&](uint64_t lin, uint8_t* out, size_t max) {
    std::memcpy(out, f.ram.data() + lin, max);
    return max;
  });
  vireo::ir::Block b = t.Translate(CpuFixture::kCode, 0);
  vireo::ir::Optimize(b);
  std::string ir = vireo::ir::Dump(b);
  // One set of cc stores survives (the XOR's): cc_op is written exactly once.
  size_t first = ir.find("StoreState 0xa8");
  REQUIRE(first != std::string::npos);
  CHECK(ir.find("StoreState 0xa8", first + 1) == std::string::npos);
  CHECK(b.guest_insts == 4);  // the HLT ends the block
}

TEST_CASE("-d in_asm prints each translated block through Capstone; -d op prints its IR") {
  CpuFixture f;
  std::string log;
  f.cpu.trace.in_asm = true;
  f.cpu.trace.op = true;
  f.cpu.trace.sink = [&](const std::string& s) { log += s; };
  f.RunCode({0x48, 0x01, 0xD8});  // add rax, rbx
  CHECK(log.find("IN: 64-bit") != std::string::npos);
  CHECK(log.find("0x0000000000100000:  add rax, rbx") != std::string::npos);
  CHECK(log.find("0x0000000000100003:  hlt") != std::string::npos);
  CHECK(log.find("LoadState") != std::string::npos);
}

TEST_CASE("self-modifying code: a store into the running block's own later instruction") {
  CpuFixture f;
  // mov byte [rip+1], 0x05 ; mov eax, 0x01 (its imm byte at +1 of the next insn is patched) ; hlt
  //   C6 05 disp32 imm8  -> [next_ip + disp] ; next insn: B8 01 00 00 00
  // The first instruction is 7 bytes; the target byte is the imm of the B8 at offset 7+1 = 8,
  // i.e. disp = 8 - 7 = 1.
  CHECK(f.RunCode({0xC6, 0x05, 0x01, 0x00, 0x00, 0x00, 0x05, 0xB8, 0x01, 0x00, 0x00, 0x00}) ==
        StopReason::kHalted);
  CHECK(f.Reg(kRax) == 5);  // the patched immediate ran, not the stale translation
}

TEST_CASE("self-modifying code: rewriting a block that already ran invalidates it") {
  CpuFixture f;
  // A subroutine at 0x200000: mov eax, 1 ; ret. Call it, patch its immediate, call again.
  f.Load(0x200000, {0xB8, 0x01, 0x00, 0x00, 0x00, 0xC3});
  f.Reg(kRsp) = 0x80000;
  f.Reg(kRdi) = 0x200001;
  std::vector<uint8_t> code = {
      0xB9, 0x00, 0x00, 0x20, 0x00,  // mov ecx, 0x200000
      0xFF, 0xD1,                    // call rcx
      0x89, 0xC3,                    // mov ebx, eax
      0xC6, 0x07, 0x07,              // mov byte [rdi], 7
      0xFF, 0xD1,                    // call rcx
  };
  CHECK(f.RunCode(code) == StopReason::kHalted);
  CHECK(f.Reg(kRbx) == 1);
  CHECK(f.Reg(kRax) == 7);
  CHECK(f.cpu.cache().stats().invalidated >= 1);
}

TEST_CASE("exceptions stop the run with a precise state") {
  CpuFixture f;
  f.Reg(kRax) = 5;
  f.Reg(kRbx) = 0x40000000;  // unmapped: the identity map covers 16 MiB
  // inc rax ; mov rcx, [rbx] ; inc rax
  CHECK(f.RunCode({0x48, 0xFF, 0xC0, 0x48, 0x8B, 0x0B, 0x48, 0xFF, 0xC0}) ==
        StopReason::kException);
  CHECK(f.cpu.state().exception_vector == kPF);
  CHECK(f.cpu.state().exception_error_code == 0);  // not present, read, supervisor
  CHECK(f.cpu.state().cr2 == 0x40000000);
  CHECK(f.cpu.state().rip == CpuFixture::kCode + 3);
  CHECK(f.Reg(kRax) == 6);

  CpuFixture g;
  CHECK(g.RunCode({0x0F, 0x0B}) == StopReason::kException);  // ud2
  CHECK(g.cpu.state().exception_vector == kUD);
  CHECK(g.cpu.state().rip == CpuFixture::kCode);
}

TEST_CASE("CPUID reports the vendor and real cache leaves") {
  CpuFixture f;
  f.Reg(kRax) = 0;
  f.RunCode({0x0F, 0xA2});
  char vendor[13] = {};
  std::memcpy(vendor, &f.Reg(kRbx), 4);
  std::memcpy(vendor + 4, &f.Reg(kRdx), 4);
  std::memcpy(vendor + 8, &f.Reg(kRcx), 4);
  CHECK(std::string(vendor) == "GenuineIntel");
  // Leaf 4 subleaf 0: a 32 KiB L1 data cache (ways * partitions * line * sets).
  f.Reg(kRax) = 4;
  f.Reg(kRcx) = 0;
  f.RunCode({0x0F, 0xA2});
  uint64_t ebx = f.Reg(kRbx), ecx = f.Reg(kRcx);
  uint64_t bytes =
      ((ebx >> 22) + 1) * (((ebx >> 12) & 0x3FF) + 1) * ((ebx & 0xFFF) + 1) * (ecx + 1);
  CHECK((f.Reg(kRax) & 0x1F) == 1);
  CHECK(bytes == 32 * 1024);
}
