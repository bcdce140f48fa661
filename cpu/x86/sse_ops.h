#pragma once
// Lane-wise MMX/SSE integer operations run by the vector helper (HelperId::kVector). The
// translator (translate_sse.cpp) loads any memory source into FpuState::scratch first, so the
// helper only reads registers and scratch and cannot fault.

#include <cstdint>

#include "cpu/x86/cpu_state.h"

namespace vireo::x86 {

/// Operations of the vector helper (HelperId::kVector). Each computes dst = op(dst, src) on
/// 8-byte (MMX) or 16-byte (XMM) operands, unless noted.
enum class VecOp : uint8_t {
  kPaddB,
  kPaddW,
  kPaddD,
  kPaddQ,
  kPsubB,
  kPsubW,
  kPsubD,
  kPsubQ,
  kPaddSB,
  kPaddSW,
  kPaddUSB,
  kPaddUSW,
  kPsubSB,
  kPsubSW,
  kPsubUSB,
  kPsubUSW,
  kPcmpeqB,
  kPcmpeqW,
  kPcmpeqD,
  kPcmpgtB,
  kPcmpgtW,
  kPcmpgtD,
  kPminUB,
  kPmaxUB,
  kPminSW,
  kPmaxSW,
  kPavgB,
  kPavgW,
  kPmullW,
  kPmulhW,
  kPmulhUW,
  kPmulUDQ,
  kPmaddWD,
  kPsadBW,
  // Shifts: the count is src's low 64 bits (by-register forms) or imm8 (by-immediate forms:
  // src is kVecImm).
  kPsllW,
  kPsllD,
  kPsllQ,
  kPsrlW,
  kPsrlD,
  kPsrlQ,
  kPsraW,
  kPsraD,
  kPslldq,
  kPsrldq,  // byte shifts of dst by imm8
  kPunpcklBW,
  kPunpcklWD,
  kPunpcklDQ,
  kPunpcklQDQ,
  kPunpckhBW,
  kPunpckhWD,
  kPunpckhDQ,
  kPunpckhQDQ,
  kPacksSWB,
  kPacksSDW,
  kPackUSWB,
  kPshufD,
  kPshufLW,
  kPshufHW,
  kPshufW,  // dst = shuffle(src, imm8); kPshufW is the MMX form
  kShufPS,
  kShufPD,    // low half from dst, high half from src (imm8)
  kPextrW,    // returns src word imm8 (no write)
  kPinsrW,    // dst word imm8 = helper argument b
  kPmovmskB,  // returns the byte sign bits of src (no write)
  kMovmskPS,  // returns the dword sign bits of src (no write)
  kMovmskPD,  // returns the qword sign bits of src (no write)
  kFloat,     // SSE floating point: the helper's b is a PackFloatOp argument (sse_float.h)
  kSse4,      // SSE3/SSSE3/SSE4 integer operations: see PackSse4Op (sse4_ops.h)
  kCount,
};

/// Operand codes in the packed helper argument: XMM0-15, MM0-7, or the scratch area.
inline constexpr unsigned kVecMmx = 16;      ///< + n: MMn (FpuState::st[n].significand)
inline constexpr unsigned kVecScratch = 32;  ///< FpuState::scratch
inline constexpr unsigned kVecImm = 0xFF;    ///< no source: a shift count in imm8

/// Packs the helper's first argument. `wide` selects 16-byte (XMM) operands.
constexpr uint64_t PackVecOp(VecOp op, unsigned dst, unsigned src, uint8_t imm, bool wide) {
  return static_cast<uint64_t>(op) | (uint64_t{dst} << 8) | (uint64_t{src} << 16) |
         (uint64_t{imm} << 24) | (uint64_t{wide} << 32);
}

/// Runs a packed operation on `s` (b: PINSRW's word). Returns the GPR result of the
/// PEXTRW/PMOVMSKB/MOVMSKPx forms, else 0.
uint64_t RunVecOp(CpuState& s, uint64_t packed, uint64_t b);

}  // namespace vireo::x86
