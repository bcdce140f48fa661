// Classification of the 80-bit encodings and NaN propagation (SDM Vol. 1 4.2.2, 4.8.3, 8.2.2).
#include "cpu/x87/internal.h"

namespace vireo::x87 {

using namespace detail;

Kind Classify(F80 v) {
  const int exp = ExponentOf(v);
  const bool integer = v.significand >> 63;
  const uint64_t fraction = v.significand & ~(1ull << 63);
  if (exp == 0) {
    if (integer) return Kind::kPseudoDenormal;
    return fraction ? Kind::kDenormal : Kind::kZero;
  }
  if (!integer) return Kind::kUnsupported;  // unnormal, pseudo-infinity, pseudo-NaN
  if (exp == kMaxExponent) {
    if (fraction == 0) return Kind::kInfinity;
    return (fraction >> 62) ? Kind::kQNaN : Kind::kSNaN;
  }
  return Kind::kNormal;
}

uint16_t Examine(F80 v, bool empty) {
  // SDM Vol. 2 FXAM: C3 C2 C0 class code, C1 = sign.
  uint16_t code = 0;
  if (empty) {
    code = kC3 | kC0;
  } else {
    switch (Classify(v)) {
      case Kind::kUnsupported:
        code = 0;
        break;
      case Kind::kQNaN:
      case Kind::kSNaN:
        code = kC0;
        break;
      case Kind::kNormal:
        code = kC2;
        break;
      case Kind::kInfinity:
        code = kC2 | kC0;
        break;
      case Kind::kZero:
        code = kC3;
        break;
      case Kind::kDenormal:
      case Kind::kPseudoDenormal:
        code = kC3 | kC2;
        break;
    }
  }
  return code | (SignOf(v) ? kC1 : 0);
}

namespace detail {

Unpacked Unpack(F80 v) {
  int32_t exp = ExponentOf(v);
  uint64_t sig = v.significand;
  if (exp == 0) exp = 1;  // denormals and pseudo-denormals have the exponent 2^-16382
  const int shift = __builtin_clzll(sig);
  return Unpacked{SignOf(v), exp - shift, sig << shift};
}

int LeadingZeros128(U128 v) {
  const uint64_t hi = static_cast<uint64_t>(v >> 64);
  if (hi) return __builtin_clzll(hi);
  const uint64_t lo = static_cast<uint64_t>(v);
  return lo ? 64 + __builtin_clzll(lo) : 128;
}

F80 QuietNaN(F80 a, Env& env) {
  if (Classify(a) == Kind::kSNaN) env.status |= kIe;
  a.significand |= 1ull << 62;
  return a;
}

F80 PropagateNaN(F80 a, Kind ka, F80 b, Kind kb, Env& env) {
  // SDM Vol. 1 Table 4-7 (x87 column): an SNaN operand raises IE; two NaNs: the one with the
  // larger significand wins; equal significands: the positive one. An SNaN and a QNaN: the
  // QNaN operand.
  if (ka == Kind::kSNaN || kb == Kind::kSNaN) env.status |= kIe;
  if (ka == Kind::kQNaN && kb == Kind::kSNaN) return a;
  if (ka == Kind::kSNaN && kb == Kind::kQNaN) return b;
  a.significand |= 1ull << 62;
  b.significand |= 1ull << 62;
  if (!IsNaN(kb)) return a;
  if (!IsNaN(ka)) return b;
  if (a.significand != b.significand) return a.significand > b.significand ? a : b;
  return a.sign_exponent < b.sign_exponent ? a : b;
}

bool CheckOperands(F80 a, Kind ka, F80 b, Kind kb, F80* result, Env& env, bool denormal) {
  // SDM Vol. 1 4.9.2 priority: invalid (SNaN, unsupported), QNaN operand, then denormal.
  if (ka == Kind::kUnsupported || kb == Kind::kUnsupported) {
    env.status |= kIe;
    *result = kIndefinite;
    return true;
  }
  if (IsNaN(ka) || IsNaN(kb)) {
    *result = PropagateNaN(a, ka, b, kb, env);
    return true;
  }
  if (denormal && (IsDenormal(ka) || IsDenormal(kb))) env.status |= kDe;
  return false;
}

}  // namespace detail
}  // namespace vireo::x87
