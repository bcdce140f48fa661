// Rounding to the destination precision with the extended exponent range, and the masked
// overflow/underflow responses (SDM Vol. 1 4.8.4 rounding, 4.9.1.4 overflow, 4.9.1.5
// underflow, 8.1.5.2 precision control; IEEE 754-1985 sections 4 and 7).
#include "cpu/x87/internal.h"

namespace vireo::x87::detail {
namespace {

// IEEE 754-1985 7.4 lets tininess be detected before or after rounding; the x87 detects it
// after rounding (with the unbounded exponent), as checked against the host by the tests.
constexpr bool kTininessAfterRounding = true;
// The exponent bias adjustment of unmasked overflow/underflow results (SDM Vol. 1 4.9.1.4).
constexpr int32_t kWrap = 24576;

F80 Overflow(bool sign, int precision, Env& env) {
  // SDM Vol. 1 Table 4-10: masked overflow gives infinity or the largest finite value.
  env.status |= kOe | kPe;
  const int rc = RoundingOf(env);
  const bool to_infinity = rc == kNearest || (rc == kUp && !sign) || (rc == kDown && sign);
  if (to_infinity) {
    env.status |= kC1;
    return Infinity(sign);
  }
  return Pack(sign, kMaxExponent - 1, ~0ull << (64 - precision));
}

}  // namespace

int PrecisionBits(const Env& env) {
  switch ((env.control >> 8) & 3) {
    case 0:
      return 24;
    case 2:
      return 53;
    default:
      return 64;  // 01 is reserved; the x87 rounds to 64 bits
  }
}

U128 RoundShift(U128 v, int shift, bool sign, int rounding, bool* inexact, bool* up) {
  U128 q, rest;
  bool half;
  if (shift <= 0) {
    *inexact = *up = false;
    return v;
  }
  if (shift > 128) {
    q = 0;
    half = false;
    rest = v;
  } else if (shift == 128) {
    q = 0;
    half = v >> 127;
    rest = v & ~(U128(1) << 127);
  } else {
    q = v >> shift;
    half = (v >> (shift - 1)) & 1;
    rest = v & ((U128(1) << (shift - 1)) - 1);
  }
  *inexact = half || rest != 0;
  bool increment = false;
  switch (rounding) {
    case kNearest:
      increment = half && (rest != 0 || (q & 1));
      break;
    case kDown:
      increment = *inexact && sign;
      break;
    case kUp:
      increment = *inexact && !sign;
      break;
    default:
      break;
  }
  *up = increment;
  return q + increment;
}

F80 RoundPack(bool sign, int32_t exp, U128 sig, int precision, Env& env) {
  env.status &= ~kC1;
  const int lz = LeadingZeros128(sig);
  sig <<= lz;
  exp -= lz;
  const int rc = RoundingOf(env);
  const int drop = 128 - precision;
  bool inexact = false, up = false;
  // Rounds in the normal range; an unmasked overflow or underflow delivers the result with the
  // exponent wrapped by 2^24576 (SDM Vol. 1 4.9.1.4, 4.9.1.5).
  auto normal = [&](int32_t e) -> F80 {
    U128 q = RoundShift(sig, drop, sign, rc, &inexact, &up);
    if (q >> precision) {
      q >>= 1;
      ++e;
    }
    if (e >= kMaxExponent) {
      if (env.control & kOe) return Overflow(sign, precision, env);
      env.status |= kOe;
      e -= kWrap;
      if (e >= kMaxExponent) {
        // Beyond the wrapped range too (only FSCALE gets here): infinity, as the host does.
        env.status |= kPe | kC1;
        return Infinity(sign);
      }
    }
    if (inexact) env.status |= kPe;
    if (up) env.status |= kC1;
    return Pack(sign, e, static_cast<uint64_t>(q) << (64 - precision));
  };
  if (exp >= 1) return normal(exp);
  bool tiny = true;
  if (kTininessAfterRounding && exp == 0) {
    bool i2, u2;
    const U128 q = RoundShift(sig, drop, sign, rc, &i2, &u2);
    if (q >> precision) tiny = false;
  }
  if (tiny && !(env.control & kUe)) {
    // Unmasked underflow: UE even for exact results.
    env.status |= kUe;
    if (exp + kWrap < 1) {
      // Beyond the wrapped range too (only FSCALE gets here): zero, as the host does.
      env.status |= kPe;
      return Zero(sign);
    }
    return normal(exp + kWrap);
  }
  // Denormalize: the significand field stays anchored at exponent 1 (SDM Vol. 1 4.8.3.2).
  const U128 q = RoundShift(sig, drop + (1 - exp), sign, rc, &inexact, &up);
  const uint64_t out = static_cast<uint64_t>(q) << (64 - precision);
  if (inexact) env.status |= tiny ? (kPe | kUe) : kPe;
  if (up) env.status |= kC1;
  return Pack(sign, out >> 63 ? 1 : 0, out);
}

}  // namespace vireo::x87::detail
