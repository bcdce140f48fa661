// Shared helpers of the software x87: unpacking, rounding and NaN propagation.
#pragma once

#include "cpu/x87/x87.h"

namespace vireo::x87::detail {

using U128 = unsigned __int128;

inline constexpr int kBias = 16383;
inline constexpr int kMaxExponent = 0x7FFF;

/// Rounding control values (SDM Vol. 1 4.8.4, Table 4-8).
enum Rounding : int { kNearest = 0, kDown = 1, kUp = 2, kTowardZero = 3 };

inline bool SignOf(F80 v) { return v.sign_exponent >> 15; }
inline int ExponentOf(F80 v) { return v.sign_exponent & 0x7FFF; }
inline F80 Pack(bool sign, int exponent, uint64_t significand) {
  return F80{significand, static_cast<uint16_t>((sign ? 0x8000 : 0) | exponent)};
}
inline F80 Infinity(bool sign) { return Pack(sign, kMaxExponent, 1ull << 63); }
inline F80 Zero(bool sign) { return Pack(sign, 0, 0); }
inline int RoundingOf(const Env& env) { return (env.control >> 10) & 3; }
/// Significand bits kept by precision control (SDM Vol. 1 8.1.5.2, Table 8-2); the reserved
/// value 01 rounds to 64 bits as the host does.
int PrecisionBits(const Env& env);
inline bool IsNaN(Kind k) { return k == Kind::kQNaN || k == Kind::kSNaN; }
inline bool IsFiniteNonZero(Kind k) {
  return k == Kind::kNormal || k == Kind::kDenormal || k == Kind::kPseudoDenormal;
}
inline bool IsDenormal(Kind k) { return k == Kind::kDenormal || k == Kind::kPseudoDenormal; }

/// A finite nonzero value with a normalized significand (bit 63 set); the biased exponent may
/// be below 1 for denormals. value = sig * 2^(exp - kBias - 63).
struct Unpacked {
  bool sign;
  int32_t exp;
  uint64_t sig;
};
Unpacked Unpack(F80 v);

/// Shifts right by `count`, or-ing the lost bits into bit 0 ("sticky").
inline U128 ShiftRightJam(U128 v, int count) {
  if (count <= 0) return v;
  if (count >= 128) return v != 0;
  return (v >> count) | ((v & ((U128(1) << count) - 1)) != 0);
}
int LeadingZeros128(U128 v);

/// Rounds sign * sig/2^127 * 2^(exp - kBias) (sig nonzero, any normalization) to `precision`
/// significand bits under the rounding control, with the extended exponent range, handling
/// overflow/underflow (masked: infinity/max or denormal/zero; unmasked: exponent wrapped by
/// 2^24576), setting PE/UE/OE and C1 (SDM Vol. 1 4.8.4, 4.9.1.4, 4.9.1.5).
F80 RoundPack(bool sign, int32_t exp, U128 sig, int precision, Env& env);

/// The quieted NaN for a single NaN operand (IE for SNaN) (SDM Vol. 1 4.8.3.5, Table 4-7).
F80 QuietNaN(F80 a, Env& env);
/// The NaN result for two operands of which at least one is a NaN (SDM Vol. 1 Table 4-7).
F80 PropagateNaN(F80 a, Kind ka, F80 b, Kind kb, Env& env);

/// Common operand checks of a two-operand arithmetic instruction: unsupported formats and
/// NaNs decide the result (returns true with *result set); denormal operands raise DE unless
/// `denormal` is false (the caller raises it after higher-priority exceptions, SDM 4.9.2).
bool CheckOperands(F80 a, Kind ka, F80 b, Kind kb, F80* result, Env& env, bool denormal = true);

/// Rounds the integer value |v| * 2^-shift (shift >= 0) under `rounding` for `sign`;
/// *inexact tells whether bits were lost, *up whether the magnitude was incremented.
U128 RoundShift(U128 v, int shift, bool sign, int rounding, bool* inexact, bool* up);

}  // namespace vireo::x87::detail
