#pragma once
// The IR opcode enum and metadata, generated from opcodes.inc.

#include <cstdint>
#include <string_view>

namespace vireo::ir {

/// Properties of an opcode (see opcodes.inc).
enum OpProps : uint8_t {
  kNone = 0,
  kPure = 1 << 0,
  kMayExit = 1 << 1,
  kReadsState = 1 << 2,
  kWritesState = 1 << 3,
  kMemory = 1 << 4,
};

/// Operand/result kinds of the table.
enum class Kind : uint8_t { kVoid, kT, kA, kU1, kU8, kU64, kImm };

/// The operation of AtomicRmw (its Imm operand).
enum class AtomicOp : uint8_t { kAdd, kAnd, kOr, kXor, kExchange };

/// Every IR operation.
enum class Opcode : uint8_t {
#define OPCODE(name, res, a0, a1, a2, props) k##name,
#include "jit/ir/opcodes.inc"
#undef OPCODE
  kCount
};

/// Static description of an opcode.
struct OpInfo {
  std::string_view name;
  Kind result;
  Kind args[3];
  uint8_t props;
};

/// Metadata for `op`.
const OpInfo& Info(Opcode op);
/// Number of (non-void) operands of `op`.
unsigned ArgCount(Opcode op);
/// Looks an opcode up by name (the text parser uses it); returns Opcode::kCount if unknown.
Opcode OpcodeByName(std::string_view name);

}  // namespace vireo::ir
