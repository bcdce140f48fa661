#pragma once
// Delivering exceptions and interrupts (SDM Vol. 3A chapter 6 "Interrupt and Exception
// Handling", 20.1.4 real mode, 6.14 64-bit mode), returning from them (IRET), and the far
// transfers that share their checks (far_transfer.cpp).

#include <cstdint>

#include "cpu/x86/cpu.h"

namespace vireo::x86 {

/// Where an event comes from; decides the DPL check, EXT bit and pushed RIP.
enum class EventSource : uint8_t {
  kException,  ///< a fault/trap raised by an instruction (EXT = 1 in error codes)
  kExternal,   ///< a hardware interrupt from the interrupt controller (EXT = 1)
  kSoftware,   ///< INT n / INT3 / INTO: gate DPL is checked against CPL, EXT = 0
  kIcebp,      ///< INT1 (F1): like a hardware event, no DPL check
};

/// Delivers `vector` with the current RIP as the return address (the caller has set RIP to the
/// faulting instruction for faults, or to the next instruction for traps and INT n). On a fault
/// during delivery, that fault is recorded in CpuState (exception_vector...) and false is
/// returned; the caller escalates (see DeliverEvent).
bool DeliverOnce(Cpu& cpu, uint8_t vector, bool has_error, uint32_t error, EventSource source);

/// Delivers an exception or interrupt with the SDM's escalation rules (Table 6-5): a fault while
/// delivering becomes #DF where the classes say so, and a fault while delivering #DF is a triple
/// fault. Returns false on a triple fault (the machine shuts down or resets).
bool DeliverEvent(Cpu& cpu, uint8_t vector, bool has_error, uint32_t error, EventSource source);

/// IRET/IRETD/IRETQ with operand size `bytes` (2, 4, 8). Returns false after raising a fault
/// (state unchanged, RIP at the IRET).
bool InterruptReturn(Cpu& cpu, unsigned bytes);

/// Far JMP/CALL to selector:offset with operand size `bytes` (SDM Vol. 2A JMP, CALL): real/V86
/// mode, and in protected mode to a code segment, through a call gate, or to a TSS or task gate
/// (a task switch). `return_ip` is the pushed (or TSS-saved) return address. Returns false
/// after raising a fault (state unchanged). In far_transfer.cpp.
bool FarJumpOrCall(Cpu& cpu, bool call, unsigned bytes, uint16_t selector, uint64_t offset,
                   uint64_t return_ip);

/// RETF with operand size `bytes`, releasing `extra` bytes of parameters (SDM Vol. 2B RET).
bool FarReturn(Cpu& cpu, unsigned bytes, uint64_t extra);

/// CallHelper entries: a = call << 16 | bytes << 8 | ... see translate_system_flow.cpp.
uint64_t FarTransferHelper(jit::ExecEnv* env, uint64_t a, uint64_t b);

/// CallHelper entry for INT n / INT3 / INTO / INT1: a = vector | source << 8, b = whether to
/// interrupt (INTO: OF); RIP holds the address of the next instruction.
uint64_t SoftwareInterruptHelper(jit::ExecEnv* env, uint64_t a, uint64_t b);

/// CallHelper entry for IRET: a = operand bytes.
uint64_t InterruptReturnHelper(jit::ExecEnv* env, uint64_t bytes, uint64_t b);

}  // namespace vireo::x86
