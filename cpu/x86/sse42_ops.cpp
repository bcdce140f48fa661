// SSE4.2 string compares (PCMPESTRI/PCMPESTRM/PCMPISTRI/PCMPISTRM: SDM Vol. 2B 4.1, "Imm8
// Control Byte Operation for PCMPESTRI / PCMPESTRM / PCMPISTRI / PCMPISTRM") and CRC32.

#include <cstdint>
#include <cstring>

#include "cpu/x86/flags.h"
#include "cpu/x86/sse4_lanes.h"
#include "cpu/x86/sse4_ops.h"

namespace vireo::x86 {

namespace {

using lanes::Get;
using lanes::Vec;

/// Element `i` of `v` in the format of imm8[1:0] (4.1.2): unsigned/signed bytes/words.
int Element(const Vec& v, unsigned i, uint8_t imm) {
  switch (imm & 3) {
    case 0:
      return Get<uint8_t>(v, i);
    case 1:
      return Get<uint16_t>(v, i);
    case 2:
      return Get<int8_t>(v, i);
    default:
      return Get<int16_t>(v, i);
  }
}

/// The implicit length (4.1.6): elements before the first null one.
unsigned ImplicitLength(const Vec& v, unsigned n, uint8_t imm) {
  for (unsigned i = 0; i < n; ++i)
    if (Element(v, i, imm) == 0) return i;
  return n;
}

/// The explicit length (4.1.6): |rAX| or |rDX|, saturated to the element count.
unsigned ExplicitLength(uint64_t x, unsigned n) {
  const uint64_t mag = static_cast<int64_t>(x) < 0 ? 0 - x : x;
  return mag > n ? n : static_cast<unsigned>(mag);
}

}  // namespace

uint64_t RunPcmpStr(CpuState& st, const Vec& a, const Vec& b, uint8_t imm, uint8_t variant,
                    uint64_t rax) {
  const unsigned n = imm & 1 ? 8 : 16;
  unsigned la, lb;
  if (variant & kStrExplicit) {
    uint64_t rdx;
    std::memcpy(&rdx, st.fpu.scratch + 16, 8);
    la = ExplicitLength(rax, n);
    lb = ExplicitLength(rdx, n);
  } else {
    la = ImplicitLength(a, n, imm);
    lb = ImplicitLength(b, n, imm);
  }
  // Aggregation (4.1.5) with the invalid-element overrides of Table 4-7: i indexes xmm1
  // (`a`: the set, ranges or needle), j indexes xmm2/m128 (`b`: the text).
  auto eq = [&](unsigned j, unsigned i) { return Element(b, j, imm) == Element(a, i, imm); };
  uint32_t res1 = 0;
  switch ((imm >> 2) & 3) {
    case 0:  // equal any
      for (unsigned j = 0; j < lb; ++j)
        for (unsigned i = 0; i < la; ++i)
          if (eq(j, i)) res1 |= 1u << j;
      break;
    case 1:  // ranges: a holds (low, high) pairs
      for (unsigned j = 0; j < lb; ++j)
        for (unsigned i = 0; i + 1 < la; i += 2) {
          const int x = Element(b, j, imm);
          if (Element(a, i, imm) <= x && x <= Element(a, i + 1, imm)) res1 |= 1u << j;
        }
      break;
    case 2:  // equal each: both invalid compare true, one invalid false
      for (unsigned j = 0; j < n; ++j) {
        const bool va = j < la, vb = j < lb;
        if ((!va && !vb) || (va && vb && eq(j, j))) res1 |= 1u << j;
      }
      break;
    default:  // equal ordered: a is a substring of b starting at j
      for (unsigned j = 0; j < n; ++j) {
        bool match = true;
        for (unsigned i = 0; i + j < n && match; ++i) {
          if (i >= la) break;  // the needle ended: true
          if (i + j >= lb || !eq(i + j, i)) match = false;
        }
        if (match) res1 |= 1u << j;
      }
      break;
  }
  // Polarity (4.1.6): negate all, or only the valid elements of b.
  const uint32_t all = (1u << n) - 1;
  uint32_t res2 = res1;
  switch ((imm >> 4) & 3) {
    case 1:
      res2 = ~res1 & all;
      break;
    case 3:
      res2 = res1 ^ ((1u << lb) - 1);
      break;
    default:
      break;
  }
  // Output selection (4.1.7) and flags: CF result nonzero, ZF/SF a null (or short) xmm2/xmm1,
  // OF result bit 0, AF and PF cleared (SDM PCMPESTRI "Flags Affected").
  uint64_t index = 0;
  if (variant & kStrMask) {
    Vec m{};
    if (imm & 0x40) {
      const unsigned bytes = 16 / n;
      for (unsigned i = 0; i < n; ++i)
        if ((res2 >> i) & 1) std::memset(m.b + i * bytes, 0xFF, bytes);
    } else {
      std::memcpy(m.b, &res2, 2);
    }
    std::memcpy(&st.fpu.xmm[0], m.b, 16);
  } else if (res2 == 0) {
    index = n;
  } else {
    index = imm & 0x40 ? 31 - static_cast<unsigned>(__builtin_clz(res2))
                       : static_cast<unsigned>(__builtin_ctz(res2));
  }
  const uint64_t flags =
      (res2 ? kCf : 0) | (lb < n ? kZf : 0) | (la < n ? kSf : 0) | (res2 & 1 ? kOf : 0);
  return index | flags << 32;
}

uint32_t Crc32c(uint32_t crc, const uint8_t* data, unsigned n) {
  // The SDM's definition (reflect, append 32 zero bits, divide by 11EDC6F41h, reflect) is the
  // bit-reflected CRC with polynomial 82F63B78h and no initial or final inversion.
  for (unsigned i = 0; i < n; ++i) {
    crc ^= data[i];
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1)));
  }
  return crc;
}

}  // namespace vireo::x86
