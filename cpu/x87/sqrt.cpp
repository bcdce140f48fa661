// FSQRT (SDM Vol. 2 FSQRT; IEEE 754-1985 5.2: sqrt(-0) = -0).
#include "cpu/x87/internal.h"

namespace vireo::x87 {

using namespace detail;

namespace {

// floor(sqrt(v)) for v < 2^128, digit by digit (two bits of v per root bit).
uint64_t IntegerSqrt(U128 v, U128* remainder) {
  U128 root = 0, rem = 0;
  for (int i = 63; i >= 0; --i) {
    rem = (rem << 2) | ((v >> (2 * i)) & 3);
    const U128 trial = (root << 2) | 1;
    root <<= 1;
    if (rem >= trial) {
      rem -= trial;
      root |= 1;
    }
  }
  *remainder = rem;
  return static_cast<uint64_t>(root);
}

}  // namespace

F80 Sqrt(F80 a, Env& env) {
  env.status &= ~kC1;
  const Kind k = Classify(a);
  if (k == Kind::kUnsupported) {
    env.status |= kIe;
    return kIndefinite;
  }
  if (IsNaN(k)) return QuietNaN(a, env);
  if (k == Kind::kZero) return a;
  if (SignOf(a)) {
    // SDM Vol. 2 FSQRT: -0 is returned as is; other negative operands (incl. -inf, negative
    // denormals) are invalid.
    env.status |= kIe;
    return kIndefinite;
  }
  if (k == Kind::kInfinity) return a;
  if (IsDenormal(k)) env.status |= kDe;
  const Unpacked x = Unpack(a);
  // value = sig * 2^(E - 63) with E = exp - kBias; make the power of two even.
  const int e = x.exp - kBias;
  const int shift = (e & 1) ? 64 : 63;
  U128 rem;
  const uint64_t root = IntegerSqrt(U128(x.sig) << shift, &rem);  // bit 63 set
  // The exact root is never halfway (root + 1/2)^2 is not an integer: the next bit is 1
  // iff rem > root; anything else left is sticky.
  const U128 sig = (U128(root) << 64) | (rem > root ? (U128(1) << 63) : 0) | (rem != 0);
  const int half_exp = (e - 63 - shift) / 2;  // exact: even
  return RoundPack(false, kBias + 63 + half_exp, sig, PrecisionBits(env), env);
}

}  // namespace vireo::x87
