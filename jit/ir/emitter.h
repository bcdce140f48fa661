#pragma once
// IrEmitter: the translator's only way to build IR. Each method checks operand types as it goes
// (a mismatch is a translator bug, caught by assertion in debug builds and by the verifier).

#include "jit/ir/ir.h"

namespace vireo::ir {

/// Appends typed instructions to a Block.
class IrEmitter {
 public:
  explicit IrEmitter(Block& block) : block_(block) {}

  /// Subsequent instructions belong to the guest instruction at `offset` from the block start
  /// (faults inside them report that instruction's address).
  void SetGuestOffset(uint16_t offset) { guest_offset_ = offset; }

  static Value Imm(Type t, uint64_t v) { return Value::Imm(t, v); }
  static Value Imm8(uint64_t v) { return Value::Imm(Type::kU8, v); }
  static Value Imm32(uint64_t v) { return Value::Imm(Type::kU32, v); }
  static Value Imm64(uint64_t v) { return Value::Imm(Type::kU64, v); }
  static Value True() { return Value::Imm(Type::kU1, 1); }

  Value LoadState(Type t, uint32_t offset) { return Emit(Opcode::kLoadState, t, offset); }
  void StoreState(uint32_t offset, Value v) { Emit(Opcode::kStoreState, Type::kVoid, offset, v); }
  Value LoadMem(Type t, Value addr) { return Emit(Opcode::kLoadMem, t, 0, addr); }
  void StoreMem(Value addr, Value v) { Emit(Opcode::kStoreMem, Type::kVoid, 0, addr, v); }

  /// Atomically applies `op` with `v` to memory at `addr`; returns the old value.
  Value AtomicRmw(AtomicOp op, Value addr, Value v) {
    return Emit(Opcode::kAtomicRmw, v.type, static_cast<uint64_t>(op), addr, v);
  }
  /// Atomically replaces memory at `addr` with `desired` if it equals `expected`; returns the
  /// old value (the exchange happened iff it equals `expected`).
  Value AtomicCmpXchg(Value addr, Value expected, Value desired) {
    return Emit(Opcode::kAtomicCmpXchg, expected.type, 0, addr, expected, desired);
  }

  Value Add(Value a, Value b) { return Binary(Opcode::kAdd, a, b); }
  Value Sub(Value a, Value b) { return Binary(Opcode::kSub, a, b); }
  Value Mul(Value a, Value b) { return Binary(Opcode::kMul, a, b); }
  Value UMulHi(Value a, Value b) { return Binary(Opcode::kUMulHi, a, b); }
  Value SMulHi(Value a, Value b) { return Binary(Opcode::kSMulHi, a, b); }
  Value And(Value a, Value b) { return Binary(Opcode::kAnd, a, b); }
  Value Or(Value a, Value b) { return Binary(Opcode::kOr, a, b); }
  Value Xor(Value a, Value b) { return Binary(Opcode::kXor, a, b); }
  Value Neg(Value a) { return Emit(Opcode::kNeg, a.type, 0, a); }
  Value Not(Value a) { return Emit(Opcode::kNot, a.type, 0, a); }
  Value Shl(Value a, Value n) { return Emit(Opcode::kShl, a.type, 0, a, N8(n)); }
  Value Lshr(Value a, Value n) { return Emit(Opcode::kLshr, a.type, 0, a, N8(n)); }
  Value Ashr(Value a, Value n) { return Emit(Opcode::kAshr, a.type, 0, a, N8(n)); }
  Value Rotl(Value a, Value n) { return Emit(Opcode::kRotl, a.type, 0, a, N8(n)); }
  Value Rotr(Value a, Value n) { return Emit(Opcode::kRotr, a.type, 0, a, N8(n)); }
  /// Zero-extends or truncates to `t` (no instruction when the type already matches).
  Value ZExt(Type t, Value a);
  /// Sign-extends or truncates to `t`.
  Value SExt(Type t, Value a);
  Value Trunc(Type t, Value a);
  Value Popcount(Value a) { return Emit(Opcode::kPopcount, a.type, 0, a); }
  Value Ctz(Value a) { return Emit(Opcode::kCtz, a.type, 0, a); }
  Value Clz(Value a) { return Emit(Opcode::kClz, a.type, 0, a); }
  Value Bswap(Value a) { return Emit(Opcode::kBswap, a.type, 0, a); }

  Value Eq(Value a, Value b) { return Compare(Opcode::kEq, a, b); }
  Value Ne(Value a, Value b) { return Compare(Opcode::kNe, a, b); }
  Value Ult(Value a, Value b) { return Compare(Opcode::kUlt, a, b); }
  Value Ule(Value a, Value b) { return Compare(Opcode::kUle, a, b); }
  Value Slt(Value a, Value b) { return Compare(Opcode::kSlt, a, b); }
  Value Sle(Value a, Value b) { return Compare(Opcode::kSle, a, b); }
  Value Select(Value c, Value a, Value b);

  /// Raises the exception `code` (meaning given by the ISA's ExecEnv::raise) if `cond` holds.
  void Trap(Value cond, uint64_t code) { Emit(Opcode::kTrap, Type::kVoid, code, cond); }

  /// Calls helper `id` with up to two arguments; the result has type `t` (kVoid for none).
  Value CallHelper(Type t, uint32_t id, Value a = {}, Value b = {});

  void Jump(uint64_t target);
  void Branch(Value cond, uint64_t taken, uint64_t not_taken);
  void Indirect(Value dest);
  void Exit();

  Block& block() { return block_; }

 private:
  Value Binary(Opcode op, Value a, Value b);
  Value Compare(Opcode op, Value a, Value b);
  Value N8(Value n);
  Value Emit(Opcode op, Type t, uint64_t imm, Value a = {}, Value b = {}, Value c = {});

  Block& block_;
  uint16_t guest_offset_ = 0;
};

}  // namespace vireo::ir
