// x87 FPU instructions (SDM Vol. 2 F* pages; Vol. 1 ch. 8). Control-word/status-word moves are
// inline IR; everything touching the register stack calls X87Helper (x87_ops.cpp) with an
// operation id. Memory sources are loaded by IR and passed to the helper (an m80 through
// FpuState::scratch); memory results are staged by the helper in scratch and stored by IR,
// then a second call commits FSW/FTW, so a fault on the store leaves the state unchanged.

#include "cpu/x86/cpu.h"
#include "cpu/x86/helpers.h"
#include "cpu/x86/translate_families.h"
#include "cpu/x86/x87_ops.h"
#include "cpu/x87/transcendental.h"
#include "cpu/x87/x87.h"

namespace vireo::x86 {

uint64_t X87Helper(jit::ExecEnv* env, uint64_t op, uint64_t operand) {
  const uint64_t r = RunX87(*static_cast<CpuState*>(env->state), op, operand);
  if (static_cast<X87Op>(op & 0xFF) == X87Op::kFerr && r != 0) {
    auto& cpu = *static_cast<Cpu*>(env->cpu);
    if (cpu.on_fpu_error) cpu.on_fpu_error();
  }
  return r;
}

namespace {

using ir::Type;
using ir::Value;
using Imm = ir::IrEmitter;

constexpr uint32_t kFpu = offsetof(CpuState, fpu);
constexpr uint32_t kFcw = kFpu + offsetof(FpuState, fcw);
constexpr uint32_t kFsw = kFpu + offsetof(FpuState, fsw);
constexpr uint32_t kFop = kFpu + offsetof(FpuState, fop);
constexpr uint32_t kFip = kFpu + offsetof(FpuState, fip);
constexpr uint32_t kFdp = kFpu + offsetof(FpuState, fdp);

uint32_t Op(X87Op op, unsigned index = 0, uint32_t extra = 0) {
  return static_cast<uint32_t>(op) | ((index & 7) << kIndexShift) | extra;
}
uint32_t Src(X87Src s) { return static_cast<uint32_t>(s) << kSrcShift; }
uint32_t Sub(unsigned v) { return v << kSubShift; }

/// Availability (SDM Vol. 3A 2.5, Table 2-2): CR0.EM or CR0.TS raise #NM. A waiting instruction
/// first delivers a pending unmasked exception as #MF when CR0.NE is set (SDM Vol. 1 8.6,
/// Vol. 3A 8.7). With NE clear it signals FERR#, which a PC routes to IRQ13, and goes on as
/// if IGNNE# were asserted (Vol. 1 8.7 and D.2; the instruction does not freeze waiting for the
/// handler, as in QEMU).
void CheckPending(TranslatorContext& c) {
  if (c.mode.fpu & TranslationMode::kFpuNe) {
    Value fsw = c.e.LoadState(Type::kU16, kFsw);
    c.e.Trap(c.e.Ne(c.e.And(fsw, Imm::Imm(Type::kU16, x87::kEs)), Imm::Imm(Type::kU16, 0)), kMF);
  } else {
    c.Call(HelperId::kX87, Type::kU64, Imm::Imm64(Op(X87Op::kFerr)), Imm::Imm64(0));
  }
}

bool Begin(TranslatorContext& c, bool waiting) {
  if (c.mode.fpu & (TranslationMode::kFpuEm | TranslationMode::kFpuTs)) {
    c.Raise(kNM);
    return false;
  }
  if (waiting) CheckPending(c);
  return true;
}

/// FOP, FIP, FDP of the last non-control instruction (SDM Vol. 1 8.1.8, 8.1.9). Emitted last.
void Record(TranslatorContext& c, bool memory) {
  const DecodedInst& d = *c.d;
  c.e.StoreState(kFop, Imm::Imm(Type::kU16, ((d.opcode & 7u) << 8) | d.modrm));
  c.e.StoreState(kFip, Imm::Imm64(c.pc));
  if (memory) c.e.StoreState(kFdp, c.e.ZExt(Type::kU64, c.EffectiveAddress()));
}

bool IsMem(TranslatorContext& c) {
  return c.d->num_operands > 0 && c.d->operands[0].kind == OperandKind::kMem;
}
unsigned StIndex(TranslatorContext& c) { return c.d->modrm & 7; }

Value CallX87(TranslatorContext& c, uint32_t a, Value b = Imm::Imm64(0)) {
  return c.Call(HelperId::kX87, Type::kU64, Imm::Imm64(a), b);
}

/// Loads memory operand 0 for a source: the value (sign-extended for integers) and its kind.
Value LoadSource(TranslatorContext& c, bool integer, X87Src* kind) {
  const unsigned size = c.d->operands[0].size;
  Value lin = c.Address(size, false);
  if (size == 10) {
    Value lo = c.Load(Type::kU64, lin);
    Value hi = c.Load(Type::kU16, c.e.Add(lin, Imm::Imm64(8)));
    c.e.StoreState(FpuScratchOffset(), lo);
    c.e.StoreState(FpuScratchOffset() + 8, hi);
    *kind = X87Src::kF80;
    return Imm::Imm64(0);
  }
  Type t = size == 2 ? Type::kU16 : size == 4 ? Type::kU32 : Type::kU64;
  Value v = c.Load(t, lin);
  if (integer) {
    *kind = X87Src::kInt;
    return size == 8 ? v : c.e.SExt(Type::kU64, v);
  }
  *kind = size == 4 ? X87Src::kF32 : X87Src::kF64;
  return size == 8 ? v : c.e.ZExt(Type::kU64, v);
}

// ---- control -----------------------------------------------------------------------------

void Fninit(TranslatorContext& c) {
  if (Begin(c, false)) CallX87(c, Op(X87Op::kInit));
}
void Fnclex(TranslatorContext& c) {
  if (Begin(c, false)) CallX87(c, Op(X87Op::kClex));
}
void Fldcw(TranslatorContext& c) {
  if (!Begin(c, true)) return;
  Value v = c.Load(Type::kU16, c.Address(2, false));
  CallX87(c, Op(X87Op::kLdcw), c.e.ZExt(Type::kU64, v));
}
void Fnstcw(TranslatorContext& c) {
  if (!Begin(c, false)) return;
  c.Store(c.Address(2, true), c.e.LoadState(Type::kU16, kFcw));
}
void Fnstsw(TranslatorContext& c) {
  if (!Begin(c, false)) return;
  Value fsw = c.e.LoadState(Type::kU16, kFsw);
  if (IsMem(c))
    c.Store(c.Address(2, true), fsw);
  else
    c.SetReg(0, 2, fsw);  // FNSTSW AX
}
/// FWAIT: #NM only when CR0.MP and CR0.TS are both set (SDM Vol. 3A Table 2-2), then #MF.
void Fwait(TranslatorContext& c) {
  const uint8_t f = c.mode.fpu;
  if ((f & TranslationMode::kFpuMp) && (f & TranslationMode::kFpuTs)) {
    c.Raise(kNM);
    return;
  }
  CheckPending(c);
}
void Fnop(TranslatorContext& c) {
  if (Begin(c, true)) Record(c, false);
}

/// The environment format: bit 0 = 14-byte (16-bit operand size) image, bit 1 = real mode or
/// virtual-8086 mode layout (SDM Vol. 1 8.1.10).
unsigned EnvFormat(TranslatorContext& c) {
  return (c.d->operands[0].size == 14 ? 1u : 0u) | (!c.mode.protected_mode || c.mode.v86 ? 2u : 0u);
}

/// FNSTENV: stores the environment, then masks all exceptions (SDM Vol. 2 FSTENV).
void Fnstenv(TranslatorContext& c) {
  if (!Begin(c, false)) return;
  const unsigned format = EnvFormat(c), size = (format & 1) ? 14 : 28;
  Value lin = c.Address(size, true);
  CallX87(c, Op(X87Op::kStEnv, format));
  for (unsigned at = 0; at < size; at += 2)
    c.Store(c.e.Add(lin, Imm::Imm64(at)), c.e.LoadState(Type::kU16, FpuScratchOffset() + at));
  Value fcw = c.e.LoadState(Type::kU16, kFcw);
  c.e.StoreState(kFcw, c.e.Or(fcw, Imm::Imm(Type::kU16, x87::kExceptionFlags)));
}

void Fldenv(TranslatorContext& c) {
  if (!Begin(c, true)) return;
  const unsigned format = EnvFormat(c), size = (format & 1) ? 14 : 28;
  Value lin = c.Address(size, false);
  for (unsigned at = 0; at < size; at += 2)
    c.e.StoreState(FpuScratchOffset() + at, c.Load(Type::kU16, c.e.Add(lin, Imm::Imm64(at))));
  CallX87(c, Op(X87Op::kLdEnv, format));
}

/// FNSAVE: the environment, then ST(0)..ST(7) (10 bytes each), then FNINIT (SDM Vol. 2 FSAVE).
/// All stores come before any state change.
void Fnsave(TranslatorContext& c) {
  if (!Begin(c, false)) return;
  const unsigned format =
      (c.d->operands[0].size == 94 ? 1u : 0u) | (!c.mode.protected_mode || c.mode.v86 ? 2u : 0u);
  const unsigned env = (format & 1) ? 14 : 28;
  Value lin = c.Address(env + 80, true);
  CallX87(c, Op(X87Op::kStEnv, format));
  for (unsigned at = 0; at < env; at += 2)
    c.Store(c.e.Add(lin, Imm::Imm64(at)), c.e.LoadState(Type::kU16, FpuScratchOffset() + at));
  for (unsigned i = 0; i < 8; ++i) {
    CallX87(c, Op(X87Op::kSaveReg, i));
    Value at = c.e.Add(lin, Imm::Imm64(env + 10 * i));
    c.Store(at, c.e.LoadState(Type::kU64, FpuScratchOffset() + 32));
    c.Store(c.e.Add(at, Imm::Imm64(8)), c.e.LoadState(Type::kU16, FpuScratchOffset() + 40));
  }
  CallX87(c, Op(X87Op::kInit));
}

/// FRSTOR: every load is done before the state is written.
void Frstor(TranslatorContext& c) {
  if (!Begin(c, true)) return;
  const unsigned format =
      (c.d->operands[0].size == 94 ? 1u : 0u) | (!c.mode.protected_mode || c.mode.v86 ? 2u : 0u);
  const unsigned env = (format & 1) ? 14 : 28;
  Value lin = c.Address(env + 80, false);
  for (unsigned at = 0; at < env; at += 2)
    c.e.StoreState(FpuScratchOffset() + at, c.Load(Type::kU16, c.e.Add(lin, Imm::Imm64(at))));
  Value sig[8];
  for (unsigned i = 0; i < 8; ++i) {
    Value at = c.e.Add(lin, Imm::Imm64(env + 10 * i));
    sig[i] = c.Load(Type::kU64, at);
    c.e.StoreState(FpuScratchOffset() + 32 + 2 * i, c.Load(Type::kU16, c.e.Add(at, Imm::Imm64(8))));
  }
  for (unsigned i = 0; i < 8; ++i)
    CallX87(c, Op(X87Op::kRstorReg, i, (format & 1) ? kToSti : 0), sig[i]);
  CallX87(c, Op(X87Op::kLdEnv, format));  // last: recomputes the tags from the new registers
}

// ---- loads and stores --------------------------------------------------------------------

template <bool kInteger>
void Fld(TranslatorContext& c) {
  if (!Begin(c, true)) return;
  if (!IsMem(c)) {
    CallX87(c, Op(X87Op::kLoad, StIndex(c), Src(X87Src::kSti)));
    return Record(c, false);
  }
  X87Src kind;
  Value v = LoadSource(c, kInteger, &kind);
  CallX87(c, Op(X87Op::kLoad, 0, Src(kind)), v);
  Record(c, true);
}

/// FBLD m80bcd (SDM Vol. 2 FBLD): the ten bytes go through scratch.
void Fbld(TranslatorContext& c) {
  if (!Begin(c, true)) return;
  Value lin = c.Address(10, false);
  Value lo = c.Load(Type::kU64, lin);
  Value hi = c.Load(Type::kU16, c.e.Add(lin, Imm::Imm64(8)));
  c.e.StoreState(FpuScratchOffset(), lo);
  c.e.StoreState(FpuScratchOffset() + 8, hi);
  CallX87(c, Op(X87Op::kLoad, 0, Src(X87Src::kBcd)));
  Record(c, true);
}

template <unsigned kConst>
void FldConst(TranslatorContext& c) {
  if (!Begin(c, true)) return;
  CallX87(c, Op(X87Op::kLdConst, kConst));
  Record(c, false);
}

enum class StoreKind { kFloat, kInt, kTrunc, kBcd };

template <StoreKind kKind, bool kPopIt>
void Fst(TranslatorContext& c) {
  if (!Begin(c, true)) return;
  const uint32_t pop = kPopIt ? kPop : 0;
  if (!IsMem(c)) {
    CallX87(c, Op(X87Op::kStore, StIndex(c), pop));
    return Record(c, false);
  }
  const unsigned size = c.d->operands[0].size;
  X87Dst dst;
  if (kKind == StoreKind::kFloat)
    dst = size == 4 ? X87Dst::kF32 : size == 8 ? X87Dst::kF64 : X87Dst::kF80;
  else if (kKind == StoreKind::kInt)
    dst = size == 2 ? X87Dst::kI16 : size == 4 ? X87Dst::kI32 : X87Dst::kI64;
  else if (kKind == StoreKind::kTrunc)
    dst = size == 2 ? X87Dst::kT16 : size == 4 ? X87Dst::kT32 : X87Dst::kT64;
  else
    dst = X87Dst::kBcd;
  Value lin = c.Address(size, true);
  // The memory's old contents go to scratch first: they are stored back unchanged when an
  // unmasked exception suppresses the store (SDM Vol. 1 4.9.2).
  Type t = size == 2 ? Type::kU16 : size == 4 ? Type::kU32 : Type::kU64;
  Value hi_lin = c.e.Add(lin, Imm::Imm64(8));
  c.e.StoreState(FpuScratchOffset(), c.Load(t, lin));
  if (size == 10) c.e.StoreState(FpuScratchOffset() + 8, c.Load(Type::kU16, hi_lin));
  CallX87(c, Op(X87Op::kStoreMem, 0, Sub(static_cast<unsigned>(dst)) | pop));
  c.Store(lin, c.e.LoadState(t, FpuScratchOffset()));
  if (size == 10) c.Store(hi_lin, c.e.LoadState(Type::kU16, FpuScratchOffset() + 8));
  CallX87(c, Op(X87Op::kCommit));
  Record(c, true);
}

// ---- register stack ----------------------------------------------------------------------

template <X87Op kOp>
void Simple(TranslatorContext& c) {
  if (!Begin(c, true)) return;
  CallX87(c, Op(kOp, StIndex(c)));
  Record(c, false);
}

void Ffreep(TranslatorContext& c) {
  if (!Begin(c, true)) return;
  CallX87(c, Op(X87Op::kFree, StIndex(c), kPop));
  Record(c, false);
}

// ---- arithmetic --------------------------------------------------------------------------

template <X87Arith kArith, bool kReverseIt, bool kPopIt, bool kInteger>
void Arith(TranslatorContext& c) {
  if (!Begin(c, true)) return;
  uint32_t extra =
      Sub(static_cast<unsigned>(kArith)) | (kReverseIt ? kReverse : 0) | (kPopIt ? kPop : 0);
  if (IsMem(c)) {
    X87Src kind;
    Value v = LoadSource(c, kInteger, &kind);
    CallX87(c, Op(X87Op::kArith, 0, extra | Src(kind)), v);
    return Record(c, true);
  }
  // D8: ST(0) = ST(0) op ST(i); DC/DE: ST(i) = ST(i) op ST(0) (SDM Vol. 2 FADD etc.).
  if ((c.d->opcode & 7) != 0) extra |= kToSti;
  CallX87(c, Op(X87Op::kArith, StIndex(c), extra | Src(X87Src::kSti)));
  Record(c, false);
}

template <X87Unary kUnaryOp>
void UnaryOp(TranslatorContext& c) {
  if (!Begin(c, true)) return;
  CallX87(c, Op(X87Op::kUnary, 0, Sub(static_cast<unsigned>(kUnaryOp))));
  Record(c, false);
}

template <x87::Transcendental kT>
void Trans(TranslatorContext& c) {
  if (!Begin(c, true)) return;
  CallX87(c, Op(X87Op::kTrans, 0, Sub(static_cast<unsigned>(kT))));
  Record(c, false);
}

// ---- comparisons -------------------------------------------------------------------------

template <bool kQuietIt, uint32_t kPops, bool kInteger>
void Fcom(TranslatorContext& c) {
  if (!Begin(c, true)) return;
  uint32_t extra = (kQuietIt ? kQuiet : 0) | kPops;
  if (IsMem(c)) {
    X87Src kind;
    Value v = LoadSource(c, kInteger, &kind);
    CallX87(c, Op(X87Op::kCompare, 0, extra | Src(kind)), v);
    return Record(c, true);
  }
  // FCOMPP/FUCOMPP compare with ST(1) (their ModRM.rm is 1).
  CallX87(c, Op(X87Op::kCompare, StIndex(c), extra | Src(X87Src::kSti)));
  Record(c, false);
}

void Ftst(TranslatorContext& c) {
  if (!Begin(c, true)) return;
  CallX87(c, Op(X87Op::kCompare, 0, Src(X87Src::kZero)));
  Record(c, false);
}

template <bool kQuietIt, bool kPopIt>
void Fcomi(TranslatorContext& c) {
  if (!Begin(c, true)) return;
  Value r = CallX87(c, Op(X87Op::kComi, StIndex(c),
                          (kQuietIt ? kQuiet : 0) | (kPopIt ? kPop : 0) | Src(X87Src::kSti)));
  // ZF PF CF from the comparison, OF SF AF cleared (SDM Vol. 2 FCOMI); unchanged when an
  // unmasked invalid operation stopped the instruction.
  Value set = c.e.Ne(c.e.And(r, Imm::Imm64(0x100)), Imm::Imm64(0));
  c.SetArithFlags(c.e.Select(set, c.e.And(r, Imm::Imm64(0x45)), c.ArithFlags()));
  Record(c, false);
}

template <Cond kCond>
void Fcmov(TranslatorContext& c) {
  if (!Begin(c, true)) return;
  Value cond = c.e.ZExt(Type::kU64, c.Condition(kCond));
  CallX87(c, Op(X87Op::kFcmov, StIndex(c)), cond);
  Record(c, false);
}

}  // namespace

void RegisterX87(HandlerTable& t) {
  using M = Mnemonic;
  t.Add(M::kFNINIT, Fninit);
  t.Add(M::kFNCLEX, Fnclex);
  t.Add(M::kFLDCW, Fldcw);
  t.Add(M::kFNSTCW, Fnstcw);
  t.Add(M::kFNSTSW, Fnstsw);
  t.Add(M::kWAIT, Fwait);
  t.Add(M::kFNOP, Fnop);
  t.Add(M::kFLD, Fld<false>);
  t.Add(M::kFILD, Fld<true>);
  t.Add(M::kFLD1, FldConst<0>);
  t.Add(M::kFLDL2T, FldConst<1>);
  t.Add(M::kFLDL2E, FldConst<2>);
  t.Add(M::kFLDPI, FldConst<3>);
  t.Add(M::kFLDLG2, FldConst<4>);
  t.Add(M::kFLDLN2, FldConst<5>);
  t.Add(M::kFLDZ, FldConst<6>);
  t.Add(M::kFST, Fst<StoreKind::kFloat, false>);
  t.Add(M::kFSTP, Fst<StoreKind::kFloat, true>);
  t.Add(M::kFIST, Fst<StoreKind::kInt, false>);
  t.Add(M::kFISTP, Fst<StoreKind::kInt, true>);
  t.Add(M::kFISTTP, Fst<StoreKind::kTrunc, true>);
  t.Add(M::kFNSTENV, Fnstenv);
  t.Add(M::kFLDENV, Fldenv);
  t.Add(M::kFNSAVE, Fnsave);
  t.Add(M::kFRSTOR, Frstor);
  t.Add(M::kFBLD, Fbld);
  t.Add(M::kFBSTP, Fst<StoreKind::kBcd, true>);
  t.Add(M::kFXCH, Simple<X87Op::kXch>);
  t.Add(M::kFCHS, Simple<X87Op::kChs>);
  t.Add(M::kFABS, Simple<X87Op::kAbs>);
  t.Add(M::kFINCSTP, Simple<X87Op::kIncStp>);
  t.Add(M::kFDECSTP, Simple<X87Op::kDecStp>);
  t.Add(M::kFFREE, Simple<X87Op::kFree>);
  t.Add(M::kFFREEP, Ffreep);
  t.Add(M::kFADD, Arith<X87Arith::kAdd, false, false, false>);
  t.Add(M::kFADDP, Arith<X87Arith::kAdd, false, true, false>);
  t.Add(M::kFIADD, Arith<X87Arith::kAdd, false, false, true>);
  t.Add(M::kFMUL, Arith<X87Arith::kMul, false, false, false>);
  t.Add(M::kFMULP, Arith<X87Arith::kMul, false, true, false>);
  t.Add(M::kFIMUL, Arith<X87Arith::kMul, false, false, true>);
  t.Add(M::kFSUB, Arith<X87Arith::kSub, false, false, false>);
  t.Add(M::kFSUBP, Arith<X87Arith::kSub, false, true, false>);
  t.Add(M::kFISUB, Arith<X87Arith::kSub, false, false, true>);
  t.Add(M::kFSUBR, Arith<X87Arith::kSub, true, false, false>);
  t.Add(M::kFSUBRP, Arith<X87Arith::kSub, true, true, false>);
  t.Add(M::kFISUBR, Arith<X87Arith::kSub, true, false, true>);
  t.Add(M::kFDIV, Arith<X87Arith::kDiv, false, false, false>);
  t.Add(M::kFDIVP, Arith<X87Arith::kDiv, false, true, false>);
  t.Add(M::kFIDIV, Arith<X87Arith::kDiv, false, false, true>);
  t.Add(M::kFDIVR, Arith<X87Arith::kDiv, true, false, false>);
  t.Add(M::kFDIVRP, Arith<X87Arith::kDiv, true, true, false>);
  t.Add(M::kFIDIVR, Arith<X87Arith::kDiv, true, false, true>);
  t.Add(M::kFSQRT, UnaryOp<X87Unary::kSqrt>);
  t.Add(M::kFRNDINT, UnaryOp<X87Unary::kRndint>);
  t.Add(M::kFSCALE, UnaryOp<X87Unary::kScale>);
  t.Add(M::kFXTRACT, UnaryOp<X87Unary::kXtract>);
  t.Add(M::kFPREM, UnaryOp<X87Unary::kPrem>);
  t.Add(M::kFPREM1, UnaryOp<X87Unary::kPrem1>);
  using T = x87::Transcendental;
  t.Add(M::kFSIN, Trans<T::kSin>);
  t.Add(M::kFCOS, Trans<T::kCos>);
  t.Add(M::kFSINCOS, Trans<T::kSinCos>);
  t.Add(M::kFPTAN, Trans<T::kTan>);
  t.Add(M::kFPATAN, Trans<T::kAtan>);
  t.Add(M::kF2XM1, Trans<T::kExp2M1>);
  t.Add(M::kFYL2X, Trans<T::kYLog2X>);
  t.Add(M::kFYL2XP1, Trans<T::kYLog2XP1>);
  t.Add(M::kFCOM, Fcom<false, 0, false>);
  t.Add(M::kFCOMP, Fcom<false, kPop, false>);
  t.Add(M::kFCOMPP, Fcom<false, kPop2, false>);
  t.Add(M::kFUCOM, Fcom<true, 0, false>);
  t.Add(M::kFUCOMP, Fcom<true, kPop, false>);
  t.Add(M::kFUCOMPP, Fcom<true, kPop2, false>);
  t.Add(M::kFICOM, Fcom<false, 0, true>);
  t.Add(M::kFICOMP, Fcom<false, kPop, true>);
  t.Add(M::kFTST, Ftst);
  t.Add(M::kFXAM, Simple<X87Op::kXam>);
  t.Add(M::kFCOMI, Fcomi<false, false>);
  t.Add(M::kFCOMIP, Fcomi<false, true>);
  t.Add(M::kFUCOMI, Fcomi<true, false>);
  t.Add(M::kFUCOMIP, Fcomi<true, true>);
  t.Add(M::kFCMOVB, Fcmov<kB>);
  t.Add(M::kFCMOVE, Fcmov<kE>);
  t.Add(M::kFCMOVBE, Fcmov<kBe>);
  t.Add(M::kFCMOVU, Fcmov<kP>);
  t.Add(M::kFCMOVNB, Fcmov<kAe>);
  t.Add(M::kFCMOVNE, Fcmov<kNe>);
  t.Add(M::kFCMOVNBE, Fcmov<kA>);
  t.Add(M::kFCMOVNU, Fcmov<kNp>);
}

}  // namespace vireo::x86
