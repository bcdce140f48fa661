// The x87 register stack and status word around the software x87 arithmetic (cpu/x87): the
// work of X87Helper. The translator (translate_x87.cpp) loads memory sources by IR (passing the
// value, or an m80 in FpuState::scratch) and stores memory results by IR from scratch, so
// faults stay precise (SDM Vol. 1 ch. 8).
#pragma once

#include <cstdint>

#include "cpu/x86/cpu_state.h"

namespace vireo::x86 {

/// Operation ids (bits 7:0 of the helper's first argument).
enum class X87Op : uint8_t {
  kInit,      // FNINIT
  kClex,      // FNCLEX
  kLdcw,      // FLDCW: b = the new control word
  kLdConst,   // FLD1.. FLDZ: index = constant (X87Const)
  kLoad,      // FLD: source per kSrc*
  kStore,     // FST/FSTP ST(i): index = i
  kStoreMem,  // FST/FIST/FISTP/FISTTP to memory: prepares scratch; kCommit applies the state
  kCommit,    // applies the status/tag words staged by kStoreMem
  kXch,       // FXCH ST(i)
  kChs,
  kAbs,
  kIncStp,
  kDecStp,
  kFree,     // FFREE ST(i) (FFREEP with kPop)
  kArith,    // FADD..FDIVR: sub-op in kArith* bits
  kUnary,    // FSQRT FRNDINT FSCALE FXTRACT FPREM FPREM1: sub-op = X87Unary
  kCompare,  // FCOM/FUCOM/FICOM(P)(P), FTST (kSrcZero)
  kComi,     // FCOMI/FUCOMI(P): returns ZF/PF/CF | 0x100 when EFLAGS are to be written
  kXam,
  kFcmov,     // b = condition: ST(0) = ST(i) when true
  kStEnv,     // FNSTENV image into scratch: index bit 0 = 16-bit format, bit 1 = real mode
  kLdEnv,     // FLDENV from the image in scratch (same index bits)
  kTrans,     // transcendentals: sub-op = x87::Transcendental
  kSaveReg,   // FNSAVE: ST(index) into scratch[32..41]
  kFerr,      // CR0.NE clear, waiting instruction: returns 1 if an exception is pending (ES)
  kRstorReg,  // FRSTOR: ST(index) of the new TOP = b, exponent in scratch[32 + 2 * index]
};

/// Field layout of the first helper argument.
inline constexpr uint32_t kIndexShift = 8;      // bits 10:8: ST(i) or constant/sub-op index
inline constexpr uint32_t kPop = 1u << 11;      // pop once after the operation
inline constexpr uint32_t kPop2 = 1u << 12;     // pop twice (FCOMPP/FUCOMPP)
inline constexpr uint32_t kToSti = 1u << 13;    // destination ST(i) (else ST(0))
inline constexpr uint32_t kQuiet = 1u << 14;    // FUCOM*: only SNaN raises IE
inline constexpr uint32_t kReverse = 1u << 15;  // FSUBR/FDIVR: operands swapped
inline constexpr uint32_t kSrcShift = 16;       // bits 19:16: source kind
inline constexpr uint32_t kSubShift = 20;       // bits 23:20: arithmetic / memory-store kind

/// Source operand kinds.
enum class X87Src : uint8_t { kSti, kF32, kF64, kF80, kInt, kZero, kBcd };
/// Arithmetic operations.
enum class X87Arith : uint8_t { kAdd, kMul, kSub, kDiv };
/// Memory store kinds.
enum class X87Dst : uint8_t { kF32, kF64, kF80, kI16, kI32, kI64, kT16, kT32, kT64, kBcd };
/// One-operand (ST(0), maybe ST(1)) operations.
enum class X87Unary : uint8_t { kSqrt, kRndint, kScale, kXtract, kPrem, kPrem1 };

/// Runs one operation on `s`; see X87Op for the arguments and result.
uint64_t RunX87(CpuState& s, uint64_t a, uint64_t b);

/// FNINIT (SDM Vol. 2 FINIT): FCW 037Fh, FSW 0, all tags empty, pointers and FOP cleared;
/// the registers keep their contents.
void InitX87Control(FpuState& f);
/// FXSAVE's abridged tag byte (SDM Vol. 1 10.5.1.1): bit r is 0 for an empty R(r).
uint8_t AbridgedTags(const FpuState& f);
/// FXRSTOR/XRSTOR: full tags from the abridged byte and the registers' contents, and ES/B
/// recomputed from the status and control words just loaded.
void RestoreAbridgedTags(FpuState& f, uint8_t abridged);

}  // namespace vireo::x86
