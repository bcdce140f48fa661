// Differential tests of the software x87 compares and format conversions against the host's
// x87 FPU (x86-64 hosts only): FCOM/FUCOM condition codes, FCOMI/FUCOMI EFLAGS, FIST/FISTTP
// m16/m32/m64, FST/FLD m32fp/m64fp, FBSTP/FBLD, FILD. VIREO_X87_CASES sets the case counts.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstring>

#include "cpu/x87/x87.h"
#include "tests/unit/x87/host_x87.h"
#include "tests/unit/x87/x87_gen.h"

namespace vireo::x87::test {
namespace {

constexpr uint16_t kFlagsC1 = kExceptionFlags | kC1;
constexpr long kDefaultCases = 200000;

void Print(const char* what, F80 v) {
  std::printf("%s %04X_%016llX", what, v.sign_exponent,
              static_cast<unsigned long long>(v.significand));
}

// Reports and counts a mismatch.
bool Mismatch(long* count, const char* name, int pc, int rc, F80 a) {
  if (++*count <= 10) {
    std::printf("%s mismatch pc=%d rc=%d ", name, pc, rc);
    Print("a", a);
    std::printf("\n");
  }
  return true;
}

void Summary(const char* name, long total, long mismatches) {
  std::printf("x87 %-8s %ld cases (%ld per PC x RC), %ld mismatches\n", name, total, total / 16,
              mismatches);
  CHECK(mismatches == 0);
}

TEST_CASE("x87 FCOM/FUCOM/FCOMI/FUCOMI match the host x87") {
  if (!kHostX87) return;
  Gen gen(0xC0C0);
  const long cases = CaseCount(kDefaultCases);
  long mismatches = 0;
  for (long i = 0; i < cases; ++i) {
    const int pc = static_cast<int>(i % 4), rc = static_cast<int>((i / 4) % 4);
    const uint16_t control = Gen::Control(pc, rc);
    const F80 a = gen.Value();
    F80 b = gen.Value(gen.Below(2) ? a.sign_exponent & 0x7FFF : -1);
    if (gen.Below(8) == 0) b = a;
    if (gen.Below(16) == 0) b.sign_exponent ^= 0x8000;
    const bool quiet = gen.Below(2);
    uint16_t host_sw, host_flags, host_comi_sw;
    HostCompare(a, b, quiet, control, &host_sw, &host_flags, &host_comi_sw);
    Env env{control, 0};
    const Order order = Compare(a, b, quiet, env);
    constexpr uint16_t kMask = kExceptionFlags | kC0 | kC1 | kC2 | kC3;
    const uint32_t comi = ComiFlags(order);
    if ((env.status & kMask) != (host_sw & kMask) || comi != ((host_flags >> 8) & 0x45u) ||
        (env.status & kExceptionFlags) != (host_comi_sw & kExceptionFlags)) {
      Mismatch(&mismatches, quiet ? "fucom" : "fcom", pc, rc, a);
      if (mismatches <= 10) {
        Print("  b", b);
        std::printf(" host sw %04X flags %02X comi sw %04X soft sw %04X flags %02X\n",
                    host_sw & kMask, (host_flags >> 8) & 0x45, host_comi_sw & kMask,
                    env.status & kMask, comi);
      }
    }
  }
  Summary("fcom", cases, mismatches);
}

TEST_CASE("x87 FIST/FISTTP m16/m32/m64 match the host x87") {
  if (!kHostX87) return;
  Gen gen(0x1157);
  const long cases = CaseCount(kDefaultCases);
  long mismatches = 0;
  for (long i = 0; i < cases; ++i) {
    const int pc = static_cast<int>(i % 4), rc = static_cast<int>((i / 4) % 4);
    const uint16_t control = Gen::Control(pc, rc);
    static constexpr int kBits[] = {16, 32, 64};
    const int bits = kBits[gen.Below(3)];
    const bool truncate = gen.Below(2);
    const F80 a = gen.Value(16383 + bits - 4 + gen.Below(8));
    uint16_t host_sw;
    const int64_t host = HostToInt(a, bits, truncate, control, &host_sw);
    Env env{control, 0};
    const int64_t mine = ToInt(a, bits, truncate, env);
    if (mine != host || (env.status & kFlagsC1) != (host_sw & kFlagsC1)) {
      Mismatch(&mismatches, truncate ? "fisttp" : "fist", pc, rc, a);
      if (mismatches <= 10) {
        std::printf("  bits %d host %llx sw %04X soft %llx sw %04X\n", bits,
                    static_cast<unsigned long long>(host), host_sw & kFlagsC1,
                    static_cast<unsigned long long>(mine), env.status & kFlagsC1);
      }
    }
  }
  Summary("fist", cases, mismatches);
}

TEST_CASE("x87 FST m32fp/m64fp match the host x87") {
  if (!kHostX87) return;
  Gen gen(0xF570);
  const long cases = CaseCount(kDefaultCases);
  long mismatches = 0;
  for (long i = 0; i < cases; ++i) {
    const int pc = static_cast<int>(i % 4), rc = static_cast<int>((i / 4) % 4);
    const uint16_t control = Gen::Control(pc, rc);
    const bool single = gen.Below(2);
    // Exponents around the target format's overflow and underflow thresholds.
    static constexpr int kNear32[] = {16383 + 128, 16383 - 126, 16383 - 149, 16383};
    static constexpr int kNear64[] = {16383 + 1024, 16383 - 1022, 16383 - 1074, 16383};
    const int near = single ? kNear32[gen.Below(4)] : kNear64[gen.Below(4)];
    F80 a = gen.Value(near);
    if (gen.Below(2)) a.sign_exponent = (a.sign_exponent & 0x8000) | (near - 3 + gen.Below(6));
    uint16_t host_sw;
    Env env{control, 0};
    uint64_t host, mine;
    if (single) {
      host = HostToFloat32(a, control, &host_sw);
      mine = ToFloat32(a, env);
    } else {
      host = HostToFloat64(a, control, &host_sw);
      mine = ToFloat64(a, env);
    }
    if (mine != host || (env.status & kFlagsC1) != (host_sw & kFlagsC1)) {
      Mismatch(&mismatches, single ? "fst32" : "fst64", pc, rc, a);
      if (mismatches <= 10) {
        std::printf("  host %llx sw %04X soft %llx sw %04X\n",
                    static_cast<unsigned long long>(host), host_sw & kFlagsC1,
                    static_cast<unsigned long long>(mine), env.status & kFlagsC1);
      }
    }
  }
  Summary("fst", cases, mismatches);
}

TEST_CASE("x87 FLD m32fp/m64fp and FILD match the host x87") {
  if (!kHostX87) return;
  Gen gen(0xF1D0);
  const long cases = CaseCount(kDefaultCases);
  long mismatches = 0;
  for (long i = 0; i < cases; ++i) {
    const uint16_t control = Gen::Control(static_cast<int>(i % 4), static_cast<int>((i / 4) % 4));
    uint64_t bits = gen.Bits();
    switch (gen.Below(6)) {
      case 0:
        bits &= 0x800FFFFFFFFFFFFFull;
        break;  // denormal / zero
      case 1:
        bits |= 0x7FF0000000000000ull;
        break;  // inf / NaN
      case 2:
        bits &= 0x807FFFFFull;
        break;  // single denormal
      case 3:
        bits |= 0x7F800000ull;
        bits &= 0xFFFFFFFFull;
        break;  // single inf / NaN
      case 4:
        bits >>= gen.Below(64);
        break;
      default:
        break;
    }
    uint16_t host_sw32, host_sw64;
    const F80 host32 = HostFromFloat32(static_cast<uint32_t>(bits), control, &host_sw32);
    const F80 host64 = HostFromFloat64(bits, control, &host_sw64);
    Env env32{control, 0}, env64{control, 0};
    const F80 mine32 = FromFloat32(static_cast<uint32_t>(bits), env32);
    const F80 mine64 = FromFloat64(bits, env64);
    if (mine32 != host32 || (env32.status & kExceptionFlags) != (host_sw32 & kExceptionFlags) ||
        mine64 != host64 || (env64.status & kExceptionFlags) != (host_sw64 & kExceptionFlags)) {
      if (++mismatches <= 10) {
        std::printf("fld mismatch %llx\n", static_cast<unsigned long long>(bits));
        Print("  host32", host32);
        Print(" soft32", mine32);
        Print("\n  host64", host64);
        Print(" soft64", mine64);
        std::printf("\n");
      }
    }
    // FILD is exact: check it through the host's FIST of our value.
    const F80 from_int = FromInt64(static_cast<int64_t>(bits));
    uint16_t sw;
    if (HostToInt(from_int, 64, false, 0x037F, &sw) != static_cast<int64_t>(bits) ||
        (sw & kExceptionFlags)) {
      if (++mismatches <= 10) std::printf("fild mismatch %llx\n", (unsigned long long)bits);
    }
  }
  Summary("fld", cases, mismatches);
}

TEST_CASE("x87 FLD m80fp, FXAM and FTST match the host x87") {
  if (!kHostX87) return;
  Gen gen(0xF1D80);
  const long cases = CaseCount(kDefaultCases);
  long mismatches = 0;
  for (long i = 0; i < cases; ++i) {
    const int pc = static_cast<int>(i % 4), rc = static_cast<int>((i / 4) % 4);
    const uint16_t control = Gen::Control(pc, rc);
    const F80 a = gen.Value();
    uint16_t load_sw;
    const F80 loaded = HostLoad80(a, control, &load_sw);
    constexpr uint16_t kCc = kC0 | kC1 | kC2 | kC3;
    const uint16_t examine = HostExamine(a) & kCc;
    const uint16_t test_sw = HostTest(a, control) & (kCc | kExceptionFlags);
    Env env{control, 0};
    Test(a, env);
    if (loaded != a || (load_sw & kExceptionFlags) || Examine(a, false) != examine ||
        (env.status & (kCc | kExceptionFlags)) != test_sw) {
      Mismatch(&mismatches, "fld80/fxam/ftst", pc, rc, a);
      if (mismatches <= 10) {
        Print("  loaded", loaded);
        std::printf(" load sw %04X fxam %04X/%04X ftst %04X/%04X\n", load_sw, examine,
                    Examine(a, false), test_sw, env.status & (kCc | kExceptionFlags));
      }
    }
  }
  Summary("fld80", cases, mismatches);
}

TEST_CASE("x87 FBSTP/FBLD match the host x87") {
  if (!kHostX87) return;
  Gen gen(0xBCD);
  const long cases = CaseCount(kDefaultCases);
  long mismatches = 0;
  for (long i = 0; i < cases; ++i) {
    const int pc = static_cast<int>(i % 4), rc = static_cast<int>((i / 4) % 4);
    const uint16_t control = Gen::Control(pc, rc);
    const F80 a = gen.Value(16383 + gen.Below(64));
    uint8_t host[10], mine[10];
    uint16_t host_sw;
    HostToBcd(a, control, host, &host_sw);
    Env env{control, 0};
    ToBcd(a, mine, env);
    bool bad = std::memcmp(host, mine, 10) != 0 || (env.status & kFlagsC1) != (host_sw & kFlagsC1);
    // FBLD of a valid BCD (the one FBSTP stored) must load what the host loads.
    if (!bad && !(host_sw & kIe) && HostFromBcd(host) != FromBcd(host)) bad = true;
    if (bad) {
      Mismatch(&mismatches, "fbstp", pc, rc, a);
      if (mismatches <= 10) {
        std::printf("  host sw %04X soft sw %04X host", host_sw & kFlagsC1, env.status & kFlagsC1);
        for (int j = 9; j >= 0; --j) std::printf(" %02X", host[j]);
        std::printf(" soft");
        for (int j = 9; j >= 0; --j) std::printf(" %02X", mine[j]);
        std::printf("\n");
      }
    }
  }
  Summary("fbstp", cases, mismatches);
}

}  // namespace
}  // namespace vireo::x87::test
