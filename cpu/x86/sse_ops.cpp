// MMX/SSE2 integer lane operations (SDM Vol. 2B/2C instruction pages of each mnemonic; Vol. 1
// 9.2 / 11.4 for the data types, saturation and shift-count rules).

#include "cpu/x86/sse_ops.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <type_traits>

#include "cpu/x86/sse4_ops.h"

namespace vireo::x86 {

namespace {

/// One operand: 8 bytes (MMX) or 16 bytes (XMM), little-endian lanes.
struct Vec {
  uint8_t b[16];
};

template <typename T>
T Get(const Vec& v, unsigned i) {
  T x;
  std::memcpy(&x, v.b + i * sizeof(T), sizeof(T));
  return x;
}

template <typename T>
void Put(Vec& v, unsigned i, T x) {
  std::memcpy(v.b + i * sizeof(T), &x, sizeof(T));
}

uint8_t* OperandBytes(CpuState& s, unsigned code) {
  if (code < 16) return reinterpret_cast<uint8_t*>(&s.fpu.xmm[code]);
  if (code < kVecScratch)
    return reinterpret_cast<uint8_t*>(&s.fpu.st[(code - kVecMmx) & 7].significand);
  return s.fpu.scratch;
}

/// Saturates `v` to T's range (signed or unsigned saturation, SDM Vol. 1 4.6.2).
template <typename T>
T Sat(int64_t v) {
  return static_cast<T>(
      std::clamp<int64_t>(v, std::numeric_limits<T>::min(), std::numeric_limits<T>::max()));
}

/// r[i] = f(d[i], s[i]) over every lane of type T.
template <typename T, typename F>
void Lanes(Vec& r, const Vec& d, const Vec& s, unsigned width, F f) {
  for (unsigned i = 0; i < width / sizeof(T); ++i)
    Put<T>(r, i, static_cast<T>(f(Get<T>(d, i), Get<T>(s, i))));
}

template <typename T>
void Add(Vec& r, const Vec& d, const Vec& s, unsigned w) {
  Lanes<T>(r, d, s, w, [](T a, T b) { return static_cast<T>(a + b); });
}
template <typename T>
void Sub(Vec& r, const Vec& d, const Vec& s, unsigned w) {
  Lanes<T>(r, d, s, w, [](T a, T b) { return static_cast<T>(a - b); });
}
template <typename T>
void AddSat(Vec& r, const Vec& d, const Vec& s, unsigned w) {
  Lanes<T>(r, d, s, w, [](T a, T b) { return Sat<T>(int64_t{a} + int64_t{b}); });
}
template <typename T>
void SubSat(Vec& r, const Vec& d, const Vec& s, unsigned w) {
  Lanes<T>(r, d, s, w, [](T a, T b) { return Sat<T>(int64_t{a} - int64_t{b}); });
}
/// PCMPEQx (T unsigned) / PCMPGTx (T signed): all-ones lanes where the relation holds.
template <typename T, bool kGreater>
void Compare(Vec& r, const Vec& d, const Vec& s, unsigned w) {
  Lanes<T>(r, d, s, w, [](T a, T b) { return (kGreater ? a > b : a == b) ? T(-1) : T(0); });
}

/// Shift of every T lane by `count`: counts above the lane width give 0 (logical) or the sign
/// (arithmetic) (SDM PSLLW/PSRLW/PSRAW pages).
template <typename T>
void Shift(Vec& r, const Vec& d, uint64_t count, unsigned w, int kind) {
  constexpr unsigned kBits = sizeof(T) * 8;
  using S = std::make_signed_t<T>;
  for (unsigned i = 0; i < w / sizeof(T); ++i) {
    T a = Get<T>(d, i);
    T v;
    if (kind == 2) {
      v = static_cast<T>(static_cast<S>(a) >> std::min<uint64_t>(count, kBits - 1));
    } else if (count >= kBits) {
      v = 0;
    } else {
      v = kind == 0 ? static_cast<T>(a << count) : static_cast<T>(a >> count);
    }
    Put<T>(r, i, v);
  }
}

/// PUNPCKLxx/PUNPCKHxx: interleaves the low (or high) halves of dst and src.
template <typename T>
void Unpack(Vec& r, const Vec& d, const Vec& s, unsigned w, bool high) {
  unsigned n = w / sizeof(T);
  unsigned base = high ? n / 2 : 0;
  for (unsigned i = 0; i < n / 2; ++i) {
    Put<T>(r, 2 * i, Get<T>(d, base + i));
    Put<T>(r, 2 * i + 1, Get<T>(s, base + i));
  }
}

/// PACKSSWB/PACKSSDW/PACKUSWB: dst's lanes narrowed with saturation, then src's.
template <typename From, typename To>
void Pack(Vec& r, const Vec& d, const Vec& s, unsigned w) {
  unsigned n = w / sizeof(From);
  for (unsigned i = 0; i < n; ++i) {
    Put<To>(r, i, Sat<To>(Get<From>(d, i)));
    Put<To>(r, n + i, Sat<To>(Get<From>(s, i)));
  }
}

template <typename T>
uint64_t SignMask(const Vec& s, unsigned w) {
  uint64_t m = 0;
  for (unsigned i = 0; i < w / sizeof(T); ++i)
    m |= static_cast<uint64_t>((Get<T>(s, i) >> (sizeof(T) * 8 - 1)) & 1) << i;
  return m;
}

}  // namespace

uint64_t RunVecOp(CpuState& st, uint64_t packed, uint64_t b) {
  const auto op = static_cast<VecOp>(packed & 0xFF);
  if (op == VecOp::kSse4) return RunSse4Op(st, packed, b);
  const unsigned dst = (packed >> 8) & 0xFF;
  const unsigned src = (packed >> 16) & 0xFF;
  const uint8_t imm = static_cast<uint8_t>(packed >> 24);
  const unsigned w = (packed >> 32) & 1 ? 16 : 8;
  Vec d{}, s{}, r{};
  std::memcpy(d.b, OperandBytes(st, dst), w);
  if (src != kVecImm) std::memcpy(s.b, OperandBytes(st, src), w);
  const uint64_t count = src == kVecImm ? imm : Get<uint64_t>(s, 0);
  switch (op) {
    case VecOp::kPaddB:
      Add<uint8_t>(r, d, s, w);
      break;
    case VecOp::kPaddW:
      Add<uint16_t>(r, d, s, w);
      break;
    case VecOp::kPaddD:
      Add<uint32_t>(r, d, s, w);
      break;
    case VecOp::kPaddQ:
      Add<uint64_t>(r, d, s, w);
      break;
    case VecOp::kPsubB:
      Sub<uint8_t>(r, d, s, w);
      break;
    case VecOp::kPsubW:
      Sub<uint16_t>(r, d, s, w);
      break;
    case VecOp::kPsubD:
      Sub<uint32_t>(r, d, s, w);
      break;
    case VecOp::kPsubQ:
      Sub<uint64_t>(r, d, s, w);
      break;
    case VecOp::kPaddSB:
      AddSat<int8_t>(r, d, s, w);
      break;
    case VecOp::kPaddSW:
      AddSat<int16_t>(r, d, s, w);
      break;
    case VecOp::kPaddUSB:
      AddSat<uint8_t>(r, d, s, w);
      break;
    case VecOp::kPaddUSW:
      AddSat<uint16_t>(r, d, s, w);
      break;
    case VecOp::kPsubSB:
      SubSat<int8_t>(r, d, s, w);
      break;
    case VecOp::kPsubSW:
      SubSat<int16_t>(r, d, s, w);
      break;
    case VecOp::kPsubUSB:
      SubSat<uint8_t>(r, d, s, w);
      break;
    case VecOp::kPsubUSW:
      SubSat<uint16_t>(r, d, s, w);
      break;
    case VecOp::kPcmpeqB:
      Compare<uint8_t, false>(r, d, s, w);
      break;
    case VecOp::kPcmpeqW:
      Compare<uint16_t, false>(r, d, s, w);
      break;
    case VecOp::kPcmpeqD:
      Compare<uint32_t, false>(r, d, s, w);
      break;
    case VecOp::kPcmpgtB:
      Compare<int8_t, true>(r, d, s, w);
      break;
    case VecOp::kPcmpgtW:
      Compare<int16_t, true>(r, d, s, w);
      break;
    case VecOp::kPcmpgtD:
      Compare<int32_t, true>(r, d, s, w);
      break;
    case VecOp::kPminUB:
      Lanes<uint8_t>(r, d, s, w, [](uint8_t a, uint8_t c) { return std::min(a, c); });
      break;
    case VecOp::kPmaxUB:
      Lanes<uint8_t>(r, d, s, w, [](uint8_t a, uint8_t c) { return std::max(a, c); });
      break;
    case VecOp::kPminSW:
      Lanes<int16_t>(r, d, s, w, [](int16_t a, int16_t c) { return std::min(a, c); });
      break;
    case VecOp::kPmaxSW:
      Lanes<int16_t>(r, d, s, w, [](int16_t a, int16_t c) { return std::max(a, c); });
      break;
    case VecOp::kPavgB:
      Lanes<uint8_t>(r, d, s, w, [](uint8_t a, uint8_t c) { return (unsigned{a} + c + 1) >> 1; });
      break;
    case VecOp::kPavgW:
      Lanes<uint16_t>(r, d, s, w,
                      [](uint16_t a, uint16_t c) { return (unsigned{a} + c + 1) >> 1; });
      break;
    case VecOp::kPmullW:
      Lanes<uint16_t>(r, d, s, w, [](uint16_t a, uint16_t c) { return uint32_t{a} * c; });
      break;
    case VecOp::kPmulhW:
      Lanes<int16_t>(r, d, s, w, [](int16_t a, int16_t c) { return (int32_t{a} * c) >> 16; });
      break;
    case VecOp::kPmulhUW:
      Lanes<uint16_t>(r, d, s, w, [](uint16_t a, uint16_t c) { return (uint32_t{a} * c) >> 16; });
      break;
    case VecOp::kPmulUDQ:  // low dword of each qword, 64-bit product (SDM PMULUDQ)
      Lanes<uint64_t>(r, d, s, w,
                      [](uint64_t a, uint64_t c) { return (a & 0xFFFFFFFF) * (c & 0xFFFFFFFF); });
      break;
    case VecOp::kPmaddWD:
      for (unsigned i = 0; i < w / 4; ++i) {
        int64_t v = int64_t{Get<int16_t>(d, 2 * i)} * Get<int16_t>(s, 2 * i) +
                    int64_t{Get<int16_t>(d, 2 * i + 1)} * Get<int16_t>(s, 2 * i + 1);
        Put<uint32_t>(r, i, static_cast<uint32_t>(v));  // only 2 * (-32768)^2 wraps: 0x80000000
      }
      break;
    case VecOp::kPsadBW:  // per qword: sum of |d - s| bytes in the low word, the rest zero
      for (unsigned q = 0; q < w / 8; ++q) {
        unsigned sum = 0;
        for (unsigned i = 0; i < 8; ++i) {
          int diff = int{d.b[8 * q + i]} - int{s.b[8 * q + i]};
          sum += static_cast<unsigned>(diff < 0 ? -diff : diff);
        }
        Put<uint64_t>(r, q, sum);
      }
      break;
    case VecOp::kPsllW:
      Shift<uint16_t>(r, d, count, w, 0);
      break;
    case VecOp::kPsllD:
      Shift<uint32_t>(r, d, count, w, 0);
      break;
    case VecOp::kPsllQ:
      Shift<uint64_t>(r, d, count, w, 0);
      break;
    case VecOp::kPsrlW:
      Shift<uint16_t>(r, d, count, w, 1);
      break;
    case VecOp::kPsrlD:
      Shift<uint32_t>(r, d, count, w, 1);
      break;
    case VecOp::kPsrlQ:
      Shift<uint64_t>(r, d, count, w, 1);
      break;
    case VecOp::kPsraW:
      Shift<uint16_t>(r, d, count, w, 2);
      break;
    case VecOp::kPsraD:
      Shift<uint32_t>(r, d, count, w, 2);
      break;
    case VecOp::kPslldq:  // counts above 15 clear the register (SDM PSLLDQ)
      for (unsigned i = 0; i < 16; ++i) r.b[i] = i >= imm ? d.b[i - imm] : 0;
      break;
    case VecOp::kPsrldq:
      for (unsigned i = 0; i < 16; ++i) r.b[i] = unsigned{imm} + i < 16 ? d.b[i + imm] : 0;
      break;
    case VecOp::kPunpcklBW:
      Unpack<uint8_t>(r, d, s, w, false);
      break;
    case VecOp::kPunpcklWD:
      Unpack<uint16_t>(r, d, s, w, false);
      break;
    case VecOp::kPunpcklDQ:
      Unpack<uint32_t>(r, d, s, w, false);
      break;
    case VecOp::kPunpcklQDQ:
      Unpack<uint64_t>(r, d, s, w, false);
      break;
    case VecOp::kPunpckhBW:
      Unpack<uint8_t>(r, d, s, w, true);
      break;
    case VecOp::kPunpckhWD:
      Unpack<uint16_t>(r, d, s, w, true);
      break;
    case VecOp::kPunpckhDQ:
      Unpack<uint32_t>(r, d, s, w, true);
      break;
    case VecOp::kPunpckhQDQ:
      Unpack<uint64_t>(r, d, s, w, true);
      break;
    case VecOp::kPacksSWB:
      Pack<int16_t, int8_t>(r, d, s, w);
      break;
    case VecOp::kPacksSDW:
      Pack<int32_t, int16_t>(r, d, s, w);
      break;
    case VecOp::kPackUSWB:
      Pack<int16_t, uint8_t>(r, d, s, w);
      break;
    case VecOp::kPshufD:
      for (unsigned i = 0; i < 4; ++i) Put<uint32_t>(r, i, Get<uint32_t>(s, (imm >> (2 * i)) & 3));
      break;
    case VecOp::kPshufLW:
      for (unsigned i = 0; i < 4; ++i) Put<uint16_t>(r, i, Get<uint16_t>(s, (imm >> (2 * i)) & 3));
      Put<uint64_t>(r, 1, Get<uint64_t>(s, 1));
      break;
    case VecOp::kPshufHW:
      Put<uint64_t>(r, 0, Get<uint64_t>(s, 0));
      for (unsigned i = 0; i < 4; ++i)
        Put<uint16_t>(r, 4 + i, Get<uint16_t>(s, 4 + ((imm >> (2 * i)) & 3)));
      break;
    case VecOp::kPshufW:
      for (unsigned i = 0; i < 4; ++i) Put<uint16_t>(r, i, Get<uint16_t>(s, (imm >> (2 * i)) & 3));
      break;
    case VecOp::kShufPS:
      Put<uint32_t>(r, 0, Get<uint32_t>(d, imm & 3));
      Put<uint32_t>(r, 1, Get<uint32_t>(d, (imm >> 2) & 3));
      Put<uint32_t>(r, 2, Get<uint32_t>(s, (imm >> 4) & 3));
      Put<uint32_t>(r, 3, Get<uint32_t>(s, (imm >> 6) & 3));
      break;
    case VecOp::kShufPD:
      Put<uint64_t>(r, 0, Get<uint64_t>(d, imm & 1));
      Put<uint64_t>(r, 1, Get<uint64_t>(s, (imm >> 1) & 1));
      break;
    case VecOp::kPextrW:
      return Get<uint16_t>(s, imm & (w / 2 - 1));
    case VecOp::kPinsrW:
      r = d;
      Put<uint16_t>(r, imm & (w / 2 - 1), static_cast<uint16_t>(b));
      break;
    case VecOp::kPmovmskB:
      return SignMask<uint8_t>(s, w);
    case VecOp::kMovmskPS:
      return SignMask<uint32_t>(s, w);
    case VecOp::kMovmskPD:
      return SignMask<uint64_t>(s, w);
    case VecOp::kFloat:  // dispatched by VectorHelper
    case VecOp::kSse4:   // dispatched above
    case VecOp::kCount:
      return 0;
  }
  std::memcpy(OperandBytes(st, dst), r.b, w);
  // An MMX write sets bits 79:64 of the x87 register to all ones (SDM Vol. 1 9.5.1).
  if (dst >= kVecMmx && dst < kVecScratch) st.fpu.st[(dst - kVecMmx) & 7].sign_exponent = 0xFFFF;
  return 0;
}

}  // namespace vireo::x86
