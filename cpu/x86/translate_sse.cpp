// SSE/SSE2 (and their MMX forms) data movement, logic and integer instructions (SDM Vol. 2
// instruction pages; Vol. 1 chapters 9-11). Moves and bitwise logic are inline IR on the two
// 64-bit halves of an XMM register; the other integer operations call the vector helper
// (sse_ops.cpp) after any memory source has been loaded into FpuState::scratch by IR, so a
// fault is raised before anything is written.

#include "cpu/x86/cpu.h"
#include "cpu/x86/helpers.h"
#include "cpu/x86/sse_float.h"
#include "cpu/x86/sse_ops.h"
#include "cpu/x86/translate_simd.h"

namespace vireo::x86 {

uint64_t VectorHelper(jit::ExecEnv* env, uint64_t a, uint64_t b) {
  auto& st = *static_cast<CpuState*>(env->state);
  if ((a & 0xFF) != static_cast<uint64_t>(VecOp::kFloat)) return RunVecOp(st, a, b);
  FloatResult r = RunFloatOp(st, b);
  // An unmasked SIMD floating-point exception: #XM if CR4.OSXMMEXCPT (bit 10) is set, else #UD
  // (SDM Vol. 1 11.5.1; Vol. 3A 6.15, interrupt 19).
  if (r.fault) static_cast<Cpu*>(env->cpu)->RaiseException((st.cr4 >> 10) & 1 ? kXM : kUD);
  return r.value;
}

namespace {

using ir::Type;
using ir::Value;
using Imm = ir::IrEmitter;

/// An XMM value as its low and high quadwords (U64 each).
struct V128 {
  Value lo, hi;
};

// x87 state touched by MMX instructions.
constexpr uint32_t kFswOffset = offsetof(CpuState, fpu) + offsetof(FpuState, fsw);
constexpr uint32_t kFtwOffset = offsetof(CpuState, fpu) + offsetof(FpuState, ftw);
constexpr uint32_t MmOffset(unsigned n) {
  return static_cast<uint32_t>(offsetof(CpuState, fpu) + offsetof(FpuState, st) +
                               sizeof(X87Register) * (n & 7));
}

/// Writes MMX register n: the significand, and all ones in bits 79:64 (SDM Vol. 1 9.5.1).
void SetMm(TranslatorContext& c, unsigned n, Value v) {
  c.e.StoreState(MmOffset(n), v);
  c.e.StoreState(MmOffset(n) + 8, Imm::Imm(Type::kU16, 0xFFFF));
}

V128 GetXmm(TranslatorContext& c, unsigned r) {
  return {c.e.LoadState(Type::kU64, XmmOffset(r)), c.e.LoadState(Type::kU64, XmmOffset(r) + 8)};
}

void SetXmm(TranslatorContext& c, unsigned r, V128 v) {
  c.e.StoreState(XmmOffset(r), v.lo);
  c.e.StoreState(XmmOffset(r) + 8, v.hi);
}

V128 LoadMem128(TranslatorContext& c, Value linear) {
  Value lo = c.Load(Type::kU64, linear);
  Value hi = c.Load(Type::kU64, c.e.Add(linear, Imm::Imm64(8)));
  return {lo, hi};
}

/// Reads 128-bit operand `i` (XMM register or m128).
V128 Read128(TranslatorContext& c, unsigned i, bool aligned) {
  const Operand& op = c.d->operands[i];
  if (op.kind == OperandKind::kXmm) return GetXmm(c, op.reg);
  Value linear = c.Address(16, false);
  if (aligned) CheckAligned(c, linear);
  return LoadMem128(c, linear);
}

/// Writes 128-bit operand `i`. A memory store is done as two quadword stores; an unaligned
/// one is first probed with loads so that a #PF on either page leaves memory unchanged.
void Write128(TranslatorContext& c, unsigned i, V128 v, bool aligned) {
  const Operand& op = c.d->operands[i];
  if (op.kind == OperandKind::kXmm) return SetXmm(c, op.reg, v);
  Value linear = c.Address(16, true);
  Value high = c.e.Add(linear, Imm::Imm64(8));
  if (aligned) {
    CheckAligned(c, linear);  // an aligned operand cannot cross a page
  } else {
    c.Load(Type::kU64, linear);
    c.Load(Type::kU64, high);
  }
  c.Store(linear, v.lo);
  c.Store(high, v.hi);
}

// ---- moves -------------------------------------------------------------------------------

template <bool kAligned>
void Move128(TranslatorContext& c) {
  if (!SimdUsable(c)) return;
  V128 v = Read128(c, 1, kAligned);
  Write128(c, 0, v, kAligned);
}

/// MOVD/MOVQ between XMM/MMX and r/m32/r/m64, MOVQ xmm <-> xmm/m64 and mm <-> mm/m64,
/// MOVQ2DQ, MOVDQ2Q and MOVNTQ: the low 32/64 bits move; a load into XMM zero-extends to 128
/// bits, into MMX to 64 (SDM MOVD/MOVQ, MOVQ2DQ, MOVDQ2Q, MOVNTQ).
void MovdMovq(TranslatorContext& c) {
  if (!SimdUsable(c)) return;
  const Operand& dst = c.d->operands[0];
  const Operand& src = c.d->operands[1];
  Value v;
  switch (src.kind) {
    case OperandKind::kXmm:
      v = c.e.LoadState(Type::kU64, XmmOffset(src.reg));
      break;
    case OperandKind::kMmx:
      v = c.e.LoadState(Type::kU64, MmOffset(src.reg));
      break;
    default:
      v = c.ReadAs(1, Type::kU64);
      break;
  }
  switch (dst.kind) {
    case OperandKind::kXmm:
      SetXmm(c, dst.reg, {v, Imm::Imm64(0)});
      break;
    case OperandKind::kMmx:
      SetMm(c, dst.reg, v);
      break;
    default:
      c.Write(0, c.e.ZExt(TranslatorContext::SizeType(dst.size), v));
      break;
  }
  if (HasMmx(*c.d)) EnterMmx(c);
}

/// MOVSS/MOVSD: register to register merges the low element; a load zero-extends it; a store
/// writes the element (SDM MOVSS, MOVSD).
void MovScalar(TranslatorContext& c) {
  if (!SimdUsable(c)) return;
  const Operand& dst = c.d->operands[0];
  const Operand& src = c.d->operands[1];
  const bool single = c.d->mnemonic == Mnemonic::kMOVSS;
  if (dst.kind == OperandKind::kMem) {
    Type t = single ? Type::kU32 : Type::kU64;
    Value v = c.e.LoadState(t, XmmOffset(src.reg));
    c.Store(c.Address(single ? 4 : 8, true), v);
    return;
  }
  if (src.kind == OperandKind::kMem) {
    Value v = c.e.ZExt(Type::kU64, c.Read(1));
    SetXmm(c, dst.reg, {v, Imm::Imm64(0)});
    return;
  }
  if (single) {
    Value s = c.e.LoadState(Type::kU32, XmmOffset(src.reg));
    c.e.StoreState(XmmOffset(dst.reg), s);
  } else {
    c.e.StoreState(XmmOffset(dst.reg), c.e.LoadState(Type::kU64, XmmOffset(src.reg)));
  }
}

/// MOVLPS/MOVLPD/MOVHPS/MOVHPD (one quadword between memory and the low/high half, the other
/// half unchanged), MOVHLPS and MOVLHPS (SDM Vol. 2B pages).
template <bool kHighHalf>
void MovHalf(TranslatorContext& c) {
  if (!SimdUsable(c)) return;
  const Operand& dst = c.d->operands[0];
  const Operand& src = c.d->operands[1];
  const uint32_t part = kHighHalf ? 8 : 0;
  if (dst.kind == OperandKind::kMem) {
    c.Store(c.Address(8, true), c.e.LoadState(Type::kU64, XmmOffset(src.reg) + part));
    return;
  }
  Value v = c.Read(1);
  c.e.StoreState(XmmOffset(dst.reg) + part, v);
}

void Movhlps(TranslatorContext& c) {
  if (!SimdUsable(c)) return;
  Value v = c.e.LoadState(Type::kU64, XmmOffset(c.d->operands[1].reg) + 8);
  c.e.StoreState(XmmOffset(c.d->operands[0].reg), v);
}

void Movlhps(TranslatorContext& c) {
  if (!SimdUsable(c)) return;
  Value v = c.e.LoadState(Type::kU64, XmmOffset(c.d->operands[1].reg));
  c.e.StoreState(XmmOffset(c.d->operands[0].reg) + 8, v);
}

/// MASKMOVDQU/MASKMOVQ: stores the bytes of the first operand whose mask byte (second
/// operand) has its top bit set to DS:rDI (segment override allowed; SDM MASKMOVDQU). Done as a
/// read-merge-write of the whole operand after loading it, so a fault leaves memory unchanged.
void MaskMov(TranslatorContext& c) {
  if (!SimdUsable(c)) return;
  const bool mmx = HasMmx(*c.d);
  const unsigned halves = mmx ? 1 : 2;
  Seg seg = c.d->segment_override != Seg::kNone ? c.d->segment_override : Seg::kDS;
  Value offset = c.GetReg(kRdi, c.d->address_size);
  Value linear = c.Linear(seg, offset, 8 * halves, true);
  Value addr[2], mem[2];
  for (unsigned i = 0; i < halves; ++i) {
    addr[i] = i == 0 ? linear : c.e.Add(linear, Imm::Imm64(8));
    mem[i] = c.Load(Type::kU64, addr[i]);
  }
  for (unsigned i = 0; i < halves; ++i) {
    const Operand& d0 = c.d->operands[0];
    const Operand& d1 = c.d->operands[1];
    Value data = c.e.LoadState(Type::kU64, mmx ? MmOffset(d0.reg) : XmmOffset(d0.reg) + 8 * i);
    Value sel = c.e.LoadState(Type::kU64, mmx ? MmOffset(d1.reg) : XmmOffset(d1.reg) + 8 * i);
    // Each byte's top bit -> 0x00/0xFF byte mask.
    Value bits = c.e.And(c.e.Lshr(sel, Imm::Imm8(7)), Imm::Imm64(0x0101010101010101ull));
    Value mask = c.e.Mul(bits, Imm::Imm64(0xFF));
    Value merged = c.e.Or(c.e.And(mem[i], c.e.Not(mask)), c.e.And(data, mask));
    c.Store(addr[i], merged);
  }
  if (mmx) EnterMmx(c);
}

/// LDMXCSR m32: #GP(0) if a reserved bit is set (SDM LDMXCSR).
void Ldmxcsr(TranslatorContext& c) {
  if (!SimdUsable(c)) return;
  Value v = c.Load(Type::kU32, c.Address(4, false));
  c.e.Trap(c.e.Ne(c.e.And(v, Imm::Imm32(~kMxcsrMask)), Imm::Imm32(0)), kSimdGp0);
  c.e.StoreState(MxcsrOffset(), v);
}

/// STMXCSR m32.
void Stmxcsr(TranslatorContext& c) {
  if (!SimdUsable(c)) return;
  c.Store(c.Address(4, true), c.e.LoadState(Type::kU32, MxcsrOffset()));
}

/// MOVNTI: a plain store of a GPR (the non-temporal hint has no architectural effect).
void Movnti(TranslatorContext& c) { c.Write(0, c.Read(1)); }

// ---- bitwise logic -------------------------------------------------------------------------

enum class Logic { kAnd, kAndNot, kOr, kXor };

template <Logic kOp>
Value ApplyLogic(TranslatorContext& c, Value a, Value b) {
  switch (kOp) {
    case Logic::kAnd:
      return c.e.And(a, b);
    case Logic::kAndNot:
      return c.e.And(c.e.Not(a), b);
    case Logic::kOr:
      return c.e.Or(a, b);
    case Logic::kXor:
      return c.e.Xor(a, b);
  }
  return a;
}

template <Logic kOp>
void LogicOp(TranslatorContext& c) {
  if (!SimdUsable(c)) return;
  if (HasMmx(*c.d)) {
    const Operand& src = c.d->operands[1];
    Value s =
        src.kind == OperandKind::kMmx ? c.e.LoadState(Type::kU64, MmOffset(src.reg)) : c.Read(1);
    const unsigned n = c.d->operands[0].reg;
    SetMm(c, n, ApplyLogic<kOp>(c, c.e.LoadState(Type::kU64, MmOffset(n)), s));
    EnterMmx(c);
    return;
  }
  const unsigned r = c.d->operands[0].reg;
  // PXOR/XORPS x, x is the zeroing idiom: no need to read the register.
  if (kOp == Logic::kXor && c.d->operands[1].kind == OperandKind::kXmm &&
      c.d->operands[1].reg == r) {
    SetXmm(c, r, {Imm::Imm64(0), Imm::Imm64(0)});
    return;
  }
  V128 s = Read128(c, 1, true);
  V128 d = GetXmm(c, r);
  SetXmm(c, r, {ApplyLogic<kOp>(c, d.lo, s.lo), ApplyLogic<kOp>(c, d.hi, s.hi)});
}

// ---- helper-based operations ----------------------------------------------------------------

struct HelperOp {
  Mnemonic m;
  VecOp op;
};

constexpr HelperOp kHelperOps[] = {
    {Mnemonic::kPADDB, VecOp::kPaddB},
    {Mnemonic::kPADDW, VecOp::kPaddW},
    {Mnemonic::kPADDD, VecOp::kPaddD},
    {Mnemonic::kPADDQ, VecOp::kPaddQ},
    {Mnemonic::kPSUBB, VecOp::kPsubB},
    {Mnemonic::kPSUBW, VecOp::kPsubW},
    {Mnemonic::kPSUBD, VecOp::kPsubD},
    {Mnemonic::kPSUBQ, VecOp::kPsubQ},
    {Mnemonic::kPADDSB, VecOp::kPaddSB},
    {Mnemonic::kPADDSW, VecOp::kPaddSW},
    {Mnemonic::kPADDUSB, VecOp::kPaddUSB},
    {Mnemonic::kPADDUSW, VecOp::kPaddUSW},
    {Mnemonic::kPSUBSB, VecOp::kPsubSB},
    {Mnemonic::kPSUBSW, VecOp::kPsubSW},
    {Mnemonic::kPSUBUSB, VecOp::kPsubUSB},
    {Mnemonic::kPSUBUSW, VecOp::kPsubUSW},
    {Mnemonic::kPCMPEQB, VecOp::kPcmpeqB},
    {Mnemonic::kPCMPEQW, VecOp::kPcmpeqW},
    {Mnemonic::kPCMPEQD, VecOp::kPcmpeqD},
    {Mnemonic::kPCMPGTB, VecOp::kPcmpgtB},
    {Mnemonic::kPCMPGTW, VecOp::kPcmpgtW},
    {Mnemonic::kPCMPGTD, VecOp::kPcmpgtD},
    {Mnemonic::kPMINUB, VecOp::kPminUB},
    {Mnemonic::kPMAXUB, VecOp::kPmaxUB},
    {Mnemonic::kPMINSW, VecOp::kPminSW},
    {Mnemonic::kPMAXSW, VecOp::kPmaxSW},
    {Mnemonic::kPAVGB, VecOp::kPavgB},
    {Mnemonic::kPAVGW, VecOp::kPavgW},
    {Mnemonic::kPMULLW, VecOp::kPmullW},
    {Mnemonic::kPMULHW, VecOp::kPmulhW},
    {Mnemonic::kPMULHUW, VecOp::kPmulhUW},
    {Mnemonic::kPMULUDQ, VecOp::kPmulUDQ},
    {Mnemonic::kPMADDWD, VecOp::kPmaddWD},
    {Mnemonic::kPSADBW, VecOp::kPsadBW},
    {Mnemonic::kPSLLW, VecOp::kPsllW},
    {Mnemonic::kPSLLD, VecOp::kPsllD},
    {Mnemonic::kPSLLQ, VecOp::kPsllQ},
    {Mnemonic::kPSRLW, VecOp::kPsrlW},
    {Mnemonic::kPSRLD, VecOp::kPsrlD},
    {Mnemonic::kPSRLQ, VecOp::kPsrlQ},
    {Mnemonic::kPSRAW, VecOp::kPsraW},
    {Mnemonic::kPSRAD, VecOp::kPsraD},
    {Mnemonic::kPSLLDQ, VecOp::kPslldq},
    {Mnemonic::kPSRLDQ, VecOp::kPsrldq},
    {Mnemonic::kPUNPCKLBW, VecOp::kPunpcklBW},
    {Mnemonic::kPUNPCKLWD, VecOp::kPunpcklWD},
    {Mnemonic::kPUNPCKLDQ, VecOp::kPunpcklDQ},
    {Mnemonic::kPUNPCKLQDQ, VecOp::kPunpcklQDQ},
    {Mnemonic::kPUNPCKHBW, VecOp::kPunpckhBW},
    {Mnemonic::kPUNPCKHWD, VecOp::kPunpckhWD},
    {Mnemonic::kPUNPCKHDQ, VecOp::kPunpckhDQ},
    {Mnemonic::kPUNPCKHQDQ, VecOp::kPunpckhQDQ},
    // UNPCKxPS/PD move 32/64-bit elements exactly like PUNPCKxDQ/QDQ (SDM UNPCKLPS page).
    {Mnemonic::kUNPCKLPS, VecOp::kPunpcklDQ},
    {Mnemonic::kUNPCKHPS, VecOp::kPunpckhDQ},
    {Mnemonic::kUNPCKLPD, VecOp::kPunpcklQDQ},
    {Mnemonic::kUNPCKHPD, VecOp::kPunpckhQDQ},
    {Mnemonic::kPACKSSWB, VecOp::kPacksSWB},
    {Mnemonic::kPACKSSDW, VecOp::kPacksSDW},
    {Mnemonic::kPACKUSWB, VecOp::kPackUSWB},
    {Mnemonic::kPSHUFD, VecOp::kPshufD},
    {Mnemonic::kPSHUFLW, VecOp::kPshufLW},
    {Mnemonic::kPSHUFHW, VecOp::kPshufHW},
    {Mnemonic::kPSHUFW, VecOp::kPshufW},
    {Mnemonic::kSHUFPS, VecOp::kShufPS},
    {Mnemonic::kSHUFPD, VecOp::kShufPD},
    {Mnemonic::kPEXTRW, VecOp::kPextrW},
    {Mnemonic::kPINSRW, VecOp::kPinsrW},
    {Mnemonic::kPMOVMSKB, VecOp::kPmovmskB},
    {Mnemonic::kMOVMSKPS, VecOp::kMovmskPS},
    {Mnemonic::kMOVMSKPD, VecOp::kMovmskPD},
};

VecOp OpFor(Mnemonic m) {
  for (const HelperOp& h : kHelperOps)
    if (h.m == m) return h.op;
  return VecOp::kCount;
}

void VectorOp(TranslatorContext& c) {
  if (!SimdUsable(c)) return;
  const DecodedInst& d = *c.d;
  const VecOp op = OpFor(d.mnemonic);
  const Operand& dst = d.operands[0];
  const bool mmx = HasMmx(d);
  const bool wide = !mmx;
  const uint8_t imm = Imm8(d);
  auto call = [&](unsigned dcode, unsigned scode, Value b) {
    return c.Call(HelperId::kVector, Type::kU64, Imm::Imm64(PackVecOp(op, dcode, scode, imm, wide)),
                  b);
  };
  switch (op) {
    case VecOp::kPmovmskB: {
      // Inline (string loops use it): gather the byte sign bits of each quadword with one
      // multiply. Bit 8k+7 times 2^(7(7-k)) lands at bit 56+k; no two products collide.
      const Operand& src = d.operands[1];
      Value r;
      for (unsigned half = 0; half < (mmx ? 1u : 2u); ++half) {
        Value x =
            c.e.LoadState(Type::kU64, mmx ? MmOffset(src.reg) : XmmOffset(src.reg) + 8 * half);
        Value top = c.e.And(x, Imm::Imm64(0x8080808080808080ull));
        Value bits = c.e.Lshr(c.e.Mul(top, Imm::Imm64(0x0002040810204081ull)), Imm::Imm8(56));
        r = half == 0 ? bits : c.e.Or(r, c.e.Shl(bits, Imm::Imm8(8)));
      }
      c.Write(0, c.e.ZExt(TranslatorContext::SizeType(dst.size), r));
      break;
    }
    case VecOp::kPextrW:
    case VecOp::kMovmskPS:
    case VecOp::kMovmskPD: {
      // A GPR result: 32 bits, zero-extended to 64 in 64-bit mode (SDM PMOVMSKB, PEXTRW).
      Value r = call(0, RegCode(d.operands[1]), Imm::Imm64(0));
      c.Write(0, c.e.ZExt(TranslatorContext::SizeType(dst.size), r));
      break;
    }
    case VecOp::kPinsrW: {
      Value word = c.ReadAs(1, Type::kU64);
      call(RegCode(dst), kVecImm, word);
      break;
    }
    default: {
      unsigned scode = d.operands[1].kind == OperandKind::kImm ? kVecImm : SourceCode(c, 1, true);
      call(RegCode(dst), scode, Imm::Imm64(0));
      break;
    }
  }
  if (mmx) EnterMmx(c);
}

// ---- floating point (sse_float.cpp) ----------------------------------------------------------

struct FloatDef {
  Mnemonic m;
  FloatOp op;
  bool dbl, scalar;
};

constexpr FloatDef kFloatOps[] = {
    {Mnemonic::kADDPS, FloatOp::kAdd, false, false},
    {Mnemonic::kADDSS, FloatOp::kAdd, false, true},
    {Mnemonic::kADDPD, FloatOp::kAdd, true, false},
    {Mnemonic::kADDSD, FloatOp::kAdd, true, true},
    {Mnemonic::kSUBPS, FloatOp::kSub, false, false},
    {Mnemonic::kSUBSS, FloatOp::kSub, false, true},
    {Mnemonic::kSUBPD, FloatOp::kSub, true, false},
    {Mnemonic::kSUBSD, FloatOp::kSub, true, true},
    {Mnemonic::kMULPS, FloatOp::kMul, false, false},
    {Mnemonic::kMULSS, FloatOp::kMul, false, true},
    {Mnemonic::kMULPD, FloatOp::kMul, true, false},
    {Mnemonic::kMULSD, FloatOp::kMul, true, true},
    {Mnemonic::kDIVPS, FloatOp::kDiv, false, false},
    {Mnemonic::kDIVSS, FloatOp::kDiv, false, true},
    {Mnemonic::kDIVPD, FloatOp::kDiv, true, false},
    {Mnemonic::kDIVSD, FloatOp::kDiv, true, true},
    {Mnemonic::kSQRTPS, FloatOp::kSqrt, false, false},
    {Mnemonic::kSQRTSS, FloatOp::kSqrt, false, true},
    {Mnemonic::kSQRTPD, FloatOp::kSqrt, true, false},
    {Mnemonic::kSQRTSD, FloatOp::kSqrt, true, true},
    {Mnemonic::kMINPS, FloatOp::kMin, false, false},
    {Mnemonic::kMINSS, FloatOp::kMin, false, true},
    {Mnemonic::kMINPD, FloatOp::kMin, true, false},
    {Mnemonic::kMINSD, FloatOp::kMin, true, true},
    {Mnemonic::kMAXPS, FloatOp::kMax, false, false},
    {Mnemonic::kMAXSS, FloatOp::kMax, false, true},
    {Mnemonic::kMAXPD, FloatOp::kMax, true, false},
    {Mnemonic::kMAXSD, FloatOp::kMax, true, true},
    {Mnemonic::kCMPPS, FloatOp::kCmp, false, false},
    {Mnemonic::kCMPSS, FloatOp::kCmp, false, true},
    {Mnemonic::kCMPPD, FloatOp::kCmp, true, false},
    {Mnemonic::kCMPSD_SSE, FloatOp::kCmp, true, true},
    {Mnemonic::kCOMISS, FloatOp::kComi, false, true},
    {Mnemonic::kCOMISD, FloatOp::kComi, true, true},
    {Mnemonic::kUCOMISS, FloatOp::kUcomi, false, true},
    {Mnemonic::kUCOMISD, FloatOp::kUcomi, true, true},
};

/// The arithmetic, MIN/MAX, CMP and COMIS forms: xmm, xmm/m128 (aligned) or xmm/m32/m64
/// (scalar, no alignment rule; SDM Vol. 1 11.6.7).
void FloatArith(TranslatorContext& c) {
  if (!SimdUsable(c)) return;
  const DecodedInst& d = *c.d;
  const FloatDef* def = nullptr;
  for (const FloatDef& f : kFloatOps)
    if (f.m == d.mnemonic) def = &f;
  const uint8_t imm = Imm8(d);
  const unsigned scode = SourceCode(c, 1, true);
  Value r = c.Call(
      HelperId::kVector, Type::kU64, Imm::Imm64(static_cast<uint64_t>(VecOp::kFloat)),
      Imm::Imm64(PackFloatOp(def->op, d.operands[0].reg, scode, imm, def->dbl, def->scalar)));
  if (def->op == FloatOp::kComi || def->op == FloatOp::kUcomi) c.SetArithFlags(r);
}

struct CvtDef {
  Mnemonic m;
  FloatOp op;
  bool dbl, scalar, trunc;
};

constexpr CvtDef kCvtOps[] = {
    {Mnemonic::kCVTSI2SS, FloatOp::kCvtI2F, false, true, false},
    {Mnemonic::kCVTSI2SD, FloatOp::kCvtI2F, true, true, false},
    {Mnemonic::kCVTSS2SI, FloatOp::kCvtF2I, false, true, false},
    {Mnemonic::kCVTTSS2SI, FloatOp::kCvtF2I, false, true, true},
    {Mnemonic::kCVTSD2SI, FloatOp::kCvtF2I, true, true, false},
    {Mnemonic::kCVTTSD2SI, FloatOp::kCvtF2I, true, true, true},
    {Mnemonic::kCVTSS2SD, FloatOp::kCvtF2F, false, true, false},
    {Mnemonic::kCVTSD2SS, FloatOp::kCvtF2F, true, true, false},
    {Mnemonic::kCVTPS2PD, FloatOp::kCvtF2F, false, false, false},
    {Mnemonic::kCVTPD2PS, FloatOp::kCvtF2F, true, false, false},
    {Mnemonic::kCVTDQ2PS, FloatOp::kCvtDq2F, false, false, false},
    {Mnemonic::kCVTDQ2PD, FloatOp::kCvtDq2F, true, false, false},
    {Mnemonic::kCVTPS2DQ, FloatOp::kCvtF2Dq, false, false, false},
    {Mnemonic::kCVTTPS2DQ, FloatOp::kCvtF2Dq, false, false, true},
    {Mnemonic::kCVTPD2DQ, FloatOp::kCvtF2Dq, true, false, false},
    {Mnemonic::kCVTTPD2DQ, FloatOp::kCvtF2Dq, true, false, true},
    {Mnemonic::kCVTPI2PS, FloatOp::kCvtDq2F, false, false, false},
    {Mnemonic::kCVTPI2PD, FloatOp::kCvtDq2F, true, false, false},
    {Mnemonic::kCVTPS2PI, FloatOp::kCvtF2Dq, false, false, false},
    {Mnemonic::kCVTTPS2PI, FloatOp::kCvtF2Dq, false, false, true},
    {Mnemonic::kCVTPD2PI, FloatOp::kCvtF2Dq, true, false, false},
    {Mnemonic::kCVTTPD2PI, FloatOp::kCvtF2Dq, true, false, true},
};

/// The XMM conversions (SDM CVTSI2SS ... CVTTPD2DQ pages). A GPR or memory integer source
/// is staged in the scratch area like a memory vector source.
void Convert(TranslatorContext& c) {
  if (!SimdUsable(c)) return;
  const DecodedInst& d = *c.d;
  const CvtDef* def = nullptr;
  for (const CvtDef& f : kCvtOps)
    if (f.m == d.mnemonic) def = &f;
  const Operand& dst = d.operands[0];
  const Operand& src = d.operands[1];
  unsigned scode;
  bool wide = false;
  if (def->op == FloatOp::kCvtI2F) {
    wide = src.size == 8;
    c.e.StoreState(FpuScratchOffset(), c.e.ZExt(Type::kU64, c.Read(1)));
    scode = kVecScratch;
  } else {
    scode = SourceCode(c, 1, true);
    wide = def->op == FloatOp::kCvtF2I && dst.size == 8;
  }
  // The MMX forms convert two lanes; CVTPI2PS/CVTPS2PI with a memory operand have no MMX
  // operand but an m64 source.
  const bool mmx = HasMmx(d) || (src.kind == OperandKind::kMem && src.size == 8);
  const uint8_t imm = static_cast<uint8_t>((wide ? 1 : 0) | (def->trunc ? 2 : 0) | (mmx ? 4 : 0));
  const unsigned dcode = def->op == FloatOp::kCvtF2I ? kVecScratch : RegCode(dst);
  // The MMX-register forms switch the x87 unit to MMX state (SDM CVTPI2PS, CVTPS2PI pages),
  // after the memory source is read but before a SIMD exception (observed on hardware);
  // CVTPI2PS/PD with a memory source do not.
  if (dst.kind == OperandKind::kMmx || src.kind == OperandKind::kMmx) EnterMmx(c);
  Value r = c.Call(HelperId::kVector, Type::kU64, Imm::Imm64(static_cast<uint64_t>(VecOp::kFloat)),
                   Imm::Imm64(PackFloatOp(def->op, dcode, scode, imm, def->dbl, def->scalar)));
  if (def->op == FloatOp::kCvtF2I) c.Write(0, c.e.ZExt(TranslatorContext::SizeType(dst.size), r));
}

/// EMMS: all x87 tags empty and TOP = 0 (SDM EMMS; Vol. 1 Table 9-3).
void Emms(TranslatorContext& c) {
  if (!SimdUsable(c, true)) return;
  EnterMmx(c);
  c.e.StoreState(kFtwOffset, Imm::Imm(Type::kU16, 0xFFFF));
}

}  // namespace

void RegisterSse(HandlerTable& t) {
  for (Mnemonic m : {Mnemonic::kMOVDQA, Mnemonic::kMOVAPS, Mnemonic::kMOVAPD, Mnemonic::kMOVNTDQ,
                     Mnemonic::kMOVNTPS, Mnemonic::kMOVNTPD})
    t.Add(m, Move128<true>);
  for (Mnemonic m : {Mnemonic::kMOVDQU, Mnemonic::kMOVUPS, Mnemonic::kMOVUPD, Mnemonic::kLDDQU})
    t.Add(m, Move128<false>);
  for (Mnemonic m : {Mnemonic::kMOVD, Mnemonic::kMOVQ, Mnemonic::kMOVQ2DQ, Mnemonic::kMOVDQ2Q,
                     Mnemonic::kMOVNTQ})
    t.Add(m, MovdMovq);
  t.Add(Mnemonic::kEMMS, Emms);
  t.Add(Mnemonic::kMOVSS, MovScalar);
  t.Add(Mnemonic::kMOVSD_SSE, MovScalar);
  t.Add(Mnemonic::kMOVLPS, MovHalf<false>);
  t.Add(Mnemonic::kMOVLPD, MovHalf<false>);
  t.Add(Mnemonic::kMOVHPS, MovHalf<true>);
  t.Add(Mnemonic::kMOVHPD, MovHalf<true>);
  t.Add(Mnemonic::kMOVHLPS, Movhlps);
  t.Add(Mnemonic::kMOVLHPS, Movlhps);
  t.Add(Mnemonic::kMOVNTI, Movnti);
  t.Add(Mnemonic::kMASKMOVDQU, MaskMov);
  t.Add(Mnemonic::kLDMXCSR, Ldmxcsr);
  t.Add(Mnemonic::kSTMXCSR, Stmxcsr);
  t.Add(Mnemonic::kMASKMOVQ, MaskMov);
  for (Mnemonic m : {Mnemonic::kPXOR, Mnemonic::kXORPS, Mnemonic::kXORPD})
    t.Add(m, LogicOp<Logic::kXor>);
  for (Mnemonic m : {Mnemonic::kPOR, Mnemonic::kORPS, Mnemonic::kORPD})
    t.Add(m, LogicOp<Logic::kOr>);
  for (Mnemonic m : {Mnemonic::kPAND, Mnemonic::kANDPS, Mnemonic::kANDPD})
    t.Add(m, LogicOp<Logic::kAnd>);
  for (Mnemonic m : {Mnemonic::kPANDN, Mnemonic::kANDNPS, Mnemonic::kANDNPD})
    t.Add(m, LogicOp<Logic::kAndNot>);
  for (const HelperOp& h : kHelperOps) t.Add(h.m, VectorOp);
  for (const FloatDef& f : kFloatOps) t.Add(f.m, FloatArith);
  for (const CvtDef& f : kCvtOps) t.Add(f.m, Convert);
}

}  // namespace vireo::x86
