// SSE/SSE2 floating-point operations (see sse_float.h).

#include "cpu/x86/sse_float.h"

#include <cfenv>
#include <cmath>
#include <cstring>
#include <type_traits>
#if defined(__x86_64__)
#include <xmmintrin.h>
#endif

#include "cpu/x86/sse_ops.h"

namespace vireo::x86 {
namespace {

// MXCSR fields (SDM Vol. 1 10.2.3, Figure 10-3).
constexpr uint32_t kIe = 1, kDe = 2, kZe = 4, kOe = 8, kUe = 16, kPe = 32;
constexpr uint32_t kDaz = 1 << 6, kFz = 1 << 15;
constexpr unsigned kMaskShift = 7;

uint8_t* Bytes(CpuState& s, unsigned code) {
  if (code < 16) return reinterpret_cast<uint8_t*>(&s.fpu.xmm[code]);
  if (code < kVecScratch)
    return reinterpret_cast<uint8_t*>(&s.fpu.st[(code - kVecMmx) & 7].significand);
  return s.fpu.scratch;
}

/// IEEE format traits: F the host type, U its bit pattern.
template <typename F, typename U>
struct Fmt {
  using Float = F;
  using Bits = U;
  static constexpr unsigned kBits = sizeof(U) * 8;
  static constexpr unsigned kMant = sizeof(U) == 4 ? 23 : 52;
  static constexpr U kSign = U{1} << (kBits - 1);
  static constexpr U kExp = (kSign - 1) & ~((U{1} << kMant) - 1);
  static constexpr U kFrac = (U{1} << kMant) - 1;
  static constexpr U kQuiet = U{1} << (kMant - 1);
  /// The "QNaN floating-point indefinite" (SDM Vol. 1 Table 4-3).
  static constexpr U kIndefinite = kSign | kExp | kQuiet;
  static bool IsNan(U x) { return (x & kExp) == kExp && (x & kFrac); }
  static bool IsSnan(U x) { return IsNan(x) && !(x & kQuiet); }
  static bool IsDenormal(U x) { return !(x & kExp) && (x & kFrac); }
  static bool IsZero(U x) { return !(x & ~kSign); }
  static F ToF(U x) {
    F f;
    std::memcpy(&f, &x, sizeof f);
    return f;
  }
  static U ToU(F f) {
    U x;
    std::memcpy(&x, &f, sizeof x);
    return x;
  }
};
using F32 = Fmt<float, uint32_t>;
using F64 = Fmt<double, uint64_t>;

/// Runs host arithmetic under MXCSR.RC and returns the IEEE flags it raised as MXCSR bits.
/// The host environment is saved and restored around it. On an x86-64 host the arithmetic is
/// SSE, so only MXCSR is involved: reading and writing it directly costs a few cycles, where
/// <cfenv>'s calls also save and reload the whole x87 environment (they were a third of a
/// floating-point workload's time). Other hosts use <cfenv>.
#if defined(__x86_64__)
class HostFenv {
 public:
  explicit HostFenv(uint32_t mxcsr) : saved_(_mm_getcsr()) {
    // Every exception masked, flags clear, no DAZ/FTZ (done in software), the guest's RC.
    _mm_setcsr(0x1F80 | (mxcsr & 0x6000));
  }
  ~HostFenv() { _mm_setcsr(saved_); }
  HostFenv(const HostFenv&) = delete;
  HostFenv& operator=(const HostFenv&) = delete;
  /// Returns and clears the raised flags (the denormal-operand flag is reported by Source()).
  static uint32_t Take() {
    const uint32_t csr = _mm_getcsr();
    _mm_setcsr(csr & ~uint32_t{0x3F});
    return csr & (kIe | kZe | kOe | kUe | kPe);
  }

 private:
  uint32_t saved_;
};
#else
class HostFenv {
 public:
  explicit HostFenv(uint32_t mxcsr) {
    std::fegetenv(&saved_);
    static constexpr int kModes[] = {FE_TONEAREST, FE_DOWNWARD, FE_UPWARD, FE_TOWARDZERO};
    std::fesetround(kModes[(mxcsr >> 13) & 3]);
    std::feclearexcept(FE_ALL_EXCEPT);
  }
  ~HostFenv() { std::fesetenv(&saved_); }
  HostFenv(const HostFenv&) = delete;
  HostFenv& operator=(const HostFenv&) = delete;
  /// Returns and clears the raised flags.
  static uint32_t Take() {
    int e = std::fetestexcept(FE_ALL_EXCEPT);
    std::feclearexcept(FE_ALL_EXCEPT);
    uint32_t f = 0;
    if (e & FE_INVALID) f |= kIe;
    if (e & FE_DIVBYZERO) f |= kZe;
    if (e & FE_OVERFLOW) f |= kOe;
    if (e & FE_UNDERFLOW) f |= kUe;
    if (e & FE_INEXACT) f |= kPe;
    return f;
  }

 private:
  std::fenv_t saved_;
};
#endif

template <typename T>
typename T::Bits Quiet(typename T::Bits x) {
  return x | T::kQuiet;
}

/// Applies DAZ to a source (SDM Vol. 1 10.2.3.4) or reports it as a denormal operand.
template <typename T>
typename T::Bits Source(typename T::Bits x, uint32_t mxcsr, uint32_t* flags, bool report_de) {
  if (!T::IsDenormal(x)) return x;
  if (mxcsr & kDaz) return x & T::kSign;
  if (report_de) *flags |= kDe;
  return x;
}

/// Rounding result of host arithmetic `r` with host flags `f`: FTZ (SDM Vol. 1 10.2.3.3).
template <typename T>
typename T::Bits Finish(typename T::Bits res, uint32_t f, uint32_t mxcsr, uint32_t* flags) {
  const bool tiny = (f & kUe) || T::IsDenormal(res);
  if (!(mxcsr & (kUe << kMaskShift))) {
    // Unmasked underflow is signalled for any tiny result, exact or not (SDM Vol. 1
    // 4.9.1.5). TODO: with unmasked OE/UE hardware reports PE only when the result rounded
    // with an unbounded exponent is inexact; this reports the masked-response PE.
    if (tiny) f |= kUe;
  } else if ((mxcsr & kFz) && tiny) {
    res &= T::kSign;
    f |= kUe | kPe;
  }
  *flags |= f;
  return res;
}

/// One lane of a two-operand arithmetic operation (ADD/SUB/MUL/DIV/SQRT). `a` is the first
/// source (destination), `b` the second. Sets MXCSR flag bits in *flags.
template <typename T>
typename T::Bits Arith(FloatOp op, typename T::Bits a, typename T::Bits b, uint32_t mxcsr,
                       uint32_t* flags) {
  using U = typename T::Bits;
  using F = typename T::Float;
  const bool unary = op == FloatOp::kSqrt;
  // NaN operands (SDM Vol. 1 Table 4-7, SSE column): the first source if it is a NaN, else
  // the second, quieted; an SNaN signals invalid.
  if (unary ? T::IsNan(b) : (T::IsNan(a) || T::IsNan(b))) {
    if (T::IsSnan(b) || (!unary && T::IsSnan(a))) *flags |= kIe;
    return Quiet<T>(!unary && T::IsNan(a) ? a : b);
  }
  // DAZ turns denormal sources into zeros of the same sign without DE (SDM Vol. 1 10.2.3.4).
  if (mxcsr & kDaz) {
    if (T::IsDenormal(a)) a &= T::kSign;
    if (T::IsDenormal(b)) b &= T::kSign;
  }
  // The square root of a negative nonzero value (a denormal included) is invalid; the
  // invalid exception then hides the denormal one (SDM Vol. 1 4.9.2 priorities).
  if (unary && (b & T::kSign) && !T::IsZero(b)) {
    *flags |= kIe;
    return T::kIndefinite;
  }
  // Likewise a denormal dividend with a zero divisor reports only divide-by-zero.
  const bool div_by_zero = op == FloatOp::kDiv && T::IsZero(b);
  if (T::IsDenormal(b) || (!unary && !div_by_zero && T::IsDenormal(a))) *flags |= kDe;
  volatile F x = T::ToF(a), y = T::ToF(b);
  volatile F r;
  switch (op) {
    case FloatOp::kAdd:
      r = x + y;
      break;
    case FloatOp::kSub:
      r = x - y;
      break;
    case FloatOp::kMul:
      r = x * y;
      break;
    case FloatOp::kDiv:
      r = x / y;
      break;
    default:
      r = std::sqrt(static_cast<F>(y));
      break;
  }
  uint32_t f = HostFenv::Take();
  U res = T::ToU(r);
  if (f & kIe) {
    *flags |= kIe;
    return T::kIndefinite;  // invalid operation on non-NaN operands
  }
  return Finish<T>(res, f, mxcsr, flags);
}

/// MINPS/MAXPS lane: the second operand when either is a NaN or both are zero; any NaN
/// signals invalid (SDM MINPS/MAXPS).
template <typename T>
typename T::Bits MinMax(bool max, typename T::Bits a, typename T::Bits b, uint32_t mxcsr,
                        uint32_t* flags) {
  // DAZ applies first: a denormal second operand is returned as a zero even when the other
  // operand is a NaN (observed on hardware).
  if (mxcsr & kDaz) {
    if (T::IsDenormal(a)) a &= T::kSign;
    if (T::IsDenormal(b)) b &= T::kSign;
  }
  if (T::IsNan(a) || T::IsNan(b)) {
    *flags |= kIe;
    return b;
  }
  if (T::IsDenormal(a) || T::IsDenormal(b)) *flags |= kDe;
  const typename T::Float x = T::ToF(a), y = T::ToF(b);
  if (max) return x > y ? a : b;
  return x < y ? a : b;
}

/// Ordering of two operands: 0 =, 1 <, 2 >, 3 unordered. `signal_qnan`: a QNaN signals
/// invalid too. Sets IE/DE.
template <typename T>
unsigned Compare(typename T::Bits a, typename T::Bits b, bool signal_qnan, uint32_t mxcsr,
                 uint32_t* flags) {
  if (T::IsNan(a) || T::IsNan(b)) {
    if (signal_qnan || T::IsSnan(a) || T::IsSnan(b)) *flags |= kIe;
    return 3;
  }
  if (mxcsr & kDaz) {
    if (T::IsDenormal(a)) a &= T::kSign;
    if (T::IsDenormal(b)) b &= T::kSign;
  } else if (T::IsDenormal(a) || T::IsDenormal(b)) {
    *flags |= kDe;
  }
  const typename T::Float x = T::ToF(a), y = T::ToF(b);
  return x == y ? 0 : x < y ? 1 : 2;
}

/// CMPccPS predicate `p` (imm8 bits 2:0; SDM CMPPS Table 3-7): LT, LE, NLT and NLE signal on
/// QNaNs, the others only on SNaNs.
template <typename T>
typename T::Bits CmpLane(unsigned p, typename T::Bits a, typename T::Bits b, uint32_t mxcsr,
                         uint32_t* flags) {
  const bool signal = (p & 3) == 1 || (p & 3) == 2;
  const unsigned o = Compare<T>(a, b, signal, mxcsr, flags);
  bool t = false;
  switch (p & 3) {
    case 0:
      t = o == 0;
      break;
    case 1:
      t = o == 1;
      break;
    case 2:
      t = o <= 1;
      break;
    case 3:
      t = o == 3;
      break;
  }
  if (p & 4) t = !t;
  return t ? ~typename T::Bits{0} : 0;
}

/// Float to integer (CVTSS2SI, CVTTPS2DQ, ...): out of range or NaN gives the integer
/// indefinite (the minimum value) and IE (SDM Vol. 1 11.5.2.1, CVTSS2SI page).
template <typename T>
uint64_t ToInt(typename T::Bits x, bool wide, bool trunc, uint32_t mxcsr, uint32_t* flags) {
  using F = typename T::Float;
  const uint64_t indefinite = wide ? uint64_t{1} << 63 : 0x80000000u;
  if (T::IsNan(x)) {
    *flags |= kIe;
    return indefinite;
  }
  x = Source<T>(x, mxcsr, flags, false);
  const F v = T::ToF(x);
  volatile F vv = v;
  const F r = trunc ? std::trunc(static_cast<F>(vv)) : std::nearbyint(static_cast<F>(vv));
  const F limit = wide ? F(9223372036854775808.0) : F(2147483648.0);
  if (!(r < limit) || r < -limit) {
    *flags |= kIe;
    return indefinite;
  }
  if (r != v) *flags |= kPe;
  const int64_t i = static_cast<int64_t>(r);
  return wide ? static_cast<uint64_t>(i) : static_cast<uint32_t>(static_cast<int32_t>(i));
}

template <typename T>
typename T::Bits FromInt(int64_t i, uint32_t* flags) {
  volatile int64_t vi = i;
  volatile typename T::Float r = static_cast<typename T::Float>(vi);
  *flags |= HostFenv::Take();
  return T::ToU(r);
}

uint64_t SingleToDouble(uint32_t x, uint32_t mxcsr, uint32_t* flags) {
  if (F32::IsNan(x)) {
    if (F32::IsSnan(x)) *flags |= kIe;
    // The payload is kept in the top fraction bits (SDM Vol. 1 4.8.3.5).
    return (uint64_t{x >> 31} << 63) | F64::kExp | F64::kQuiet | (uint64_t{x & F32::kFrac} << 29);
  }
  x = Source<F32>(x, mxcsr, flags, true);
  return F64::ToU(static_cast<double>(F32::ToF(x)));
}

uint32_t DoubleToSingle(uint64_t x, uint32_t mxcsr, uint32_t* flags) {
  if (F64::IsNan(x)) {
    if (F64::IsSnan(x)) *flags |= kIe;
    return static_cast<uint32_t>(x >> 63 << 31) | F32::kExp | F32::kQuiet |
           static_cast<uint32_t>((x & F64::kFrac) >> 29);
  }
  x = Source<F64>(x, mxcsr, flags, true);
  volatile double d = F64::ToF(x);
  volatile float r = static_cast<float>(d);
  uint32_t f = HostFenv::Take();
  return Finish<F32>(F32::ToU(r), f, mxcsr, flags);
}

/// The conversions: computes the new 16 destination bytes into `out` (or an integer into
/// *value) and returns the flags.
uint32_t Convert(FloatOp op, const uint8_t* dbytes, const uint8_t* sbytes, uint8_t imm, bool dbl,
                 bool scalar, uint32_t mxcsr, uint8_t* out, uint64_t* value) {
  uint32_t flags = 0;
  uint32_t d32[4], s32[4];
  uint64_t d64[2], s64[2];
  std::memcpy(d32, dbytes, 16);
  std::memcpy(d64, dbytes, 16);
  std::memcpy(s32, sbytes, 16);
  std::memcpy(s64, sbytes, 16);
  const bool wide = imm & 1, trunc = imm & 2;
  switch (op) {
    case FloatOp::kCvtI2F: {
      const int64_t i = wide ? static_cast<int64_t>(s64[0]) : static_cast<int32_t>(s32[0]);
      if (dbl)
        d64[0] = FromInt<F64>(i, &flags);
      else
        d32[0] = FromInt<F32>(i, &flags);
      std::memcpy(out, dbl ? static_cast<void*>(d64) : static_cast<void*>(d32), 16);
      break;
    }
    case FloatOp::kCvtF2I:
      *value = dbl ? ToInt<F64>(s64[0], wide, trunc, mxcsr, &flags)
                   : ToInt<F32>(s32[0], wide, trunc, mxcsr, &flags);
      break;
    case FloatOp::kCvtF2F:
      if (dbl) {  // double to single: the upper half of a packed result is zeroed
        uint32_t r[4] = {d32[0], d32[1], d32[2], d32[3]};
        const unsigned n = scalar ? 1 : 2;
        for (unsigned i = 0; i < n; ++i) r[i] = DoubleToSingle(s64[i], mxcsr, &flags);
        if (!scalar) r[2] = r[3] = 0;
        std::memcpy(out, r, 16);
      } else {
        uint64_t r[2] = {d64[0], d64[1]};
        const unsigned n = scalar ? 1 : 2;
        for (unsigned i = 0; i < n; ++i) r[i] = SingleToDouble(s32[i], mxcsr, &flags);
        std::memcpy(out, r, 16);
      }
      break;
    case FloatOp::kCvtDq2F:
      if (dbl) {
        uint64_t r[2] = {FromInt<F64>(static_cast<int32_t>(s32[0]), &flags),
                         FromInt<F64>(static_cast<int32_t>(s32[1]), &flags)};
        std::memcpy(out, r, 16);
      } else {
        // CVTPI2PS (imm8 bit 2) converts two lanes and keeps the upper two (SDM CVTPI2PS).
        uint32_t r[4] = {d32[0], d32[1], d32[2], d32[3]};
        for (unsigned i = 0; i < ((imm & 4) ? 2u : 4u); ++i) {
          uint32_t f = 0;
          r[i] = FromInt<F32>(static_cast<int32_t>(s32[i]), &f);
          flags |= f;
        }
        std::memcpy(out, r, 16);
      }
      break;
    case FloatOp::kCvtF2Dq: {
      uint32_t r[4] = {0, 0, 0, 0};
      for (unsigned i = 0; i < (dbl || (imm & 4) ? 2u : 4u); ++i)
        r[i] = static_cast<uint32_t>(dbl ? ToInt<F64>(s64[i], false, trunc, mxcsr, &flags)
                                         : ToInt<F32>(s32[i], false, trunc, mxcsr, &flags));
      std::memcpy(out, r, 16);
      break;
    }
    default:
      break;
  }
  return flags;
}

/// ROUNDPS/PD/SS/SD lane: imm8[2] selects MXCSR.RC over imm8[1:0]; imm8[3] suppresses the
/// precision exception; an SNaN signals invalid, nothing else does (SDM ROUNDPS).
template <typename T>
typename T::Bits Round(typename T::Bits x, uint8_t imm, uint32_t mxcsr, uint32_t* flags) {
  using F = typename T::Float;
  if (T::IsNan(x)) {
    if (T::IsSnan(x)) *flags |= kIe;
    return Quiet<T>(x);
  }
  if ((mxcsr & kDaz) && T::IsDenormal(x)) x &= T::kSign;
  const F v = T::ToF(x);
  if (!(std::fabs(v) < F(uint64_t{1} << T::kMant))) return x;  // integral, or infinite
  const unsigned rc = imm & 4 ? (mxcsr >> 13) & 3 : imm & 3;
  F r = std::trunc(v);  // exact, keeps the sign of zero
  switch (rc) {
    case 0: {  // nearest, ties to even
      const F frac = std::fabs(v - r);
      if (frac > F(0.5) || (frac == F(0.5) && std::fmod(r, F(2)) != 0)) r += std::copysign(F(1), v);
      break;
    }
    case 1:
      r = std::floor(v);
      break;
    case 2:
      r = std::ceil(v);
      break;
    default:
      break;
  }
  if (r != v && !(imm & 8)) *flags |= kPe;
  // The result keeps the sign of the source, zero included; host arithmetic under a directed
  // rounding mode (floor's) can give 0 - 0 = -0.
  return T::ToU(std::copysign(r, v));
}

/// SSE3 ADDSUB/HADD/HSUB and SSE4.1 ROUND/DP on the `n` lanes of d (destination, updated) and
/// s, with the ADDPS/SUBPS/MULPS lane arithmetic (SDM ADDSUBPS, HADDPS, HSUBPS, ROUNDPS, DPPS).
template <typename T>
void Sse4Lanes(FloatOp op, typename T::Bits* d, const typename T::Bits* s, unsigned n, uint8_t imm,
               uint32_t mxcsr, uint32_t* flags) {
  using U = typename T::Bits;
  constexpr unsigned kLanes = 16 / sizeof(U);
  U r[kLanes];
  std::memcpy(r, d, sizeof r);
  switch (op) {
    case FloatOp::kAddSub:
      for (unsigned i = 0; i < n; ++i)
        r[i] = Arith<T>(i & 1 ? FloatOp::kAdd : FloatOp::kSub, d[i], s[i], mxcsr, flags);
      break;
    case FloatOp::kHadd:
    case FloatOp::kHsub:
      for (unsigned i = 0; i < n; ++i) {
        const U* v = i < n / 2 ? d : s;
        const unsigned k = 2 * (i % (n / 2));
        r[i] = Arith<T>(op == FloatOp::kHadd ? FloatOp::kAdd : FloatOp::kSub, v[k], v[k + 1], mxcsr,
                        flags);
      }
      break;
    case FloatOp::kRound:
      for (unsigned i = 0; i < n; ++i) r[i] = Round<T>(s[i], imm, mxcsr, flags);
      break;
    default: {  // kDp: products selected by imm8[7:4] (else +0.0), summed pairwise, stored to
                // the lanes of imm8[3:0] (else +0.0). The flags of every step accumulate.
                // TODO: with an unmasked exception, hardware (AMD Zen) sometimes reports a
                // different subset of the steps' flags (e.g. no DE from a denormal product);
                // the masked responses match it exactly.
      U p[kLanes];
      for (unsigned i = 0; i < kLanes; ++i)
        p[i] = (imm >> (4 + i)) & 1 ? Arith<T>(FloatOp::kMul, d[i], s[i], mxcsr, flags) : 0;
      U sum = Arith<T>(FloatOp::kAdd, p[0], p[1], mxcsr, flags);
      if (kLanes == 4) {
        const U high = Arith<T>(FloatOp::kAdd, p[2 % kLanes], p[3 % kLanes], mxcsr, flags);
        sum = Arith<T>(FloatOp::kAdd, sum, high, mxcsr, flags);
      }
      for (unsigned i = 0; i < kLanes; ++i) r[i] = (imm >> i) & 1 ? sum : 0;
      break;
    }
  }
  std::memcpy(d, r, sizeof r);
}

template <typename T>
FloatResult Run(CpuState& st, FloatOp op, unsigned dst, unsigned src, uint8_t imm, bool scalar) {
  using U = typename T::Bits;
  const uint32_t mxcsr = st.fpu.mxcsr;
  U d[16 / sizeof(U)], s[16 / sizeof(U)];
  std::memcpy(d, Bytes(st, dst), 16);
  std::memcpy(s, Bytes(st, src), scalar ? sizeof(U) : 16);
  uint32_t flags = 0;
  FloatResult res;
  const unsigned n = scalar ? 1 : 16 / sizeof(U);
  const bool convert = op >= FloatOp::kCvtI2F && op <= FloatOp::kCvtF2Dq;
  uint8_t converted[16];
  {
    HostFenv env(mxcsr);
    if (convert) {
      uint8_t sb[16] = {};
      std::memcpy(sb, Bytes(st, src), 16);
      flags = Convert(op, Bytes(st, dst), sb, imm, std::is_same_v<T, F64>, scalar, mxcsr, converted,
                      &res.value);
    } else if (op == FloatOp::kComi || op == FloatOp::kUcomi) {
      // COMIS/UCOMIS: ZF,PF,CF = 111 unordered, 000 greater, 001 less, 100 equal; OF, SF, AF
      // cleared (SDM COMISS).
      static constexpr uint64_t kResult[] = {kZf, kCf, 0, kZf | kPf | kCf};
      res.value = kResult[Compare<T>(d[0], s[0], op == FloatOp::kComi, mxcsr, &flags)];
    } else if (op >= FloatOp::kAddSub) {
      Sse4Lanes<T>(op, d, s, n, imm, mxcsr, &flags);
    } else {
      for (unsigned i = 0; i < n; ++i) {
        switch (op) {
          case FloatOp::kMin:
          case FloatOp::kMax:
            d[i] = MinMax<T>(op == FloatOp::kMax, d[i], s[i], mxcsr, &flags);
            break;
          case FloatOp::kCmp:
            d[i] = CmpLane<T>(imm & 7, d[i], s[i], mxcsr, &flags);
            break;
          default:
            d[i] = Arith<T>(op, d[i], s[i], mxcsr, &flags);
            break;
        }
      }
    }
  }
  // An unmasked exception leaves the destination unchanged (SDM Vol. 1 11.5.1); only the
  // pre-computation flags are reported when one of them is the cause.
  const uint32_t masks = (mxcsr >> kMaskShift) & 0x3F;
  if (flags & ~masks) {
    const uint32_t pre = flags & (kIe | kDe | kZe);
    st.fpu.mxcsr |= (pre & ~masks) ? pre : flags;
    res.fault = true;
    return res;
  }
  st.fpu.mxcsr |= flags;
  if (convert) {
    if (dst >= kVecMmx && dst < kVecScratch) {
      // An MMX destination: the significand, with all ones above it (SDM Vol. 1 9.5.1).
      std::memcpy(Bytes(st, dst), converted, 8);
      st.fpu.st[(dst - kVecMmx) & 7].sign_exponent = 0xFFFF;
    } else if (op != FloatOp::kCvtF2I) {
      std::memcpy(Bytes(st, dst), converted, 16);
    }
  } else if (op != FloatOp::kComi && op != FloatOp::kUcomi) {
    std::memcpy(Bytes(st, dst), d, 16);
  }
  return res;
}

}  // namespace

FloatResult RunFloatOp(CpuState& s, uint64_t packed) {
  const auto op = static_cast<FloatOp>(packed & 0xFF);
  const unsigned dst = (packed >> 8) & 0xFF;
  const unsigned src = (packed >> 16) & 0xFF;
  const auto imm = static_cast<uint8_t>(packed >> 24);
  const bool dbl = (packed >> 32) & 1, scalar = (packed >> 33) & 1;
  return dbl ? Run<F64>(s, op, dst, src, imm, scalar) : Run<F32>(s, op, dst, src, imm, scalar);
}

}  // namespace vireo::x86
