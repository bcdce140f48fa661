#pragma once
// SSE3/SSSE3/SSE4.1/SSE4.2 integer, shuffle and string operations run by the vector helper
// (HelperId::kVector, VecOp::kSse4). As for sse_ops.h, any memory source has been loaded into
// FpuState::scratch by the translator (translate_sse4.cpp), so nothing here can fault. The
// floating-point ones (HADDPS, ROUNDPS, DPPS, ...) are FloatOps of sse_float.h.

#include <cstdint>

#include "cpu/x86/cpu_state.h"
#include "cpu/x86/sse_ops.h"

namespace vireo::x86 {

/// Sub-operations of VecOp::kSse4. Each computes dst = op(dst, src[, imm8]) on 8-byte (MMX)
/// or 16-byte (XMM) operands unless noted.
enum class Sse4Op : uint8_t {
  // SSE3 moves that duplicate lanes of the source.
  kMovsldup,
  kMovshdup,
  kMovddup,
  // SSSE3 (MMX and XMM forms).
  kPshufb,
  kPhaddW,
  kPhaddD,
  kPhaddSW,
  kPhsubW,
  kPhsubD,
  kPhsubSW,
  kPmaddUbsW,
  kPmulhrsW,
  kPsignB,
  kPsignW,
  kPsignD,
  kPabsB,
  kPabsW,
  kPabsD,
  kPalignr,
  // SSE4.1.
  kPblendvB,  // mask: XMM0
  kBlendvPS,
  kBlendvPD,
  kBlendPS,
  kBlendPD,
  kPblendW,
  kPtest,  // returns ZF/CF as RFLAGS bits (no write)
  kPmovx,  // imm8: log2 source lane bytes | log2 destination lane bytes << 2 | signed << 4
  kPmulDQ,
  kPmullD,
  kPcmpeqQ,
  kPackUSDW,
  kPminSB,
  kPminSD,
  kPminUW,
  kPminUD,
  kPmaxSB,
  kPmaxSD,
  kPmaxUW,
  kPmaxUD,
  kPhminposUW,
  kInsertPS,
  kExtract,  // returns src lane imm8 of (1 << aux) bytes (PEXTRB/W/D/Q, EXTRACTPS; no write)
  kInsert,   // dst lane imm8 of (1 << aux) bytes = helper b (PINSRB/D/Q)
  kMpsadBW,
  // SSE4.2.
  kPcmpgtQ,
  kPcmpStr,  // PCMPxSTRx: returns index | RFLAGS << 32; the M forms write XMM0
  kCrc32,    // returns CRC32C of src's low (1 << aux) bytes, starting from helper b
  kCount,
};

/// Packs the helper's first argument for a VecOp::kSse4 operation; `aux` is a lane size or the
/// PCMPxSTRx variant bits below.
constexpr uint64_t PackSse4Op(Sse4Op op, unsigned dst, unsigned src, uint8_t imm, bool wide,
                              uint8_t aux = 0) {
  return PackVecOp(VecOp::kSse4, dst, src, imm, wide) | (uint64_t{static_cast<uint8_t>(op)} << 40) |
         (uint64_t{aux} << 48);
}

/// PCMPxSTRx variant bits (PackSse4Op's aux). The PCMPESTRx lengths are helper b (rAX) and
/// scratch bytes 16-23 (rDX), both sign-extended to 64 bits.
inline constexpr unsigned kStrExplicit = 1;  ///< PCMPESTRx: lengths from rAX/rDX
inline constexpr unsigned kStrMask = 2;      ///< PCMPxSTRM: result to XMM0 (else index to ECX)

/// Runs a VecOp::kSse4 operation. Returns a GPR result (PEXTRx, CRC32), RFLAGS bits (PTEST),
/// PCMPxSTRx's result, else 0.
uint64_t RunSse4Op(CpuState& s, uint64_t packed, uint64_t b);

}  // namespace vireo::x86
