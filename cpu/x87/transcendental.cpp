// Transcendentals: dispatch to the x86-64 host backend, else the portable software path. The
// software path follows the special cases of the SDM Vol. 2 pages (FSIN, FCOS, FSINCOS, FPTAN,
// FPATAN, F2XM1, FYL2X, FYL2XP1) and computes finite cases with the host's long double libm,
// rounding the result to 64 bits under RC. It is NOT bit-exact with the x87 (whose results
// carry its own approximation errors); bit-exact software transcendentals are future work.
#include "cpu/x87/transcendental.h"

#include <cfloat>
#include <cmath>

#include "cpu/x87/internal.h"

namespace vireo::x87 {

using namespace detail;

namespace {

static_assert(LDBL_MANT_DIG >= 64 && LDBL_MAX_EXP >= 16384,
              "the software transcendentals need a long double covering the x87 format");

long double ToLongDouble(F80 v) {
  const Kind k = Classify(v);
  const bool sign = SignOf(v);
  long double r;
  if (k == Kind::kZero) {
    r = 0.0L;
  } else if (k == Kind::kInfinity) {
    r = HUGE_VALL;
  } else {
    const Unpacked x = Unpack(v);
    r = std::ldexp(static_cast<long double>(x.sig), x.exp - kBias - 63);
  }
  return sign ? -r : r;
}

// Rounds a finite long double to 64 bits under RC (C1, PE, OE/UE as for arithmetic).
F80 FromLongDouble(long double v, Env& env) {
  if (std::isnan(v)) {
    env.status |= kIe;
    return kIndefinite;
  }
  if (v == 0) return Zero(std::signbit(v));
  // Only finite operands get here: an infinite long double is an overflow of the product.
  if (std::isinf(v)) return RoundPack(v < 0, kMaxExponent, U128(1) << 127, 64, env);
  const bool sign = v < 0;
  int e;
  const long double m = std::frexp(std::fabs(v), &e);  // [0.5, 1)
  const long double scaled = std::ldexp(m, 64);
  const uint64_t hi = static_cast<uint64_t>(scaled);
  const uint64_t lo = static_cast<uint64_t>(std::ldexp(scaled - static_cast<long double>(hi), 64));
  return RoundPack(sign, e - 1 + kBias, (U128(hi) << 64) | lo, 64, env);
}

F80 Invalid(Env& env) {
  env.status |= kIe;
  return kIndefinite;
}

constexpr long double kLn2 = 0.693147180559945309417232121458176568L;

}  // namespace

namespace detail {

TranscendentalResult SoftwareTranscendental(Transcendental op, F80 st0, F80 st1, Env& env) {
  env.status &= ~(kC1 | kC2);
  const Kind k0 = Classify(st0), k1 = Classify(st1);
  const bool two_operands = op == Transcendental::kAtan || op == Transcendental::kYLog2X ||
                            op == Transcendental::kYLog2XP1;
  const bool pushes = op == Transcendental::kSinCos || op == Transcendental::kTan;
  auto single = [&](F80 r) { return TranscendentalResult{r, st1, false}; };
  auto both = [&](F80 r) { return TranscendentalResult{r, r, pushes}; };
  // Operand checks (SDM Vol. 1 4.9.2 priority).
  // Two-operand forms raise DE after their own invalid cases (SDM Vol. 1 4.9.2).
  const bool denormal = IsDenormal(k0) || IsDenormal(k1);
  if (two_operands) {
    F80 r;
    if (CheckOperands(st0, k0, st1, k1, &r, env, false)) return single(r);
  } else {
    if (k0 == Kind::kUnsupported) return both(Invalid(env));
    if (IsNaN(k0)) return both(QuietNaN(st0, env));
    if (IsDenormal(k0)) env.status |= kDe;
  }
  const long double x = ToLongDouble(st0), y = ToLongDouble(st1);
  switch (op) {
    case Transcendental::kSin:
    case Transcendental::kCos:
    case Transcendental::kSinCos:
    case Transcendental::kTan: {
      if (k0 == Kind::kInfinity) return both(Invalid(env));
      if (std::fabs(x) >= 0x1p63L) {
        env.status |= kC2;  // out of range: ST(0) unchanged, nothing pushed
        return TranscendentalResult{st0, st1, false};
      }
      if (op == Transcendental::kSin) {
        return single(k0 == Kind::kZero ? st0 : FromLongDouble(std::sin(x), env));
      }
      if (op == Transcendental::kCos) return single(FromLongDouble(std::cos(x), env));
      if (op == Transcendental::kTan) {
        const F80 t = k0 == Kind::kZero ? st0 : FromLongDouble(std::tan(x), env);
        return TranscendentalResult{Pack(false, kBias, 1ull << 63), t, true};
      }
      const F80 s = k0 == Kind::kZero ? st0 : FromLongDouble(std::sin(x), env);
      const uint16_t c1 = env.status & kC1;
      const F80 c = FromLongDouble(std::cos(x), env);
      env.status |= c1;
      return TranscendentalResult{c, s, true};
    }
    case Transcendental::kAtan:
      if (denormal) env.status |= kDe;
      // FPATAN: atan(ST(1)/ST(0)) with atan2's signed-zero and infinity rules (SDM Table 3-30).
      return single(FromLongDouble(std::atan2(y, x), env));
    case Transcendental::kExp2M1:
      if (k0 == Kind::kInfinity) return single(SignOf(st0) ? Pack(true, kBias, 1ull << 63) : st0);
      if (k0 == Kind::kZero) return single(st0);
      if (std::fabs(x) > 1.0L) {
        // Outside the documented domain -1..+1 the x87 (as recorded on the host) returns the
        // operand with PE set.
        env.status |= kPe;
        return single(st0);
      }
      return single(FromLongDouble(std::expm1(x * kLn2), env));
    case Transcendental::kYLog2X: {
      // SDM Vol. 2 FYL2X Table 3-50.
      if (SignOf(st0) && k0 != Kind::kZero) return single(Invalid(env));
      if (k0 == Kind::kZero) {
        if (k1 == Kind::kZero) return single(Invalid(env));
        if (k1 != Kind::kInfinity) env.status |= kZe;
        return single(Infinity(!SignOf(st1)));
      }
      if (x == 1.0L && (k1 == Kind::kInfinity)) return single(Invalid(env));
      if (k0 == Kind::kInfinity && k1 == Kind::kZero) return single(Invalid(env));
      if (denormal) env.status |= kDe;
      if (k0 == Kind::kInfinity) return single(Infinity(SignOf(st1)));
      if (k1 == Kind::kInfinity) return single(Infinity(SignOf(st1) != (x < 1.0L)));
      return single(FromLongDouble(y * std::log2(x), env));
    }
    case Transcendental::kYLog2XP1:
      // SDM Vol. 2 FYL2XP1 Table 3-51.
      if (k1 == Kind::kInfinity && k0 == Kind::kZero) return single(Invalid(env));
      if (k0 == Kind::kInfinity && (SignOf(st0) || k1 == Kind::kZero)) {
        return single(Invalid(env));
      }
      if (denormal) env.status |= kDe;
      if (k0 == Kind::kZero || k1 == Kind::kZero) {
        return single(Zero(SignOf(st0) != SignOf(st1)));
      }
      if (k1 == Kind::kInfinity) return single(Infinity(SignOf(st1) != SignOf(st0)));
      if (k0 == Kind::kInfinity) return single(Infinity(SignOf(st1)));
      if (x <= -1.0L) {
        // Far outside the documented domain the x87 (as recorded on the host) returns ST(0)
        // with PE set.
        env.status |= kPe;
        return single(st0);
      }
      return single(FromLongDouble(y * (std::log1p(x) / kLn2), env));
  }
  return single(kIndefinite);
}

}  // namespace detail

TranscendentalResult Compute(Transcendental op, F80 st0, F80 st1, Env& env) {
#if defined(__x86_64__)
  return HostTranscendental(op, st0, st1, env);
#else
  return SoftwareTranscendental(op, st0, st1, env);
#endif
}

bool TranscendentalsExact() {
#if defined(__x86_64__)
  return true;
#else
  return false;
#endif
}

}  // namespace vireo::x87
