// The x87 register stack, tags and status word around the software arithmetic (SDM Vol. 1
// 8.1-8.5): stack overflow/underflow, masked responses, C1, ES/B.
#include "cpu/x86/x87_ops.h"

#include <cstring>

#include "cpu/x87/transcendental.h"
#include "cpu/x87/x87.h"

namespace vireo::x86 {
namespace {

using x87::Env;
using x87::F80;

constexpr uint16_t kB = 0x8000;
constexpr uint16_t kCc = x87::kC0 | x87::kC1 | x87::kC2 | x87::kC3;
constexpr uint16_t kStackFault = x87::kIe | x87::kSf;
// Exceptions detected before the result exists: an unmasked one leaves the destination (and the
// stack) unchanged (SDM Vol. 1 8.5.1-8.5.3, 4.9.2).
constexpr uint16_t kPreExceptions = x87::kIe | x87::kDe | x87::kZe;
// Store-suppressing exceptions of FST/FIST to memory (SDM Vol. 1 4.9.2: no store when unmasked).
constexpr uint16_t kStoreExceptions = kPreExceptions | x87::kOe | x87::kUe;
constexpr uint32_t kScratchState = 32;  // staged FSW/FTW of a memory store

/// The tag of a value (SDM Vol. 1 8.1.7): valid 00, zero 01, special 10.
unsigned TagOf(F80 v) {
  switch (x87::Classify(v)) {
    case x87::Kind::kZero:
      return 1;
    case x87::Kind::kNormal:
      return 0;
    default:
      return 2;
  }
}

/// Bit r set for each physical register R(r) that the full tag word `ftw` does not mark
/// empty (11): FXSAVE's abridged tag byte (SDM Vol. 1 10.5.1.1).
uint8_t NonEmpty(uint16_t ftw) {
  uint8_t tags = 0;
  for (unsigned r = 0; r < 8; ++r)
    if (((ftw >> (2 * r)) & 3) != 3) tags = static_cast<uint8_t>(tags | (1u << r));
  return tags;
}

/// The full tag word the x87 reports: empty where `nonempty` says so, else the tag of the
/// register's contents (SDM Vol. 1 8.1.7). FSTENV/FSAVE store it; FLDENV/FRSTOR/FXRSTOR
/// take only "empty" from memory and recompute the rest this way.
uint16_t ContentTags(const FpuState& f, uint8_t nonempty) {
  uint16_t tags = 0;
  for (unsigned r = 0; r < 8; ++r) {
    unsigned t = !((nonempty >> r) & 1) ? 3 : TagOf({f.st[r].significand, f.st[r].sign_exponent});
    tags = static_cast<uint16_t>(tags | (t << (2 * r)));
  }
  return tags;
}

/// NaNs and unsupported encodings (which the x87 handles as invalid operands).
bool IsNan(F80 v) {
  x87::Kind k = x87::Classify(v);
  return k == x87::Kind::kQNaN || k == x87::Kind::kSNaN || k == x87::Kind::kUnsupported;
}

class Stack {
 public:
  explicit Stack(FpuState& f) : f_(f) {}
  unsigned Top() const { return (f_.fsw >> 11) & 7; }
  void SetTop(unsigned t) { f_.fsw = static_cast<uint16_t>((f_.fsw & ~0x3800) | ((t & 7) << 11)); }
  unsigned Phys(unsigned i) const { return (Top() + i) & 7; }
  bool Empty(unsigned i) const { return ((f_.ftw >> (2 * Phys(i))) & 3) == 3; }
  F80 Get(unsigned i) const {
    const X87Register& r = f_.st[Phys(i)];
    return {r.significand, r.sign_exponent};
  }
  void Set(unsigned i, F80 v) {
    unsigned p = Phys(i);
    f_.st[p].significand = v.significand;
    f_.st[p].sign_exponent = v.sign_exponent;
    f_.ftw = static_cast<uint16_t>((f_.ftw & ~(3u << (2 * p))) | (TagOf(v) << (2 * p)));
  }
  void Free(unsigned i) { f_.ftw = static_cast<uint16_t>(f_.ftw | (3u << (2 * Phys(i)))); }
  void Pop() {
    Free(0);
    SetTop(Top() + 1);
  }
  /// Pushes v; on overflow (ST(7) in use: SDM Vol. 1 8.5.1.1) adds IE SF C1 to *flags and
  /// pushes the indefinite when IE is masked. Returns false when nothing was pushed.
  bool Push(F80 v, uint16_t* flags) {
    if (!Empty(7)) {
      *flags |= kStackFault | x87::kC1;
      if (!(f_.fcw & x87::kIe)) return false;
      v = x87::kIndefinite;
    }
    SetTop(Top() - 1);
    Set(0, v);
    return true;
  }

 private:
  FpuState& f_;
};

/// Merges an operation's flags into FSW: clears `cc_mask`, ORs `flags`, and sets ES and B when
/// an exception is pending unmasked (SDM Vol. 1 8.1.3.1, 8.1.3.4).
void Update(FpuState& f, uint16_t flags, uint16_t cc_mask) {
  f.fsw = static_cast<uint16_t>((f.fsw & ~cc_mask) | flags);
  if (f.fsw & ~f.fcw & x87::kExceptionFlags) f.fsw |= x87::kEs | kB;
}

bool Unmasked(const FpuState& f, uint16_t flags, uint16_t which) {
  return (flags & ~f.fcw & which) != 0;
}

/// The constants of FLD1..FLDZ: rounded to nearest, and whether that rounding went up (the
/// SDM's FLDPI etc. notes: the internal constant is rounded per RC, precision control ignored).
struct Constant {
  F80 nearest;
  int rounded;  // +1 nearest is above the exact value, -1 below, 0 exact
};
constexpr Constant kConstants[] = {
    {{0x8000000000000000ull, 0x3FFF}, 0},   // 1
    {{0xD49A784BCD1B8AFEull, 0x4000}, -1},  // log2(10)
    {{0xB8AA3B295C17F0BCull, 0x3FFF}, 1},   // log2(e)
    {{0xC90FDAA22168C235ull, 0x4000}, 1},   // pi
    {{0x9A209A84FBCFF799ull, 0x3FFD}, 1},   // log10(2)
    {{0xB17217F7D1CF79ACull, 0x3FFE}, 1},   // ln(2)
    {{0, 0}, 0},                            // +0
};

F80 ConstantFor(unsigned index, uint16_t fcw) {
  Constant k = kConstants[index];
  unsigned rc = (fcw >> 10) & 3;  // 0 nearest, 1 down, 2 up, 3 toward zero (all positive)
  if (k.rounded > 0 && (rc == 1 || rc == 3)) --k.nearest.significand;
  if (k.rounded < 0 && rc == 2) ++k.nearest.significand;
  return k.nearest;
}

/// A memory or register source operand as an F80 (conversions may raise IE/DE).
F80 Source(const FpuState& f, Stack& st, X87Src kind, unsigned i, uint64_t b, Env& env,
           bool* underflow, bool partner = true) {
  switch (kind) {
    case X87Src::kSti:
      if (st.Empty(i)) *underflow = true;
      return st.Get(i);
    case X87Src::kF32:
    case X87Src::kF64: {
      // As an arithmetic operand an SNaN stays signaling: the operation quiets it and picks
      // between two NaNs by the SDM Vol. 1 Table 4-7 rules, which tell SNaN from QNaN.
      Env conv{env.control, 0};
      const bool snan =
          kind == X87Src::kF32
              ? (b & 0x7FC00000u) == 0x7F800000u && (b & 0x3FFFFFu)
              : (b & 0x7FF8000000000000ull) == 0x7FF0000000000000ull && (b & 0x7FFFFFFFFFFFFull);
      F80 v = kind == X87Src::kF32 ? x87::FromFloat32(static_cast<uint32_t>(b), conv)
                                   : x87::FromFloat64(b, conv);
      if (partner && snan) {
        v.significand &= ~(1ull << 62);
        conv.status &= static_cast<uint16_t>(~x87::kIe);
      }
      env.status |= conv.status;
      return v;
    }
    case X87Src::kF80: {
      F80 v;
      std::memcpy(&v.significand, f.scratch, 8);
      std::memcpy(&v.sign_exponent, f.scratch + 8, 2);
      return v;
    }
    case X87Src::kInt:
      return x87::FromInt64(static_cast<int64_t>(b));
    case X87Src::kBcd:
      return x87::FromBcd(f.scratch);
    case X87Src::kZero:
      return {0, 0};
  }
  return x87::kIndefinite;
}

uint64_t Arith(FpuState& f, Stack& st, uint32_t a, uint64_t b) {
  const unsigned i = (a >> kIndexShift) & 7;
  const auto src_kind = static_cast<X87Src>((a >> kSrcShift) & 15);
  const auto op = static_cast<X87Arith>((a >> kSubShift) & 15);
  const unsigned dst = (a & kToSti) ? i : 0;
  Env env{f.fcw, 0};
  bool underflow = st.Empty(0);
  F80 other = (a & kToSti) ? st.Get(0) : Source(f, st, src_kind, i, b, env, &underflow);
  if (a & kToSti) underflow |= st.Empty(i);
  // A denormal memory operand's DE is not reported when the operation raises IE or ZE
  // (checked against the host).
  uint16_t conv = env.status;
  env.status = 0;
  F80 x = st.Get(dst), y = other;
  if (a & kReverse) std::swap(x, y);
  F80 r{};
  if (underflow) {
    env.status = kStackFault;  // C1 = 0 (SDM Vol. 1 8.5.1.1)
    r = x87::kIndefinite;
  } else {
    switch (op) {
      case X87Arith::kAdd:
        r = x87::Add(x, y, env);
        break;
      case X87Arith::kMul:
        r = x87::Mul(x, y, env);
        break;
      case X87Arith::kSub:
        r = x87::Sub(x, y, env);
        break;
      case X87Arith::kDiv:
        r = x87::Div(x, y, env);
        break;
    }
    if ((env.status & (x87::kIe | x87::kZe)) || IsNan(st.Get(0)))
      conv &= static_cast<uint16_t>(~x87::kDe);
    env.status |= conv;
  }
  if (!Unmasked(f, env.status, kPreExceptions)) {
    st.Set(dst, r);
    if (a & kPop) st.Pop();
  }
  Update(f, env.status, x87::kC1);
  return 0;
}

uint64_t Unary(FpuState& f, Stack& st, uint32_t a) {
  const auto op = static_cast<X87Unary>((a >> kSubShift) & 15);
  Env env{f.fcw, 0};
  const bool two = op == X87Unary::kScale || op == X87Unary::kPrem || op == X87Unary::kPrem1;
  const bool underflow = st.Empty(0) || (two && st.Empty(1));
  uint16_t cc_mask = x87::kC1;
  if (op == X87Unary::kPrem || op == X87Unary::kPrem1) cc_mask = kCc;
  if (underflow) {
    env.status = kStackFault;
    if (f.fcw & x87::kIe) {
      if (op == X87Unary::kXtract) {
        st.Set(0, x87::kIndefinite);
        uint16_t flags = 0;
        st.Push(x87::kIndefinite, &flags);
        env.status |= flags;
      } else {
        st.Set(0, x87::kIndefinite);
      }
    }
    Update(f, env.status, cc_mask);
    return 0;
  }
  F80 x = st.Get(0), r{};
  F80 exponent{};
  switch (op) {
    case X87Unary::kSqrt:
      r = x87::Sqrt(x, env);
      break;
    case X87Unary::kRndint:
      r = x87::RoundToInt(x, env);
      break;
    case X87Unary::kScale:
      r = x87::Scale(x, st.Get(1), env);
      break;
    case X87Unary::kXtract:
      r = x87::Extract(x, &exponent, env);
      break;
    case X87Unary::kPrem:
      r = x87::PartialRemainder(x, st.Get(1), false, env);
      break;
    case X87Unary::kPrem1:
      r = x87::PartialRemainder(x, st.Get(1), true, env);
      break;
  }
  if (op == X87Unary::kXtract) {
    if (!st.Empty(7)) {
      // Stack overflow (SDM Vol. 2 FXTRACT #IS): masked, both results are the indefinite.
      env.status = kStackFault | x87::kC1;
      if (f.fcw & x87::kIe) {
        st.Set(0, x87::kIndefinite);
        uint16_t flags = 0;
        st.SetTop(st.Top() - 1);
        st.Set(0, x87::kIndefinite);
        (void)flags;
      }
    } else if (!Unmasked(f, env.status, kPreExceptions)) {
      st.Set(0, exponent);
      uint16_t flags = 0;
      st.Push(r, &flags);
    }
  } else if (!Unmasked(f, env.status, kPreExceptions)) {
    st.Set(0, r);
  }
  Update(f, env.status, cc_mask);
  return 0;
}

/// FSIN FCOS FSINCOS FPTAN FPATAN F2XM1 FYL2X FYL2XP1 (SDM Vol. 2 instruction pages).
uint64_t Trans(FpuState& f, Stack& st, uint32_t a) {
  using T = x87::Transcendental;
  const auto op = static_cast<T>((a >> kSubShift) & 15);
  const bool binary = op == T::kAtan || op == T::kYLog2X || op == T::kYLog2XP1;
  const bool pushes = op == T::kSinCos || op == T::kTan;
  Env env{f.fcw, 0};
  const uint16_t cc_mask = x87::kC1 | x87::kC2;
  if (st.Empty(0) || (binary && st.Empty(1))) {
    env.status = kStackFault;
    if (f.fcw & x87::kIe) {
      if (binary) {
        st.Set(1, x87::kIndefinite);
        st.Pop();
      } else {
        st.Set(0, x87::kIndefinite);
        if (pushes) st.Push(x87::kIndefinite, &env.status);
      }
    }
    Update(f, env.status, cc_mask);
    return 0;
  }
  if (pushes && !st.Empty(7)) {
    env.status = kStackFault | x87::kC1;
    if (f.fcw & x87::kIe) {
      st.Set(0, x87::kIndefinite);
      st.SetTop(st.Top() - 1);
      st.Set(0, x87::kIndefinite);
    }
    Update(f, env.status, cc_mask);
    return 0;
  }
  x87::TranscendentalResult r = x87::Compute(op, st.Get(0), st.Get(1), env);
  if (!Unmasked(f, env.status, kPreExceptions)) {
    if (binary) {
      st.Set(1, r.result0);
      st.Pop();
    } else if (pushes) {
      if (r.pushed) {
        st.Set(0, r.result1);
        uint16_t ignored = 0;
        st.Push(r.result0, &ignored);
      } else {
        st.Set(0, r.result0);
      }
    } else {
      st.Set(0, r.result0);
    }
  }
  Update(f, env.status, cc_mask);
  return 0;
}

/// Stages FST/FIST/FISTTP m: the value into scratch[0..9] (left as the memory's old contents
/// when an unmasked exception suppresses the store), the new FSW/FTW into scratch[32..35].
uint64_t StoreMem(FpuState& f, Stack& st, uint32_t a) {
  const auto kind = static_cast<X87Dst>((a >> kSubShift) & 15);
  const uint16_t old_fsw = f.fsw, old_ftw = f.ftw;
  Env env{f.fcw, 0};
  uint8_t bytes[10] = {};
  size_t size = 8;
  const bool underflow = st.Empty(0);
  const F80 v = underflow ? x87::kIndefinite : st.Get(0);
  if (underflow) env.status = kStackFault;
  auto integer = [&](int bits, bool truncate) {
    int64_t n =
        underflow ? static_cast<int64_t>(~0ull << (bits - 1)) : x87::ToInt(v, bits, truncate, env);
    std::memcpy(bytes, &n, 8);
    size = static_cast<size_t>(bits / 8);
  };
  switch (kind) {
    case X87Dst::kF32: {
      uint32_t n = underflow ? 0xFFC00000u : x87::ToFloat32(v, env);
      std::memcpy(bytes, &n, 4);
      size = 4;
      break;
    }
    case X87Dst::kF64: {
      uint64_t n = underflow ? 0xFFF8000000000000ull : x87::ToFloat64(v, env);
      std::memcpy(bytes, &n, 8);
      break;
    }
    case X87Dst::kF80:
      std::memcpy(bytes, &v.significand, 8);
      std::memcpy(bytes + 8, &v.sign_exponent, 2);
      size = 10;
      break;
    case X87Dst::kBcd:
      if (underflow) {
        Env ignored{f.fcw, 0};
        x87::ToBcd(x87::kIndefinite, bytes, ignored);  // the packed BCD indefinite
      } else {
        x87::ToBcd(v, bytes, env);
      }
      size = 10;
      break;
    case X87Dst::kI16:
      integer(16, false);
      break;
    case X87Dst::kI32:
      integer(32, false);
      break;
    case X87Dst::kI64:
      integer(64, false);
      break;
    case X87Dst::kT16:
      integer(16, true);
      break;
    case X87Dst::kT32:
      integer(32, true);
      break;
    case X87Dst::kT64:
      integer(64, true);
      break;
  }
  if (!Unmasked(f, env.status, kStoreExceptions)) {
    std::memcpy(f.scratch, bytes, size);
    if (a & kPop) st.Pop();
  }
  Update(f, env.status, x87::kC1);
  std::memcpy(f.scratch + kScratchState, &f.fsw, 2);
  std::memcpy(f.scratch + kScratchState + 2, &f.ftw, 2);
  f.fsw = old_fsw;
  f.ftw = old_ftw;
  return 0;
}

uint64_t CompareOp(FpuState& f, Stack& st, uint32_t a, uint64_t b, bool comi) {
  const unsigned i = (a >> kIndexShift) & 7;
  const auto src_kind = static_cast<X87Src>((a >> kSrcShift) & 15);
  Env env{f.fcw, 0};
  bool underflow = st.Empty(0);
  F80 y = Source(f, st, src_kind, i, b, env, &underflow);
  uint16_t conv = env.status;
  env.status = 0;
  x87::Order order = x87::Order::kUnordered;
  if (underflow) {
    env.status = kStackFault | x87::kC0 | x87::kC2 | x87::kC3;
  } else if (src_kind == X87Src::kZero) {
    order = x87::Test(st.Get(0), env);
  } else {
    order = x87::Compare(st.Get(0), y, (a & kQuiet) != 0, env);
    if (env.status & x87::kIe) conv &= static_cast<uint16_t>(~x87::kDe);
    env.status |= conv;
  }
  const bool fault = Unmasked(f, env.status, x87::kIe | x87::kDe);
  uint64_t result = 0;
  if (comi) {
    // FCOMI: C0 C2 C3 unchanged, C1 cleared, the order goes to ZF PF CF (SDM Vol. 2 FCOMI).
    Update(f, static_cast<uint16_t>(env.status & ~(x87::kC0 | x87::kC2 | x87::kC3)), x87::kC1);
    if (!fault) result = x87::ComiFlags(order) | 0x100;
  } else {
    Update(f, env.status, kCc);
  }
  if (!fault) {
    if (a & (kPop | kPop2)) st.Pop();
    if (a & kPop2) st.Pop();
  }
  return result;
}

void Put16(uint8_t* p, uint32_t v) { std::memcpy(p, &v, 2); }
void Put32(uint8_t* p, uint32_t v) { std::memcpy(p, &v, 4); }
uint32_t Get16(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return v;
}
uint32_t Get32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

/// The x87 environment image (SDM Vol. 1 8.1.10, Figures 8-9 to 8-12): 28 bytes (32-bit
/// operand size) or 14 bytes (16-bit), protected-mode or real-mode layout of the pointers.
void StoreEnv(FpuState& f, unsigned format) {
  uint8_t* p = f.scratch;
  const bool small = format & 1, real = format & 2;
  const uint32_t fip = static_cast<uint32_t>(f.fip), fdp = static_cast<uint32_t>(f.fdp);
  const uint32_t fop = f.fop & 0x7FFu;
  const uint16_t ftw = ContentTags(f, NonEmpty(f.ftw));
  if (small) {
    Put16(p + 0, f.fcw);
    Put16(p + 2, f.fsw);
    Put16(p + 4, ftw);
    Put16(p + 6, fip);
    Put16(p + 8, real ? (((fip >> 16) & 0xF) << 12) | fop : f.fcs);
    Put16(p + 10, fdp);
    Put16(p + 12, real ? ((fdp >> 16) & 0xF) << 12 : f.fds);
    return;
  }
  // The upper halves of the control, status and tag dwords read as ones (checked on the host).
  Put32(p + 0, 0xFFFF0000u | f.fcw);
  Put32(p + 4, 0xFFFF0000u | f.fsw);
  Put32(p + 8, 0xFFFF0000u | ftw);
  if (real) {
    Put32(p + 12, 0xFFFF0000u | (fip & 0xFFFF));
    Put32(p + 16, ((fip >> 16) << 12) | fop);
    Put32(p + 20, 0xFFFF0000u | (fdp & 0xFFFF));
    Put32(p + 24, (fdp >> 16) << 12);
  } else {
    Put32(p + 12, fip);
    Put32(p + 16, (fop << 16) | f.fcs);
    Put32(p + 20, fdp);
    Put32(p + 24, 0xFFFF0000u | f.fds);
  }
}

void LoadEnv(FpuState& f, unsigned format) {
  const uint8_t* p = f.scratch;
  const bool small = format & 1, real = format & 2;
  uint32_t ftw;
  if (small) {
    f.fcw = static_cast<uint16_t>(Get16(p + 0));
    f.fsw = static_cast<uint16_t>(Get16(p + 2));
    ftw = Get16(p + 4);
    uint32_t w8 = Get16(p + 8), w12 = Get16(p + 12);
    f.fip = real ? (Get16(p + 6) | ((w8 >> 12) << 16)) : Get16(p + 6);
    f.fdp = real ? (Get16(p + 10) | ((w12 >> 12) << 16)) : Get16(p + 10);
    if (real) {
      f.fop = static_cast<uint16_t>(w8 & 0x7FF);
    } else {
      f.fcs = static_cast<uint16_t>(w8);
      f.fds = static_cast<uint16_t>(w12);
    }
  } else {
    f.fcw = static_cast<uint16_t>(Get32(p + 0));
    f.fsw = static_cast<uint16_t>(Get32(p + 4));
    ftw = Get32(p + 8) & 0xFFFF;
    uint32_t d16 = Get32(p + 16), d24 = Get32(p + 24);
    if (real) {
      f.fip = (Get32(p + 12) & 0xFFFF) | ((d16 >> 12) << 16);
      f.fop = static_cast<uint16_t>(d16 & 0x7FF);
      f.fdp = (Get32(p + 20) & 0xFFFF) | ((d24 >> 12) << 16);
    } else {
      f.fip = Get32(p + 12);
      f.fcs = static_cast<uint16_t>(d16);
      f.fop = static_cast<uint16_t>((d16 >> 16) & 0x7FF);
      f.fdp = Get32(p + 20);
      f.fds = static_cast<uint16_t>(d24);
    }
  }
  // Only "empty" is taken from the image, and ES/B follow the pending exceptions.
  RestoreAbridgedTags(f, NonEmpty(static_cast<uint16_t>(ftw)));
}

}  // namespace

void InitX87Control(FpuState& f) {
  f.fcw = 0x037F;
  f.fsw = 0;
  f.ftw = 0xFFFF;
  f.fop = 0;
  f.fip = f.fdp = 0;
  f.fcs = f.fds = 0;
}

uint8_t AbridgedTags(const FpuState& f) { return NonEmpty(f.ftw); }

void RestoreAbridgedTags(FpuState& f, uint8_t abridged) {
  f.ftw = ContentTags(f, abridged);
  // ES and B are not taken from memory: they follow the unmasked pending exceptions (SDM
  // Vol. 1 8.1.3.1, FLDENV "Operation"; checked on the host).
  f.fsw &= static_cast<uint16_t>(~(x87::kEs | kB));
  Update(f, 0, 0);
}

uint64_t RunX87(CpuState& s, uint64_t a64, uint64_t b) {
  FpuState& f = s.fpu;
  Stack st(f);
  const auto a = static_cast<uint32_t>(a64);
  const unsigned i = (a >> kIndexShift) & 7;
  switch (static_cast<X87Op>(a & 0xFF)) {
    case X87Op::kInit:
      InitX87Control(f);
      return 0;
    case X87Op::kClex:
      f.fsw &= static_cast<uint16_t>(~(kB | 0x00FF));
      return 0;
    case X87Op::kLdcw:
      f.fcw = static_cast<uint16_t>(b);
      // ES and B follow the pending unmasked exceptions (SDM Vol. 1 8.1.3.4).
      f.fsw &= static_cast<uint16_t>(~(x87::kEs | kB));
      Update(f, 0, 0);
      return 0;
    case X87Op::kLdConst: {
      uint16_t flags = 0;
      st.Push(ConstantFor(i, f.fcw), &flags);
      Update(f, flags, x87::kC1);
      return 0;
    }
    case X87Op::kLoad: {
      Env env{f.fcw, 0};
      bool underflow = false;
      F80 v =
          Source(f, st, static_cast<X87Src>((a >> kSrcShift) & 15), i, b, env, &underflow, false);
      if (underflow) {
        env.status = kStackFault;
        v = x87::kIndefinite;
      }
      // On stack overflow a denormal source's DE is not reported (checked against the host).
      if (!st.Empty(7)) env.status &= static_cast<uint16_t>(~x87::kDe);
      if (!Unmasked(f, env.status, kPreExceptions)) st.Push(v, &env.status);
      Update(f, env.status, x87::kC1);
      return 0;
    }
    case X87Op::kStore: {
      uint16_t flags = 0;
      F80 v = st.Get(0);
      if (st.Empty(0)) {
        flags = kStackFault;
        v = x87::kIndefinite;
      }
      if (!Unmasked(f, flags, x87::kIe)) {
        st.Set(i, v);
        if (a & kPop) st.Pop();
      }
      Update(f, flags, x87::kC1);
      return 0;
    }
    case X87Op::kStoreMem:
      return StoreMem(f, st, a);
    case X87Op::kCommit:
      std::memcpy(&f.fsw, f.scratch + kScratchState, 2);
      std::memcpy(&f.ftw, f.scratch + kScratchState + 2, 2);
      return 0;
    case X87Op::kXch: {
      uint16_t flags = 0;
      F80 x = st.Get(0), y = st.Get(i);
      if (st.Empty(0) || st.Empty(i)) {
        flags = kStackFault;
        if (!(f.fcw & x87::kIe)) {
          Update(f, flags, x87::kC1);
          return 0;
        }
        if (st.Empty(0)) x = x87::kIndefinite;
        if (st.Empty(i)) y = x87::kIndefinite;
      }
      st.Set(0, y);
      st.Set(i, x);
      Update(f, flags, x87::kC1);
      return 0;
    }
    case X87Op::kChs:
    case X87Op::kAbs: {
      uint16_t flags = 0;
      if (st.Empty(0)) {
        flags = kStackFault;
        if (f.fcw & x87::kIe) st.Set(0, x87::kIndefinite);
      } else {
        F80 v = st.Get(0);
        if (static_cast<X87Op>(a & 0xFF) == X87Op::kChs)
          v.sign_exponent ^= 0x8000;
        else
          v.sign_exponent &= 0x7FFF;
        st.Set(0, v);
      }
      Update(f, flags, x87::kC1);
      return 0;
    }
    case X87Op::kIncStp:
      st.SetTop(st.Top() + 1);
      Update(f, 0, x87::kC1);
      return 0;
    case X87Op::kDecStp:
      st.SetTop(st.Top() - 1);
      Update(f, 0, x87::kC1);
      return 0;
    case X87Op::kFree:
      st.Free(i);
      if (a & kPop) st.Pop();
      return 0;
    case X87Op::kArith:
      return Arith(f, st, a, b);
    case X87Op::kUnary:
      return Unary(f, st, a);
    case X87Op::kCompare:
      return CompareOp(f, st, a, b, false);
    case X87Op::kComi:
      return CompareOp(f, st, a, b, true);
    case X87Op::kXam:
      Update(f, x87::Examine(st.Get(0), st.Empty(0)), kCc);
      return 0;
    case X87Op::kStEnv:
      StoreEnv(f, i);
      return 0;
    case X87Op::kLdEnv:
      LoadEnv(f, i);
      return 0;
    case X87Op::kTrans:
      return Trans(f, st, a);
    case X87Op::kSaveReg: {
      // FNSAVE stores the registers in stack order, ST(0) first (SDM Vol. 1 Figure 8-13).
      const X87Register& reg = f.st[st.Phys(i)];
      std::memcpy(f.scratch + 32, &reg.significand, 8);
      std::memcpy(f.scratch + 40, &reg.sign_exponent, 2);
      return 0;
    }
    case X87Op::kRstorReg: {
      // ST(i) relative to the TOP of the status word being restored (staged at scratch[2] for
      // the 14-byte environment, scratch[4] for the 28-byte one).
      uint16_t fsw;
      std::memcpy(&fsw, f.scratch + ((a & kToSti) ? 2 : 4), 2);
      X87Register& reg = f.st[(((fsw >> 11) & 7) + i) & 7];
      reg.significand = b;
      std::memcpy(&reg.sign_exponent, f.scratch + 32 + 2 * i, 2);
      return 0;
    }
    case X87Op::kFerr:
      return (f.fsw & x87::kEs) ? 1 : 0;
    case X87Op::kFcmov: {
      uint16_t flags = 0;
      if (st.Empty(0) || st.Empty(i)) {
        flags = kStackFault;
        if (f.fcw & x87::kIe) st.Set(0, x87::kIndefinite);
      } else if (b) {
        st.Set(0, st.Get(i));
      }
      Update(f, flags, x87::kC1);
      return 0;
    }
  }
  return 0;
}

}  // namespace vireo::x86
