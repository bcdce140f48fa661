#pragma once
// The pieces every privileged control transfer shares (SDM Vol. 3A 5.8 call gates, 6.12
// interrupt delivery, 7.3 task switches; Vol. 2A CALL, IRET, JMP; Vol. 2B RET): linear accesses
// with explicit privilege, a stack that commits only when every push worked, RFLAGS with the
// lazy arithmetic flags folded in, and the descriptor checks for code and stack segments.

#include <cstdint>

#include "cpu/x86/cpu.h"

namespace vireo::x86 {

/// Linear-memory access of `n` bytes with the given privilege, page by page. Addresses wrap at
/// 4 GiB outside IA-32e mode (system structures in IA-32e mode use 64-bit bases). Implicit
/// accesses to descriptor tables and the TSS are supervisor accesses (SDM Vol. 3A 4.6).
/// False after a recorded #PF.
bool LinearAccess(Cpu& cpu, uint64_t linear, void* data, unsigned n, bool write, bool user);

/// Records `vector` with error code `error` and returns false (for `return Fault(...)`).
bool Fault(Cpu& cpu, uint8_t vector, uint32_t error);

/// Full RFLAGS with the lazy arithmetic flags folded in.
uint64_t MaterialisedRflags(const CpuState& s);

/// Stores RFLAGS with the arithmetic flags materialised (cc_op = kEflags).
void SetRflags(CpuState& s, uint64_t rflags);

/// 0xFFFF or 0xFFFFFFFF by SS.B, or all ones in 64-bit mode.
uint64_t StackMask(const CpuState& s, bool mode64);

/// Writes the new stack pointer at the stack's width, keeping the upper bits of a 16-bit SP.
void SetSp(CpuState& s, uint64_t sp, uint64_t mask);

/// A stack a transfer pushes to or pops from. Memory is written at once; the registers change
/// only when the caller commits `sp`, so a fault half-way leaves them untouched.
struct Stack {
  Cpu& cpu;
  uint64_t base;
  uint64_t sp;
  uint64_t mask;  ///< 0xFFFF, 0xFFFFFFFF or all ones (64-bit mode)
  bool user;
  bool wide;  ///< 64-bit linear addresses
  bool Push(uint64_t value, unsigned bytes);
  bool Pop(uint64_t* value, unsigned bytes);
  /// Reads the `bytes`-wide slot `index` slots above the top without popping.
  bool Peek(unsigned index, unsigned bytes, uint64_t* value);
};

/// The current stack (SS:rSP) at the current mode's width.
Stack CurrentStack(Cpu& cpu);

/// Loads a stack segment for privilege level `cpl` (SDM Vol. 3A 6.12.1): errors are #TS
/// (with `ext` as the EXT bit), an absent segment #SS.
bool LoadStackForLevel(Cpu& cpu, uint16_t ss, uint8_t cpl, uint32_t ext, SegmentCache* out);

/// A code segment a gate or far transfer targets; checks type and presence (SDM 6.12.1.1).
bool LoadCodeDescriptor(Cpu& cpu, uint16_t selector, uint32_t ext, SegmentCache* out);

/// The stack for an inter-privilege transfer to `new_cpl`, from the current (16- or 32-bit)
/// TSS's SSn:ESPn fields (SDM Vol. 3A 6.12.1, 7.2.1).
struct NewStack {
  uint64_t sp;
  SegmentCache ss;
};
bool StackFromTss(Cpu& cpu, uint8_t new_cpl, uint32_t ext, NewStack* out);

/// RSPn or ISTn from the 64-bit TSS (SDM Vol. 3A 8.7): `offset` is 4 + 8n or 0x24 + 8(n-1).
bool Read64BitTssStack(Cpu& cpu, uint32_t offset, uint32_t ext, uint64_t* rsp);

/// The code segment a return (IRET, RETF) goes to: RPL not below CPL, a present code segment,
/// DPL rules for conforming and non-conforming code (SDM Vol. 2A IRET, Vol. 2B RET).
bool LoadReturnCode(Cpu& cpu, uint16_t cs, uint8_t cpl, SegmentCache* code);

/// Pops SS:rSP for a return to an outer level (or any IRET in 64-bit mode) and checks SS for
/// the new privilege level; a null SS is allowed returning to 64-bit code below CPL 3.
bool PopReturnStack(Cpu& cpu, Stack& st, unsigned bytes, uint8_t rpl, bool to64,
                    SegmentCache* ss_out, uint64_t* sp_out);

/// After a return to an outer level, data segments that level may not use become null (SDM
/// Vol. 2A IRET, RETURN-TO-OUTER-PRIVILEGE-LEVEL).
void NullOuterDataSegments(CpuState& s, uint8_t new_cpl);

/// After a transfer that may have changed CPL from `old_cpl`: the soft TLB holds rights for
/// either user or supervisor accesses (SDM Vol. 3A 4.6), so it is flushed when that changes,
/// and only then (interrupts and IRETs within the kernel keep their translations).
void PrivilegeChanged(Cpu& cpu, uint32_t old_cpl);

/// Whether CS is a 64-bit code segment in IA-32e mode.
bool InMode64(const CpuState& s);

}  // namespace vireo::x86
