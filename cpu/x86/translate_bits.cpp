// Bit manipulation: BT BTS BTR BTC, BSF BSR, TZCNT LZCNT POPCNT, BMI1 (ANDN BEXTR BLSI BLSMSK
// BLSR), BMI2 (BZHI PDEP PEXT RORX SARX SHLX SHRX MULX) and ADX (ADCX ADOX). Semantics and flags
// follow each instruction's page in SDM Vol. 2A/2B ("Operation" and "Flags Affected").
//
// Several of these define CF and the result flags but clear OF: the kSar lazy kind (flags.h) is
// exactly "ZF/SF/PF from dst, CF = bit 0 of src, OF = AF = 0", so it records them without
// materialising RFLAGS (AF and PF are undefined for every instruction it is used for).

#include "cpu/x86/cpu.h"
#include "cpu/x86/helpers.h"
#include "cpu/x86/translate_families.h"

namespace vireo::x86 {

/// PDEP (SDM Vol. 2B PDEP): the low bits of `source` go, in order, to the set bits of `mask`.
uint64_t PdepHelper(jit::ExecEnv*, uint64_t source, uint64_t mask) {
  uint64_t result = 0;
  for (uint64_t m = mask; m != 0; m &= m - 1, source >>= 1) {
    if (source & 1) result |= m & -m;  // m & -m: the lowest remaining mask bit
  }
  return result;
}

/// PEXT (SDM Vol. 2B PEXT): the bits of `source` under the set bits of `mask`, packed low.
uint64_t PextHelper(jit::ExecEnv*, uint64_t source, uint64_t mask) {
  uint64_t result = 0;
  uint64_t out = 1;
  for (uint64_t m = mask; m != 0; m &= m - 1, out <<= 1) {
    if (source & m & -m) result |= out;
  }
  return result;
}

namespace {

using ir::AtomicOp;
using ir::IrEmitter;
using ir::Type;
using ir::Value;

Type TypeOf(unsigned bytes) { return TranslatorContext::SizeType(bytes); }
Value Const(Type t, uint64_t v) { return Value::Imm(t, v); }

/// Flags "per result, CF = `cf`, OF = 0" (kSar, see the file comment).
void ResultAndCarry(TranslatorContext& c, unsigned bytes, Value result, Value cf) {
  c.SetFlags(CcKind::kSar, bytes, result, c.e.ZExt(TypeOf(bytes), cf));
}

// --- BT / BTS / BTR / BTC -------------------------------------------------------------------

enum class BitOp { kTest, kSet, kReset, kComplement };

Value ModifyBit(IrEmitter& e, BitOp op, Value v, Value mask) {
  switch (op) {
    case BitOp::kSet:
      return e.Or(v, mask);
    case BitOp::kReset:
      return e.And(v, e.Not(mask));
    case BitOp::kComplement:
      return e.Xor(v, mask);
    case BitOp::kTest:
      break;
  }
  return v;
}

/// SDM Vol. 2A BT/BTS/BTR/BTC. CF = the selected bit before the operation; ZF is unchanged and
/// OF/SF/AF/PF are undefined, so instead of materialising RFLAGS the flags are recorded as a
/// kSar state whose dst is zero exactly when ZF was set and whose src carries the bit.
template <BitOp kOp>
void BitTest(TranslatorContext& c) {
  auto& e = c.e;
  const DecodedInst& d = *c.d;
  const unsigned bytes = d.operands[0].size;
  const unsigned bits = bytes * 8;
  const Type t = TypeOf(bytes);
  const bool imm = d.operands[1].kind == OperandKind::kImm;
  // An immediate offset, and any offset with a register destination, is taken modulo the
  // operand width.
  Value offset = imm ? Value{} : c.Read(1);
  Value pos = imm ? Const(Type::kU8, static_cast<uint64_t>(d.imm[d.operands[1].reg]) & (bits - 1))
                  : e.Trunc(Type::kU8, e.And(offset, Const(t, bits - 1)));
  Value mask = e.Shl(Const(t, 1), pos);
  Value old;
  if (d.operands[0].kind == OperandKind::kMem) {
    Value addr;
    if (imm) {
      addr = c.Address();
    } else {
      // A register offset is signed and addresses a bit string starting at the operand: the
      // word accessed is EA + (offset SAR log2(bits)) * bytes, which is the byte offset
      // (offset SAR 3) rounded down to the operand size. The sum wraps at the address size.
      Type at = TypeOf(d.mem.address_size);
      Value delta = e.And(e.Ashr(offset, IrEmitter::Imm8(3)), Const(t, ~uint64_t{bytes - 1}));
      addr = c.Linear(d.mem.segment, e.Add(c.EffectiveAddress(), e.SExt(at, delta)));
    }
    if (kOp == BitOp::kTest) {
      old = c.Load(t, addr);
    } else if (d.prefixes & kPrefixLock) {
      switch (kOp) {
        case BitOp::kSet:
          old = e.AtomicRmw(AtomicOp::kOr, addr, mask);
          break;
        case BitOp::kReset:
          old = e.AtomicRmw(AtomicOp::kAnd, addr, e.Not(mask));
          break;
        default:
          old = e.AtomicRmw(AtomicOp::kXor, addr, mask);
          break;
      }
    } else {
      old = c.Load(t, addr);
      c.Store(addr, ModifyBit(e, kOp, old, mask));
    }
  } else {
    old = c.Read(0);
    if (kOp != BitOp::kTest) c.Write(0, ModifyBit(e, kOp, old, mask));
  }
  Value cf = e.Ne(e.And(old, mask), Const(t, 0));
  Value not_zf = e.Xor(c.Condition(kE), IrEmitter::True());
  c.SetFlags(CcKind::kSar, 1, e.ZExt(Type::kU8, not_zf), e.ZExt(Type::kU8, cf));
}

// --- BSF / BSR / TZCNT / LZCNT / POPCNT -----------------------------------------------------

/// SDM Vol. 2A BSF/BSR: ZF = (source == 0); CF/OF/SF/AF/PF undefined. With a zero source the
/// SDM leaves the destination undefined; AMD documents it as unchanged and the reference host
/// keeps all 64 bits of it, even for a 32-bit operand in 64-bit mode, so that is emulated.
template <bool kReverse>
void BitScan(TranslatorContext& c) {
  auto& e = c.e;
  const unsigned bytes = c.d->operands[0].size;
  const Type t = TypeOf(bytes);
  Value src = c.Read(1);
  Value zero = e.Eq(src, Const(t, 0));
  Value index = kReverse ? e.Sub(Const(t, bytes * 8 - 1), e.Clz(src)) : e.Ctz(src);
  const unsigned reg = c.d->operands[0].reg;
  const unsigned wbytes = bytes == 4 ? 8 : bytes;
  Value old = c.GetReg(reg, wbytes);
  c.SetReg(reg, wbytes, e.Select(zero, old, e.ZExt(TypeOf(wbytes), index)));
  c.SetFlags(CcKind::kLogic, bytes, src);  // ZF = (src == 0); the rest is undefined
}

/// SDM Vol. 2B TZCNT / Vol. 2A LZCNT: CF = (source == 0), ZF = (result == 0); OF/SF/AF/PF
/// undefined. A zero source gives the operand width.
template <bool kLeading>
void CountZeros(TranslatorContext& c) {
  auto& e = c.e;
  const unsigned bytes = c.d->operands[0].size;
  Value src = c.Read(1);
  Value result = kLeading ? e.Clz(src) : e.Ctz(src);
  c.Write(0, result);
  ResultAndCarry(c, bytes, result, e.Eq(src, Const(TypeOf(bytes), 0)));
}

/// SDM Vol. 2B POPCNT: ZF = (source == 0); OF/SF/AF/CF/PF are cleared (PF too, so no lazy kind
/// fits: the flags are written explicitly).
void Popcnt(TranslatorContext& c) {
  auto& e = c.e;
  const Type t = TypeOf(c.d->operands[0].size);
  Value src = c.Read(1);
  c.Write(0, e.Popcount(src));
  c.SetArithFlags(e.Select(e.Eq(src, Const(t, 0)), IrEmitter::Imm64(kZf), IrEmitter::Imm64(0)));
}

// --- BMI1 / BMI2 (VEX) ----------------------------------------------------------------------
// Operands as the decoder lists them (opcodes_vex.inc, SDM operand order): the ModRM.reg
// destination, the VEX.vvvv register (By) and ModRM.rm (Ey) in each instruction's order.

/// VEX is not recognised in real-address and virtual-8086 mode (SDM Vol. 2A 2.3.5; there
/// C4/C5 with a register ModRM are LES/LDS, which also #UD).
template <TranslateFn kFn>
void Vex(TranslatorContext& c) {
  if (!c.mode.protected_mode || c.mode.v86) {
    c.Raise(kUD);
    return;
  }
  kFn(c);
}

/// ANDN r, vvvv, r/m = ~vvvv & r/m: SF/ZF per result, OF = CF = 0, AF/PF undefined (kLogic).
void Andn(TranslatorContext& c) {
  auto& e = c.e;
  Value src1 = c.Read(1);
  Value src2 = c.Read(2);
  Value result = e.And(e.Not(src1), src2);
  c.Write(0, result);
  c.SetFlags(CcKind::kLogic, c.d->operands[0].size, result);
}

/// BEXTR r, r/m, vvvv: START = vvvv[7:0], LEN = vvvv[15:8]; fields beyond the operand read
/// zeros. ZF per result, CF = OF = 0, AF/SF/PF undefined (kLogic).
void Bextr(TranslatorContext& c) {
  auto& e = c.e;
  const Type t = TypeOf(c.d->operands[0].size);
  Value src = c.Read(1);
  Value control = c.Read(2);
  Value start = e.Trunc(Type::kU8, control);
  Value len = e.Trunc(Type::kU8, e.Lshr(control, IrEmitter::Imm8(8)));
  // IR shifts by >= the width give 0, which is exactly the out-of-range behaviour.
  Value keep = e.Not(e.Shl(Const(t, ir::TypeMask(t)), len));
  Value result = e.And(e.Lshr(src, start), keep);
  c.Write(0, result);
  c.SetFlags(CcKind::kLogic, c.d->operands[0].size, result);
}

enum class Bls { kIsolate, kMask, kReset };

/// BLSI/BLSMSK/BLSR vvvv, r/m. BLSI: CF = (src != 0); BLSMSK and BLSR: CF = (src == 0). ZF/SF per
/// result (BLSMSK's result is never 0, so its "ZF cleared" is the same), OF = 0, AF/PF undefined.
template <Bls kOp>
void BlsOp(TranslatorContext& c) {
  auto& e = c.e;
  const unsigned bytes = c.d->operands[0].size;
  const Type t = TypeOf(bytes);
  Value src = c.Read(1);
  Value result;
  Value cf;
  switch (kOp) {
    case Bls::kIsolate:
      result = e.And(src, e.Neg(src));
      cf = e.Ne(src, Const(t, 0));
      break;
    case Bls::kMask:
      result = e.Xor(src, e.Sub(src, Const(t, 1)));
      cf = e.Eq(src, Const(t, 0));
      break;
    case Bls::kReset:
      result = e.And(src, e.Sub(src, Const(t, 1)));
      cf = e.Eq(src, Const(t, 0));
      break;
  }
  c.Write(0, result);
  ResultAndCarry(c, bytes, result, cf);
}

/// BZHI r, r/m, vvvv: N = vvvv[7:0]; bits N and up are cleared when N < width. CF = (N > width-1),
/// ZF/SF per result, OF = 0, AF/PF undefined.
void Bzhi(TranslatorContext& c) {
  auto& e = c.e;
  const unsigned bytes = c.d->operands[0].size;
  const Type t = TypeOf(bytes);
  Value src = c.Read(1);
  Value n = e.Trunc(Type::kU8, c.Read(2));
  Value result = e.And(src, e.Not(e.Shl(Const(t, ir::TypeMask(t)), n)));
  c.Write(0, result);
  ResultAndCarry(c, bytes, result, e.Ult(IrEmitter::Imm8(bytes * 8 - 1), n));
}

/// PDEP/PEXT r, vvvv (source), r/m (mask) through the helpers above; no flags change.
template <HelperId kId>
void DepositExtract(TranslatorContext& c) {
  auto& e = c.e;
  const Type t = TypeOf(c.d->operands[0].size);
  Value src = e.ZExt(Type::kU64, c.Read(1));
  Value mask = e.ZExt(Type::kU64, c.Read(2));
  c.Write(0, e.Trunc(t, c.Call(kId, Type::kU64, src, mask)));
}

/// RORX r, r/m, imm8: rotate right by imm8 modulo the width; no flags change.
void Rorx(TranslatorContext& c) {
  const unsigned bits = c.d->operands[0].size * 8;
  const uint64_t count = static_cast<uint64_t>(c.d->imm[c.d->operands[2].reg]) & (bits - 1);
  c.Write(0, c.e.Rotr(c.Read(1), IrEmitter::Imm8(count)));
}

enum class ShiftX { kLeft, kLogicalRight, kArithmeticRight };

/// SHLX/SHRX/SARX r, r/m, vvvv: the count is vvvv masked to 5 (6 with W1) bits; no flags change.
template <ShiftX kOp>
void ShiftXOp(TranslatorContext& c) {
  auto& e = c.e;
  const unsigned bits = c.d->operands[0].size * 8;
  Value src = c.Read(1);
  Value count = e.And(e.Trunc(Type::kU8, c.Read(2)), IrEmitter::Imm8(bits - 1));
  Value result = kOp == ShiftX::kLeft           ? e.Shl(src, count)
                 : kOp == ShiftX::kLogicalRight ? e.Lshr(src, count)
                                                : e.Ashr(src, count);
  c.Write(0, result);
}

/// MULX hi, lo, r/m: unsigned rDX * r/m; the low half goes to vvvv, then the high half to the
/// ModRM.reg register, so the high half wins when both name the same register (SDM Vol. 2B
/// MULX Operation). No flags change.
void Mulx(TranslatorContext& c) {
  auto& e = c.e;
  const unsigned bytes = c.d->operands[0].size;
  Value a = c.GetReg(kRdx, bytes);
  Value b = c.Read(2);
  Value lo = e.Mul(a, b);
  Value hi = e.UMulHi(a, b);
  c.Write(1, lo);
  c.Write(0, hi);
}

// --- ADX ------------------------------------------------------------------------------------

/// ADCX (CF) / ADOX (OF) r, r/m: r = r + r/m + flag, the carry out goes to the same flag and
/// every other flag is unchanged (SDM Vol. 2A ADCX, ADOX).
template <bool kOverflow>
void AddCarryX(TranslatorContext& c) {
  auto& e = c.e;
  const Type t = TypeOf(c.d->operands[0].size);
  const uint64_t flag = kOverflow ? kOf : kCf;
  const uint64_t pos = kOverflow ? 11 : 0;
  Value dst = c.Read(0);
  Value src = c.Read(1);
  Value flags = c.ArithFlags();
  Value carry_in = e.ZExt(t, e.And(e.Lshr(flags, IrEmitter::Imm8(pos)), IrEmitter::Imm64(1)));
  Value partial = e.Add(dst, src);
  Value sum = e.Add(partial, carry_in);
  Value carry_out = e.Or(e.Ult(partial, dst), e.Ult(sum, partial));
  c.Write(0, sum);
  Value rest = e.And(flags, IrEmitter::Imm64(~flag));
  c.SetArithFlags(e.Or(rest, e.Shl(e.ZExt(Type::kU64, carry_out), IrEmitter::Imm8(pos))));
}

}  // namespace

void RegisterBits(HandlerTable& t) {
  t.Add(Mnemonic::kBT, BitTest<BitOp::kTest>);
  t.Add(Mnemonic::kBTS, BitTest<BitOp::kSet>);
  t.Add(Mnemonic::kBTR, BitTest<BitOp::kReset>);
  t.Add(Mnemonic::kBTC, BitTest<BitOp::kComplement>);
  t.Add(Mnemonic::kBSF, BitScan<false>);
  t.Add(Mnemonic::kBSR, BitScan<true>);
  t.Add(Mnemonic::kTZCNT, CountZeros<false>);
  t.Add(Mnemonic::kLZCNT, CountZeros<true>);
  t.Add(Mnemonic::kPOPCNT, Popcnt);
  t.Add(Mnemonic::kANDN, Vex<Andn>);
  t.Add(Mnemonic::kBEXTR, Vex<Bextr>);
  t.Add(Mnemonic::kBLSI, Vex<BlsOp<Bls::kIsolate>>);
  t.Add(Mnemonic::kBLSMSK, Vex<BlsOp<Bls::kMask>>);
  t.Add(Mnemonic::kBLSR, Vex<BlsOp<Bls::kReset>>);
  t.Add(Mnemonic::kBZHI, Vex<Bzhi>);
  t.Add(Mnemonic::kPDEP, Vex<DepositExtract<HelperId::kPdep>>);
  t.Add(Mnemonic::kPEXT, Vex<DepositExtract<HelperId::kPext>>);
  t.Add(Mnemonic::kRORX, Vex<Rorx>);
  t.Add(Mnemonic::kSHLX, Vex<ShiftXOp<ShiftX::kLeft>>);
  t.Add(Mnemonic::kSHRX, Vex<ShiftXOp<ShiftX::kLogicalRight>>);
  t.Add(Mnemonic::kSARX, Vex<ShiftXOp<ShiftX::kArithmeticRight>>);
  t.Add(Mnemonic::kMULX, Vex<Mulx>);
  t.Add(Mnemonic::kADCX, AddCarryX<false>);
  t.Add(Mnemonic::kADOX, AddCarryX<true>);
}

}  // namespace vireo::x86
