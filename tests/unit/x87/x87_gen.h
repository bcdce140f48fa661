// Random 80-bit operands biased toward the special values and rounding boundaries of the x87
// (SDM Vol. 1 4.2.2, Table 8-3): zeros, denormals, pseudo-denormals, unnormals, infinities,
// pseudo-infinities, NaNs and pseudo-NaNs of both signs, extreme normals, and significands
// whose bits below each precision's rounding position are 0111.., 1000.., 1000..01.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <random>

#include "cpu/x87/x87.h"

namespace vireo::x87::test {

/// Case count per operation: VIREO_X87_CASES or `fallback`.
inline long CaseCount(long fallback) {
  const char* env = std::getenv("VIREO_X87_CASES");
  return env ? std::atol(env) : fallback;
}

class Gen {
 public:
  explicit Gen(uint64_t seed) : rng_(seed) {}
  uint64_t Bits() { return rng_(); }
  int Below(int n) { return static_cast<int>(rng_() % n); }

  /// A significand with the integer bit set and a boundary pattern at a random precision.
  uint64_t Significand() {
    uint64_t sig = Bits() | (1ull << 63);
    switch (Below(8)) {
      case 0:
        sig = 1ull << 63;
        break;
      case 1:
        sig = ~0ull;
        break;
      case 2:
      case 3:
      case 4: {
        static constexpr int kDrop[] = {40, 11, 1, 2, 3};  // 24, 53-bit rounding points, ulps
        const int drop = kDrop[Below(5)];
        const uint64_t mask = (1ull << drop) - 1;
        const uint64_t half = 1ull << (drop - 1);
        static constexpr int kPattern = 4;
        uint64_t low = 0;
        switch (Below(kPattern)) {
          case 0:
            low = half - 1;
            break;
          case 1:
            low = half;
            break;
          case 2:
            low = half + 1;
            break;
          default:
            low = Below(2) ? 0 : mask;
            break;
        }
        sig = (sig & ~mask) | low;
        break;
      }
      case 5:
        sig = (1ull << 63) | (Bits() >> Below(64));
        break;  // few low bits
      default:
        break;
    }
    return sig;
  }

  /// Any encoding, `near` (or -1) suggests an exponent to stay close to.
  F80 Value(int near = -1) {
    const uint16_t sign = Below(2) ? 0x8000 : 0;
    uint64_t sig = Significand();
    int exp = 0;
    switch (Below(24)) {
      case 0:
        return F80{0, sign};
      case 1:
        return F80{Bits() >> (1 + Below(63)), sign};  // denormal (maybe tiny)
      case 2:
        return F80{sig, sign};  // pseudo-denormal
      case 3:
        return F80{sig >> 1, static_cast<uint16_t>(sign | (1 + Below(0x7FFE)))};  // unnormal
      case 4:
        return F80{1ull << 63, static_cast<uint16_t>(sign | 0x7FFF)};  // infinity
      case 5:
        return F80{sig | (3ull << 62), static_cast<uint16_t>(sign | 0x7FFF)};  // QNaN
      case 6: {                                                                // SNaN
        uint64_t s = (sig & ~(1ull << 62)) | (1ull << 63);
        if ((s << 1) == 0) s |= 1;
        return F80{s, static_cast<uint16_t>(sign | 0x7FFF)};
      }
      case 7:
        return F80{Bits() >> 1, static_cast<uint16_t>(sign | 0x7FFF)};  // pseudo-NaN/inf
      case 8:
        exp = 0x7FFE - Below(70);
        break;
      case 9:
        exp = 1 + Below(70);
        break;
      case 10:
        exp = Below(0x7FFE) + 1;
        break;
      case 11:
        exp = 16383 + Below(130) - 65;
        break;
      default:
        if (near >= 0) {
          exp = near + Below(140) - 70;
        } else {
          exp = 16383 + Below(2000) - 1000;
        }
        break;
    }
    if (exp < 1) exp = 1;
    if (exp > 0x7FFE) exp = 0x7FFE;
    return F80{sig, static_cast<uint16_t>(sign | exp)};
  }

  /// A control word with all exceptions masked and the given PC/RC.
  static uint16_t Control(int pc, int rc) {
    return static_cast<uint16_t>(0x037F & ~0x0300) | (pc << 8) | (rc << 10) | 0x40;
  }

 private:
  std::mt19937_64 rng_;
};

}  // namespace vireo::x87::test
