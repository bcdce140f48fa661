// FBLD/FBSTP: 18-digit packed BCD (SDM Vol. 1 4.7, Figure 4-10; Vol. 2 FBLD, FBSTP).
#include "cpu/x87/internal.h"

namespace vireo::x87 {

using namespace detail;

F80 FromBcd(const uint8_t bytes[10]) {
  uint64_t value = 0;
  for (int i = 8; i >= 0; --i) {
    value = value * 10 + (bytes[i] >> 4);
    value = value * 10 + (bytes[i] & 15);
  }
  const bool sign = bytes[9] >> 7;
  if (value == 0) return Zero(sign);  // -0 stays -0
  F80 r = FromInt64(static_cast<int64_t>(value));
  if (sign) r.sign_exponent |= 0x8000;
  return r;
}

void ToBcd(F80 a, uint8_t bytes[10], Env& env) {
  env.status &= ~kC1;
  const Kind k = Classify(a);
  auto indefinite = [&] {
    env.status |= kIe;
    for (int i = 0; i < 10; ++i) bytes[i] = 0;
    bytes[7] = 0xC0;
    bytes[8] = bytes[9] = 0xFF;
  };
  if (k == Kind::kUnsupported || IsNaN(k) || k == Kind::kInfinity) return indefinite();
  uint64_t m = 0;
  if (k != Kind::kZero) {
    // Stores raise no DE for a denormal source (checked against the host).
    const Unpacked x = Unpack(a);
    const int e = x.exp - kBias;
    if (e >= 60) return indefinite();  // >= 2^60 > 10^18
    bool inexact = false, up = false;
    m = e >= 63 ? x.sig
                : static_cast<uint64_t>(
                      RoundShift(x.sig, 63 - e, x.sign, RoundingOf(env), &inexact, &up));
    if (m >= 1000000000000000000ull) return indefinite();
    if (inexact) env.status |= kPe;
    if (up) env.status |= kC1;
  }
  for (int i = 0; i < 9; ++i) {
    const int lo = static_cast<int>(m % 10);
    m /= 10;
    const int hi = static_cast<int>(m % 10);
    m /= 10;
    bytes[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  bytes[9] = SignOf(a) ? 0x80 : 0;
}

}  // namespace vireo::x87
