// Software x87 arithmetic: 80-bit double extended precision computed bit-exactly as the x87 FPU
// does (SDM Vol. 1 ch. 4 "Data Types" and ch. 8 "Programming with the x87 FPU"; IEEE 754-1985),
// with no dependence on the host's floating point so it runs on any host.
//
// Every operation takes the guest's control word (precision control PC bits 9:8, rounding
// control RC bits 11:10, exception masks bits 5:0) and accumulates the exception flags
// (IE DE ZE OE UE PE, bits 0..5) into Env::status. Operations that round set C1 (bit 9) to 1 when
// the result was rounded up in magnitude and clear it otherwise (SDM Vol. 1 8.1.3.3). The
// results are the MASKED responses (SDM Vol. 1 4.9.1), except that unmasked overflow/underflow
// of the register-destination arithmetic (FADD FSUB FMUL FDIV FSQRT FSCALE) deliver the x87's
// exponent-wrapped result (bias adjusted by 24576). For unmasked IE/ZE/DE the x87 leaves the
// destination unchanged: the caller checks (status & ~control & 0x3F), discards the result and
// raises #MF. Stack faults (IE with SF) and the ES/B summary bits are the caller's business.
#pragma once

#include <cstdint>

namespace vireo::x87 {

/// An 80-bit double extended-precision value: 64-bit significand with explicit integer bit
/// (bit 63) and sign:15-bit biased exponent (SDM Vol. 1 4.2.2, Figure 4-3).
struct F80 {
  uint64_t significand;
  uint16_t sign_exponent;
  friend bool operator==(const F80&, const F80&) = default;
};

/// The control word (in) and status word (in/out) an operation works under.
struct Env {
  uint16_t control = 0x037F;
  uint16_t status = 0;
};

/// Status word bits (SDM Vol. 1 8.1.3, Figure 8-4).
inline constexpr uint16_t kIe = 0x0001, kDe = 0x0002, kZe = 0x0004, kOe = 0x0008, kUe = 0x0010,
                          kPe = 0x0020, kSf = 0x0040, kEs = 0x0080, kC0 = 0x0100, kC1 = 0x0200,
                          kC2 = 0x0400, kC3 = 0x4000;
/// The exception flags IE..PE.
inline constexpr uint16_t kExceptionFlags = 0x003F;

/// The QNaN floating-point indefinite, the masked response to invalid operations
/// (SDM Vol. 1 4.8.3.7, Table 4-3).
inline constexpr F80 kIndefinite{0xC000000000000000ull, 0xFFFF};

/// The class of an 80-bit encoding (SDM Vol. 1 8.2.2, Table 8-3 and Table 4-3).
enum class Kind : uint8_t {
  kZero,
  kDenormal,        // exponent 0, integer bit 0, fraction != 0
  kPseudoDenormal,  // exponent 0, integer bit 1: supported as an operand, treated as exponent 1
  kNormal,
  kInfinity,
  kQNaN,
  kSNaN,
  kUnsupported,  // pseudo-NaN, pseudo-infinity, unnormal: invalid operand on the 387 and later
};

/// Classifies an encoding.
Kind Classify(F80 v);
/// FXAM's C3 C2 C1 C0 condition code for `v` (SDM Vol. 2 FXAM), as status word bits.
uint16_t Examine(F80 v, bool empty);

/// FADD: a + b (SDM Vol. 2 FADD).
F80 Add(F80 a, F80 b, Env& env);
/// FSUB: a - b (FSUBR is Sub(b, a)); NaN operands keep their sign.
F80 Sub(F80 a, F80 b, Env& env);
/// FMUL.
F80 Mul(F80 a, F80 b, Env& env);
/// FDIV: a / b.
F80 Div(F80 a, F80 b, Env& env);
/// FSQRT.
F80 Sqrt(F80 a, Env& env);
/// FRNDINT: rounds to an integral value under RC (precision control does not apply).
F80 RoundToInt(F80 a, Env& env);
/// FSCALE: a * 2^trunc(b).
F80 Scale(F80 a, F80 b, Env& env);
/// FXTRACT: splits `a` into exponent (returned in *exponent, to go to ST(1)) and significand.
F80 Extract(F80 a, F80* exponent, Env& env);

/// The outcome of a partial remainder: the new ST(0) and the condition bits C0 C1 C2 C3
/// (C2 = incomplete reduction; C0 C3 C1 = quotient bits 2 1 0) already written into env.status.
/// FPREM (truncating quotient, `ieee` false) and FPREM1 (nearest quotient, `ieee` true).
F80 PartialRemainder(F80 a, F80 b, bool ieee, Env& env);

/// The result of FCOM/FUCOM/FCOMI/FUCOMI (SDM Vol. 2 FCOM, FUCOM, FCOMI).
enum class Order : uint8_t { kGreater, kLess, kEqual, kUnordered };
/// Compares a with b. `quiet` (FUCOM*) raises IE only for SNaN/unsupported operands; the ordered
/// form (FCOM*) raises it for any NaN. Sets C3 C2 C0 (and clears C1) in env.status; for
/// FCOMI/FUCOMI the caller keeps its old C0 C2 C3 and puts ComiFlags(order) into EFLAGS.
Order Compare(F80 a, F80 b, bool quiet, Env& env);
/// The EFLAGS ZF/PF/CF bits (0x40/0x04/0x01) FCOMI/FUCOMI set for `order`.
uint32_t ComiFlags(Order order);
/// FTST: compares a with +0.0 (ordered).
Order Test(F80 a, Env& env);

// FLD m80fp and FSTP m80fp copy the 80 bits unchanged and raise no exception (not even for
// SNaN or unsupported encodings; checked against the host), so they need no function here.

/// FILD: exact.
F80 FromInt64(int64_t v);
/// FIST/FISTP (truncate=false: round under RC) and FISTTP (truncate=true) to a `bits`-bit
/// integer (16, 32, 64). Out of range, NaN, infinity, unsupported: IE and the integer
/// indefinite (the most negative integer), returned sign-extended.
int64_t ToInt(F80 a, int bits, bool truncate, Env& env);

/// FLD m32fp: exact; SNaN raises IE and is quieted, denormals raise DE.
F80 FromFloat32(uint32_t bits, Env& env);
/// FLD m64fp.
F80 FromFloat64(uint64_t bits, Env& env);
/// FST m32fp: rounds to single precision under RC (SDM Vol. 2 FST). A denormal source raises
/// no DE (as the host does). Masked responses only: with OE/UE unmasked the x87 stores nothing
/// to memory, which the caller handles.
uint32_t ToFloat32(F80 a, Env& env);
/// FST m64fp.
uint64_t ToFloat64(F80 a, Env& env);

/// FBLD: the 18-digit packed BCD in bytes[0..9] (byte 9 bit 7 = sign). Invalid digits give an
/// undefined result on hardware; this returns the value of the digits taken as base-10 nibbles.
F80 FromBcd(const uint8_t bytes[10]);
/// FBSTP: rounds under RC to an integer; |value| >= 10^18, NaN, infinity: IE and the packed BCD
/// indefinite (FFFF C000 0000 0000 0000).
void ToBcd(F80 a, uint8_t bytes[10], Env& env);

}  // namespace vireo::x87
