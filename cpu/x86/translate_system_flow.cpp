// Control transfers through the interrupt machinery: INT n, INT3, INTO, INT1, IRET (SDM Vol. 2A
// INT n/INTO/INT3/INT1, IRET/IRETD/IRETQ). The work happens in interrupts.cpp; these handlers
// set up the return address and end the block, since CS, CPL and the stack change.

#include <cstddef>

#include "cpu/x86/interrupts.h"
#include "cpu/x86/translate_families.h"

namespace vireo::x86 {

namespace {

using ir::IrEmitter;
using ir::Type;
using ir::Value;

constexpr uint32_t kRipOffset = offsetof(CpuState, rip);
constexpr uint32_t kRflagsOffset = offsetof(CpuState, rflags);

/// In virtual-8086 mode software interrupts need IOPL 3 (SDM Vol. 2A INT n, without VME).
void CheckV86Iopl(TranslatorContext& c) {
  if (!c.mode.v86) return;
  Value iopl = c.e.And(c.e.Lshr(c.e.LoadState(Type::kU64, kRflagsOffset), IrEmitter::Imm8(12)),
                       IrEmitter::Imm64(3));
  c.e.Trap(c.e.Ne(iopl, IrEmitter::Imm64(3)), 13 | 0x100);
}

void Interrupt(TranslatorContext& c, uint8_t vector, EventSource source, Value condition) {
  // INT pushes the address of the next instruction; a fault during delivery is reported at
  // this instruction (the interpreter's fault path restores its address).
  c.e.StoreState(kRipOffset, IrEmitter::Imm64(c.next_pc));
  c.Call(HelperId::kSoftwareInterrupt, Type::kVoid,
         IrEmitter::Imm64(vector | (static_cast<uint64_t>(source) << 8)), condition);
  c.e.Exit();
  c.end_block = true;
}

void IntN(TranslatorContext& c) {
  CheckV86Iopl(c);
  Interrupt(c, static_cast<uint8_t>(c.d->imm[0]), EventSource::kSoftware, IrEmitter::Imm64(1));
}

void Int3(TranslatorContext& c) {
  CheckV86Iopl(c);
  Interrupt(c, kBP, EventSource::kSoftware, IrEmitter::Imm64(1));
}

void Into(TranslatorContext& c) {
  CheckV86Iopl(c);
  Interrupt(c, kOF, EventSource::kSoftware, c.e.ZExt(Type::kU64, c.Condition(kO)));
}

/// INT1 (ICEBP, F1): a debug trap delivered like a hardware event, without the DPL check.
void Int1(TranslatorContext& c) { Interrupt(c, kDB, EventSource::kIcebp, IrEmitter::Imm64(1)); }

void Iret(TranslatorContext& c) {
  c.Call(HelperId::kInterruptReturn, Type::kVoid, IrEmitter::Imm64(c.d->operand_size));
  c.e.Exit();
  c.end_block = true;
}

}  // namespace

void RegisterSystemFlow(HandlerTable& t) {
  t.Add(Mnemonic::kINT, IntN);
  t.Add(Mnemonic::kINT3, Int3);
  t.Add(Mnemonic::kINTO, Into);
  t.Add(Mnemonic::kINT1, Int1);
  for (Mnemonic m : {Mnemonic::kIRET, Mnemonic::kIRETD, Mnemonic::kIRETQ}) t.Add(m, Iret);
}

}  // namespace vireo::x86
