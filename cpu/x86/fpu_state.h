// FXSAVE/FXRSTOR and XSAVE/XRSTOR/XGETBV/XSETBV for the x87 and SSE state components: the work
// of FpuStateHelper on the image staged in FpuState::image (translate_fpu_state.cpp moves the
// memory in and out in IR, so faults stay precise).
#pragma once

#include <cstdint>

#include "cpu/x86/cpu_state.h"

namespace vireo::x86 {

/// Operation ids (bits 7:0 of the helper's first argument).
enum class FpuStateOp : uint8_t {
  kFxsave,   // builds the legacy image
  kFxrstor,  // applies it (#GP(0) on reserved MXCSR bits)
  kXsave,    // merges RFBM's components and XSTATE_BV into the staged old contents
  kXrstor,   // checks the header, then loads or initialises RFBM's components
  kXgetbv,   // returns XCR[ECX]
  kXsetbv,   // XCR[ECX] = EDX:EAX
};
inline constexpr uint32_t kFpuStateWide = 1u << 8;    // REX.W form: 64-bit FIP/FDP
inline constexpr uint32_t kFpuStateMode64 = 1u << 9;  // 64-bit mode: XMM0-15 (else XMM0-7)

/// XCR0 bits this vCPU supports: x87 and SSE (SDM Vol. 1 13.3).
inline constexpr uint64_t kXcr0Supported = 3;
/// Bytes of the legacy region the image holds: the x87 part and 8 or 16 XMM registers.
constexpr unsigned LegacyImageBytes(bool mode64) { return 160 + 16 * (mode64 ? 16 : 8); }
/// The XSAVE header (Vol. 1 13.4.2) at offset 512: XSTATE_BV, XCOMP_BV, 48 reserved bytes.
inline constexpr unsigned kXsaveHeader = 512, kXsaveHeaderBytes = 64;
/// Size of the XSAVE area for XCR0 = x87|SSE (CPUID.(EAX=0DH,ECX=0):EBX/ECX).
inline constexpr unsigned kXsaveAreaBytes = 576;

}  // namespace vireo::x86
