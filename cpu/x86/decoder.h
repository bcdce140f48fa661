#pragma once
// x86 instruction decoder (SDM Vol. 2A ch. 2, Vol. 2D Appendix A): legacy prefixes, REX, VEX
// (BMI1/BMI2 decode; other VEX, EVEX and XOP report #UD), one-byte/0F/0F38/0F3A maps, x87,
// MMX, SSE..SSE4.2, AES, SHA, system instructions. Table-driven and allocation-free.

#include <cstdint>
#include <span>
#include <string>

#include "cpu/x86/decoded_inst.h"

namespace vireo::x86 {

/// Longest legal instruction; a longer one raises #GP(0) (SDM Vol. 2A 2.3.11).
inline constexpr int kMaxInstructionLength = 15;

/// Decodes the instruction at the start of `bytes` in code of size `mode` into `out`.
/// kTruncated: `bytes` ended first (fetch the next page and retry); kUndefined: #UD;
/// kTooLong: more than 15 bytes, #GP(0). `out` is fully written only for kOk.
DecodeStatus Decode(std::span<const uint8_t> bytes, CodeSize mode, DecodedInst& out);

/// Printed (lowercase) name of a mnemonic, e.g. "movsd" for both kMOVSD and kMOVSD_SSE.
const char* MnemonicName(Mnemonic mnemonic);

/// Intel-syntax name of GPR `reg` (0-15, or kRegAH.. for AH-BH) at `size` bytes ("?" if none).
const char* GprName(uint8_t reg, int size);
/// Name of segment register `seg` in encoding order ("es".."gs", "?" otherwise).
const char* SegmentName(uint8_t seg);

/// Intel-syntax text of a decoded instruction, lowercase and close to Capstone's output.
/// `address` is the instruction's address, used to print branch targets.
std::string Format(const DecodedInst& inst, uint64_t address = 0);

}  // namespace vireo::x86
