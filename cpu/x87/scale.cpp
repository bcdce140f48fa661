// FRNDINT, FSCALE, FXTRACT (SDM Vol. 2 FRNDINT, FSCALE, FXTRACT and their "Results" tables).
// Precision control does not apply to these (SDM Vol. 1 8.1.5.2): they round to 64 bits.
#include "cpu/x87/internal.h"

namespace vireo::x87 {

using namespace detail;

F80 RoundToInt(F80 a, Env& env) {
  env.status &= ~kC1;
  const Kind k = Classify(a);
  if (k == Kind::kUnsupported) {
    env.status |= kIe;
    return kIndefinite;
  }
  if (IsNaN(k)) return QuietNaN(a, env);
  if (k == Kind::kZero || k == Kind::kInfinity) return a;
  if (IsDenormal(k)) env.status |= kDe;
  const Unpacked x = Unpack(a);
  const int shift = kBias + 63 - x.exp;  // fraction bits of the significand
  if (shift <= 0) return a;              // already integral
  bool inexact, up;
  const U128 q = RoundShift(x.sig, shift, x.sign, RoundingOf(env), &inexact, &up);
  if (inexact) env.status |= kPe;
  if (up) env.status |= kC1;
  if (q == 0) return Zero(x.sign);
  const int lz = LeadingZeros128(q) - 64;  // q <= 2^63
  return Pack(x.sign, kBias + 63 - lz, static_cast<uint64_t>(q) << lz);
}

F80 Scale(F80 a, F80 b, Env& env) {
  env.status &= ~kC1;
  const Kind ka = Classify(a), kb = Classify(b);
  F80 result;
  if (CheckOperands(a, ka, b, kb, &result, env)) return result;
  const bool sa = SignOf(a), sb = SignOf(b);
  if (kb == Kind::kInfinity) {
    // SDM Vol. 2 FSCALE Table 3-48: 0 * 2^inf and inf * 2^-inf are invalid.
    if ((ka == Kind::kZero && !sb) || (ka == Kind::kInfinity && sb)) {
      env.status |= kIe;
      return kIndefinite;
    }
    if (ka == Kind::kZero || ka == Kind::kInfinity) return a;
    return sb ? Zero(sa) : Infinity(sa);
  }
  if (ka == Kind::kZero || ka == Kind::kInfinity) return a;
  // The scale is ST(1) truncated toward zero; beyond +-2^20 every result over/underflows.
  int32_t n = 0;
  if (kb != Kind::kZero) {
    const Unpacked y = Unpack(b);
    const int e = y.exp - kBias;
    if (e >= 20) {
      n = 1 << 20;
    } else if (e >= 0) {
      n = static_cast<int32_t>(y.sig >> (63 - e));
    }
    if (y.sign) n = -n;
  }
  const Unpacked x = Unpack(a);
  return RoundPack(x.sign, x.exp + n, U128(x.sig) << 64, 64, env);
}

F80 Extract(F80 a, F80* exponent, Env& env) {
  env.status &= ~kC1;
  const Kind k = Classify(a);
  if (k == Kind::kUnsupported) {
    env.status |= kIe;
    *exponent = kIndefinite;
    return kIndefinite;
  }
  if (IsNaN(k)) {
    const F80 q = QuietNaN(a, env);
    *exponent = q;
    return q;
  }
  if (k == Kind::kInfinity) {
    *exponent = Infinity(false);
    return a;
  }
  if (k == Kind::kZero) {
    // SDM Vol. 2 FXTRACT: divide-by-zero; ST(1) gets -inf, ST(0) the zero.
    env.status |= kZe;
    *exponent = Infinity(true);
    return a;
  }
  if (IsDenormal(k)) env.status |= kDe;
  const Unpacked x = Unpack(a);
  const int32_t e = x.exp - kBias;
  if (e == 0) {
    *exponent = Zero(false);
  } else {
    const uint32_t m = e < 0 ? -e : e;
    const int lz = __builtin_clzll(m);
    *exponent = Pack(e < 0, kBias + 63 - lz, static_cast<uint64_t>(m) << lz);
  }
  return Pack(x.sign, kBias, x.sig);
}

}  // namespace vireo::x87
