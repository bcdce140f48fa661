// Internal registry of the instruction generators (one list per family file).
#pragma once

#include <span>
#include <string_view>

#include "tests/diff/gen_context.h"
#include "tests/diff/generators.h"

namespace vireo::diff {

/// Mode bits of GeneratorDef::modes.
inline constexpr unsigned kMode16 = 1;
inline constexpr unsigned kMode32 = 2;
inline constexpr unsigned kMode64 = 4;
inline constexpr unsigned kAllModes = kMode16 | kMode32 | kMode64;

/// One generator: emits one instruction (or a small fixed pattern) into a Gen.
struct GeneratorDef {
  /// "family.form", matched by --filter.
  std::string_view name;
  /// Modes where the instruction exists (kMode16 | ...).
  unsigned modes;
  /// CPUID feature the host needs to run it natively.
  CpuFeature feature;
  /// Usable as one step of a random sequence (needs no chosen register values).
  bool in_sequences;
  /// Emits the code and sets up the input state; false asks for a retry with a new seed.
  bool (*emit)(Gen& g);
  /// Relative frequency.
  int weight;
};

/// Mode bit of 16, 32 or 64.
constexpr unsigned ModeBit(int mode) {
  return mode == 16 ? kMode16 : mode == 32 ? kMode32 : kMode64;
}

/// Bytes of an "iz" immediate (SDM: imm16 or imm32, imm32 sign-extended for 64-bit operands).
constexpr int ImmBytes(int bits) { return bits == 8 ? 1 : bits == 16 ? 2 : 4; }

/// Generators of ADD..CMP, TEST, INC/DEC, NEG/NOT (gen_alu.cpp).
std::span<const GeneratorDef> AluGenerators();
/// Generators of MUL/IMUL/DIV/IDIV (gen_muldiv.cpp).
std::span<const GeneratorDef> MulDivGenerators();
/// Generators of shifts, rotates, SHLD/SHRD (gen_shift.cpp).
std::span<const GeneratorDef> ShiftGenerators();
/// Generators of BT*, BSF/BSR, TZCNT/LZCNT/POPCNT (gen_bit.cpp).
std::span<const GeneratorDef> BitGenerators();
/// Generators of BMI1/BMI2/ADX (gen_bmi.cpp).
std::span<const GeneratorDef> BmiGenerators();
/// Generators of MOV family, LEA, XCHG, BSWAP, CBW.., XLAT, NOPs (gen_mov.cpp).
std::span<const GeneratorDef> MovGenerators();
/// Generators of SETcc, CMOVcc, LAHF/SAHF, flag ops (gen_flags.cpp).
std::span<const GeneratorDef> FlagGenerators();
/// Generators of Jcc/JMP/LOOP/JrCXZ/CALL/RET (gen_branch.cpp).
std::span<const GeneratorDef> BranchGenerators();
/// Generators of PUSH/POP, PUSHF/POPF, ENTER/LEAVE (gen_stack.cpp).
std::span<const GeneratorDef> StackGenerators();
/// Generators of MOVS/CMPS/STOS/LODS/SCAS (gen_string.cpp).
std::span<const GeneratorDef> StringGenerators();
/// Generators of XADD, CMPXCHG, CMPXCHG8B/16B (gen_atomic.cpp).
std::span<const GeneratorDef> AtomicGenerators();
/// Generators of intentional #DE/#UD/#PF/#GP (gen_fault.cpp).
std::span<const GeneratorDef> FaultGenerators();

/// Generators of SSE/SSE2 moves, logic and integer operations, LDMXCSR/STMXCSR (gen_sse.cpp).
std::span<const GeneratorDef> SseGenerators();
/// Generators of the MMX forms of the integer instructions and EMMS (gen_mmx.cpp).
std::span<const GeneratorDef> MmxGenerators();
/// Generators of SSE/SSE2 floating-point arithmetic and compares (gen_sse_float.cpp).
std::span<const GeneratorDef> SseFloatGenerators();
std::span<const GeneratorDef> X87Generators();  // gen_x87.cpp
/// Generators of SSE3, SSSE3, SSE4.1 and SSE4.2 (gen_sse4.cpp).
std::span<const GeneratorDef> Sse4Generators();
/// Generators of FXSAVE/FXRSTOR/XSAVE/XRSTOR (gen_fpu_state.cpp).
std::span<const GeneratorDef> FpuStateGenerators();

/// Emits a random sequence of 2-8 steps drawn from the in_sequences generators.
bool EmitSequence(Gen& g);

}  // namespace vireo::diff
