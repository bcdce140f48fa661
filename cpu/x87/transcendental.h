// x87 transcendental instructions (SDM Vol. 2 FSIN, FCOS, FSINCOS, FPTAN, FPATAN, F2XM1, FYL2X,
// FYL2XP1). On x86-64 hosts they run on the host's x87 (host_x87.cpp), so they are bit-exact
// there; elsewhere a portable software approximation is used (correctly rounded from the host's
// long double, NOT bit-exact with the x87's own approximations). Bit-exact software versions are
// still to be written.
#pragma once

#include "cpu/x87/x87.h"

namespace vireo::x87 {

/// The transcendental operations.
enum class Transcendental : uint8_t {
  kSin,
  kCos,
  kSinCos,
  kTan,
  kAtan,
  kExp2M1,
  kYLog2X,
  kYLog2XP1
};

/// The results of one transcendental instruction. For kSin/kCos/kTan with |ST(0)| >= 2^63 the
/// x87 sets C2 and leaves ST(0) unchanged (result0 = the operand, `pushed` false).
struct TranscendentalResult {
  F80 result0;  // the new ST(0) (FSINCOS: the cosine; FPTAN: 1.0), or the popped-to result
  F80 result1;  // FSINCOS: the sine (new ST(1)); FPTAN: the tangent (new ST(1))
  bool pushed;  // FSINCOS/FPTAN pushed (C2 clear)
};

/// Runs one transcendental. st0/st1 are ST(0)/ST(1) before the instruction. FPATAN, FYL2X and
/// FYL2XP1 compute from ST(1) and ST(0) and pop: result0 is the new ST(0). Sets the flags,
/// C1 (rounded up) and C2 (out of range) in env.status.
TranscendentalResult Compute(Transcendental op, F80 st0, F80 st1, Env& env);

/// True when Compute is bit-exact with the x87 (the host backend is in use).
bool TranscendentalsExact();

namespace detail {
/// The portable software path (also used by the tests on x86-64 hosts).
TranscendentalResult SoftwareTranscendental(Transcendental op, F80 st0, F80 st1, Env& env);
#if defined(__x86_64__)
/// The x86-64 host backend (host_x87.cpp).
TranscendentalResult HostTranscendental(Transcendental op, F80 st0, F80 st1, Env& env);
#endif
}  // namespace detail

}  // namespace vireo::x87
