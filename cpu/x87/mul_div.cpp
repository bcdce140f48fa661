// FMUL/FDIV (SDM Vol. 2 FMUL, FDIV and their "Results" tables; IEEE 754-1985 5.1, 6.3).
#include "cpu/x87/internal.h"

namespace vireo::x87 {

using namespace detail;

F80 Mul(F80 a, F80 b, Env& env) {
  env.status &= ~kC1;
  const Kind ka = Classify(a), kb = Classify(b);
  F80 result;
  if (CheckOperands(a, ka, b, kb, &result, env)) return result;
  const bool sign = SignOf(a) != SignOf(b);
  if (ka == Kind::kInfinity || kb == Kind::kInfinity) {
    if (ka == Kind::kZero || kb == Kind::kZero) {
      env.status |= kIe;  // 0 * inf
      return kIndefinite;
    }
    return Infinity(sign);
  }
  if (ka == Kind::kZero || kb == Kind::kZero) return Zero(sign);
  const Unpacked x = Unpack(a), y = Unpack(b);
  // (sx/2^63)(sy/2^63) = P/2^126 = (P/2^127) * 2.
  const U128 product = U128(x.sig) * y.sig;
  return RoundPack(sign, x.exp + y.exp - kBias + 1, product, PrecisionBits(env), env);
}

F80 Div(F80 a, F80 b, Env& env) {
  env.status &= ~kC1;
  const Kind ka = Classify(a), kb = Classify(b);
  F80 result;
  if (CheckOperands(a, ka, b, kb, &result, env, false)) return result;
  const bool sign = SignOf(a) != SignOf(b);
  // x / 0 (divide-by-zero, priority 3) hides a denormal operand (priority 4) (SDM 4.9.2).
  if (kb == Kind::kZero && ka != Kind::kZero && ka != Kind::kInfinity) {
    env.status |= kZe;  // SDM Vol. 1 4.9.1.3
    return Infinity(sign);
  }
  if (IsDenormal(ka) || IsDenormal(kb)) env.status |= kDe;
  if (ka == Kind::kInfinity) {
    if (kb == Kind::kInfinity) {
      env.status |= kIe;  // inf / inf
      return kIndefinite;
    }
    return Infinity(sign);
  }
  if (kb == Kind::kInfinity) return Zero(sign);
  if (kb == Kind::kZero) {
    if (ka == Kind::kZero) {
      env.status |= kIe;  // 0 / 0
      return kIndefinite;
    }
    env.status |= kZe;  // SDM Vol. 1 4.9.1.3
    return Infinity(sign);
  }
  if (ka == Kind::kZero) return Zero(sign);
  const Unpacked x = Unpack(a), y = Unpack(b);
  // Long division to 128 quotient bits plus a sticky remainder bit.
  const bool smaller = x.sig < y.sig;
  const U128 numerator = U128(x.sig) << (smaller ? 64 : 63);
  const uint64_t q1 = static_cast<uint64_t>(numerator / y.sig);  // in [2^63, 2^64)
  const U128 r1 = numerator % y.sig;
  const U128 n2 = r1 << 64;
  const uint64_t q2 = static_cast<uint64_t>(n2 / y.sig);
  const bool sticky = (n2 % y.sig) != 0;
  const U128 quotient = (U128(q1) << 64) | q2 | sticky;
  return RoundPack(sign, x.exp - y.exp + kBias - (smaller ? 1 : 0), quotient, PrecisionBits(env),
                   env);
}

}  // namespace vireo::x87
