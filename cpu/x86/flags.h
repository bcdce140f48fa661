#pragma once
// The arithmetic flags of each lazy-flag kind, written once as templates over an "ops" type:
// instantiated with ValueOps (plain integers) they are the helper that materialises RFLAGS at
// run time; instantiated with the translator's IR ops they emit the same formulas as IR when the
// kind is known at translation time. Definitions: SDM Vol. 1 3.4.3.1 and Appendix A (EFLAGS
// cross-reference), and the per-instruction "Flags Affected" sections of Vol. 2.

#include <cstdint>

#include "cpu/x86/cpu_state.h"

namespace vireo::x86 {

/// Condition codes in their encoding order (SDM Vol. 1 Appendix B, Table B-1).
enum Cond : uint8_t { kO, kNo, kB, kAe, kE, kNe, kBe, kA, kS, kNs, kP, kNp, kL, kGe, kLe, kG };

/// Formulas for one lazy state. `Ops` supplies: V (a value of the operand width), B (a one-bit
/// value), Const(v), Add/Sub/Xor/And(V,V), Eq/Ult/Ule(V,V)->B, Bit(V, pos)->B, Not(B), BXor(B,B),
/// BOr(B,B), Select(B, B, B), One(), Zero(), Parity(V)->B (true if the low byte has even parity).
template <class Ops>
struct LazyFlags {
  using V = typename Ops::V;
  using B = typename Ops::B;

  Ops& o;
  CcKind kind;
  unsigned bits;  ///< operand width: 8, 16, 32, 64
  V dst, src, src2;

  /// The first operand of an add/sub, recovered from result and second operand.
  V Src1() const {
    switch (kind) {
      case CcKind::kAdd:
        return o.Sub(dst, src);
      case CcKind::kAdc:
        return o.Sub(o.Sub(dst, src), src2);
      case CcKind::kSub:
        return o.Add(dst, src);
      case CcKind::kSbb:
        return o.Add(o.Add(dst, src), src2);
      default:
        return dst;
    }
  }

  B Cf() const {
    switch (kind) {
      case CcKind::kAdd:
        return o.Ult(dst, src);
      case CcKind::kAdc:
        return o.Select(o.Bit(src2, 0), o.Ule(dst, src), o.Ult(dst, src));
      case CcKind::kSub:
        return o.Ult(Src1(), src);
      case CcKind::kSbb: {
        V s1 = Src1();
        return o.Select(o.Bit(src2, 0), o.Ule(s1, src), o.Ult(s1, src));
      }
      case CcKind::kInc:
      case CcKind::kDec:
        return o.Bit(src2, 0);
      case CcKind::kShl:
        return o.Bit(src, bits - 1);
      case CcKind::kShr:
      case CcKind::kSar:
        return o.Bit(src, 0);
      case CcKind::kMul:
        return o.Not(o.Eq(src, o.Const(0)));
      default:
        return o.Zero();  // kLogic
    }
  }

  B Zf() const { return o.Eq(dst, o.Const(0)); }
  B Sf() const { return o.Bit(dst, bits - 1); }
  B Pf() const { return o.Parity(dst); }

  B Af() const {
    switch (kind) {
      case CcKind::kAdd:
      case CcKind::kAdc:
      case CcKind::kSub:
      case CcKind::kSbb:
        return o.Bit(o.Xor(o.Xor(Src1(), src), dst), 4);
      case CcKind::kInc:
        return o.Eq(o.And(dst, o.Const(0xF)), o.Const(0));
      case CcKind::kDec:
        return o.Eq(o.And(dst, o.Const(0xF)), o.Const(0xF));
      default:
        return o.Zero();  // logic, shifts, multiply: AF undefined; 0 is chosen
    }
  }

  B Of() const {
    const uint64_t msb = uint64_t{1} << (bits - 1);
    switch (kind) {
      case CcKind::kAdd:
      case CcKind::kAdc:
        return o.Bit(o.And(o.Xor(Src1(), dst), o.Xor(src, dst)), bits - 1);
      case CcKind::kSub:
      case CcKind::kSbb: {
        V s1 = Src1();
        return o.Bit(o.And(o.Xor(s1, src), o.Xor(s1, dst)), bits - 1);
      }
      case CcKind::kInc:
        return o.Eq(dst, o.Const(msb));
      case CcKind::kDec:
        return o.Eq(dst, o.Const(msb - 1));
      case CcKind::kShl:
        return o.BXor(o.Bit(src, bits - 1), o.Bit(dst, bits - 1));
      case CcKind::kShr:
        return o.Bit(src, bits - 1);  // the original top bit (count 1)
      case CcKind::kMul:
        return o.Not(o.Eq(src, o.Const(0)));
      default:
        return o.Zero();  // kLogic, kSar
    }
  }

  /// Condition `cc`, with the shortcuts a compiler would take after CMP/SUB and TEST/AND.
  B Condition(Cond cc) const {
    bool negate = cc & 1;
    B r = o.Zero();
    switch (cc & ~1) {
      case kO:
        r = Of();
        break;
      case kB:
        r = kind == CcKind::kSub ? o.Ult(Src1(), src) : Cf();
        break;
      case kE:
        r = Zf();
        break;
      case kBe:
        r = kind == CcKind::kSub ? o.Ule(Src1(), src) : o.BOr(Cf(), Zf());
        break;
      case kS:
        r = Sf();
        break;
      case kP:
        r = Pf();
        break;
      case kL:
        if (kind == CcKind::kSub)
          r = o.Slt(Src1(), src);
        else if (kind == CcKind::kLogic)
          r = Sf();
        else
          r = o.BXor(Sf(), Of());
        break;
      case kLe:
        if (kind == CcKind::kSub)
          r = o.Sle(Src1(), src);
        else if (kind == CcKind::kLogic)
          r = o.BOr(Zf(), Sf());
        else
          r = o.BOr(Zf(), o.BXor(Sf(), Of()));
        break;
    }
    return negate ? o.Not(r) : r;
  }
};

/// ValueOps: the formulas on plain integers (the run-time materialisation helper and tests).
struct ValueOps {
  using V = uint64_t;
  using B = bool;
  unsigned bits;
  uint64_t mask() const { return bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1; }
  int64_t Signed(V v) const {
    uint64_t m = uint64_t{1} << (bits - 1);
    return static_cast<int64_t>(((v & mask()) ^ m) - m);
  }
  V Const(uint64_t v) const { return v & mask(); }
  V Add(V a, V b) const { return (a + b) & mask(); }
  V Sub(V a, V b) const { return (a - b) & mask(); }
  V Xor(V a, V b) const { return a ^ b; }
  V And(V a, V b) const { return a & b; }
  B Eq(V a, V b) const { return a == b; }
  B Ult(V a, V b) const { return a < b; }
  B Ule(V a, V b) const { return a <= b; }
  B Slt(V a, V b) const { return Signed(a) < Signed(b); }
  B Sle(V a, V b) const { return Signed(a) <= Signed(b); }
  B Bit(V v, unsigned pos) const { return (v >> pos) & 1; }
  B Not(B b) const { return !b; }
  B BXor(B a, B b) const { return a != b; }
  B BOr(B a, B b) const { return a || b; }
  B Select(B c, B a, B b) const { return c ? a : b; }
  B One() const { return true; }
  B Zero() const { return false; }
  B Parity(V v) const { return (__builtin_popcountll(v & 0xFF) & 1) == 0; }
};

/// The six arithmetic flags of a lazy state, as RFLAGS bits.
uint64_t ComputeArithFlags(uint32_t cc_op, uint64_t dst, uint64_t src, uint64_t src2);

/// Evaluates condition `cc` for the lazy state, or against `rflags` for kEflags.
bool EvaluateCondition(Cond cc, uint32_t cc_op, uint64_t dst, uint64_t src, uint64_t src2,
                       uint64_t rflags);

/// Condition `cc` from materialised RFLAGS (SDM Vol. 1 Table B-1).
bool ConditionFromRflags(Cond cc, uint64_t rflags);

}  // namespace vireo::x86
