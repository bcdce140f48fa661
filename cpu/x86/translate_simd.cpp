#include "cpu/x86/translate_simd.h"

#include "cpu/x86/cpu.h"
#include "cpu/x86/sse_ops.h"

namespace vireo::x86 {

using ir::Type;
using ir::Value;
using Imm = ir::IrEmitter;

bool HasKind(const DecodedInst& d, OperandKind k) {
  for (unsigned i = 0; i < d.num_operands; ++i)
    if (d.operands[i].kind == k) return true;
  return false;
}

bool SimdUsable(TranslatorContext& c, bool mmx_only) {
  const uint8_t f = c.mode.fpu;
  // MMX forms do not depend on CR4.OSFXSR; MOVQ2DQ/MOVDQ2Q (an XMM operand too) do.
  bool sse = !mmx_only && (!HasMmx(*c.d) || HasKind(*c.d, OperandKind::kXmm));
  if ((f & TranslationMode::kFpuEm) || (sse && !(f & TranslationMode::kFpuOsfxsr))) {
    c.Raise(kUD);
    return false;
  }
  if (f & TranslationMode::kFpuTs) {
    c.Raise(kNM);
    return false;
  }
  return true;
}

void EnterMmx(TranslatorContext& c) {
  constexpr uint32_t kFsw = offsetof(CpuState, fpu) + offsetof(FpuState, fsw);
  constexpr uint32_t kFtw = offsetof(CpuState, fpu) + offsetof(FpuState, ftw);
  Value fsw = c.e.LoadState(Type::kU16, kFsw);
  c.e.StoreState(kFsw, c.e.And(fsw, Imm::Imm(Type::kU16, ~0x3800u & 0xFFFF)));
  c.e.StoreState(kFtw, Imm::Imm(Type::kU16, 0));
}

void CheckAligned(TranslatorContext& c, Value linear, unsigned align) {
  c.e.Trap(c.e.Ne(c.e.And(linear, Imm::Imm64(align - 1)), Imm::Imm64(0)), kSimdGp0);
}

unsigned RegCode(const Operand& op) {
  return op.kind == OperandKind::kMmx ? kVecMmx + op.reg : op.reg;
}

unsigned SourceCode(TranslatorContext& c, unsigned i, bool aligned) {
  const Operand& op = c.d->operands[i];
  if (op.kind != OperandKind::kMem) return RegCode(op);
  if (op.size == 16) {
    Value linear = c.Address(16, false);
    if (aligned) CheckAligned(c, linear);
    c.e.StoreState(FpuScratchOffset(), c.Load(Type::kU64, linear));
    c.e.StoreState(FpuScratchOffset() + 8, c.Load(Type::kU64, c.e.Add(linear, Imm::Imm64(8))));
  } else {
    c.e.StoreState(FpuScratchOffset(), c.e.ZExt(Type::kU64, c.Read(i)));
  }
  return kVecScratch;
}

uint8_t Imm8(const DecodedInst& d) {
  for (unsigned i = 0; i < d.num_operands; ++i)
    if (d.operands[i].kind == OperandKind::kImm)
      return static_cast<uint8_t>(d.imm[d.operands[i].reg]);
  return 0;
}

}  // namespace vireo::x86
