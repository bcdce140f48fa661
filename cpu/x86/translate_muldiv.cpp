// MUL IMUL DIV IDIV (SDM Vol. 2A "MUL", "IMUL", "DIV", "IDIV").
//
// Multiplies are inline IR (Mul for the low half, UMulHi/SMulHi for the high half). MUL/IMUL
// define only CF and OF (equal: set when the high half is significant); SF ZF AF PF are
// undefined, so the kMul lazy state keeps the overflow indicator and nothing else is computed.
// Divides go through the kDivide helper, which raises #DE before changing any state.

#include "cpu/x86/translate_families.h"

namespace vireo::x86 {

namespace {

using ir::IrEmitter;
using ir::Type;
using ir::Value;

unsigned Log2(unsigned bytes) { return bytes == 8 ? 3 : bytes == 4 ? 2 : bytes == 2 ? 1 : 0; }

/// Non-zero when the signed product does not fit `low` sign-extended: the high half differs
/// from the copies of low's sign bit (SDM IMUL: "CF and OF are set when significant bits are
/// carried into the upper half").
Value SignedOverflow(TranslatorContext& c, Value low, Value high) {
  unsigned bits = ir::BitWidth(low.type);
  return c.e.Xor(high, c.e.Ashr(low, IrEmitter::Imm8(bits - 1)));
}

/// MUL/IMUL r/m (F6/F7 /4 /5): AX = AL * r/m8, or rDX:rAX = rAX * r/m.
template <bool kSigned>
void MulOne(TranslatorContext& c) {
  auto& e = c.e;
  const unsigned bytes = c.d->operands[0].size;
  Value src = c.Read(0);  // the only access that can fault comes first
  Value a = c.GetReg(kRax, bytes);
  Value low, high;
  if (bytes == 1) {
    Value wide = kSigned ? e.Mul(e.SExt(Type::kU16, a), e.SExt(Type::kU16, src))
                         : e.Mul(e.ZExt(Type::kU16, a), e.ZExt(Type::kU16, src));
    c.SetReg(kRax, 2, wide);
    low = e.Trunc(Type::kU8, wide);
    high = e.Trunc(Type::kU8, e.Lshr(wide, IrEmitter::Imm8(8)));
  } else {
    low = e.Mul(a, src);
    high = kSigned ? e.SMulHi(a, src) : e.UMulHi(a, src);
    c.SetReg(kRdx, bytes, high);
    c.SetReg(kRax, bytes, low);
  }
  // MUL: CF = OF = (high half != 0). IMUL: CF = OF = (high:low != SignExtend(low)).
  Value overflow = kSigned ? SignedOverflow(c, low, high) : high;
  c.SetFlags(CcKind::kMul, bytes, low, overflow);
}

/// IMUL reg, r/m (0F AF) and IMUL reg, r/m, imm (6B ib, 69 iz): the product truncated to the
/// destination size; CF = OF = the truncation lost significant bits.
void ImulMulti(TranslatorContext& c) {
  auto& e = c.e;
  const unsigned bytes = c.d->operands[0].size;
  const Type t = TranslatorContext::SizeType(bytes);
  const bool three = c.d->num_operands == 3;
  Value a = c.Read(three ? 1 : 0);
  Value b = c.ReadAs(three ? 2 : 1, t);  // immediates are already sign-extended
  Value low = e.Mul(a, b);
  Value high = e.SMulHi(a, b);
  c.Write(0, low);
  c.SetFlags(CcKind::kMul, bytes, low, SignedOverflow(c, low, high));
}

void Imul(TranslatorContext& c) {
  if (c.d->num_operands == 1)
    MulOne<true>(c);
  else
    ImulMulti(c);
}

/// DIV/IDIV r/m (F6/F7 /6 /7): the helper divides AX or rDX:rAX, writes the quotient and
/// remainder, or raises #DE (zero divisor, quotient too large) with nothing changed. All six
/// flags are undefined afterwards; they are left as they were.
template <bool kSigned>
void Divide(TranslatorContext& c) {
  const unsigned bytes = c.d->operands[0].size;
  Value divisor = c.ReadAs(0, Type::kU64);
  c.Call(HelperId::kDivide, Type::kVoid, divisor,
         IrEmitter::Imm64(Log2(bytes) | (kSigned ? 4u : 0u)));
}

}  // namespace

void RegisterMulDiv(HandlerTable& t) {
  t.Add(Mnemonic::kMUL, MulOne<false>);
  t.Add(Mnemonic::kIMUL, Imul);
  t.Add(Mnemonic::kDIV, Divide<false>);
  t.Add(Mnemonic::kIDIV, Divide<true>);
}

}  // namespace vireo::x86
