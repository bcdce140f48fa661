#pragma once
// Registration entry points of the instruction families (one translate_*.cpp each).

#include "cpu/x86/translator.h"

namespace vireo::x86 {

/// Mnemonic -> handler table being filled.
class HandlerTable {
 public:
  void Add(Mnemonic m, TranslateFn fn) { fns_[static_cast<size_t>(m)] = fn; }
  TranslateFn Get(Mnemonic m) const { return fns_[static_cast<size_t>(m)]; }

 private:
  TranslateFn fns_[static_cast<size_t>(Mnemonic::kCount)] = {};
};

void RegisterAlu(HandlerTable& t);         // translate_alu.cpp
void RegisterMove(HandlerTable& t);        // translate_move.cpp
void RegisterBranch(HandlerTable& t);      // translate_branch.cpp
void RegisterMisc(HandlerTable& t);        // translate_misc.cpp
void RegisterShift(HandlerTable& t);       // translate_shift.cpp
void RegisterMulDiv(HandlerTable& t);      // translate_muldiv.cpp
void RegisterBits(HandlerTable& t);        // translate_bits.cpp
void RegisterString(HandlerTable& t);      // translate_string.cpp
void RegisterStack(HandlerTable& t);       // translate_stack.cpp
void RegisterAtomic(HandlerTable& t);      // translate_atomic.cpp
void RegisterX87(HandlerTable& t);         // translate_x87.cpp
void RegisterSse(HandlerTable& t);         // translate_sse.cpp
void RegisterSse4(HandlerTable& t);        // translate_sse4.cpp (SSE3, SSSE3, SSE4.1, SSE4.2)
void RegisterFpuState(HandlerTable& t);    // translate_fpu_state.cpp
void RegisterSystemFlow(HandlerTable& t);  // translate_system_flow.cpp
void RegisterSystem(HandlerTable& t);      // translate_system.cpp (after RegisterMove: wraps MOV)

/// The condition a Jcc/SETcc/CMOVcc mnemonic tests (its low opcode nibble, SDM Table B-1).
inline Cond ConditionOf(const DecodedInst& d) { return static_cast<Cond>(d.opcode & 0xF); }

}  // namespace vireo::x86
