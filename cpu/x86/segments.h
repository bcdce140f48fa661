#pragma once
// Segment register loads (SDM Vol. 3A 3.4-3.5, 5.5-5.8; Vol. 2B MOV, POP, LDS/LES/LFS/LGS/LSS):
// descriptor fetch from the GDT or LDT, the privilege and type checks, the accessed bit, and
// the hidden part of the register. Far transfers and task switches build on the same pieces.

#include <cstdint>

#include "cpu/x86/cpu.h"

namespace vireo::x86 {

/// Reads the 8-byte descriptor for `selector` (GDT or LDT by its TI bit) with supervisor rights.
/// Returns false after raising #GP(selector) for a selector beyond the table, or #PF.
bool ReadDescriptor(Cpu& cpu, uint16_t selector, uint64_t* descriptor, uint64_t* address);

/// The second 8 bytes of a 16-byte system descriptor in IA-32e mode (call gates, LDT and TSS
/// descriptors; SDM Vol. 3A 5.8.6, 8.2.3, 9.2.3): all 16 bytes must lie within the table and
/// the upper half's type field must be zero, else #GP(selector). Returns false after a fault.
bool ReadUpperHalf(Cpu& cpu, uint16_t selector, uint64_t* upper);

/// The hidden part a descriptor describes (base, byte-granular limit, packed attributes).
SegmentCache CacheFromDescriptor(uint16_t selector, uint64_t descriptor);

/// Loads data/stack segment register `seg` (not CS) with `selector` as MOV/POP/Lxx do.
/// Returns false after raising the exception the SDM gives (#GP, #SS, #NP, #PF).
bool LoadDataSegment(Cpu& cpu, SegReg seg, uint16_t selector);

/// CallHelper entry: a = selector, b = segment register number; may fault.
uint64_t LoadSegmentHelper(jit::ExecEnv* env, uint64_t selector, uint64_t seg);

}  // namespace vireo::x86
