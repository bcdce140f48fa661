#pragma once
// Model-specific registers (SDM Vol. 4, Vol. 3A 2.8.6 / 11.11 / 13.12) and the fast system
// calls configured by them: SYSCALL/SYSRET (IA32_STAR/LSTAR/FMASK) and SYSENTER/SYSEXIT
// (IA32_SYSENTER_CS/ESP/EIP), SDM Vol. 2B.

#include <cstdint>

#include "cpu/x86/cpu.h"

namespace vireo::x86 {

/// MSR numbers (SDM Vol. 4 Table 2-2).
enum MsrIndex : uint32_t {
  kMsrTsc = 0x10,
  kMsrApicBase = 0x1B,
  kMsrFeatureControl = 0x3A,
  kMsrBiosSignId = 0x8B,
  kMsrMtrrCap = 0xFE,
  kMsrSysenterCs = 0x174,
  kMsrSysenterEsp = 0x175,
  kMsrSysenterEip = 0x176,
  kMsrMiscEnable = 0x1A0,
  kMsrMtrrPhysBase0 = 0x200,
  kMsrMtrrFix64k = 0x250,
  kMsrMtrrFix16k80000 = 0x258,
  kMsrMtrrFix16kA0000 = 0x259,
  kMsrMtrrFix4kC0000 = 0x268,
  kMsrPat = 0x277,
  kMsrMtrrDefType = 0x2FF,
  kMsrEfer = 0xC0000080,
  kMsrStar = 0xC0000081,
  kMsrLstar = 0xC0000082,
  kMsrCstar = 0xC0000083,
  kMsrFmask = 0xC0000084,
  kMsrFsBase = 0xC0000100,
  kMsrGsBase = 0xC0000101,
  kMsrKernelGsBase = 0xC0000102,
  kMsrTscAux = 0xC0000103,
};

/// EFER bits (SDM Vol. 3A 2.2.1, Table 2-1).
inline constexpr uint64_t kEferSce = 1, kEferLme = 1 << 8, kEferLma = 1 << 10, kEferNxe = 1 << 11;

/// Reads MSR `index`. Returns false when RDMSR must raise #GP(0) (no such MSR).
bool ReadMsr(Cpu& cpu, uint32_t index, uint64_t* value);
/// Writes MSR `index`. Returns false when WRMSR must raise #GP(0): unknown or read-only MSR,
/// reserved bits set, invalid memory type, non-canonical address, locked register. Calls
/// cpu.StateChanged() when the write changes how addresses translate (EFER).
bool WriteMsr(Cpu& cpu, uint32_t index, uint64_t value);
/// Power-on values of the MSRs whose reset value is not zero (IA32_APIC_BASE, IA32_PAT,
/// IA32_MISC_ENABLE) and clears the stored ones. Cpu::Reset must call it.
void ResetMsrs(CpuState& s);
/// The guest's time-stamp counter: the RDTSC clock plus IA32_TSC's offset.
uint64_t GuestTsc(const CpuState& s);

/// The fast system calls; each returns false after raising the exception the SDM gives, and
/// on success has set RIP, CS/SS, CPL and RFLAGS (the caller ends the block).
bool Syscall(Cpu& cpu, uint64_t next_rip);
bool Sysret(Cpu& cpu, unsigned operand_size);
bool Sysenter(Cpu& cpu);
bool Sysexit(Cpu& cpu, unsigned operand_size);

}  // namespace vireo::x86
