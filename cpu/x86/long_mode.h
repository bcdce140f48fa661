#pragma once
// Puts a vCPU straight into 64-bit long mode with identity-mapped memory, the state the Linux
// 64-bit boot protocol requires at its entry point (Documentation/arch/x86/boot.rst, "64-bit
// BOOT PROTOCOL") and a convenient one for tests and benchmarks.

#include <cstdint>

#include "cpu/x86/cpu.h"

namespace vireo::x86 {

/// Writes 4-level page tables at guest-physical `tables` (needs 3 pages: PML4, PDPT, one PD per
/// GiB after that, so 2 + ceil(bytes / 1 GiB) pages) that identity-map [0, bytes) with 2 MiB
/// pages (present, writable, supervisor), and loads CR0/CR3/CR4/EFER and flat 64-bit CS/DS/ES/
/// SS (selectors 0x10 and 0x18, as the boot protocol's __BOOT_CS/__BOOT_DS) at CPL 0.
/// Returns the number of bytes of page tables written.
uint64_t EnterFlatLongMode(Cpu& cpu, uint64_t tables, uint64_t bytes);

}  // namespace vireo::x86
