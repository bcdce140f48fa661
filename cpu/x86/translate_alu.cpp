// ADD OR ADC SBB AND SUB XOR CMP TEST INC DEC NEG NOT (SDM Vol. 2A/2B, each "Flags Affected").
// A LOCK prefix with a memory destination makes the read-modify-write atomic on the host.

#include "cpu/x86/translate_families.h"

namespace vireo::x86 {

namespace {

using ir::AtomicOp;
using ir::Type;
using ir::Value;

enum class Op { kAdd, kOr, kAdc, kSbb, kAnd, kSub, kXor, kCmp };

bool Locked(const TranslatorContext& c) {
  return (c.d->prefixes & kPrefixLock) && c.d->operands[0].kind == OperandKind::kMem;
}

void Binary(TranslatorContext& c, Op op) {
  auto& e = c.e;
  unsigned bytes = c.d->operands[0].size;
  Type t = TranslatorContext::SizeType(bytes);
  Value src = c.ReadAs(1, t);
  Value carry = (op == Op::kAdc || op == Op::kSbb) ? e.ZExt(t, c.Carry()) : Value{};
  Value result;
  if (Locked(c)) {
    Value addr = c.Address();
    Value old;
    switch (op) {
      // x - y == x + (-y) modulo 2^n, so SUB/SBB are atomic adds of the negated operand.
      case Op::kAdd:
        old = e.AtomicRmw(AtomicOp::kAdd, addr, src);
        break;
      case Op::kAdc:
        old = e.AtomicRmw(AtomicOp::kAdd, addr, e.Add(src, carry));
        break;
      case Op::kSub:
        old = e.AtomicRmw(AtomicOp::kAdd, addr, e.Neg(src));
        break;
      case Op::kSbb:
        old = e.AtomicRmw(AtomicOp::kAdd, addr, e.Neg(e.Add(src, carry)));
        break;
      case Op::kAnd:
        old = e.AtomicRmw(AtomicOp::kAnd, addr, src);
        break;
      case Op::kOr:
        old = e.AtomicRmw(AtomicOp::kOr, addr, src);
        break;
      case Op::kXor:
        old = e.AtomicRmw(AtomicOp::kXor, addr, src);
        break;
      case Op::kCmp:
        old = c.Load(t, addr);
        break;  // decoder rejects LOCK CMP
    }
    switch (op) {
      case Op::kAdd:
        result = e.Add(old, src);
        break;
      case Op::kAdc:
        result = e.Add(e.Add(old, src), carry);
        break;
      case Op::kSub:
      case Op::kCmp:
        result = e.Sub(old, src);
        break;
      case Op::kSbb:
        result = e.Sub(e.Sub(old, src), carry);
        break;
      case Op::kAnd:
        result = e.And(old, src);
        break;
      case Op::kOr:
        result = e.Or(old, src);
        break;
      case Op::kXor:
        result = e.Xor(old, src);
        break;
    }
  } else {
    Value dst = c.Read(0);
    switch (op) {
      case Op::kAdd:
        result = e.Add(dst, src);
        break;
      case Op::kAdc:
        result = e.Add(e.Add(dst, src), carry);
        break;
      case Op::kSub:
      case Op::kCmp:
        result = e.Sub(dst, src);
        break;
      case Op::kSbb:
        result = e.Sub(e.Sub(dst, src), carry);
        break;
      case Op::kAnd:
        result = e.And(dst, src);
        break;
      case Op::kOr:
        result = e.Or(dst, src);
        break;
      case Op::kXor:
        result = e.Xor(dst, src);
        break;
    }
    if (op != Op::kCmp) c.Write(0, result);
  }
  switch (op) {
    case Op::kAdd:
      c.SetFlags(CcKind::kAdd, bytes, result, src);
      break;
    case Op::kAdc:
      c.SetFlags(CcKind::kAdc, bytes, result, src, carry);
      break;
    case Op::kSub:
    case Op::kCmp:
      c.SetFlags(CcKind::kSub, bytes, result, src);
      break;
    case Op::kSbb:
      c.SetFlags(CcKind::kSbb, bytes, result, src, carry);
      break;
    default:
      c.SetFlags(CcKind::kLogic, bytes, result);
      break;
  }
}

template <Op kOp>
void BinaryOp(TranslatorContext& c) {
  Binary(c, kOp);
}

void Test(TranslatorContext& c) {
  unsigned bytes = c.d->operands[0].size;
  Type t = TranslatorContext::SizeType(bytes);
  Value src = c.ReadAs(1, t);
  c.SetFlags(CcKind::kLogic, bytes, c.e.And(c.Read(0), src));
}

/// INC/DEC keep CF (SDM Vol. 2A INC: "The CF flag is not affected").
template <bool kInc>
void IncDec(TranslatorContext& c) {
  auto& e = c.e;
  unsigned bytes = c.d->operands[0].size;
  Type t = TranslatorContext::SizeType(bytes);
  Value cf = e.ZExt(t, c.Carry());
  Value one = Value::Imm(t, 1);
  Value result;
  if (Locked(c)) {
    Value old =
        e.AtomicRmw(AtomicOp::kAdd, c.Address(), kInc ? one : Value::Imm(t, ir::TypeMask(t)));
    result = kInc ? e.Add(old, one) : e.Sub(old, one);
  } else {
    result = kInc ? e.Add(c.Read(0), one) : e.Sub(c.Read(0), one);
    c.Write(0, result);
  }
  c.SetFlags(kInc ? CcKind::kInc : CcKind::kDec, bytes, result, {}, cf);
}

void Not(TranslatorContext& c) {
  auto& e = c.e;
  Type t = TranslatorContext::SizeType(c.d->operands[0].size);
  if (Locked(c)) {
    e.AtomicRmw(AtomicOp::kXor, c.Address(), Value::Imm(t, ir::TypeMask(t)));
    return;
  }
  c.Write(0, e.Not(c.Read(0)));  // NOT affects no flags
}

/// NEG is SUB 0, x: CF = (x != 0), the rest as for SUB.
void Neg(TranslatorContext& c) {
  auto& e = c.e;
  unsigned bytes = c.d->operands[0].size;
  if (Locked(c)) {
    // No host fetch-op computes 0 - x, so compare-exchange and re-execute the instruction if
    // another agent changed the value in between.
    Value addr = c.Address();
    Value old = c.Load(TranslatorContext::SizeType(bytes), addr);
    Value result = e.Neg(old);
    Value seen = e.AtomicCmpXchg(addr, old, result);
    c.SetFlags(CcKind::kSub, bytes, result, old);
    e.Branch(e.Eq(seen, old), c.next_pc, c.pc);
    c.end_block = true;
    return;
  }
  Value x = c.Read(0);
  Value result = e.Neg(x);
  c.Write(0, result);
  c.SetFlags(CcKind::kSub, bytes, result, x);
}

}  // namespace

void RegisterAlu(HandlerTable& t) {
  t.Add(Mnemonic::kADD, BinaryOp<Op::kAdd>);
  t.Add(Mnemonic::kOR, BinaryOp<Op::kOr>);
  t.Add(Mnemonic::kADC, BinaryOp<Op::kAdc>);
  t.Add(Mnemonic::kSBB, BinaryOp<Op::kSbb>);
  t.Add(Mnemonic::kAND, BinaryOp<Op::kAnd>);
  t.Add(Mnemonic::kSUB, BinaryOp<Op::kSub>);
  t.Add(Mnemonic::kXOR, BinaryOp<Op::kXor>);
  t.Add(Mnemonic::kCMP, BinaryOp<Op::kCmp>);
  t.Add(Mnemonic::kTEST, Test);
  t.Add(Mnemonic::kINC, IncDec<true>);
  t.Add(Mnemonic::kDEC, IncDec<false>);
  t.Add(Mnemonic::kNOT, Not);
  t.Add(Mnemonic::kNEG, Neg);
}

}  // namespace vireo::x86
