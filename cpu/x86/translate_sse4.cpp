// SSE3, SSSE3, SSE4.1 and SSE4.2 (legacy encodings; SDM Vol. 2 instruction pages, Vol. 1
// 12.3-12.10). Like translate_sse.cpp, a memory source is loaded into FpuState::scratch by IR
// first (so a fault happens before anything is written) and the vector helper does the lane
// work: integer ops in sse4_ops.cpp/sse42_ops.cpp, floating point in sse_float.cpp.

#include "cpu/x86/cpu.h"
#include "cpu/x86/helpers.h"
#include "cpu/x86/sse4_ops.h"
#include "cpu/x86/sse_float.h"
#include "cpu/x86/sse_ops.h"
#include "cpu/x86/translate_simd.h"

namespace vireo::x86 {

namespace {

using ir::Type;
using ir::Value;
using Imm = ir::IrEmitter;

Value CallVector(TranslatorContext& c, uint64_t a, Value b) {
  return c.Call(HelperId::kVector, Type::kU64, Imm::Imm64(a), b);
}

// ---- integer and shuffle operations (sse4_ops.cpp) -----------------------------------------

enum : uint8_t {
  kAligned = 1,  // m128 must be 16-byte aligned
  kFlags = 2,    // the helper returns RFLAGS bits (PTEST)
};

struct IntDef {
  Mnemonic m;
  Sse4Op op;
  uint8_t attr;
  uint8_t imm = 0;  // fixed imm8 for operations without one (PMOVSX/ZX widths)
};

/// PMOVSX/PMOVZX widths: log2 source lane | log2 destination lane << 2 | signed << 4.
constexpr uint8_t Widths(unsigned from, unsigned to, bool sign) {
  return static_cast<uint8_t>(from | to << 2 | (sign ? 16 : 0));
}

constexpr IntDef kIntOps[] = {
    {Mnemonic::kMOVSLDUP, Sse4Op::kMovsldup, kAligned},
    {Mnemonic::kMOVSHDUP, Sse4Op::kMovshdup, kAligned},
    {Mnemonic::kMOVDDUP, Sse4Op::kMovddup, 0},
    {Mnemonic::kPSHUFB, Sse4Op::kPshufb, kAligned},
    {Mnemonic::kPHADDW, Sse4Op::kPhaddW, kAligned},
    {Mnemonic::kPHADDD, Sse4Op::kPhaddD, kAligned},
    {Mnemonic::kPHADDSW, Sse4Op::kPhaddSW, kAligned},
    {Mnemonic::kPHSUBW, Sse4Op::kPhsubW, kAligned},
    {Mnemonic::kPHSUBD, Sse4Op::kPhsubD, kAligned},
    {Mnemonic::kPHSUBSW, Sse4Op::kPhsubSW, kAligned},
    {Mnemonic::kPMADDUBSW, Sse4Op::kPmaddUbsW, kAligned},
    {Mnemonic::kPMULHRSW, Sse4Op::kPmulhrsW, kAligned},
    {Mnemonic::kPSIGNB, Sse4Op::kPsignB, kAligned},
    {Mnemonic::kPSIGNW, Sse4Op::kPsignW, kAligned},
    {Mnemonic::kPSIGND, Sse4Op::kPsignD, kAligned},
    {Mnemonic::kPABSB, Sse4Op::kPabsB, kAligned},
    {Mnemonic::kPABSW, Sse4Op::kPabsW, kAligned},
    {Mnemonic::kPABSD, Sse4Op::kPabsD, kAligned},
    {Mnemonic::kPALIGNR, Sse4Op::kPalignr, kAligned},
    {Mnemonic::kPBLENDVB, Sse4Op::kPblendvB, kAligned},
    {Mnemonic::kBLENDVPS, Sse4Op::kBlendvPS, kAligned},
    {Mnemonic::kBLENDVPD, Sse4Op::kBlendvPD, kAligned},
    {Mnemonic::kBLENDPS, Sse4Op::kBlendPS, kAligned},
    {Mnemonic::kBLENDPD, Sse4Op::kBlendPD, kAligned},
    {Mnemonic::kPBLENDW, Sse4Op::kPblendW, kAligned},
    {Mnemonic::kPTEST, Sse4Op::kPtest, kAligned | kFlags},
    {Mnemonic::kPMOVSXBW, Sse4Op::kPmovx, 0, Widths(0, 1, true)},
    {Mnemonic::kPMOVSXBD, Sse4Op::kPmovx, 0, Widths(0, 2, true)},
    {Mnemonic::kPMOVSXBQ, Sse4Op::kPmovx, 0, Widths(0, 3, true)},
    {Mnemonic::kPMOVSXWD, Sse4Op::kPmovx, 0, Widths(1, 2, true)},
    {Mnemonic::kPMOVSXWQ, Sse4Op::kPmovx, 0, Widths(1, 3, true)},
    {Mnemonic::kPMOVSXDQ, Sse4Op::kPmovx, 0, Widths(2, 3, true)},
    {Mnemonic::kPMOVZXBW, Sse4Op::kPmovx, 0, Widths(0, 1, false)},
    {Mnemonic::kPMOVZXBD, Sse4Op::kPmovx, 0, Widths(0, 2, false)},
    {Mnemonic::kPMOVZXBQ, Sse4Op::kPmovx, 0, Widths(0, 3, false)},
    {Mnemonic::kPMOVZXWD, Sse4Op::kPmovx, 0, Widths(1, 2, false)},
    {Mnemonic::kPMOVZXWQ, Sse4Op::kPmovx, 0, Widths(1, 3, false)},
    {Mnemonic::kPMOVZXDQ, Sse4Op::kPmovx, 0, Widths(2, 3, false)},
    {Mnemonic::kPMULDQ, Sse4Op::kPmulDQ, kAligned},
    {Mnemonic::kPMULLD, Sse4Op::kPmullD, kAligned},
    {Mnemonic::kPCMPEQQ, Sse4Op::kPcmpeqQ, kAligned},
    {Mnemonic::kPACKUSDW, Sse4Op::kPackUSDW, kAligned},
    {Mnemonic::kPMINSB, Sse4Op::kPminSB, kAligned},
    {Mnemonic::kPMINSD, Sse4Op::kPminSD, kAligned},
    {Mnemonic::kPMINUW, Sse4Op::kPminUW, kAligned},
    {Mnemonic::kPMINUD, Sse4Op::kPminUD, kAligned},
    {Mnemonic::kPMAXSB, Sse4Op::kPmaxSB, kAligned},
    {Mnemonic::kPMAXSD, Sse4Op::kPmaxSD, kAligned},
    {Mnemonic::kPMAXUW, Sse4Op::kPmaxUW, kAligned},
    {Mnemonic::kPMAXUD, Sse4Op::kPmaxUD, kAligned},
    {Mnemonic::kPHMINPOSUW, Sse4Op::kPhminposUW, kAligned},
    {Mnemonic::kINSERTPS, Sse4Op::kInsertPS, 0},
    {Mnemonic::kMPSADBW, Sse4Op::kMpsadBW, kAligned},
    {Mnemonic::kPCMPGTQ, Sse4Op::kPcmpgtQ, kAligned},
};

/// xmm/mm, xmm/mm/mem[, imm8] operations.
void IntOp(TranslatorContext& c) {
  if (!SimdUsable(c)) return;
  const DecodedInst& d = *c.d;
  const IntDef* def = nullptr;
  for (const IntDef& f : kIntOps)
    if (f.m == d.mnemonic) def = &f;
  const Operand& dst = d.operands[0];
  const bool mmx = dst.kind == OperandKind::kMmx;
  const unsigned scode = SourceCode(c, 1, def->attr & kAligned);
  const uint8_t imm = def->op == Sse4Op::kPmovx ? def->imm : Imm8(d);
  Value r = CallVector(c, PackSse4Op(def->op, RegCode(dst), scode, imm, !mmx), Imm::Imm64(0));
  if (def->attr & kFlags) c.SetArithFlags(r);
  if (mmx) EnterMmx(c);
}

/// MOVNTDQA xmm, m128: an aligned load (the non-temporal hint has no architectural effect;
/// SDM MOVNTDQA, exception type 1).
void Movntdqa(TranslatorContext& c) {
  if (!SimdUsable(c)) return;
  const unsigned r = c.d->operands[0].reg;
  Value linear = c.Address(16, false);
  CheckAligned(c, linear);
  Value lo = c.Load(Type::kU64, linear);
  Value hi = c.Load(Type::kU64, c.e.Add(linear, Imm::Imm64(8)));
  c.e.StoreState(XmmOffset(r), lo);
  c.e.StoreState(XmmOffset(r) + 8, hi);
}

/// log2 of the lane size of PEXTRx/PINSRx/EXTRACTPS.
uint8_t LaneLog2(Mnemonic m) {
  switch (m) {
    case Mnemonic::kPEXTRB:
    case Mnemonic::kPINSRB:
      return 0;
    case Mnemonic::kPEXTRQ:
    case Mnemonic::kPINSRQ:
      return 3;
    default:
      return 2;
  }
}

/// PEXTRB/PEXTRD/PEXTRQ/EXTRACTPS r/m, xmm, imm8: the lane goes to memory at its size or to a
/// register zero-extended (SDM PEXTRB, EXTRACTPS).
void Extract(TranslatorContext& c) {
  if (!SimdUsable(c)) return;
  const DecodedInst& d = *c.d;
  const Operand& dst = d.operands[0];
  Value v = CallVector(
      c, PackSse4Op(Sse4Op::kExtract, 0, d.operands[1].reg, Imm8(d), true, LaneLog2(d.mnemonic)),
      Imm::Imm64(0));
  c.Write(0, c.e.Trunc(TranslatorContext::SizeType(dst.size), v));
}

/// PINSRB/PINSRD/PINSRQ xmm, r/m, imm8 (SDM PINSRB).
void Insert(TranslatorContext& c) {
  if (!SimdUsable(c)) return;
  const DecodedInst& d = *c.d;
  Value v = c.ReadAs(1, Type::kU64);
  CallVector(
      c,
      PackSse4Op(Sse4Op::kInsert, d.operands[0].reg, kVecImm, Imm8(d), true, LaneLog2(d.mnemonic)),
      v);
}

// ---- floating point (sse_float.cpp) ---------------------------------------------------------

struct FloatDef {
  Mnemonic m;
  FloatOp op;
  bool dbl, scalar;
};

constexpr FloatDef kFloatOps[] = {
    {Mnemonic::kADDSUBPS, FloatOp::kAddSub, false, false},
    {Mnemonic::kADDSUBPD, FloatOp::kAddSub, true, false},
    {Mnemonic::kHADDPS, FloatOp::kHadd, false, false},
    {Mnemonic::kHADDPD, FloatOp::kHadd, true, false},
    {Mnemonic::kHSUBPS, FloatOp::kHsub, false, false},
    {Mnemonic::kHSUBPD, FloatOp::kHsub, true, false},
    {Mnemonic::kROUNDPS, FloatOp::kRound, false, false},
    {Mnemonic::kROUNDPD, FloatOp::kRound, true, false},
    {Mnemonic::kROUNDSS, FloatOp::kRound, false, true},
    {Mnemonic::kROUNDSD, FloatOp::kRound, true, true},
    {Mnemonic::kDPPS, FloatOp::kDp, false, false},
    {Mnemonic::kDPPD, FloatOp::kDp, true, false},
};

/// xmm, xmm/m128 (aligned) or xmm/m32/m64 (scalar) floating-point forms.
void FloatOp4(TranslatorContext& c) {
  if (!SimdUsable(c)) return;
  const DecodedInst& d = *c.d;
  const FloatDef* def = nullptr;
  for (const FloatDef& f : kFloatOps)
    if (f.m == d.mnemonic) def = &f;
  const unsigned scode = SourceCode(c, 1, true);
  c.Call(
      HelperId::kVector, Type::kU64, Imm::Imm64(static_cast<uint64_t>(VecOp::kFloat)),
      Imm::Imm64(PackFloatOp(def->op, d.operands[0].reg, scode, Imm8(d), def->dbl, def->scalar)));
}

// ---- SSE4.2 --------------------------------------------------------------------------------

/// PCMPESTRI/PCMPESTRM/PCMPISTRI/PCMPISTRM xmm1, xmm2/m128, imm8: m128 has no alignment rule
/// (SDM PCMPESTRI, "Other Exceptions"). The explicit lengths are EAX/EDX, or RAX/RDX with
/// REX.W; the index goes to ECX, the mask to XMM0.
void PcmpStr(TranslatorContext& c) {
  if (!SimdUsable(c)) return;
  const DecodedInst& d = *c.d;
  const Mnemonic m = d.mnemonic;
  const bool expl = m == Mnemonic::kPCMPESTRI || m == Mnemonic::kPCMPESTRM;
  const bool mask = m == Mnemonic::kPCMPESTRM || m == Mnemonic::kPCMPISTRM;
  const unsigned scode = SourceCode(c, 1, false);
  Value rax = Imm::Imm64(0);
  if (expl) {
    const unsigned bytes = d.operand_size == 8 ? 8 : 4;
    rax = c.e.SExt(Type::kU64, c.GetReg(kRax, bytes));
    c.e.StoreState(FpuScratchOffset() + 16, c.e.SExt(Type::kU64, c.GetReg(kRdx, bytes)));
  }
  const uint8_t variant = static_cast<uint8_t>((expl ? kStrExplicit : 0) | (mask ? kStrMask : 0));
  Value r = CallVector(
      c, PackSse4Op(Sse4Op::kPcmpStr, d.operands[0].reg, scode, Imm8(d), true, variant), rax);
  if (!mask) c.SetReg(kRcx, 4, c.e.Trunc(Type::kU32, r));
  c.SetArithFlags(c.e.Lshr(r, Imm::Imm8(32)));
}

/// CRC32 r32/r64, r/m8/16/32/64: a general-purpose instruction (no CR0/CR4 checks); the
/// result is 32 bits, zero-extended in a 64-bit destination (SDM CRC32).
void Crc32(TranslatorContext& c) {
  const Operand& src = c.d->operands[1];
  Value crc = c.ReadAs(0, Type::kU64);
  c.e.StoreState(FpuScratchOffset(), c.ReadAs(1, Type::kU64));
  const uint8_t lg = src.size == 1 ? 0 : src.size == 2 ? 1 : src.size == 4 ? 2 : 3;
  Value r = CallVector(c, PackSse4Op(Sse4Op::kCrc32, 0, kVecScratch, 0, true, lg), crc);
  c.Write(0, c.e.Trunc(TranslatorContext::SizeType(c.d->operands[0].size), r));
}

}  // namespace

void RegisterSse4(HandlerTable& t) {
  for (const IntDef& f : kIntOps) t.Add(f.m, IntOp);
  for (const FloatDef& f : kFloatOps) t.Add(f.m, FloatOp4);
  t.Add(Mnemonic::kMOVNTDQA, Movntdqa);
  for (Mnemonic m : {Mnemonic::kPEXTRB, Mnemonic::kPEXTRD, Mnemonic::kPEXTRQ, Mnemonic::kEXTRACTPS})
    t.Add(m, Extract);
  for (Mnemonic m : {Mnemonic::kPINSRB, Mnemonic::kPINSRD, Mnemonic::kPINSRQ}) t.Add(m, Insert);
  for (Mnemonic m :
       {Mnemonic::kPCMPESTRI, Mnemonic::kPCMPESTRM, Mnemonic::kPCMPISTRI, Mnemonic::kPCMPISTRM})
    t.Add(m, PcmpStr);
  t.Add(Mnemonic::kCRC32, Crc32);
}

}  // namespace vireo::x86
