#pragma once
// SSE/SSE2 floating-point arithmetic in portable C++ (SDM Vol. 1 chapters 4.8-4.9, 10.2.3,
// 11.5; Vol. 2 instruction pages). IEEE rounding and the overflow/underflow/inexact/divide/
// invalid flags come from the host's <fenv.h> under MXCSR.RC; DAZ, FTZ, the denormal flag,
// the x86 NaN rules (Vol. 1 Table 4-7) and MIN/MAX's operand rules are done here. Memory
// sources are staged in FpuState::scratch by the translator, so nothing here can fault except
// an unmasked SIMD floating-point exception.

#include <cstdint>

#include "cpu/x86/cpu_state.h"

namespace vireo::x86 {

/// Floating-point operations (low 8 bits of the packed argument).
enum class FloatOp : uint8_t {
  kAdd,
  kSub,
  kMul,
  kDiv,
  kSqrt,
  kMin,
  kMax,
  kCmp,    // CMPccPS/SS/PD/SD: predicate in imm8 bits 2:0
  kComi,   // COMISS/COMISD: returns the RFLAGS arithmetic bits
  kUcomi,  // UCOMISS/UCOMISD
  // Conversions (imm8 bit 0: 64-bit integer; bit 1: truncate instead of MXCSR.RC; bit 2:
  // an MMX form, two lanes).
  kCvtI2F,   // CVTSI2SS/SD: the integer is in the source (scratch)
  kCvtF2I,   // CVT(T)SS2SI/SD2SI: returns the integer
  kCvtF2F,   // CVTSS2SD/CVTSD2SS/CVTPS2PD/CVTPD2PS: `dbl` is the source format
  kCvtDq2F,  // CVTDQ2PS/CVTDQ2PD: `dbl` is the destination format
  kCvtF2Dq,  // CVT(T)PS2DQ/CVT(T)PD2DQ: `dbl` is the source format
  // SSE3/SSE4.1 (the lane arithmetic of kAdd/kSub/kMul on rearranged operands).
  kAddSub,  // ADDSUBPS/PD: even lanes subtract, odd lanes add
  kHadd,    // HADDPS/PD: sums of adjacent lanes of dst, then of src
  kHsub,    // HSUBPS/PD
  kRound,   // ROUNDPS/PD/SS/SD: imm8 rounding control
  kDp,      // DPPS/DPPD: imm8 product and result masks
  kCount,
};

/// Packs the float helper's first argument. dst/src are vector operand codes (sse_ops.h).
constexpr uint64_t PackFloatOp(FloatOp op, unsigned dst, unsigned src, uint8_t imm, bool dbl,
                               bool scalar) {
  return static_cast<uint64_t>(op) | (uint64_t{dst} << 8) | (uint64_t{src} << 16) |
         (uint64_t{imm} << 24) | (uint64_t{dbl} << 32) | (uint64_t{scalar} << 33);
}

/// Result of RunFloatOp.
struct FloatResult {
  uint64_t value = 0;  ///< RFLAGS bits for COMIS/UCOMIS
  bool fault = false;  ///< an unmasked exception: raise #XM (or #UD if CR4.OSXMMEXCPT=0)
};

/// Runs a packed float operation on `s`, updating MXCSR's flags and (unless it faults) the
/// destination register.
FloatResult RunFloatOp(CpuState& s, uint64_t packed);

}  // namespace vireo::x86
