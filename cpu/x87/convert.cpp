// FILD/FIST/FISTP/FISTTP and FLD/FST m32fp/m64fp (SDM Vol. 2 FILD, FIST, FISTTP, FLD, FST;
// SDM Vol. 1 4.8.3 and 4.9.1; IEEE 754-1985 4, 6, 7).
#include "cpu/x87/internal.h"

namespace vireo::x87 {

using namespace detail;

F80 FromInt64(int64_t v) {
  if (v == 0) return Zero(false);
  const bool sign = v < 0;
  const uint64_t m = sign ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  const int lz = __builtin_clzll(m);
  return Pack(sign, kBias + 63 - lz, m << lz);
}

int64_t ToInt(F80 a, int bits, bool truncate, Env& env) {
  env.status &= ~kC1;
  const int64_t indefinite = static_cast<int64_t>(~0ull << (bits - 1));  // sign-extended
  const Kind k = Classify(a);
  if (k == Kind::kUnsupported || IsNaN(k) || k == Kind::kInfinity) {
    env.status |= kIe;
    return indefinite;
  }
  if (k == Kind::kZero) return 0;
  // Stores raise no DE for a denormal source (checked against the host).
  const Unpacked x = Unpack(a);
  const int e = x.exp - kBias;
  if (e >= 64) {
    env.status |= kIe;
    return indefinite;
  }
  bool inexact = false, up = false;
  const int rounding = truncate ? static_cast<int>(kTowardZero) : RoundingOf(env);
  const U128 magnitude = e >= 63 ? U128(x.sig) << (e - 63)
                                 : RoundShift(x.sig, 63 - e, x.sign, rounding, &inexact, &up);
  const U128 limit = U128(1) << (bits - 1);  // |min|; max is limit - 1
  if (magnitude > limit || (magnitude == limit && !x.sign)) {
    env.status |= kIe;
    return indefinite;
  }
  if (inexact) env.status |= kPe;
  if (up) env.status |= kC1;
  const uint64_t m = static_cast<uint64_t>(magnitude);
  return x.sign ? static_cast<int64_t>(0 - m) : static_cast<int64_t>(m);
}

namespace {

// An IEEE binary format with `mant` fraction bits and `exp_bits` exponent bits.
struct Format {
  int mant;
  int exp_bits;
  int Bias() const { return (1 << (exp_bits - 1)) - 1; }
  int MaxExp() const { return (1 << exp_bits) - 1; }
};

F80 FromBinary(uint64_t bits, Format f, Env& env) {
  const bool sign = bits >> (f.mant + f.exp_bits);
  const int exp = static_cast<int>((bits >> f.mant) & f.MaxExp());
  const uint64_t frac = bits & ((1ull << f.mant) - 1);
  if (exp == f.MaxExp()) {
    if (frac == 0) return Infinity(sign);
    F80 nan = Pack(sign, kMaxExponent, (1ull << 63) | (frac << (63 - f.mant)));
    if (!(frac >> (f.mant - 1))) env.status |= kIe;  // SNaN: invalid, quieted
    nan.significand |= 1ull << 62;
    return nan;
  }
  if (exp == 0) {
    if (frac == 0) return Zero(sign);
    env.status |= kDe;
    const int lz = __builtin_clzll(frac);
    // value = frac * 2^(1 - bias - mant)
    return Pack(sign, kBias + 1 - f.Bias() - f.mant + 63 - lz, frac << lz);
  }
  return Pack(sign, exp - f.Bias() + kBias, (1ull << 63) | (frac << (63 - f.mant)));
}

uint64_t ToBinary(F80 a, Format f, Env& env) {
  env.status &= ~kC1;
  const Kind k = Classify(a);
  const uint64_t sign_bit = static_cast<uint64_t>(SignOf(a)) << (f.mant + f.exp_bits);
  const uint64_t inf = static_cast<uint64_t>(f.MaxExp()) << f.mant;
  const uint64_t quiet = 1ull << (f.mant - 1);
  if (k == Kind::kUnsupported) {
    env.status |= kIe;
    return (1ull << (f.mant + f.exp_bits)) | inf | quiet;  // negative QNaN indefinite
  }
  if (IsNaN(k)) {
    if (k == Kind::kSNaN) env.status |= kIe;
    // The NaN's top fraction bits, quieted (SDM Vol. 1 4.8.3.5).
    const uint64_t frac = (a.significand << 1) >> (64 - f.mant);
    return sign_bit | inf | frac | quiet;
  }
  if (k == Kind::kInfinity) return sign_bit | inf;
  if (k == Kind::kZero) return sign_bit;
  // Stores raise no DE for a denormal source (checked against the host).
  const Unpacked x = Unpack(a);
  const int p = f.mant + 1;
  const int emin = 1 - f.Bias();
  int e = x.exp - kBias;
  const int rc = RoundingOf(env);
  bool inexact = false, up = false;
  if (e >= emin) {
    U128 q = RoundShift(x.sig, 64 - p, x.sign, rc, &inexact, &up);
    if (q >> p) {
      q >>= 1;
      ++e;
    }
    if (e > f.Bias()) {
      // Masked overflow (SDM Vol. 1 4.9.1.4): infinity or the largest finite value.
      env.status |= kOe | kPe;
      const bool to_infinity = rc == kNearest || (rc == kUp && !x.sign) || (rc == kDown && x.sign);
      if (to_infinity) {
        env.status |= kC1;
        return sign_bit | inf;
      }
      return sign_bit | (inf - 1);
    }
    if (inexact) env.status |= kPe;
    if (up) env.status |= kC1;
    const uint64_t biased = static_cast<uint64_t>(e + f.Bias());
    return sign_bit | (biased << f.mant) | (static_cast<uint64_t>(q) & ((1ull << f.mant) - 1));
  }
  // Tiny: tininess after rounding (as for the 80-bit results), denormalized result.
  bool tiny = true;
  if (e == emin - 1) {
    bool i2, u2;
    const U128 q = RoundShift(x.sig, 64 - p, x.sign, rc, &i2, &u2);
    if (q >> p) tiny = false;
  }
  const U128 q = RoundShift(x.sig, 64 - p + (emin - e), x.sign, rc, &inexact, &up);
  if (inexact) env.status |= tiny ? (kPe | kUe) : kPe;
  if (up) env.status |= kC1;
  return sign_bit | static_cast<uint64_t>(q);  // a carry into bit `mant` gives the min normal
}

constexpr Format kSingle{23, 8};
constexpr Format kDouble{52, 11};

}  // namespace

F80 FromFloat32(uint32_t bits, Env& env) { return FromBinary(bits, kSingle, env); }
F80 FromFloat64(uint64_t bits, Env& env) { return FromBinary(bits, kDouble, env); }
uint32_t ToFloat32(F80 a, Env& env) { return static_cast<uint32_t>(ToBinary(a, kSingle, env)); }
uint64_t ToFloat64(F80 a, Env& env) { return ToBinary(a, kDouble, env); }

}  // namespace vireo::x87
