// The oracle of the x87 tests: runs one instruction on the host x87 FPU (x86-64 only; the
// golden vectors were recorded on an AMD EPYC) from a freshly initialized FPU (FNINIT, FLDCW,
// operand loads, FNCLEX) and returns the result and the status word right after it.
#pragma once

#include <cstdint>

#include "cpu/x87/x87.h"

namespace vireo::x87::test {

/// True when the host has an x87 FPU to compare with.
#if defined(__x86_64__)
inline constexpr bool kHostX87 = true;
#else
inline constexpr bool kHostX87 = false;
#endif

/// Two-operand stack operations (ST(0) = a, ST(1) = b).
enum class HostOp {
  kAdd,
  kSub,
  kMul,
  kDiv,
  kSqrt,
  kRndint,
  kScale,
  kPrem,
  kPrem1,
  kXtract,
};
struct HostResult {
  F80 value;
  F80 value2;  // ST(1) after the operation (FXTRACT: the exponent)
  uint16_t status;
};
/// Runs `op` with ST(0) = a, ST(1) = b under control word `control`.
HostResult HostStackOp(HostOp op, F80 a, F80 b, uint16_t control);
/// As HostStackOp for add/sub/mul/div/sqrt/scale/prem/prem1, but safe with unmasked exceptions: the
/// result is read with FNSAVE (non-waiting) so the pending #MF is never delivered.
HostResult HostStackOpNoWait(HostOp op, F80 a, F80 b, uint16_t control);
/// FCOM/FUCOM ST(1) (status word) and FCOMI/FUCOMI (EFLAGS from LAHF in bits 15:8 of flags).
void HostCompare(F80 a, F80 b, bool quiet, uint16_t control, uint16_t* status, uint16_t* flags,
                 uint16_t* comi_status);
/// FIST m16/m32/m64 (truncate=false) or FISTTP (truncate=true).
int64_t HostToInt(F80 a, int bits, bool truncate, uint16_t control, uint16_t* status);
/// FST m32fp / m64fp.
uint32_t HostToFloat32(F80 a, uint16_t control, uint16_t* status);
uint64_t HostToFloat64(F80 a, uint16_t control, uint16_t* status);
/// FLD m32fp / m64fp.
F80 HostFromFloat32(uint32_t v, uint16_t control, uint16_t* status);
F80 HostFromFloat64(uint64_t v, uint16_t control, uint16_t* status);
/// FLD m80fp then FSTP m80fp: the value as loaded and the status word after the load.
F80 HostLoad80(F80 a, uint16_t control, uint16_t* status);
/// FXAM and FTST status words.
uint16_t HostExamine(F80 a);
uint16_t HostTest(F80 a, uint16_t control);
/// FBSTP / FBLD.
void HostToBcd(F80 a, uint16_t control, uint8_t out[10], uint16_t* status);
F80 HostFromBcd(const uint8_t in[10]);

}  // namespace vireo::x87::test
