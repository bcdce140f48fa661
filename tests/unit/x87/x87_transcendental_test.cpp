// Transcendentals: the x86-64 host backend against the host x87 run directly (plumbing, C2),
// and the portable software path against the host within an error bound in ulps over the
// instructions' documented domains (the software path is not bit-exact; see transcendental.h).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>

#include "cpu/x87/transcendental.h"
#include "tests/unit/x87/host_x87.h"
#include "tests/unit/x87/x87_gen.h"

namespace vireo::x87::test {
namespace {

// |a - b| in units of the last place of a (both finite, same sign), saturating.
double UlpDistance(F80 a, F80 b) {
  if (a == b) return 0;
  if ((a.sign_exponent ^ b.sign_exponent) & 0x8000) return 1e30;
  const int ea = a.sign_exponent & 0x7FFF, eb = b.sign_exponent & 0x7FFF;
  const long double va = std::ldexp(static_cast<long double>(a.significand), ea - eb);
  return std::fabs(static_cast<double>(va - static_cast<long double>(b.significand)));
}

// |a - b| in units of 2^-64 (absolute), for results bounded by 1.
double AbsoluteDistance(F80 a, F80 b) {
  auto value = [](F80 v) {
    const long double m = std::ldexp(static_cast<long double>(v.significand),
                                     (v.sign_exponent & 0x7FFF) - 16383 - 63 + 64);
    return (v.sign_exponent & 0x8000) ? -m : m;
  };
  return std::fabs(static_cast<double>(value(a) - value(b)));
}

struct Domain {
  Transcendental op;
  const char* name;
  int min_exp, max_exp;  // operand exponents (biased) of ST(0)
  bool positive;
  double max_ulps;
  bool absolute;  // bound the error in units of 2^-64 instead of ulps of the result
};

TEST_CASE("x87 transcendentals: software path close to the host x87") {
  if (!kHostX87) return;
  static constexpr Domain kDomains[] = {
      // Near the zeros of sin/cos the x87's 66-bit pi (SDM Vol. 1 8.3.8) makes the relative
      // error unbounded: bound the absolute error there.
      {Transcendental::kSin, "fsin", 16383 - 30, 16383 + 1, false, 2, true},
      {Transcendental::kCos, "fcos", 16383 - 30, 16383 + 1, false, 2, true},
      {Transcendental::kTan, "fptan", 16383 - 30, 16383 - 1, false, 2},
      {Transcendental::kSinCos, "fsincos", 16383 - 30, 16383 + 1, false, 2, true},
      {Transcendental::kAtan, "fpatan", 16383 - 30, 16383 + 30, false, 2},
      {Transcendental::kExp2M1, "f2xm1", 16383 - 30, 16383 - 1, false, 8},
      {Transcendental::kYLog2X, "fyl2x", 16383 - 30, 16383 + 30, true, 2},
      {Transcendental::kYLog2XP1, "fyl2xp1", 16383 - 30, 16383 - 3, false, 4},
  };
  Gen gen(0x7A4);
  const long cases = CaseCount(200000) / 20;
  for (const Domain& d : kDomains) {
    double worst = 0;
    long flag_mismatches = 0, far = 0;
    for (long i = 0; i < cases; ++i) {
      const uint16_t control = Gen::Control(3, static_cast<int>(i % 4));
      const int exp = d.min_exp + gen.Below(d.max_exp - d.min_exp + 1);
      const bool negative = !d.positive && gen.Below(2);
      const F80 st0{gen.Bits() | (1ull << 63),
                    static_cast<uint16_t>((negative ? 0x8000 : 0) | exp)};
      const F80 st1{gen.Bits() | (1ull << 63),
                    static_cast<uint16_t>((gen.Below(2) ? 0x8000 : 0) | (16383 + gen.Below(8)))};
      Env host_env{control, 0}, soft_env{control, 0};
      const TranscendentalResult host = detail::HostTranscendental(d.op, st0, st1, host_env);
      const TranscendentalResult soft = detail::SoftwareTranscendental(d.op, st0, st1, soft_env);
      constexpr uint16_t kHard = kIe | kDe | kZe | kC2;
      if ((host_env.status & kHard) != (soft_env.status & kHard) || host.pushed != soft.pushed) {
        ++flag_mismatches;
      }
      auto distance = d.absolute ? AbsoluteDistance : UlpDistance;
      double ulps = distance(host.result0, soft.result0);
      if (host.pushed) ulps = std::max(ulps, distance(host.result1, soft.result1));
      worst = std::max(worst, ulps);
      if (ulps > d.max_ulps) ++far;
    }
    std::printf(
        "x87 %-8s software vs host: %ld cases, worst %.2f %s, %ld beyond %.0f, "
        "%ld flag mismatches\n",
        d.name, cases, worst, d.absolute ? "x 2^-64" : "ulp", far, d.max_ulps, flag_mismatches);
    CHECK(flag_mismatches == 0);
    CHECK(far == 0);
  }
}

// Any operands (NaNs, infinities, zeros, denormals, unsupported, out of domain): the software
// path must raise the same IE/DE/ZE/C2 and give the same special results (NaN, infinity, zero,
// operand returned) as the host; tiny results are left to the accuracy test.
TEST_CASE("x87 transcendentals: software path special cases match the host x87") {
  if (!kHostX87) return;
  static constexpr const char* kNames[] = {"fsin",   "fcos",  "fsincos", "fptan",
                                           "fpatan", "f2xm1", "fyl2x",   "fyl2xp1"};
  static constexpr Transcendental kOps[] = {Transcendental::kSin,    Transcendental::kCos,
                                            Transcendental::kSinCos, Transcendental::kTan,
                                            Transcendental::kAtan,   Transcendental::kExp2M1,
                                            Transcendental::kYLog2X, Transcendental::kYLog2XP1};
  Gen gen(0x5BEC);
  const long cases = CaseCount(200000) / 20;
  auto special = [](F80 v) {
    const int e = v.sign_exponent & 0x7FFF;
    return e == 0x7FFF || (e == 0 && v.significand == 0);
  };
  for (int o = 0; o < 8; ++o) {
    long flag_mismatches = 0, special_mismatches = 0;
    for (long i = 0; i < cases; ++i) {
      F80 a = gen.Value();
      const F80 b = gen.Value();
      if (kOps[o] == Transcendental::kExp2M1 && gen.Below(2)) {
        a.sign_exponent =
            static_cast<uint16_t>((a.sign_exponent & 0x8000) | (16383 - 1 - gen.Below(30)));
      }
      const uint16_t control = Gen::Control(3, static_cast<int>(i % 4));
      Env host_env{control, 0}, soft_env{control, 0};
      const TranscendentalResult host = detail::HostTranscendental(kOps[o], a, b, host_env);
      const TranscendentalResult soft = detail::SoftwareTranscendental(kOps[o], a, b, soft_env);
      constexpr uint16_t kHard = kIe | kDe | kZe | kC2;
      if ((host_env.status & kHard) != (soft_env.status & kHard) || host.pushed != soft.pushed) {
        ++flag_mismatches;
      }
      const bool tiny = (host.result0.sign_exponent & 0x7FFF) == 0;
      if (!tiny && (special(host.result0) || special(soft.result0)) &&
          host.result0 != soft.result0) {
        ++special_mismatches;
      }
    }
    std::printf(
        "x87 %-8s software vs host, special operands: %ld cases, %ld flag mismatches, "
        "%ld special-result mismatches\n",
        kNames[o], cases, flag_mismatches, special_mismatches);
    CHECK(flag_mismatches == 0);
    CHECK(special_mismatches == 0);
  }
}

TEST_CASE("x87 transcendentals: host backend agrees with special cases") {
  if (!kHostX87) return;
  // FSIN of 2^63 is out of range: C2 set, operand unchanged.
  Env env{0x037F, 0};
  const F80 big{1ull << 63, 16383 + 63};
  TranscendentalResult r = Compute(Transcendental::kSin, big, F80{0, 0}, env);
  CHECK((env.status & kC2) != 0);
  CHECK(r.result0 == big);
  // FPTAN(0) = +0 and pushes 1.0.
  env = Env{0x037F, 0};
  r = Compute(Transcendental::kTan, F80{0, 0}, F80{0, 0}, env);
  CHECK(r.pushed);
  CHECK(r.result0 == F80{1ull << 63, 16383});
  CHECK(r.result1 == F80{0, 0});
  CHECK(TranscendentalsExact());
}

}  // namespace
}  // namespace vireo::x87::test
