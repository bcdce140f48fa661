// SSE3/SSSE3/SSE4.1 integer and shuffle operations (SDM Vol. 2 instruction pages of each
// mnemonic; Vol. 1 12.3-12.10). PCMPxSTRx and CRC32 (SSE4.2) are in sse42_ops.cpp.

#include "cpu/x86/sse4_ops.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <type_traits>

#include "cpu/x86/flags.h"
#include "cpu/x86/sse4_lanes.h"

namespace vireo::x86 {

namespace {

using lanes::Get;
using lanes::Put;
using lanes::Vec;

template <typename T>
T Sat(int64_t v) {
  return static_cast<T>(
      std::clamp<int64_t>(v, std::numeric_limits<T>::min(), std::numeric_limits<T>::max()));
}

/// r[i] = f(d[i], s[i]) over every lane of type T.
template <typename T, typename F>
void Lanes(Vec& r, const Vec& d, const Vec& s, unsigned w, F f) {
  for (unsigned i = 0; i < w / sizeof(T); ++i)
    Put<T>(r, i, static_cast<T>(f(Get<T>(d, i), Get<T>(s, i))));
}

template <typename T>
void Min(Vec& r, const Vec& d, const Vec& s, unsigned w) {
  Lanes<T>(r, d, s, w, [](T a, T b) { return std::min(a, b); });
}
template <typename T>
void Max(Vec& r, const Vec& d, const Vec& s, unsigned w) {
  Lanes<T>(r, d, s, w, [](T a, T b) { return std::max(a, b); });
}

/// PHADDx/PHSUBx: the pairs of dst give the low half of the result, those of src the high half
/// (SDM PHADDW/PHADDD/PHADDSW/PHSUBW/PHSUBD/PHSUBSW). kSat: signed saturation.
template <typename T, bool kSub, bool kSat>
void Horizontal(Vec& r, const Vec& d, const Vec& s, unsigned w) {
  const unsigned half = w / sizeof(T) / 2;
  for (unsigned i = 0; i < 2 * half; ++i) {
    const Vec& v = i < half ? d : s;
    const unsigned k = 2 * (i % half);
    const int64_t a = Get<T>(v, k), b = Get<T>(v, k + 1);
    const int64_t x = kSub ? a - b : a + b;
    Put<T>(r, i, kSat ? Sat<T>(x) : static_cast<T>(x));
  }
}

/// PSIGNx: dst negated, zeroed or kept by the sign of src (SDM PSIGNB).
template <typename T>
void Sign(Vec& r, const Vec& d, const Vec& s, unsigned w) {
  Lanes<T>(r, d, s, w, [](T a, T b) { return b < 0 ? T(0 - a) : b == 0 ? T(0) : a; });
}

/// PABSx: |src| as an unsigned lane (the minimum value stays 2^(n-1); SDM PABSB).
template <typename T>
void Abs(Vec& r, const Vec& s, unsigned w) {
  using U = std::make_unsigned_t<T>;
  for (unsigned i = 0; i < w / sizeof(T); ++i) {
    const T x = Get<T>(s, i);
    Put<U>(r, i, x < 0 ? static_cast<U>(0 - static_cast<U>(x)) : static_cast<U>(x));
  }
}

/// BLENDPS/BLENDPD/PBLENDW: lane i from src where imm8 bit i is set (SDM BLENDPS).
template <typename T>
void BlendImm(Vec& r, const Vec& d, const Vec& s, uint8_t imm) {
  for (unsigned i = 0; i < 16 / sizeof(T); ++i)
    Put<T>(r, i, (imm >> i) & 1 ? Get<T>(s, i) : Get<T>(d, i));
}

/// PBLENDVB/BLENDVPS/BLENDVPD: lane from src where the top bit of XMM0's lane is set.
template <typename T>
void BlendVar(Vec& r, const Vec& d, const Vec& s, const Vec& mask) {
  for (unsigned i = 0; i < 16 / sizeof(T); ++i)
    Put<T>(r, i, Get<T>(mask, i) >> (sizeof(T) * 8 - 1) ? Get<T>(s, i) : Get<T>(d, i));
}

/// PMOVSX/PMOVZX: the low lanes of src widened from F to T (SDM PMOVSX/PMOVZX).
template <typename F, typename T>
void Widen(Vec& r, const Vec& s) {
  for (unsigned i = 0; i < 16 / sizeof(T); ++i) Put<T>(r, i, static_cast<T>(Get<F>(s, i)));
}

void Pmovx(Vec& r, const Vec& s, uint8_t imm) {
  const bool sign = imm & 16;
  switch (imm & 15) {
    case 0 | 1 << 2:
      return sign ? Widen<int8_t, int16_t>(r, s) : Widen<uint8_t, uint16_t>(r, s);
    case 0 | 2 << 2:
      return sign ? Widen<int8_t, int32_t>(r, s) : Widen<uint8_t, uint32_t>(r, s);
    case 0 | 3 << 2:
      return sign ? Widen<int8_t, int64_t>(r, s) : Widen<uint8_t, uint64_t>(r, s);
    case 1 | 2 << 2:
      return sign ? Widen<int16_t, int32_t>(r, s) : Widen<uint16_t, uint32_t>(r, s);
    case 1 | 3 << 2:
      return sign ? Widen<int16_t, int64_t>(r, s) : Widen<uint16_t, uint64_t>(r, s);
    default:
      return sign ? Widen<int32_t, int64_t>(r, s) : Widen<uint32_t, uint64_t>(r, s);
  }
}

/// PALIGNR: the dst:src concatenation (dst high) shifted right by imm8 bytes; bytes beyond
/// the concatenation are zero (SDM PALIGNR).
void Palignr(Vec& r, const Vec& d, const Vec& s, unsigned w, uint8_t imm) {
  uint8_t cat[32] = {};
  std::memcpy(cat, s.b, w);
  std::memcpy(cat + w, d.b, w);
  for (unsigned i = 0; i < w; ++i) r.b[i] = unsigned{imm} + i < 2 * w ? cat[imm + i] : 0;
}

/// MPSADBW: eight sums of absolute differences of 4-byte groups: dst bytes from offset
/// imm8[2] * 4 + i, src bytes imm8[1:0] * 4 (SDM MPSADBW).
void Mpsadbw(Vec& r, const Vec& d, const Vec& s, uint8_t imm) {
  const unsigned doff = (imm >> 2 & 1) * 4, soff = (imm & 3) * 4;
  for (unsigned i = 0; i < 8; ++i) {
    unsigned sum = 0;
    for (unsigned j = 0; j < 4; ++j) {
      int diff = int{d.b[doff + i + j]} - int{s.b[soff + j]};
      sum += static_cast<unsigned>(diff < 0 ? -diff : diff);
    }
    Put<uint16_t>(r, i, static_cast<uint16_t>(sum));
  }
}

/// INSERTPS: dword imm8[7:6] of src (a memory source is its one dword) to lane imm8[5:4],
/// then lanes set in imm8[3:0] cleared (SDM INSERTPS).
void InsertPs(Vec& r, const Vec& d, const Vec& s, bool mem, uint8_t imm) {
  r = d;
  Put<uint32_t>(r, (imm >> 4) & 3, Get<uint32_t>(s, mem ? 0 : imm >> 6));
  for (unsigned i = 0; i < 4; ++i)
    if ((imm >> i) & 1) Put<uint32_t>(r, i, 0);
}

/// PHMINPOSUW: the minimum unsigned word of src and its (lowest) index (SDM PHMINPOSUW).
void Phminposuw(Vec& r, const Vec& s) {
  unsigned best = 0;
  for (unsigned i = 1; i < 8; ++i)
    if (Get<uint16_t>(s, i) < Get<uint16_t>(s, best)) best = i;
  Put<uint16_t>(r, 0, Get<uint16_t>(s, best));
  Put<uint16_t>(r, 1, static_cast<uint16_t>(best));
}

}  // namespace

uint64_t RunSse4Op(CpuState& st, uint64_t packed, uint64_t b) {
  const auto op = static_cast<Sse4Op>((packed >> 40) & 0xFF);
  const unsigned dst = (packed >> 8) & 0xFF;
  const unsigned src = (packed >> 16) & 0xFF;
  const auto imm = static_cast<uint8_t>(packed >> 24);
  const auto aux = static_cast<uint8_t>(packed >> 48);
  const unsigned w = (packed >> 32) & 1 ? 16 : 8;
  Vec d{}, s{}, r{};
  std::memcpy(d.b, lanes::Bytes(st, dst), w);
  std::memcpy(s.b, lanes::Bytes(st, src), w);
  Vec xmm0{};
  std::memcpy(xmm0.b, &st.fpu.xmm[0], 16);
  switch (op) {
    case Sse4Op::kMovsldup:
      for (unsigned i = 0; i < 4; ++i) Put<uint32_t>(r, i, Get<uint32_t>(s, i & ~1u));
      break;
    case Sse4Op::kMovshdup:
      for (unsigned i = 0; i < 4; ++i) Put<uint32_t>(r, i, Get<uint32_t>(s, i | 1u));
      break;
    case Sse4Op::kMovddup:
      Put<uint64_t>(r, 0, Get<uint64_t>(s, 0));
      Put<uint64_t>(r, 1, Get<uint64_t>(s, 0));
      break;
    case Sse4Op::kPshufb:  // index bits 3:0 (XMM) or 2:0 (MMX); a set top bit gives zero
      for (unsigned i = 0; i < w; ++i) r.b[i] = s.b[i] & 0x80 ? 0 : d.b[s.b[i] & (w - 1)];
      break;
    case Sse4Op::kPhaddW:
      Horizontal<int16_t, false, false>(r, d, s, w);
      break;
    case Sse4Op::kPhaddD:
      Horizontal<int32_t, false, false>(r, d, s, w);
      break;
    case Sse4Op::kPhaddSW:
      Horizontal<int16_t, false, true>(r, d, s, w);
      break;
    case Sse4Op::kPhsubW:
      Horizontal<int16_t, true, false>(r, d, s, w);
      break;
    case Sse4Op::kPhsubD:
      Horizontal<int32_t, true, false>(r, d, s, w);
      break;
    case Sse4Op::kPhsubSW:
      Horizontal<int16_t, true, true>(r, d, s, w);
      break;
    case Sse4Op::kPmaddUbsW:  // unsigned dst bytes times signed src bytes, pairs saturated
      for (unsigned i = 0; i < w / 2; ++i) {
        const int64_t v = int64_t{d.b[2 * i]} * Get<int8_t>(s, 2 * i) +
                          int64_t{d.b[2 * i + 1]} * Get<int8_t>(s, 2 * i + 1);
        Put<int16_t>(r, i, Sat<int16_t>(v));
      }
      break;
    case Sse4Op::kPmulhrsW:  // bits 30:15 of the product, rounded (SDM PMULHRSW)
      Lanes<int16_t>(r, d, s, w,
                     [](int16_t a, int16_t c) { return (((int32_t{a} * c) >> 14) + 1) >> 1; });
      break;
    case Sse4Op::kPsignB:
      Sign<int8_t>(r, d, s, w);
      break;
    case Sse4Op::kPsignW:
      Sign<int16_t>(r, d, s, w);
      break;
    case Sse4Op::kPsignD:
      Sign<int32_t>(r, d, s, w);
      break;
    case Sse4Op::kPabsB:
      Abs<int8_t>(r, s, w);
      break;
    case Sse4Op::kPabsW:
      Abs<int16_t>(r, s, w);
      break;
    case Sse4Op::kPabsD:
      Abs<int32_t>(r, s, w);
      break;
    case Sse4Op::kPalignr:
      Palignr(r, d, s, w, imm);
      break;
    case Sse4Op::kPblendvB:
      BlendVar<uint8_t>(r, d, s, xmm0);
      break;
    case Sse4Op::kBlendvPS:
      BlendVar<uint32_t>(r, d, s, xmm0);
      break;
    case Sse4Op::kBlendvPD:
      BlendVar<uint64_t>(r, d, s, xmm0);
      break;
    case Sse4Op::kBlendPS:
      BlendImm<uint32_t>(r, d, s, imm);
      break;
    case Sse4Op::kBlendPD:
      BlendImm<uint64_t>(r, d, s, imm);
      break;
    case Sse4Op::kPblendW:
      BlendImm<uint16_t>(r, d, s, imm);
      break;
    case Sse4Op::kPtest: {  // ZF: (dst AND src) = 0; CF: (NOT dst AND src) = 0 (SDM PTEST)
      const uint64_t a =
          (Get<uint64_t>(d, 0) & Get<uint64_t>(s, 0)) | (Get<uint64_t>(d, 1) & Get<uint64_t>(s, 1));
      const uint64_t c = (~Get<uint64_t>(d, 0) & Get<uint64_t>(s, 0)) |
                         (~Get<uint64_t>(d, 1) & Get<uint64_t>(s, 1));
      return (a ? 0 : kZf) | (c ? 0 : kCf);
    }
    case Sse4Op::kPmovx:
      Pmovx(r, s, imm);
      break;
    case Sse4Op::kPmulDQ:  // signed low dword of each qword, 64-bit product (SDM PMULDQ)
      for (unsigned i = 0; i < 2; ++i)
        Put<int64_t>(r, i, int64_t{Get<int32_t>(d, 2 * i)} * Get<int32_t>(s, 2 * i));
      break;
    case Sse4Op::kPmullD:
      Lanes<uint32_t>(r, d, s, w, [](uint32_t a, uint32_t c) { return a * c; });
      break;
    case Sse4Op::kPcmpeqQ:
      Lanes<uint64_t>(r, d, s, w, [](uint64_t a, uint64_t c) { return a == c ? ~0ull : 0; });
      break;
    case Sse4Op::kPcmpgtQ:
      Lanes<int64_t>(r, d, s, w, [](int64_t a, int64_t c) { return a > c ? -1 : 0; });
      break;
    case Sse4Op::kPackUSDW:
      for (unsigned i = 0; i < 4; ++i) {
        Put<uint16_t>(r, i, Sat<uint16_t>(Get<int32_t>(d, i)));
        Put<uint16_t>(r, 4 + i, Sat<uint16_t>(Get<int32_t>(s, i)));
      }
      break;
    case Sse4Op::kPminSB:
      Min<int8_t>(r, d, s, w);
      break;
    case Sse4Op::kPminSD:
      Min<int32_t>(r, d, s, w);
      break;
    case Sse4Op::kPminUW:
      Min<uint16_t>(r, d, s, w);
      break;
    case Sse4Op::kPminUD:
      Min<uint32_t>(r, d, s, w);
      break;
    case Sse4Op::kPmaxSB:
      Max<int8_t>(r, d, s, w);
      break;
    case Sse4Op::kPmaxSD:
      Max<int32_t>(r, d, s, w);
      break;
    case Sse4Op::kPmaxUW:
      Max<uint16_t>(r, d, s, w);
      break;
    case Sse4Op::kPmaxUD:
      Max<uint32_t>(r, d, s, w);
      break;
    case Sse4Op::kPhminposUW:
      Phminposuw(r, s);
      break;
    case Sse4Op::kInsertPS:
      InsertPs(r, d, s, src == kVecScratch, imm);
      break;
    case Sse4Op::kExtract: {  // lane index modulo the lane count (SDM PEXTRB: imm8 bits used)
      const unsigned bytes = 1u << (aux & 3);
      uint64_t v = 0;
      std::memcpy(&v, s.b + (imm & (16 / bytes - 1)) * bytes, bytes);
      return v;
    }
    case Sse4Op::kInsert: {
      const unsigned bytes = 1u << (aux & 3);
      r = d;
      std::memcpy(r.b + (imm & (16 / bytes - 1)) * bytes, &b, bytes);
      break;
    }
    case Sse4Op::kMpsadBW:
      Mpsadbw(r, d, s, imm);
      break;
    case Sse4Op::kPcmpStr:
      return RunPcmpStr(st, d, s, imm, aux, b);
    case Sse4Op::kCrc32:
      return Crc32c(static_cast<uint32_t>(b), s.b, 1u << (aux & 3));
    case Sse4Op::kCount:
      return 0;
  }
  std::memcpy(lanes::Bytes(st, dst), r.b, w);
  // An MMX write sets bits 79:64 of the x87 register to all ones (SDM Vol. 1 9.5.1).
  if (dst >= kVecMmx && dst < kVecScratch) st.fpu.st[(dst - kVecMmx) & 7].sign_exponent = 0xFFFF;
  return 0;
}

}  // namespace vireo::x86
