#pragma once
// Tier 0: runs IR blocks. A block is first compiled into a dense array of micro-ops (a label
// address per op for computed-goto dispatch, operand slot numbers, immediates in a constant
// area of the frame), so running it costs one indirect jump per live IR instruction.

#include <cstdint>
#include <vector>

#include "jit/exec_env.h"
#include "jit/ir/ir.h"

namespace vireo::jit {

/// A block in the interpreter's executable form.
struct InterpBlock {
  struct Op {
    const void* label;
    uint64_t imm;  ///< state offset, helper id, or the type mask
    uint16_t dst, a, b, c;
    uint8_t type;  ///< ir::Type of the op (compared type for comparisons)
    uint8_t from;  ///< source type of conversions
    uint16_t guest_offset;
    uint32_t pad;
  };
  std::vector<Op> ops;
  std::vector<uint64_t> frame_init;  ///< constants first, then room for results
  ir::Terminal::Kind terminal = ir::Terminal::Kind::kExit;
  uint64_t target[2] = {0, 0};
  uint16_t cond_slot = 0, dest_slot = 0;
  uint64_t guest_pc = 0;
  uint32_t guest_insts = 0;
};

/// How a block run ended.
struct RunResult {
  enum class Kind : uint8_t {
    kNext,   ///< normal end: the state's PC holds the next guest address
    kFault,  ///< a memory access or helper faulted: PC holds the faulting instruction
  };
  Kind kind;
  uint64_t next_pc;  ///< the PC written to the state
  int8_t taken;      ///< which constant target was taken (0/1), -1 for indirect/exit/fault
};

/// Compiles and runs IR blocks.
class Interpreter {
 public:
  /// Converts an optimised IR block to micro-ops.
  static InterpBlock Compile(const ir::Block& block);
  /// Runs one block against `env`.
  static RunResult Run(const InterpBlock& block, ExecEnv& env);
};

}  // namespace vireo::jit
