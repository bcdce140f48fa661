// ROL ROR RCL RCR SHL/SAL SHR SAR (C0/C1 ib, D0/D1 by 1, D2/D3 by CL) and SHLD SHRD (0F A4/A5,
// 0F AC/AD). SDM Vol. 2B "RCL/RCR/ROL/ROR", "SAL/SAR/SHL/SHR", "SHLD", "SHRD".
//
// Counts are masked to 5 bits (6 for 64-bit operands); a masked count of 0 affects no flags.
// An immediate count is known at translation time, so the common case costs two shifts and a
// lazy-flag record. A CL count is known only at run time, so its flag update is conditional.
// The destination is written back even for a masked count of 0: hardware does so for a 32-bit
// register (the upper half of the 64-bit register is cleared; checked against the oracle), and
// a memory operand is accessed as a read-modify-write whatever the count.

#include <cstddef>

#include "cpu/x86/translate_families.h"

namespace vireo::x86 {

namespace {

using ir::IrEmitter;
using ir::Type;
using ir::Value;

unsigned Log2(unsigned bytes) { return bytes == 8 ? 3 : bytes == 4 ? 2 : bytes == 2 ? 1 : 0; }

/// Operand 0 of a read-modify-write; a memory operand's address is computed once.
class Dest {
 public:
  explicit Dest(TranslatorContext& c) : c_(c), bytes_(c.d->operands[0].size) {
    if (c.d->operands[0].kind == OperandKind::kMem) addr_ = c.Address();
  }
  unsigned bytes() const { return bytes_; }
  unsigned bits() const { return bytes_ * 8; }
  Type type() const { return TranslatorContext::SizeType(bytes_); }
  Value Load() { return addr_.valid() ? c_.Load(type(), addr_) : c_.Read(0); }
  void Store(Value v) {
    if (addr_.valid())
      c_.Store(addr_, v);
    else
      c_.Write(0, v);
  }

 private:
  TranslatorContext& c_;
  unsigned bytes_;
  Value addr_;
};

/// The masked count (SDM: COUNT & 1FH, or & 3FH with a 64-bit operand), as a U8.
struct Count {
  bool known;  ///< an immediate: `imm` holds it
  unsigned imm;
  Value v;  ///< U8 (an immediate value when known)
  bool Zero() const { return known && imm == 0; }
};

Count ReadCount(TranslatorContext& c, unsigned operand, unsigned bits) {
  const unsigned mask = bits == 64 ? 63 : 31;
  const Operand& op = c.d->operands[operand];
  if (op.kind == OperandKind::kImm) {
    unsigned n = static_cast<unsigned>(c.d->imm[op.reg]) & mask;
    return {true, n, IrEmitter::Imm8(n)};
  }
  return {false, 0, c.e.And(c.GetReg(kRcx, 1), IrEmitter::Imm8(mask))};  // CL
}

Value Bit(TranslatorContext& c, Value v, unsigned pos) {
  return c.e.Trunc(Type::kU1, c.e.Lshr(v, IrEmitter::Imm8(pos)));
}

Value Imm8(unsigned v) { return IrEmitter::Imm8(v & 0xFF); }

/// `a - b` on U8 amounts (folded when both are known).
Value SubAmount(TranslatorContext& c, Value a, unsigned b) {
  if (a.is_imm()) return Imm8(static_cast<unsigned>(a.imm) - b);
  return c.e.Sub(a, Imm8(b));
}

/// Records the lazy flags of a shift whose count is known only at run time: when it is zero
/// the SDM leaves every flag unchanged. The old or new value of each lazy-state field is
/// selected in CpuState, then the six flags are materialised from whichever state resulted
/// so the translator's record of the flags is exact either way.
void SetFlagsUnlessZero(TranslatorContext& c, Value zero, CcKind kind, unsigned bytes, Value dst,
                        Value src) {
  auto& e = c.e;
  auto pick = [&](uint32_t offset, Type t, Value v) {
    e.StoreState(offset, e.Select(zero, e.LoadState(t, offset), v));
  };
  pick(offsetof(CpuState, cc_op), Type::kU32, IrEmitter::Imm32(CcOp(kind, Log2(bytes))));
  pick(offsetof(CpuState, cc_dst), Type::kU64, e.ZExt(Type::kU64, dst));
  pick(offsetof(CpuState, cc_src), Type::kU64, e.ZExt(Type::kU64, src));
  // cc_src2 is not read by the shift kinds, so the old one can stay.
  c.SetArithFlags(c.Call(HelperId::kComputeFlags, Type::kU64));
}

/// Replaces CF and OF in `old` (the arithmetic flags before the instruction); rotates affect
/// no other flag. `zero` (U1, or invalid for a known non-zero count) keeps `old` unchanged.
void SetCarryOverflow(TranslatorContext& c, Value old, Value cf, Value of, Value zero) {
  auto& e = c.e;
  Value f = e.And(old, IrEmitter::Imm64(~(kCf | kOf)));
  f = e.Or(f, e.ZExt(Type::kU64, cf));
  f = e.Or(f, e.Shl(e.ZExt(Type::kU64, of), IrEmitter::Imm8(11)));
  if (zero.valid()) f = e.Select(zero, old, f);
  c.SetArithFlags(f);
}

enum class ShiftKind { kShl, kShr, kSar };

/// Records a shift's lazy flags: directly for a known non-zero count, and only when the
/// run-time count is non-zero otherwise (a zero count changes no flag).
void SetShiftFlags(TranslatorContext& c, const Count& n, CcKind kind, unsigned bytes, Value result,
                   Value last) {
  if (n.known) return c.SetFlags(kind, bytes, result, last);
  SetFlagsUnlessZero(c, c.e.Eq(n.v, Imm8(0)), kind, bytes, result, last);
}

/// SHL/SAL, SHR, SAR. CF is the last bit shifted out and OF (count 1 only) the sign change for
/// SHL, the original top bit for SHR and 0 for SAR; SF ZF PF follow the result; AF undefined.
/// The lazy kinds keep the value shifted by count - 1, which holds CF (and OF for count 1).
template <ShiftKind kKind>
void Shift(TranslatorContext& c) {
  auto& e = c.e;
  Dest dest(c);
  Count n = ReadCount(c, 1, dest.bits());
  Value x = dest.Load();
  if (n.Zero()) {
    dest.Store(x);
    return;
  }
  auto apply = [&](Value amount) {
    if constexpr (kKind == ShiftKind::kShl)
      return e.Shl(x, amount);
    else if constexpr (kKind == ShiftKind::kShr)
      return e.Lshr(x, amount);
    else
      return e.Ashr(x, amount);  // 8/16-bit counts >= width give the sign fill, as on hardware
  };
  Value result = apply(n.v);
  Value last = apply(SubAmount(c, n.v, 1));
  dest.Store(result);
  constexpr CcKind kind = kKind == ShiftKind::kShl   ? CcKind::kShl
                          : kKind == ShiftKind::kShr ? CcKind::kShr
                                                     : CcKind::kSar;
  SetShiftFlags(c, n, kind, dest.bytes(), result, last);
}

/// SHLD/SHRD r/m, reg, imm8/CL: the destination is shifted and the vacated bits are filled from
/// the register. CF is the last bit shifted out of the destination, OF (count 1) the sign
/// change, SF ZF PF per result, AF undefined. A 16-bit count above 16 leaves result and flags
/// undefined (SDM); the formulas below are defined for counts 0..width.
template <bool kLeft>
void DoubleShift(TranslatorContext& c) {
  auto& e = c.e;
  Dest dest(c);
  const unsigned bits = dest.bits();
  Count n = ReadCount(c, 2, bits);
  Value fill = c.Read(1);
  Value x = dest.Load();
  if (n.Zero()) {
    dest.Store(x);
    return;
  }
  Value back = n.known ? Imm8(bits - n.imm) : e.Sub(Imm8(bits), n.v);
  Value one_less = SubAmount(c, n.v, 1);
  Value result, last;
  if (kLeft) {
    result = e.Or(e.Shl(x, n.v), e.Lshr(fill, back));
    last = e.Shl(x, one_less);  // its top bit is CF; for count 1 it is x: OF as for SHL
  } else {
    result = e.Or(e.Lshr(x, n.v), e.Shl(fill, back));
    last = e.Lshr(x, one_less);  // its bit 0 is CF
    // kShr takes OF from the top bit of `last`; for SHRD by 1 that must be the sign change.
    if (!n.known || n.imm == 1) {
      Value msb = Value::Imm(dest.type(), uint64_t{1} << (bits - 1));
      last = e.Xor(last, e.And(result, msb));
    }
  }
  dest.Store(result);
  CcKind kind = kLeft ? CcKind::kShl : CcKind::kShr;
  SetShiftFlags(c, n, kind, dest.bytes(), result, last);
}

/// ROL/ROR: rotate by the masked count modulo the width; CF and OF come from the masked count
/// (so a count that is a non-zero multiple of the width still sets CF). ROL: CF = LSB(result),
/// OF = MSB(result) ^ CF. ROR: CF = MSB(result), OF = MSB(result) ^ MSB-1(result). OF is defined
/// for a count of 1 only; the same formula is used for all counts.
template <bool kLeft>
void Rotate(TranslatorContext& c) {
  auto& e = c.e;
  Dest dest(c);
  const unsigned bits = dest.bits();
  Count n = ReadCount(c, 1, bits);
  Value x = dest.Load();
  if (n.Zero()) {
    dest.Store(x);
    return;
  }
  Value amount = n.known ? Imm8(n.imm % bits) : n.v;  // Rotl/Rotr take the amount mod width
  Value result = kLeft ? e.Rotl(x, amount) : e.Rotr(x, amount);
  dest.Store(result);
  Value msb = Bit(c, result, bits - 1);
  Value cf = kLeft ? e.Trunc(Type::kU1, result) : msb;
  Value of = kLeft ? e.Xor(msb, cf) : e.Xor(msb, Bit(c, result, bits - 2));
  Value zero = n.known ? Value{} : e.Eq(n.v, Imm8(0));
  SetCarryOverflow(c, c.ArithFlags(), cf, of, zero);
}

/// RCL/RCR: a (width + 1)-bit rotate of CF:dest. The masked count is taken mod 9 for bytes and
/// mod 17 for words (SDM "tempCOUNT"); a masked count that reduces to 0 leaves the value and CF
/// as they were. OF (count 1): RCL MSB(result) ^ CF, RCR MSB(dest) ^ CF before the rotate,
/// which is MSB(result) ^ MSB-1(result) after it.
template <bool kLeft>
void RotateCarry(TranslatorContext& c) {
  auto& e = c.e;
  Dest dest(c);
  const unsigned bits = dest.bits();
  const Type t = dest.type();
  Count n = ReadCount(c, 1, bits);
  Value x = dest.Load();
  if (n.Zero()) {
    dest.Store(x);
    return;
  }
  Value old = c.ArithFlags();
  Value old_cf = e.Trunc(Type::kU1, old);  // CF is RFLAGS bit 0
  Value tmp;                               // the rotate amount, 0..bits
  if (n.known) {
    tmp = Imm8(bits < 32 ? n.imm % (bits + 1) : n.imm);
  } else if (bits == 8) {
    // count in 0..31: subtract 18 then 9 where they fit.
    tmp = e.Select(e.Ule(Imm8(18), n.v), e.Sub(n.v, Imm8(18)), n.v);
    tmp = e.Select(e.Ule(Imm8(9), tmp), e.Sub(tmp, Imm8(9)), tmp);
  } else if (bits == 16) {
    tmp = e.Select(e.Ule(Imm8(17), n.v), e.Sub(n.v, Imm8(17)), n.v);
  } else {
    tmp = n.v;
  }
  Value result, cf;
  if (tmp.is_imm() && tmp.imm == 0) {
    result = x;
    cf = old_cf;
  } else {
    Value cf_in = e.ZExt(t, old_cf);
    Value across =
        tmp.is_imm() ? Imm8(bits + 1 - static_cast<unsigned>(tmp.imm)) : e.Sub(Imm8(bits + 1), tmp);
    Value rest =
        tmp.is_imm() ? Imm8(bits - static_cast<unsigned>(tmp.imm)) : e.Sub(Imm8(bits), tmp);
    Value one_less = SubAmount(c, tmp, 1);
    if (kLeft) {
      // (x << tmp) | (CF << (tmp - 1)) | (x >> (bits + 1 - tmp)); CF out = bit (bits - tmp).
      result = e.Or(e.Or(e.Shl(x, tmp), e.Shl(cf_in, one_less)), e.Lshr(x, across));
      cf = Bit(c, e.Lshr(x, rest), 0);
    } else {
      // (x >> tmp) | (CF << (bits - tmp)) | (x << (bits + 1 - tmp)); CF out = bit (tmp - 1).
      result = e.Or(e.Or(e.Lshr(x, tmp), e.Shl(cf_in, rest)), e.Shl(x, across));
      cf = Bit(c, e.Lshr(x, one_less), 0);
    }
    if (!tmp.is_imm()) {
      Value none = e.Eq(tmp, Imm8(0));
      result = e.Select(none, x, result);
      cf = e.Select(none, old_cf, cf);
    }
  }
  dest.Store(result);
  Value msb = Bit(c, result, bits - 1);
  Value of = kLeft ? e.Xor(msb, cf) : e.Xor(msb, Bit(c, result, bits - 2));
  Value zero = n.known ? Value{} : e.Eq(n.v, Imm8(0));
  SetCarryOverflow(c, old, cf, of, zero);
}

}  // namespace

void RegisterShift(HandlerTable& t) {
  t.Add(Mnemonic::kROL, Rotate<true>);
  t.Add(Mnemonic::kROR, Rotate<false>);
  t.Add(Mnemonic::kRCL, RotateCarry<true>);
  t.Add(Mnemonic::kRCR, RotateCarry<false>);
  t.Add(Mnemonic::kSHL, Shift<ShiftKind::kShl>);
  t.Add(Mnemonic::kSAL, Shift<ShiftKind::kShl>);  // C0/C1/D0-D3 /6: executes as SHL
  t.Add(Mnemonic::kSHR, Shift<ShiftKind::kShr>);
  t.Add(Mnemonic::kSAR, Shift<ShiftKind::kSar>);
  t.Add(Mnemonic::kSHLD, DoubleShift<true>);
  t.Add(Mnemonic::kSHRD, DoubleShift<false>);
}

}  // namespace vireo::x86
