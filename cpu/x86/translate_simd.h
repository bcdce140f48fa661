#pragma once
// Pieces shared by the MMX/SSE translators (translate_sse.cpp, translate_sse4.cpp): the
// availability checks, the MMX state switch, and the operand codes of the vector helper.

#include "cpu/x86/translate_families.h"

namespace vireo::x86 {

/// #GP(0) as an IR Trap code.
inline constexpr uint64_t kSimdGp0 = 13 | 0x100;

bool HasKind(const DecodedInst& d, OperandKind k);
inline bool HasMmx(const DecodedInst& d) { return HasKind(d, OperandKind::kMmx); }

/// The static #UD/#NM checks (SDM Vol. 3A 2.5 and 13.1; Vol. 2A 2.5 exception classes): SSE
/// instructions raise #UD when CR0.EM is set or CR4.OSFXSR is clear, #NM when CR0.TS is set;
/// MMX instructions (no XMM operand; `mmx_only` for EMMS) raise #UD when CR0.EM is set and #NM
/// when CR0.TS is set. Returns false (after raising) when the instruction cannot run.
bool SimdUsable(TranslatorContext& c, bool mmx_only = false);

/// Every MMX instruction but EMMS sets TOP to 0 and all tags to valid (SDM Vol. 1 9.5.1,
/// Table 9-3). Emitted after the instruction's loads and stores.
void EnterMmx(TranslatorContext& c);

/// The aligned forms fault on a 16-byte operand that is not 16-byte aligned (SDM Vol. 1
/// 11.6.7; #GP(0) in each instruction's exception table); FXSAVE/XSAVE images need 16 and 64.
void CheckAligned(TranslatorContext& c, ir::Value linear, unsigned align = 16);

/// The vector helper's operand code for register operand `op` (XMM n or MM n).
unsigned RegCode(const Operand& op);

/// Operand code of source operand `i`: a register, or the scratch area after loading memory
/// into it by IR (`aligned`: a 16-byte operand must be 16-byte aligned).
unsigned SourceCode(TranslatorContext& c, unsigned i, bool aligned);

/// The instruction's imm8 (0 when it has none).
uint8_t Imm8(const DecodedInst& d);

}  // namespace vireo::x86
