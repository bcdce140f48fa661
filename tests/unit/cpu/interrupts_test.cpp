// Exception and interrupt delivery, IRET (SDM Vol. 3A chapter 6, 20.1.4).

#include "cpu/x86/interrupts.h"

#include <doctest/doctest.h>

#include "tests/unit/cpu/protected_fixture.h"

using namespace vireo::x86;
using vireo::x86::test::CpuFixture;
using vireo::x86::test::Descriptor;
using vireo::x86::test::Protected;
using vireo::x86::test::Put;

namespace {

/// One pending request; like an 8259, INTR drops once it is acknowledged.
struct FakePic : vireo::machine::InterruptController {
  CpuState* state = nullptr;
  uint8_t vector = 0x30;
  int acks = 0;
  uint8_t Acknowledge() override {
    ++acks;
    state->interrupt_request &= ~kIrqPending;
    return vector;
  }
};

}  // namespace

TEST_CASE("real mode: INT n goes through the IVT and IRET returns") {
  CpuFixture f;
  f.cpu.Reset();
  f.cpu.deliver_exceptions = true;
  CpuState& s = f.cpu.state();
  s.seg[kCs] = {0x10000, 0xFFFF, 0x1000, 0x9B};
  s.seg[kSs] = {0x20000, 0xFFFF, 0x2000, 0x93};
  s.gpr[kRsp] = 0x100;
  Put<uint32_t>(f, 0x21 * 4, 0x30000000 | 0x0050);  // vector 0x21 -> 3000:0050
  f.Load(0x30050, {0xB3, 0x77, 0xCF});              // mov bl, 0x77 ; iret
  f.Load(0x10000, {0xCD, 0x21, 0xF4});              // int 0x21 ; hlt
  s.rip = 0;
  s.rflags = 0x202;
  REQUIRE(f.cpu.Run(100) == StopReason::kHalted);
  CHECK((f.Reg(kRbx) & 0xFF) == 0x77);
  CHECK(s.rip == 3);
  CHECK(s.gpr[kRsp] == 0x100);
  // The handler ran with IF clear; the pushed image had IF set and IRET restored it.
  CHECK(f.Peek<uint16_t>(0x20000 + 0xFA) == 0x0002);  // pushed IP (after the INT)
  CHECK((s.rflags & kIf) != 0);
}

TEST_CASE("protected mode: a fault in ring 3 switches to the ring-0 stack from the TSS") {
  Protected f;
  f.SetGate(0, 0x200000);                            // #DE handler
  f.Load(0x200000, {0x8B, 0x44, 0x24, 0x00, 0xF4});  // mov eax, [esp] ; hlt
  f.Load(0x100000, {0x31, 0xC9, 0xF7, 0xF1});        // xor ecx, ecx ; div ecx
  f.cpu.FlushTranslations();
  f.EnterRing3(0x100000, 0x50000);
  f.cpu.state().rflags = 0x202;
  REQUIRE(f.cpu.Run(1000) == StopReason::kHalted);
  CpuState& s = f.cpu.state();
  CHECK(s.cpl == 0);
  CHECK(s.seg[kSs].selector == 0x10);
  CHECK(s.gpr[kRsp] == 0x70000 - 20);               // EIP, CS, EFLAGS, ESP, SS
  CHECK(f.Reg(kRax) == 0x100002);                   // the faulting DIV's address was pushed
  CHECK(f.Peek<uint32_t>(0x70000 - 16) == 0x1B);    // CS
  CHECK(f.Peek<uint32_t>(0x70000 - 8) == 0x50000);  // old ESP
  CHECK(f.Peek<uint32_t>(0x70000 - 4) == 0x23);     // old SS
  CHECK((s.rflags & kIf) == 0);                     // interrupt gate
}

TEST_CASE("protected mode: INT from ring 3 needs gate DPL 3; IRET returns to ring 3") {
  Protected f;
  f.SetGate(0x80, 0x200000, 0xF, 3);  // trap gate, DPL 3
  f.SetGate(0x81, 0x200000, 0xE, 0);  // DPL 0: #GP from ring 3
  f.SetGate(13, 0x300000);
  f.Load(0x200000, {0xB8, 0x2A, 0x00, 0x00, 0x00, 0xCF});  // mov eax, 42 ; iret
  f.Load(0x300000, {0x8B, 0x1C, 0x24, 0xF4});              // mov ebx, [esp] (error code) ; hlt
  f.Load(0x100000, {0xCD, 0x80, 0x89, 0xC6, 0xCD, 0x81});  // int 0x80 ; mov esi, eax ; int 0x81
  f.cpu.FlushTranslations();
  f.EnterRing3(0x100000, 0x50000);
  f.cpu.state().rflags = 0x202;
  REQUIRE(f.cpu.Run(1000) == StopReason::kHalted);
  CHECK(f.Reg(kRsi) == 42);            // the handler ran and IRET came back to ring 3
  CHECK(f.Reg(kRbx) == 0x81 * 8 + 2);  // #GP(vector*8+2): IDT, not external
  // Ring 3 -> 0 with an error code: SS, ESP, EFLAGS, CS, EIP, error (24 bytes).
  CHECK(f.Peek<uint32_t>(0x70000 - 24) == 0x81 * 8 + 2);
  CHECK(f.Peek<uint32_t>(0x70000 - 20) == 0x100004);  // the INT 0x81 itself faulted
}

TEST_CASE("a missing #GP handler escalates: #NP in delivery -> #DF, and a failed #DF shuts down") {
  Protected f;
  f.SetGate(8, 0x200000);
  f.Load(0x200000, {0xF4});
  f.Load(0x100000, {0xCD, 0x40});  // int 0x40: gate not present -> #NP(0x40*8+2)
  f.cpu.FlushTranslations();
  f.cpu.state().rip = 0x100000;
  // #NP's own gate is absent too: #NP during #NP delivery is contributory on contributory.
  REQUIRE(f.cpu.Run(100) == StopReason::kHalted);
  CHECK(f.cpu.state().rip == 0x200001);
  Protected g;
  g.Load(0x100000, {0x0F, 0x0B});  // ud2 with an empty IDT: #UD -> #GP -> #DF -> shutdown
  g.cpu.FlushTranslations();
  g.cpu.state().idtr.limit = 0;
  g.cpu.state().rip = 0x100000;
  CHECK(g.cpu.Run(100) == StopReason::kShutdown);
}

TEST_CASE("64-bit mode: #PF through an IST stack with error code and CR2; IRETQ") {
  CpuFixture f;
  f.cpu.deliver_exceptions = true;
  CpuState& s = f.cpu.state();
  constexpr uint64_t kGdt = 0x8000, kIdt = 0x9000, kTss = 0xA000;
  uint64_t gdt[] = {0, 0, Descriptor(0, 0xFFFFF, 0x9B, 0xA), Descriptor(0, 0xFFFFF, 0x93, 0xC)};
  std::memcpy(f.ram.data() + kGdt, gdt, sizeof gdt);
  s.gdtr = {kGdt, sizeof gdt - 1, 0};
  s.idtr = {kIdt, 256 * 16 - 1, 0};
  s.tr = {kTss, 0x67, 0x28, 0x8B};
  Put<uint64_t>(f, kTss + 0x24, 0x7F008);  // IST1 (misaligned on purpose: aligned down to 16)
  uint64_t handler = 0x200000;
  uint64_t lo = (handler & 0xFFFF) | (uint64_t{0x10} << 16) | (uint64_t{1} << 32) |
                (uint64_t{0x8E} << 40) | (((handler >> 16) & 0xFFFF) << 48);
  Put<uint64_t>(f, kIdt + 14 * 16, lo);
  Put<uint64_t>(f, kIdt + 14 * 16 + 8, handler >> 32);
  // handler: mov rbx, [rsp] (error code) ; mov rcx, cr2? (not available yet): add rsp, 8 ;
  // mov qword [rsp], 0x100010 (resume address) ; iretq
  f.Load(0x200000, {0x48, 0x8B, 0x1C, 0x24, 0x48, 0x83, 0xC4, 0x08, 0x48, 0xC7, 0x04, 0x24, 0x10,
                    0x00, 0x10, 0x00, 0x48, 0xCF});
  f.Load(0x100010, {0xF4});
  f.Reg(kRdx) = 0x40000000;  // unmapped
  f.Reg(kRsp) = 0x60000;
  REQUIRE(f.RunCode({0x48, 0x8B, 0x02}) == StopReason::kHalted);  // mov rax, [rdx]
  CHECK(f.Reg(kRbx) == 0);                                        // not present, read, supervisor
  CHECK(s.cr2 == 0x40000000);
  CHECK(s.rip == 0x100011);
  CHECK(f.Reg(kRsp) == 0x60000);                     // IRETQ restored the interrupted stack
  CHECK(f.Peek<uint64_t>(0x7F000 - 8) == 0x18);      // pushed SS
  CHECK(f.Peek<uint64_t>(0x7F000 - 16) == 0x60000);  // pushed RSP
}

TEST_CASE("an external interrupt wakes HLT when IF is set, through the interrupt controller") {
  Protected f;
  FakePic pic;
  pic.state = &f.cpu.state();
  f.cpu.interrupt_controller = &pic;
  f.SetGate(0x30, 0x200000);
  f.Load(0x200000, {0xBF, 0x99, 0x00, 0x00, 0x00, 0xCF});  // mov edi, 0x99 ; iret
  f.Load(0x100000, {0xF4, 0xF4});                          // hlt ; hlt
  f.cpu.FlushTranslations();
  f.cpu.state().rip = 0x100000;
  f.cpu.state().rflags = 0x202;  // IF set
  CHECK(f.cpu.Run(100) == StopReason::kHalted);
  CHECK(f.cpu.state().rip == 0x100001);
  CHECK(pic.acks == 0);
  f.cpu.state().interrupt_request |= kIrqPending;
  CHECK(f.cpu.Run(100) == StopReason::kHalted);  // handler ran, IRET to the second HLT
  CHECK(pic.acks == 1);
  CHECK(f.Reg(kRdi) == 0x99);
  CHECK(f.cpu.state().rip == 0x100002);
}

TEST_CASE("STI holds off a pending interrupt for exactly one instruction") {
  Protected f;
  FakePic pic;
  pic.state = &f.cpu.state();
  f.cpu.interrupt_controller = &pic;
  f.SetGate(0x30, 0x200000);
  f.Load(0x200000, {0x89, 0xC7, 0xCF});        // mov edi, eax ; iret
  f.Load(0x100000, {0xFB, 0x40, 0x40, 0xF4});  // sti ; inc eax ; inc eax ; hlt
  f.cpu.FlushTranslations();
  f.cpu.state().rip = 0x100000;
  f.cpu.state().rflags = 0x2;  // IF clear
  f.cpu.state().interrupt_request |= kIrqPending;
  CHECK(f.cpu.Run(100) == StopReason::kHalted);
  CHECK(pic.acks == 1);
  CHECK(f.Reg(kRdi) == 1);  // the interrupt came after the first INC, not before it
  CHECK(f.Reg(kRax) == 2);
}

TEST_CASE("real mode: far JMP and far CALL/RETF load CS as selector << 4") {
  CpuFixture f;
  f.cpu.Reset();
  CpuState& s = f.cpu.state();
  s.seg[kCs] = {0x10000, 0xFFFF, 0x1000, 0x9B};
  s.seg[kSs] = {0x20000, 0xFFFF, 0x2000, 0x93};
  s.gpr[kRsp] = 0x100;
  // 1000:0000  call far 3000:0010 ; hlt
  f.Load(0x10000, {0x9A, 0x10, 0x00, 0x00, 0x30, 0xF4});
  // 3000:0010  mov cl, 5 ; retf
  f.Load(0x30010, {0xB1, 0x05, 0xCB});
  s.rip = 0;
  REQUIRE(f.cpu.Run(100) == StopReason::kHalted);
  CHECK((f.Reg(kRcx) & 0xFF) == 5);
  CHECK(s.seg[kCs].selector == 0x1000);
  CHECK(s.rip == 6);
  CHECK(s.gpr[kRsp] == 0x100);
  // jmp far 4000:0000 (EA) lands at linear 0x40000.
  f.Load(0x40000, {0xF4});
  f.Load(0x10000, {0xEA, 0x00, 0x00, 0x00, 0x40});
  f.cpu.FlushTranslations();
  s.rip = 0;
  f.cpu.set_halted(false);
  REQUIRE(f.cpu.Run(100) == StopReason::kHalted);
  CHECK(s.seg[kCs].base == 0x40000);
}

TEST_CASE("protected mode: far CALL/RETF within ring 0 and RETF out to ring 3") {
  Protected f;
  // call far 0x08:0x200000 ; then push ring-3 SS, ESP, CS, EIP and retf into ring 3 at 0x300000
  f.Load(0x100000, {0x9A, 0x00, 0x00, 0x20, 0x00, 0x08, 0x00,  // call far 08:00200000
                    0x6A, 0x23, 0x68, 0x00, 0x00, 0x05, 0x00,  // push 0x23 ; push 0x50000
                    0x6A, 0x1B, 0x68, 0x00, 0x00, 0x30, 0x00,  // push 0x1b ; push 0x300000
                    0xCB});                                    // retf
  f.Load(0x200000, {0xB2, 0x07, 0xCB});                        // mov dl, 7 ; retf
  f.Load(0x300000, {0x8C, 0xCB, 0x0F, 0x0B});                  // mov ebx, cs ; ud2
  f.SetGate(6, 0x400000);
  f.Load(0x400000, {0xF4});
  f.cpu.FlushTranslations();
  f.cpu.state().rip = 0x100000;
  REQUIRE(f.cpu.Run(1000) == StopReason::kHalted);
  CHECK((f.Reg(kRdx) & 0xFF) == 7);                 // the far CALL returned
  CHECK((f.Reg(kRbx) & 0xFFFF) == 0x1B);            // ran at ring 3
  CHECK(f.Peek<uint32_t>(0x70000 - 8) == 0x50000);  // #UD from ring 3 pushed the ring-3 ESP
}

TEST_CASE("64-bit mode: push cs; push target; lretq reloads CS as Linux's startup does") {
  CpuFixture f;
  CpuState& s = f.cpu.state();
  uint64_t gdt[] = {0, 0, 0x00AF9B000000FFFFull, 0x00CF93000000FFFFull, 0x00AF9B000000FFFFull};
  std::memcpy(f.ram.data() + 0x8000, gdt, sizeof gdt);
  s.gdtr = {0x8000, sizeof gdt - 1, 0};
  f.Reg(kRsp) = 0x60000;
  f.Load(0x200000, {0xF4});
  // push 0x20 ; mov eax, 0x200000 ; push rax ; lretq
  REQUIRE(f.RunCode({0x6A, 0x20, 0xB8, 0x00, 0x00, 0x20, 0x00, 0x50, 0x48, 0xCB}) ==
          StopReason::kHalted);
  CHECK(s.seg[kCs].selector == 0x20);
  CHECK(s.rip == 0x200001);
  CHECK(f.Reg(kRsp) == 0x60000);
}

TEST_CASE("NMI: taken with IF clear, wakes HLT, and is held off until the handler's IRET") {
  Protected f;
  f.SetGate(kNMI, 0x200000);
  f.Load(0x200000, {0x43, 0xF4, 0xCF});  // inc ebx ; hlt ; iretd
  f.Load(0x100000, {0xF4, 0xF4});        // hlt ; hlt
  f.cpu.FlushTranslations();
  CpuState& s = f.cpu.state();
  s.rip = 0x100000;
  s.rflags = 0x2;  // IF clear: maskable interrupts could not wake this HLT
  REQUIRE(f.cpu.Run(100) == StopReason::kHalted);
  CHECK(s.rip == 0x100001);
  f.cpu.RequestNmi();
  CHECK(f.cpu.InterruptDeliverable());
  REQUIRE(f.cpu.Run(100) == StopReason::kHalted);  // in the handler's HLT
  CHECK(f.Reg(kRbx) == 1);
  CHECK(s.rip == 0x200002);
  CHECK(f.Peek<uint32_t>(0x60000 - 12) == 0x100001);  // returns after the HLT it woke
  // A second NMI while the handler runs stays pending...
  f.cpu.RequestNmi();
  CHECK_FALSE(f.cpu.InterruptDeliverable());
  REQUIRE(f.cpu.Run(100) == StopReason::kHalted);
  CHECK(f.Reg(kRbx) == 1);
  // ...until the IRET, after which it is taken at once.
  f.cpu.set_halted(false);
  REQUIRE(f.cpu.Run(100) == StopReason::kHalted);
  CHECK(f.Reg(kRbx) == 2);
  CHECK(s.rip == 0x200002);
  CHECK((s.interrupt_request.load() & kNmiPending) == 0);
}
