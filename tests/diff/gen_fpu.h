// Helpers shared by the x87 and FPU-state generators (gen_x87.cpp, gen_fpu_state.cpp).
#pragma once

#include <cstdint>

#include "tests/diff/gen_registry.h"

namespace vireo::diff {

/// A random 80-bit value biased to the encodings that matter: zeros, denormals, infinities,
/// QNaN/SNaN, unnormals, pseudo-denormals, exponent extremes, small integers.
void RandomF80(Rng& r, uint64_t* sig, uint16_t* se);

/// Emits MOV [base + at], 0 of `bytes` (2 or 4) bytes, addressing with the operand's own
/// registers: clears a host-specific field (an FIP/FDP pointer) before the data page is compared.
bool EmitClear(Gen& g, const MemOperand& base, int at, int bytes);

}  // namespace vireo::diff
