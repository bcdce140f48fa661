#pragma once
// What each pure IR operation computes, in one place: the constant folder and the interpreter
// both call Evaluate(), and the LLVM lowering (issue 6) is tested against it. Inputs and outputs
// are zero-extended to 64 bits.

#include <bit>
#include <cstdint>

#include "jit/ir/opcodes.h"
#include "jit/ir/types.h"

namespace vireo::ir {

/// Sign-extends the low `bits` of `v` to 64 bits.
constexpr int64_t SignExtend(uint64_t v, unsigned bits) {
  if (bits >= 64) return static_cast<int64_t>(v);
  uint64_t m = uint64_t{1} << (bits - 1);
  v &= (m << 1) - 1;
  return static_cast<int64_t>((v ^ m) - m);
}

/// Result of pure op `op` of type `t` (for comparisons: the compared type) on a, b, c.
/// `from` is the source type of ZExt/SExt/Trunc.
constexpr uint64_t Evaluate(Opcode op, Type t, uint64_t a, uint64_t b, uint64_t c,
                            Type from = Type::kU64) {
  const unsigned w = BitWidth(t);
  const uint64_t mask = TypeMask(t);
  switch (op) {
    case Opcode::kAdd:
      return (a + b) & mask;
    case Opcode::kSub:
      return (a - b) & mask;
    case Opcode::kMul:
      return (a * b) & mask;
    case Opcode::kUMulHi: {
      unsigned __int128 p = static_cast<unsigned __int128>(a) * b;
      return static_cast<uint64_t>(w == 64 ? p >> 64 : p >> w) & mask;
    }
    case Opcode::kSMulHi: {
      __int128 p = static_cast<__int128>(SignExtend(a, w)) * SignExtend(b, w);
      return static_cast<uint64_t>(p >> w) & mask;
    }
    case Opcode::kAnd:
      return a & b;
    case Opcode::kOr:
      return a | b;
    case Opcode::kXor:
      return a ^ b;
    case Opcode::kNeg:
      return (0 - a) & mask;
    case Opcode::kNot:
      return ~a & mask;
    case Opcode::kShl:
      return b >= w ? 0 : (a << b) & mask;
    case Opcode::kLshr:
      return b >= w ? 0 : a >> b;
    case Opcode::kAshr: {
      int64_t s = SignExtend(a, w);
      return static_cast<uint64_t>(b >= w ? (s < 0 ? -1 : 0) : s >> b) & mask;
    }
    case Opcode::kRotl: {
      unsigned n = static_cast<unsigned>(b % w);
      return n == 0 ? a : ((a << n) | (a >> (w - n))) & mask;
    }
    case Opcode::kRotr: {
      unsigned n = static_cast<unsigned>(b % w);
      return n == 0 ? a : ((a >> n) | (a << (w - n))) & mask;
    }
    case Opcode::kZExt:
      return a & TypeMask(from);
    case Opcode::kSExt:
      return static_cast<uint64_t>(SignExtend(a, BitWidth(from))) & mask;
    case Opcode::kTrunc:
      return a & mask;
    case Opcode::kPopcount:
      return static_cast<uint64_t>(std::popcount(a & mask));
    case Opcode::kCtz:
      return (a & mask) == 0 ? w : static_cast<uint64_t>(std::countr_zero(a));
    case Opcode::kClz:
      return (a & mask) == 0 ? w : static_cast<uint64_t>(std::countl_zero(a & mask)) - (64 - w);
    case Opcode::kBswap: {
      uint64_t r = __builtin_bswap64(a);  // std::byteswap is C++23
      return w == 64 ? r : (r >> (64 - w)) & mask;
    }
    case Opcode::kEq:
      return a == b;
    case Opcode::kNe:
      return a != b;
    case Opcode::kUlt:
      return a < b;
    case Opcode::kUle:
      return a <= b;
    case Opcode::kSlt:
      return SignExtend(a, w) < SignExtend(b, w);
    case Opcode::kSle:
      return SignExtend(a, w) <= SignExtend(b, w);
    case Opcode::kSelect:
      return a ? b : c;
    default:
      return 0;  // not pure: never folded
  }
}

}  // namespace vireo::ir
