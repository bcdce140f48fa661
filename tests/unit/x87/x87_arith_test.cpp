// Differential tests of the software x87 against the host's x87 FPU (x86-64 hosts only):
// result bits and the status word flags IE DE ZE OE UE PE and C1, for every precision control
// x rounding control combination. VIREO_X87_CASES sets the number of cases per operation.
#include <doctest/doctest.h>

#include <cstdio>
#include <functional>

#include "cpu/x87/x87.h"
#include "tests/unit/x87/host_x87.h"
#include "tests/unit/x87/x87_gen.h"

namespace vireo::x87::test {
namespace {

constexpr uint16_t kCompared = kExceptionFlags | kC1;

void Print(const char* what, F80 v) {
  std::printf("%s %04X_%016llX", what, v.sign_exponent,
              static_cast<unsigned long long>(v.significand));
}

using SoftBinary = std::function<F80(F80, F80, Env&)>;
// For operations that leave ST(1) changed (FXTRACT): computes both.
using SoftPair = std::function<F80(F80, F80, F80*, Env&)>;

// Runs `cases` random pairs split evenly over the 16 PC x RC combinations.
void RunPair(const char* name, HostOp op, const SoftPair& soft, long cases, int near_mode,
             uint16_t compared = kCompared, uint16_t unmask = 0) {
  if (!kHostX87) return;
  Gen gen(0x5EED0000 + static_cast<int>(op));
  long mismatches = 0, total = 0;
  long per_mode[4][4] = {};
  long flagged[6] = {};
  for (long i = 0; i < cases; ++i) {
    const int pc = static_cast<int>(i % 4), rc = static_cast<int>((i / 4) % 4);
    const uint16_t control = Gen::Control(pc, rc) & ~unmask;
    const F80 a = gen.Value();
    int near = -1;
    if (gen.Below(2)) {
      const int ea = a.sign_exponent & 0x7FFF;
      // Add/sub: similar exponents (cancellation); mul/div: results near the underflow and
      // overflow thresholds.
      if (near_mode == 0) near = ea;
      if (near_mode == 1) near = ea < 16383 ? 16383 - ea : 0x7FFE + 16383 - ea;
      if (near_mode == 2) near = ea < 16383 ? ea + 16383 : ea + 16383 - 0x7FFE;
    }
    F80 b = gen.Value(near);
    if (near_mode == 3 && gen.Below(2)) {
      // FSCALE: mostly small scale factors.
      b = F80{gen.Significand(),
              static_cast<uint16_t>((gen.Below(2) ? 0x8000 : 0) | (16383 + gen.Below(16)))};
    }
    const HostResult host =
        unmask ? HostStackOpNoWait(op, a, b, control) : HostStackOp(op, a, b, control);
    Env env{control, 0};
    F80 st1 = b;
    const F80 mine = soft(a, b, &st1, env);
    ++total;
    for (int f = 0; f < 6; ++f) flagged[f] += (host.status >> f) & 1;
    ++per_mode[pc][rc];
    if (mine != host.value || st1 != host.value2 ||
        (env.status & compared) != (host.status & compared)) {
      if (++mismatches <= 10) {
        std::printf("%s mismatch pc=%d rc=%d ", name, pc, rc);
        Print("a", a);
        Print(" b", b);
        Print("\n  host", host.value);
        Print(" st1", host.value2);
        std::printf(" sw %04X ", host.status & compared);
        Print("\n  soft", mine);
        Print(" st1", st1);
        std::printf(" sw %04X\n", env.status & compared);
      }
    }
  }
  std::printf("x87 %-8s %ld cases (%ld per PC x RC), %ld mismatches\n", name, total, per_mode[0][0],
              mismatches);
  std::printf("    host flags: IE %ld DE %ld ZE %ld OE %ld UE %ld PE %ld\n", flagged[0], flagged[1],
              flagged[2], flagged[3], flagged[4], flagged[5]);
  CHECK(mismatches == 0);
}

void RunBinary(const char* name, HostOp op, const SoftBinary& soft, long cases, int near_mode,
               uint16_t compared = kCompared, uint16_t unmask = 0) {
  RunPair(
      name, op, [&](F80 a, F80 b, F80*, Env& env) { return soft(a, b, env); }, cases, near_mode,
      compared, unmask);
}

constexpr long kDefaultCases = 200000;

TEST_CASE("x87 FADD matches the host x87") {
  RunBinary("fadd", HostOp::kAdd, Add, CaseCount(kDefaultCases), 0);
}
TEST_CASE("x87 FSUB matches the host x87") {
  RunBinary("fsub", HostOp::kSub, Sub, CaseCount(kDefaultCases), 0);
}
TEST_CASE("x87 FMUL matches the host x87") {
  RunBinary("fmul", HostOp::kMul, Mul, CaseCount(kDefaultCases), 1);
}
TEST_CASE("x87 FDIV matches the host x87") {
  RunBinary("fdiv", HostOp::kDiv, Div, CaseCount(kDefaultCases), 2);
}
TEST_CASE("x87 FSQRT matches the host x87") {
  RunBinary(
      "fsqrt", HostOp::kSqrt, [](F80 a, F80, Env& env) { return Sqrt(a, env); },
      CaseCount(kDefaultCases), 0);
}

// Unmasked overflow/underflow: the x87 delivers the result with the exponent wrapped by
// 2^24576 (SDM Vol. 1 4.9.1.4, 4.9.1.5). Only operand pairs whose result is written are
// compared: with IE/ZE/DE masked, only OE/UE/PE are unmasked here.
TEST_CASE("x87 arithmetic with unmasked overflow/underflow matches the host x87") {
  const long cases = CaseCount(kDefaultCases) / 4;
  RunBinary("fadd/ou", HostOp::kAdd, Add, cases, 0, kCompared, kOe | kUe);
  RunBinary("fsub/ou", HostOp::kSub, Sub, cases, 0, kCompared, kOe | kUe);
  RunBinary("fmul/ou", HostOp::kMul, Mul, cases, 1, kCompared, kOe | kUe);
  RunBinary("fdiv/ou", HostOp::kDiv, Div, cases, 2, kCompared, kOe | kUe);
  RunBinary("fscale/ou", HostOp::kScale, Scale, cases, 3, kCompared, kOe | kUe);
  RunBinary(
      "fprem/ou", HostOp::kPrem,
      [](F80 a, F80 b, Env& env) { return PartialRemainder(a, b, false, env); }, cases, 0,
      kCompared | kC0 | kC2 | kC3, kOe | kUe);
  RunBinary(
      "fprem1/ou", HostOp::kPrem1,
      [](F80 a, F80 b, Env& env) { return PartialRemainder(a, b, true, env); }, cases, 0,
      kCompared | kC0 | kC2 | kC3, kOe | kUe);
}

TEST_CASE("x87 FRNDINT matches the host x87") {
  RunBinary(
      "frndint", HostOp::kRndint, [](F80 a, F80, Env& env) { return RoundToInt(a, env); },
      CaseCount(kDefaultCases), 0);
}
TEST_CASE("x87 FSCALE matches the host x87") {
  RunBinary("fscale", HostOp::kScale, Scale, CaseCount(kDefaultCases), 3);
}
TEST_CASE("x87 FXTRACT matches the host x87") {
  RunPair(
      "fxtract", HostOp::kXtract,
      [](F80 a, F80, F80* st1, Env& env) {
        F80 exponent;
        const F80 significand = Extract(a, &exponent, env);
        *st1 = exponent;
        return significand;
      },
      CaseCount(kDefaultCases), 0);
}
TEST_CASE("x87 FPREM matches the host x87") {
  RunBinary(
      "fprem", HostOp::kPrem,
      [](F80 a, F80 b, Env& env) { return PartialRemainder(a, b, false, env); },
      CaseCount(kDefaultCases), 0, kCompared | kC0 | kC2 | kC3);
}
TEST_CASE("x87 FPREM1 matches the host x87") {
  RunBinary(
      "fprem1", HostOp::kPrem1,
      [](F80 a, F80 b, Env& env) { return PartialRemainder(a, b, true, env); },
      CaseCount(kDefaultCases), 0, kCompared | kC0 | kC2 | kC3);
}

}  // namespace
}  // namespace vireo::x87::test
