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

}  // namespace vireo::diff::simd
