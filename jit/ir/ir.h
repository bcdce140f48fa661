#pragma once
// The IR: a Block is a straight-line list of typed SSA instructions ending in a Terminal
// (exits are data, not code, as in dynarmic). Values are either references to earlier
// instructions or immediates, so constants need no instructions of their own.

#include <cstdint>
#include <string>
#include <vector>

#include "jit/ir/opcodes.h"
#include "jit/ir/types.h"

namespace vireo::ir {

/// An operand: the result of instruction `index`, or an immediate of type `type`.
struct Value {
  static constexpr uint32_t kNoInst = UINT32_MAX;
  uint64_t imm = 0;
  uint32_t index = kNoInst;
  Type type = Type::kVoid;

  static Value Imm(Type t, uint64_t v) { return {v & TypeMask(t), kNoInst, t}; }
  static Value Ref(uint32_t i, Type t) { return {0, i, t}; }
  bool is_imm() const { return index == kNoInst && type != Type::kVoid; }
  bool is_inst() const { return index != kNoInst; }
  bool valid() const { return type != Type::kVoid; }
  bool operator==(const Value&) const = default;
};

/// One SSA instruction. Its result, if any, is Value::Ref(position, type).
struct Inst {
  Opcode op = Opcode::kAdd;
  Type type = Type::kVoid;  ///< result type, or the compared type for comparisons
  uint16_t guest_offset =
      0;              ///< offset of the guest instruction (from the block start) it belongs to
  uint64_t imm = 0;   ///< the Imm operand (state offset, helper id), if the op has one
  Value args[3];      ///< value operands, in table order with the Imm slot skipped
  bool dead = false;  ///< removed by a pass; skipped by every consumer
};

/// How a block ends.
struct Terminal {
  enum class Kind : uint8_t {
    kJump,      ///< continue at constant guest address target[0]
    kBranch,    ///< cond ? target[0] : target[1]
    kIndirect,  ///< continue at the U64 value `dest`
    kExit,      ///< return to the dispatcher (the guest RIP is already in the state)
  };
  Kind kind = Kind::kExit;
  uint64_t target[2] = {0, 0};
  Value cond;  ///< kBranch: U1
  Value dest;  ///< kIndirect: U64
};

/// A translated guest block.
struct Block {
  uint64_t guest_pc = 0;     ///< virtual address of the first guest instruction
  uint32_t guest_size = 0;   ///< bytes of guest code covered
  uint32_t guest_insts = 0;  ///< guest instructions covered
  std::vector<Inst> insts;
  Terminal terminal;

  /// Marks unused pure instructions dead is a pass's job; this counts live ones.
  size_t LiveCount() const;
};

/// The text form (one instruction a line, e.g. "%3:u32 = Add %1, 0x5"), used in golden tests
/// and --trace output.
std::string Dump(const Block& block);

/// Parses the text form back; throws std::invalid_argument with the line number on error.
Block Parse(const std::string& text);

}  // namespace vireo::ir
