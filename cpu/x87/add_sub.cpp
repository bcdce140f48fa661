// FADD/FSUB (SDM Vol. 2 FADD, FSUB; special cases from their "Results" tables; IEEE 754-1985
// 5.1 and 6.3 for the sign of exact zero sums).
#include "cpu/x87/internal.h"

namespace vireo::x87 {

using namespace detail;

F80 Add(F80 a, F80 b, Env& env) {
  env.status &= ~kC1;
  const Kind ka = Classify(a), kb = Classify(b);
  F80 result;
  if (CheckOperands(a, ka, b, kb, &result, env)) return result;
  const bool sa = SignOf(a), sb = SignOf(b);
  if (ka == Kind::kInfinity || kb == Kind::kInfinity) {
    if (ka == Kind::kInfinity && kb == Kind::kInfinity && sa != sb) {
      env.status |= kIe;  // inf - inf
      return kIndefinite;
    }
    return ka == Kind::kInfinity ? Infinity(sa) : Infinity(sb);
  }
  const int precision = PrecisionBits(env);
  if (ka == Kind::kZero && kb == Kind::kZero) {
    // Opposite signs sum to +0, or -0 when rounding down.
    return Zero(sa == sb ? sa : RoundingOf(env) == kDown);
  }
  if (kb == Kind::kZero) {
    const Unpacked ua = Unpack(a);
    return RoundPack(ua.sign, ua.exp, U128(ua.sig) << 64, precision, env);
  }
  if (ka == Kind::kZero) {
    const Unpacked ub = Unpack(b);
    return RoundPack(ub.sign, ub.exp, U128(ub.sig) << 64, precision, env);
  }
  Unpacked x = Unpack(a), y = Unpack(b);
  if (x.exp < y.exp || (x.exp == y.exp && x.sig < y.sig)) {
    const Unpacked t = x;
    x = y;
    y = t;
  }
  // x has the larger magnitude. Significands sit at bits 125..62 (value = s/2^125 * 2^exp).
  const U128 mx = U128(x.sig) << 62;
  const U128 my = ShiftRightJam(U128(y.sig) << 62, x.exp - y.exp);
  U128 sum;
  if (x.sign == y.sign) {
    sum = mx + my;
  } else {
    sum = mx - my;
    if (sum == 0) return Zero(RoundingOf(env) == kDown);
  }
  // RoundPack normalizes: value = sum/2^127 * 2^(exp + 2).
  return RoundPack(x.sign, x.exp + 2, sum, precision, env);
}

F80 Sub(F80 a, F80 b, Env& env) {
  // a - b = a + (-b); NaN operands keep their own sign (flip only non-NaNs).
  const Kind kb = Classify(b);
  if (kb == Kind::kQNaN || kb == Kind::kSNaN || kb == Kind::kUnsupported) {
    const Kind ka = Classify(a);
    env.status &= ~kC1;
    F80 result;
    CheckOperands(a, ka, b, kb, &result, env);
    return result;
  }
  b.sign_exponent ^= 0x8000;
  return Add(a, b, env);
}

}  // namespace vireo::x87
