// Golden vectors recorded from a host x87 (x87_golden.inc): checks the software x87 on every
// host, including non-x86 ones where the differential tests cannot run.
#include <doctest/doctest.h>

#include <cstdio>
#include <iterator>

#include "cpu/x87/x87.h"
#include "tests/unit/x87/host_x87.h"

namespace vireo::x87::test {
namespace {

struct Golden {
  HostOp op;
  uint16_t control;
  F80 a, b, st0, st1;
  uint16_t status;
};

constexpr Golden kGolden[] = {
#include "tests/unit/x87/x87_golden.inc"
};

TEST_CASE("x87 golden vectors from a host x87") {
  long mismatches = 0;
  for (const Golden& g : kGolden) {
    Env env{g.control, 0};
    F80 st0{}, st1 = g.b;
    uint16_t compared = kExceptionFlags | kC1;
    switch (g.op) {
      case HostOp::kAdd:
        st0 = Add(g.a, g.b, env);
        break;
      case HostOp::kSub:
        st0 = Sub(g.a, g.b, env);
        break;
      case HostOp::kMul:
        st0 = Mul(g.a, g.b, env);
        break;
      case HostOp::kDiv:
        st0 = Div(g.a, g.b, env);
        break;
      case HostOp::kSqrt:
        st0 = Sqrt(g.a, env);
        break;
      case HostOp::kRndint:
        st0 = RoundToInt(g.a, env);
        break;
      case HostOp::kScale:
        st0 = Scale(g.a, g.b, env);
        break;
      case HostOp::kPrem:
      case HostOp::kPrem1:
        st0 = PartialRemainder(g.a, g.b, g.op == HostOp::kPrem1, env);
        compared |= kC0 | kC2 | kC3;
        break;
      case HostOp::kXtract:
        st0 = Extract(g.a, &st1, env);
        break;
    }
    if (st0 != g.st0 || st1 != g.st1 || (env.status & compared) != (g.status & compared)) {
      if (++mismatches <= 10) {
        std::printf("golden mismatch op %d control %04X a %04X_%016llX b %04X_%016llX\n",
                    static_cast<int>(g.op), g.control, g.a.sign_exponent,
                    static_cast<unsigned long long>(g.a.significand), g.b.sign_exponent,
                    static_cast<unsigned long long>(g.b.significand));
      }
    }
  }
  std::printf("x87 golden   %zu vectors, %ld mismatches\n", std::size(kGolden), mismatches);
  CHECK(mismatches == 0);
}

enum class Conv {
  kFist16,
  kFist32,
  kFist64,
  kFisttp16,
  kFisttp32,
  kFisttp64,
  kFst32,
  kFst64,
  kFcom,
  kFucom,
  kFbstp
};
struct GoldenConv {
  Conv kind;
  uint16_t control;
  F80 a, b;
  uint64_t result;       // the integer, float bits, FCOMI EFLAGS (ZF PF CF) or BCD bytes 0..7
  uint16_t result_high;  // BCD bytes 8..9
  uint16_t status;       // FIST/FST/FBSTP: flags and C1; FCOM/FUCOM: flags and C0..C3
};

constexpr GoldenConv kGoldenConv[] = {
#include "tests/unit/x87/x87_golden_convert.inc"
};

TEST_CASE("x87 golden conversion and compare vectors from a host x87") {
  long mismatches = 0;
  for (const GoldenConv& g : kGoldenConv) {
    Env env{g.control, 0};
    uint64_t result = 0;
    uint16_t high = 0;
    uint16_t compared = kExceptionFlags | kC1;
    static constexpr int kBits[] = {16, 32, 64};
    const int k = static_cast<int>(g.kind);
    if (k < 6) {
      result = static_cast<uint64_t>(ToInt(g.a, kBits[k % 3], k >= 3, env));
      if (kBits[k % 3] < 64) result &= (1ull << kBits[k % 3]) - 1;
    } else if (g.kind == Conv::kFst32) {
      result = ToFloat32(g.a, env);
    } else if (g.kind == Conv::kFst64) {
      result = ToFloat64(g.a, env);
    } else if (g.kind == Conv::kFbstp) {
      uint8_t bcd[10];
      ToBcd(g.a, bcd, env);
      for (int i = 7; i >= 0; --i) result = result << 8 | bcd[i];
      high = static_cast<uint16_t>(bcd[9] << 8 | bcd[8]);
    } else {
      result = ComiFlags(Compare(g.a, g.b, g.kind == Conv::kFucom, env));
      compared |= kC0 | kC2 | kC3;
    }
    uint64_t expected = g.result;
    if (k < 6 && kBits[k % 3] < 64) expected &= (1ull << kBits[k % 3]) - 1;
    if (result != expected || high != g.result_high ||
        (env.status & compared) != (g.status & compared)) {
      if (++mismatches <= 10) {
        std::printf("golden conversion mismatch kind %d control %04X a %04X_%016llX\n", k,
                    g.control, g.a.sign_exponent, static_cast<unsigned long long>(g.a.significand));
      }
    }
  }
  std::printf("x87 golden   %zu conversion/compare vectors, %ld mismatches\n",
              std::size(kGoldenConv), mismatches);
  CHECK(mismatches == 0);
}

}  // namespace
}  // namespace vireo::x87::test
