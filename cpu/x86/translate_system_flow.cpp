// Control transfers that change CS: INT n, INT3, INTO, INT1, IRET, far JMP/CALL, RETF (SDM
// Vol. 2A INT n/INTO/INT3/INT1, IRET, JMP, CALL; Vol. 2B RET). The work happens in interrupts.cpp;
// these handlers set up the return address and end the block, since CS, CPL and the stack change.

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

/// Far JMP/CALL: ptr16:16/32 from the instruction, or m16:16/32/64 from memory (offset first,
/// selector after it; SDM Vol. 2A JMP/CALL). The segment and privilege work is in
/// interrupts.cpp; CALL's return address is the RIP stored here.
template <bool kCall>
void FarJumpCall(TranslatorContext& c) {
  auto& e = c.e;
  const unsigned bytes = c.d->operand_size;
  Value selector, offset;
  if (c.d->operands[0].kind == OperandKind::kFarPtr) {
    selector = IrEmitter::Imm64(static_cast<uint64_t>(c.d->imm[1]) & 0xFFFF);
    offset = IrEmitter::Imm64(static_cast<uint64_t>(c.d->imm[0]));
  } else {
    Value addr = c.Address(bytes + 2, false);
    offset = e.ZExt(Type::kU64, c.Load(TranslatorContext::SizeType(bytes), addr));
    selector = e.ZExt(Type::kU64, c.Load(Type::kU16, e.Add(addr, IrEmitter::Imm64(bytes))));
  }
  Value packed =
      e.Or(IrEmitter::Imm64((kCall ? 1 : 0) | (bytes << 8)), e.Shl(selector, IrEmitter::Imm8(16)));
  e.StoreState(kRipOffset, IrEmitter::Imm64(c.next_pc));
  c.Call(HelperId::kFarTransfer, Type::kVoid, packed, offset);
  e.Exit();
  c.end_block = true;
}

void Retf(TranslatorContext& c) {
  uint64_t extra = c.d->num_operands > 0 ? static_cast<uint64_t>(c.d->imm[0]) & 0xFFFF : 0;
  c.Call(HelperId::kFarTransfer, Type::kVoid, IrEmitter::Imm64(2 | (c.d->operand_size << 8)),
         IrEmitter::Imm64(extra));
  c.e.Exit();
  c.end_block = true;
}

void Iret(TranslatorContext& c) {
  // A return from a nested task saves the address after the IRET in the outgoing TSS.
  c.e.StoreState(kRipOffset, IrEmitter::Imm64(c.next_pc));
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
  t.Add(Mnemonic::kJMPF, FarJumpCall<false>);
  t.Add(Mnemonic::kCALLF, FarJumpCall<true>);
  t.Add(Mnemonic::kRETF, Retf);
}

}  // namespace vireo::x86
