// Helpers shared by the SSE and MMX generators (gen_sse.cpp, gen_mmx.cpp).
#pragma once

#include <string>

#include "tests/diff/gen_registry.h"

namespace vireo::diff::simd {

inline std::string Xmm(int r) { return "xmm" + std::to_string(r); }
inline std::string Mm(int r) { return "mm" + std::to_string(r); }

inline int PickXmm(Gen& g) { return static_cast<int>(g.rng().Below(g.mode() == 64 ? 16 : 8)); }

/// A memory operand of `size` bytes: aligned to `align` unless `misalign` (a #GP test for
/// the aligned forms); unaligned forms sometimes straddle the end of the data page (#PF).
/// Sequence steps never fault: a fault mid-sequence would expose flags that a later step
/// was expected to define.
inline MemOperand PickSseMem(Gen& g, int size, bool aligned_form, uint64_t* offset) {
  uint64_t off;
  const bool faults_ok = !g.sequence();
  if (aligned_form) {
    off = g.PickOffset(size, size);
    if (faults_ok && g.rng().Chance(8)) off += 1 + g.rng().Below(15);
  } else if (faults_ok && g.rng().Chance(4)) {
    off = kDataSize - 1 - g.rng().Below(static_cast<uint64_t>(size - 1));  // crosses the page end
  } else {
    off = g.PickOffset(size, g.rng().Chance(50) ? size : 1);
  }
  *offset = off;
  return g.MemAt(off);
}

/// Points rDI (at a random address size) at a data-page operand of `size` bytes for
/// MASKMOVDQU/MASKMOVQ; false if rDI is reserved.
inline bool PointRdi(Gen& g, Insn* in, int size) {
  if (!g.Claim(kRdi)) return false;
  in->addr_bits = g.PickAddrBits();
  g.SetReg(kRdi, g.AddressValue(g.PickOffset(size), in->addr_bits));
  return true;
}

/// Shift-by-register count: edge counts around the lane width in the low quadword.
inline uint64_t ShiftCount(Gen& g, int bits) {
  if (g.rng().Chance(25)) return g.rng().Next();
  uint64_t small = g.rng().Below(static_cast<uint64_t>(bits) + 3);
  return g.rng().Chance(80) ? small : EdgeCount(g.rng(), bits);
}

/// A random value of a format with `mant` fraction bits and `bits` total bits.
inline uint64_t Special(Rng& r, unsigned bits, unsigned mant) {
  const uint64_t sign = uint64_t{1} << (bits - 1);
  const uint64_t frac = (uint64_t{1} << mant) - 1;
  const uint64_t exp_all = (sign - 1) & ~frac;
  const uint64_t emax = exp_all >> mant;
  const uint64_t s = r.Chance(50) ? sign : 0;
  const uint64_t f = r.Next() & frac;
  switch (r.Below(13)) {
    case 0:
      return s;  // zero
    case 1:
      return s | (f ? f : 1);  // denormal
    case 2:
      return s | (r.Chance(50) ? uint64_t{1} << mant : (r.Next() & 7));  // min normal, tiny
    case 3:
      return s | exp_all;  // infinity
    case 4:
      return s | exp_all | (uint64_t{1} << (mant - 1)) | (r.Next() & frac);  // QNaN
    case 5:
      return s | exp_all | ((f >> 1) ? f >> 1 : 1);  // SNaN
    case 6:
      return s | (exp_all - (uint64_t{1} << mant)) | f;  // near the maximum
    case 7:
      return s | ((emax / 2) << mant) | (r.Chance(50) ? 0 : f);  // around 1.0
    case 8:
      return s | ((1 + r.Below(mant + 2)) << mant) | f;  // small normals (underflow)
    case 9:
      return s | ((emax - 1 - r.Below(mant + 2)) << mant) | f;  // large (overflow)
    case 10:
      return s | ((emax / 2 + 28 + r.Below(37)) << mant) |
             (r.Chance(50) ? f : f >> 20);  // 2^31, 2^63
    default:
      return s | ((emax / 2 - 8 + r.Below(16)) << mant) | f;  // ordinary
  }
}

/// A lane: sometimes a neighbour of `other` (rounding/cancellation), else a special value.
inline uint64_t Lane(Rng& r, bool dbl, uint64_t other) {
  const unsigned bits = dbl ? 64 : 32, mant = dbl ? 52 : 23;
  if (r.Chance(20)) {
    uint64_t v = other + r.Below(7) - 3;
    if (r.Chance(50)) v ^= uint64_t{1} << (bits - 1);
    return dbl ? v : v & 0xFFFFFFFF;
  }
  return Special(r, bits, mant);
}

inline void FillXmm(Gen& g, uint64_t out[2], bool dbl, const uint64_t ref[2]) {
  Rng& r = g.rng();
  if (dbl) {
    out[0] = Lane(r, true, ref[0]);
    out[1] = Lane(r, true, ref[1]);
    return;
  }
  for (int h = 0; h < 2; ++h) {
    uint64_t lo = Lane(r, false, ref[h] & 0xFFFFFFFF), hi = Lane(r, false, ref[h] >> 32);
    out[h] = lo | (hi << 32);
  }
}

/// Random MXCSR flags, rounding control, DAZ and FZ, usually with all exceptions masked (SDM
/// Vol. 1 10.2.3). Sometimes IE/DE/ZE/PE are unmasked (#XM, destination unchanged); OE/UE
/// stay masked: Vireo's PE under unmasked OE/UE is not exact (see sse_float.cpp).
inline uint32_t RandomMxcsr(Gen& g) {
  uint32_t m = 0x1F80 | static_cast<uint32_t>(g.rng().Next() & 0x3F) |
               static_cast<uint32_t>(g.rng().Below(4) << 13) | (g.rng().Chance(30) ? 0x40 : 0) |
               (g.rng().Chance(30) ? 0x8000 : 0);
  if (g.rng().Chance(10)) m &= ~(static_cast<uint32_t>(g.rng().Next() & 0x27) << 7);
  return m;
}

}  // namespace vireo::diff::simd
