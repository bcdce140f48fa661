// FPREM and FPREM1: partial remainders (SDM Vol. 2 FPREM, FPREM1 pseudo-code and "Results"
// tables; IEEE 754-1985 5.1 remainder for FPREM1).
#include "cpu/x87/internal.h"

namespace vireo::x87 {

using namespace detail;

namespace {

// The quotient bits N of a partial reduction (SDM: "implementation-dependent, between 32 and
// 63"); matched against the host by the tests.
int PartialBits(int d) { return 32 + ((d - 32) & 31); }

}  // namespace

F80 PartialRemainder(F80 a, F80 b, bool ieee, Env& env) {
  env.status &= ~(kC0 | kC1 | kC2 | kC3);
  const Kind ka = Classify(a), kb = Classify(b);
  F80 result;
  if (CheckOperands(a, ka, b, kb, &result, env, false)) return result;
  if (ka == Kind::kInfinity || kb == Kind::kZero) {
    env.status |= kIe;  // invalid (priority 3) hides a denormal operand (SDM Vol. 1 4.9.2)
    return kIndefinite;
  }
  if (IsDenormal(ka) || IsDenormal(kb)) env.status |= kDe;
  if (ka == Kind::kZero) return a;
  const Unpacked x = Unpack(a);
  // ST(1) = inf leaves ST(0), a pseudo-denormal being rewritten with exponent 1.
  if (kb == Kind::kInfinity) return RoundPack(x.sign, x.exp, U128(x.sig) << 64, 64, env);
  const Unpacked y = Unpack(b);
  const int d = x.exp - y.exp;
  U128 q = 0, r = 0;
  int32_t r_exp;  // value of r = r * 2^(r_exp - kBias - 63)
  bool negate = false;
  if (d >= 64) {
    // Partial reduction by 2^(d - n) * y.
    const int n = PartialBits(d);
    const U128 num = U128(x.sig) << n;
    q = num / y.sig;
    r = num % y.sig;
    r_exp = x.exp - n;
    env.status |= kC2;
  } else if (d >= 0) {
    const U128 num = U128(x.sig) << d;
    q = num / y.sig;
    r = num % y.sig;
    r_exp = y.exp;
  } else if (d == -1 && ieee) {
    // |x| in [|y|/2, 2|y|/2): quotient 0 or 1 when rounded to nearest.
    q = 0;
    r = x.sig;
    r_exp = x.exp;
    const U128 ysig = U128(y.sig) << 1;
    if (r > ysig - r) {  // a tie keeps the even quotient 0
      r = ysig - r;
      q = 1;
      negate = true;
    }
  } else {
    return RoundPack(x.sign, x.exp, U128(x.sig) << 64, 64, env);
  }
  if (ieee && d >= 0 && d < 64) {
    // Round the quotient to nearest, ties to even.
    const U128 twice = r << 1;
    if (twice > y.sig || (twice == y.sig && (q & 1))) {
      r = y.sig - r;
      ++q;
      negate = true;
    }
  }
  const bool sign = x.sign != negate;
  // r < 2^64 and exact; RoundPack takes sig/2^127 * 2^exp.
  result = r == 0 ? Zero(x.sign) : RoundPack(sign, r_exp + 64, r, 64, env);
  env.status &= ~kC1;
  if (!(env.status & kC2)) {
    // C0 C3 C1 = Q2 Q1 Q0.
    if (q & 4) env.status |= kC0;
    if (q & 2) env.status |= kC3;
    if (q & 1) env.status |= kC1;
  }
  return result;
}

}  // namespace vireo::x87
