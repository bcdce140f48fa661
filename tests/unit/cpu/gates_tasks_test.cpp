// Call gates and task switches (SDM Vol. 3A 5.8 "Privilege Level Checking When Transferring
// Program Control Between Code Segments", chapter 7 "Task Management").

#include <doctest/doctest.h>

#include "tests/unit/cpu/protected_fixture.h"

using namespace vireo::x86;
using vireo::x86::test::CpuFixture;
using vireo::x86::test::Descriptor;
using vireo::x86::test::Gate32;
using vireo::x86::test::Protected;
using vireo::x86::test::Put;

namespace {

/// Protected mode plus GDT slots from 0x30 on, which the tests fill.
struct Gates : Protected {
  static constexpr uint64_t kTss2 = 0xB000;
  Gates() { cpu.state().gdtr.limit = 16 * 8 - 1; }
  void SetGdt(uint16_t selector, uint64_t descriptor) {
    Put(*this, kGdt + (selector & 0xFFF8), descriptor);
  }
  /// A second 32-bit TSS at kTss2 (selector 0x40) that starts ring-0 code at `eip`.
  void SecondTask(uint32_t eip, uint8_t access = 0x89) {
    SetGdt(0x40, Descriptor(kTss2, 0x67, access, 0));
    Put<uint32_t>(*this, kTss2 + 0x20, eip);      // EIP
    Put<uint32_t>(*this, kTss2 + 0x24, 0x2);      // EFLAGS
    Put<uint32_t>(*this, kTss2 + 0x38, 0x58000);  // ESP
    Put<uint16_t>(*this, kTss2 + 0x4C, 0x08);     // CS
    for (uint32_t off : {0x48u, 0x50u, 0x54u}) Put<uint16_t>(*this, kTss2 + off, 0x10);
    // The running task's descriptor is busy, as LTR leaves it.
    SetGdt(0x28, Descriptor(kTss, 0x67, 0x8B, 0));
  }
  uint8_t AccessByte(uint16_t selector) { return Peek<uint8_t>(kGdt + (selector & 0xFFF8) + 5); }
};

}  // namespace

TEST_CASE("call gate: ring 3 -> ring 0 copies parameters to the TSS stack; RETF n returns") {
  Gates f;
  // A 32-bit call gate, DPL 3, two parameters, to 08:00200000.
  f.SetGdt(0x30, Gate32(0x200000, 0x08, 0xC, 3) | (uint64_t{2} << 32));
  // push 0x11111111 ; push 0x22222222 ; call far 0x33:0 ; mov eax, cs ; ud2
  f.Load(0x100000, {0x68, 0x11, 0x11, 0x11, 0x11, 0x68, 0x22, 0x22, 0x22, 0x22, 0x9A,
                    0,    0,    0,    0,    0x33, 0x00, 0x8C, 0xC8, 0x0F, 0x0B});
  // mov ebx,[esp+8] ; mov ecx,[esp+12] ; mov edx,[esp+16] ; mov esi,cs ; mov edi,esp ; retf 8
  f.Load(0x200000, {0x8B, 0x5C, 0x24, 0x08, 0x8B, 0x4C, 0x24, 0x0C, 0x8B, 0x54, 0x24, 0x10, 0x8C,
                    0xCE, 0x89, 0xE7, 0xCA, 0x08, 0x00});
  f.SetGate(6, 0x400000);
  f.Load(0x400000, {0xF4});
  f.cpu.FlushTranslations();
  f.EnterRing3(0x100000, 0x50000);
  REQUIRE(f.cpu.Run(1000) == StopReason::kHalted);
  CHECK(f.Reg(kRbx) == 0x22222222);  // the parameter on top of the old stack stays on top
  CHECK(f.Reg(kRcx) == 0x11111111);
  CHECK(f.Reg(kRdx) == 0x50000 - 8);      // the caller's ESP, below its parameters
  CHECK((f.Reg(kRsi) & 0xFFFF) == 0x08);  // ran in ring 0
  CHECK(f.Reg(kRdi) == 0x70000 - 24);     // SS, ESP, 2 parameters, CS, EIP on the ring-0 stack
  CHECK(f.Peek<uint32_t>(0x70000 - 4) == 0x23);     // the caller's SS
  CHECK((f.Reg(kRax) & 0xFFFF) == 0x1B);            // back in ring 3
  CHECK(f.Peek<uint32_t>(0x70000 - 8) == 0x50000);  // #UD saw ESP with the parameters released
}

TEST_CASE("16-bit call gate: word-sized pushes and parameter copy; RETF 2 with a 16-bit operand") {
  Gates f;
  // A 16-bit call gate (type 4), DPL 3, one word parameter, to 08:D000.
  f.SetGdt(0x30, Gate32(0xD000, 0x08, 0x4, 3) | (uint64_t{1} << 32));
  // push word 0x5555 ; call far 0x33:0 ; mov eax, cs ; ud2
  f.Load(0xC000, {0x66, 0x68, 0x55, 0x55, 0x9A, 0, 0, 0, 0, 0x33, 0x00, 0x8C, 0xC8, 0x0F, 0x0B});
  // movzx ebx, word [esp+4] ; movzx ecx, word [esp+6] ; movzx edx, word [esp+8] ;
  // mov edi, esp ; movzx esi, word [esp] ; o16 retf 2
  f.Load(0xD000, {0x0F, 0xB7, 0x5C, 0x24, 0x04, 0x0F, 0xB7, 0x4C, 0x24, 0x06, 0x0F, 0xB7, 0x54,
                  0x24, 0x08, 0x89, 0xE7, 0x0F, 0xB7, 0x34, 0x24, 0x66, 0xCA, 0x02, 0x00});
  f.SetGate(6, 0x400000);
  f.Load(0x400000, {0xF4});
  f.cpu.FlushTranslations();
  f.EnterRing3(0xC000, 0xF000);
  REQUIRE(f.cpu.Run(1000) == StopReason::kHalted);
  CHECK(f.Reg(kRbx) == 0x5555);                    // the copied parameter
  CHECK(f.Reg(kRcx) == 0xEFFE);                    // the caller's SP
  CHECK(f.Reg(kRdx) == 0x23);                      // the caller's SS
  CHECK(f.Reg(kRdi) == 0x70000 - 10);              // five words on the ring-0 stack
  CHECK(f.Reg(kRsi) == 0xC00B);                    // IP after the CALL
  CHECK((f.Reg(kRax) & 0xFFFF) == 0x1B);           // back in ring 3
  CHECK(f.Peek<uint32_t>(0x70000 - 8) == 0xF000);  // RETF 2 released the parameter
}

TEST_CASE("call gate: DPL below CPL is #GP(gate); JMP through a gate keeps the privilege") {
  Gates f;
  f.SetGdt(0x30, Gate32(0x200000, 0x08, 0xC, 0));  // DPL 0
  f.SetGdt(0x38, Gate32(0x300000, 0x08, 0xC, 0));
  f.SetGate(13, 0x400000);
  f.Load(0x400000, {0xF4});
  SUBCASE("ring 3 through a DPL-0 gate") {
    f.Load(0x100000, {0x9A, 0, 0, 0, 0, 0x33, 0x00});  // call far 0x33:0
    f.cpu.FlushTranslations();
    f.EnterRing3(0x100000, 0x50000);
    REQUIRE(f.cpu.Run(1000) == StopReason::kHalted);
    CHECK(f.Peek<uint32_t>(0x70000 - 24) == 0x30);  // the error code names the gate
    CHECK(f.Peek<uint32_t>(0x70000 - 20) == 0x100000);
  }
  SUBCASE("ring 0 jumps through a gate; the offset operand is ignored") {
    // jmp far 0x38:0x12345678 ; the gate's target: mov eax, cs ; hlt
    f.Load(0x100000, {0xEA, 0x78, 0x56, 0x34, 0x12, 0x38, 0x00});
    f.Load(0x300000, {0x8C, 0xC8, 0xF4});
    f.cpu.FlushTranslations();
    f.cpu.state().rip = 0x100000;
    REQUIRE(f.cpu.Run(1000) == StopReason::kHalted);
    CHECK(f.cpu.state().rip == 0x300003);
    CHECK((f.Reg(kRax) & 0xFFFF) == 0x08);
    CHECK(f.Reg(kRsp) == 0x60000);  // a JMP pushes nothing
  }
  SUBCASE("a not-present gate is #NP(gate)") {
    f.SetGdt(0x38, Gate32(0x300000, 0x08, 0xC, 0) & ~(uint64_t{0x80} << 40));
    f.SetGate(11, 0x400000);
    f.Load(0x100000, {0xEA, 0, 0, 0, 0, 0x38, 0x00});
    f.cpu.FlushTranslations();
    f.cpu.state().rip = 0x100000;
    REQUIRE(f.cpu.Run(1000) == StopReason::kHalted);
    CHECK(f.Peek<uint32_t>(0x60000 - 16) == 0x38);
  }
}

TEST_CASE("64-bit call gate: CALL through a 16-byte gate pushes CS and RIP as quadwords") {
  CpuFixture f;
  CpuState& s = f.cpu.state();
  // Null, null, 0x10 64-bit code, 0x18 data, 0x20 64-bit gate (two slots) to 0x10:0x200000.
  uint64_t gdt[] = {0,
                    0,
                    0x00AF9B000000FFFFull,
                    0x00CF93000000FFFFull,
                    (0x200000 & 0xFFFF) | (uint64_t{0x10} << 16) | (uint64_t{0x8C} << 40) |
                        (uint64_t{0x200000 >> 16} << 48),
                    0};
  std::memcpy(f.ram.data() + 0x8000, gdt, sizeof gdt);
  s.gdtr = {0x8000, sizeof gdt - 1, 0};
  f.Reg(kRsp) = 0x60000;
  Put<uint16_t>(f, 0x7004, 0x20);  // m16:32 far pointer at 0x7000: offset (ignored), selector
  // mov rax, [rsp] ; mov rbx, [rsp+8] ; hlt
  f.Load(0x200000, {0x48, 0x8B, 0x04, 0x24, 0x48, 0x8B, 0x5C, 0x24, 0x08, 0xF4});
  // call far [0x7000]
  REQUIRE(f.RunCode({0xFF, 0x1C, 0x25, 0x00, 0x70, 0x00, 0x00}) == StopReason::kHalted);
  CHECK(s.rip == 0x20000A);
  CHECK(f.Reg(kRax) == CpuFixture::kCode + 7);
  CHECK(f.Reg(kRbx) == 0x10);
  CHECK(f.Reg(kRsp) == 0x60000 - 16);
}

TEST_CASE("task switch: CALL to a TSS nests the task; IRET returns through the back link") {
  Gates f;
  f.SecondTask(0x300000);
  // mov eax, 0x1234 ; call far 0x40:0 ; hlt
  f.Load(0x100000, {0xB8, 0x34, 0x12, 0, 0, 0x9A, 0, 0, 0, 0, 0x40, 0x00, 0xF4});
  // mov ecx, 0xBEEF ; pushfd ; pop edx ; iretd
  f.Load(0x300000, {0xB9, 0xEF, 0xBE, 0, 0, 0x9C, 0x5A, 0xCF});
  f.cpu.FlushTranslations();
  f.cpu.state().rip = 0x100000;
  REQUIRE(f.cpu.Run(1000) == StopReason::kHalted);
  CpuState& s = f.cpu.state();
  CHECK(s.tr.selector == 0x28);
  CHECK(s.rip == 0x10000D);      // after the CALL's HLT
  CHECK(f.Reg(kRax) == 0x1234);  // the caller's registers came back from its TSS
  CHECK(f.Reg(kRsp) == 0x60000);
  CHECK((s.rflags & kNt) == 0);
  CHECK((s.cr0 & 8) != 0);  // CR0.TS
  const uint64_t b = Gates::kTss2;
  CHECK(f.Peek<uint16_t>(b) == 0x28);                           // the back link
  CHECK(f.Peek<uint32_t>(b + 0x2C) == 0xBEEF);                  // ECX saved by the IRET
  CHECK((f.Peek<uint32_t>(b + 0x30) & kNt) != 0);               // EDX: the nested task saw NT
  CHECK((f.Peek<uint32_t>(b + 0x24) & kNt) == 0);               // IRET saves EFLAGS with NT clear
  CHECK(f.Peek<uint32_t>(b + 0x20) == 0x300008);                // EIP after the IRET
  CHECK(f.Peek<uint32_t>(Protected::kTss + 0x20) == 0x10000C);  // the CALL saved its return
  CHECK(f.AccessByte(0x40) == 0x89);  // IRET left the nested task available
  CHECK(f.AccessByte(0x28) == 0x8B);  // and the caller busy
}

TEST_CASE("task switch: JMP to a TSS frees the old task and does not nest") {
  Gates f;
  f.SecondTask(0x300000);
  f.Load(0x100000, {0xEA, 0, 0, 0, 0, 0x40, 0x00});  // jmp far 0x40:0
  f.Load(0x300000, {0x8C, 0xD3, 0xF4});              // mov ebx, ss ; hlt
  f.cpu.FlushTranslations();
  f.cpu.state().rip = 0x100000;
  REQUIRE(f.cpu.Run(1000) == StopReason::kHalted);
  CpuState& s = f.cpu.state();
  CHECK(s.tr.selector == 0x40);
  CHECK((f.Reg(kRbx) & 0xFFFF) == 0x10);
  CHECK(f.Reg(kRsp) == 0x58000);
  CHECK((s.rflags & kNt) == 0);
  CHECK(f.AccessByte(0x28) == 0x89);
  CHECK(f.AccessByte(0x40) == 0x8B);
  CHECK(f.Peek<uint16_t>(Gates::kTss2) == 0);  // no back link
}

TEST_CASE("task switch: a busy TSS target is #GP, and a task gate in the IDT handles #GP") {
  Gates f;
  // The handler for #GP is a task: it receives the error code on its own stack.
  f.SecondTask(0x300000);
  Put(f, Protected::kIdt + 13 * 8, (uint64_t{0x40} << 16) | (uint64_t{0x85} << 40));
  f.Load(0x300000, {0x58, 0xF4});  // pop eax ; hlt
  uint32_t error = 0;
  SUBCASE("a selector beyond the GDT faults into the task") {
    // mov ax, 0x1234 ; mov ds, ax
    f.Load(0x100000, {0x66, 0xB8, 0x34, 0x12, 0x8E, 0xD8});
    error = 0x1234;
  }
  SUBCASE("a JMP to the running (busy) task's TSS") {
    // mov ax, 0x1230 ; jmp far 0x28:0
    f.Load(0x100000, {0x66, 0xB8, 0x30, 0x12, 0xEA, 0, 0, 0, 0, 0x28, 0x00});
    error = 0x28;
  }
  f.cpu.FlushTranslations();
  f.cpu.state().rip = 0x100000;
  REQUIRE(f.cpu.Run(1000) == StopReason::kHalted);
  CpuState& s = f.cpu.state();
  CHECK(s.tr.selector == 0x40);
  CHECK((s.rflags & kNt) != 0);
  CHECK(f.Peek<uint16_t>(Gates::kTss2) == 0x28);
  CHECK(f.Peek<uint32_t>(Protected::kTss + 0x20) == 0x100004);  // the faulting instruction
  CHECK(f.Reg(kRax) == error);                                  // popped in the new task
  CHECK(f.Peek<uint32_t>(Protected::kTss + 0x28) == 0x1230 + (error == 0x1234 ? 4 : 0));
}
