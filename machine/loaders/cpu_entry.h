#pragma once
// The CPU state each boot protocol promises its kernel at the entry point, plus the small GDT in
// guest memory that backs the segment registers (the kernel may reload them from it).

#include <cstdint>

#include "cpu/x86/cpu.h"

namespace vireo::loaders {

/// Boot GDT selectors (boot.rst: __BOOT_CS and __BOOT_DS).
inline constexpr uint16_t kBootCsSelector = 0x10;
inline constexpr uint16_t kBootDsSelector = 0x18;
/// Flat descriptors (SDM Vol. 3A 3.4.5): base 0, limit 4 GiB (G=1), present, DPL 0, accessed.
inline constexpr uint64_t kBootCs64 = 0x00AF'9B00'0000'FFFF;  ///< execute/read, L=1
inline constexpr uint64_t kBootCs32 = 0x00CF'9B00'0000'FFFF;  ///< execute/read, D=1
inline constexpr uint64_t kBootDs = 0x00CF'9300'0000'FFFF;    ///< read/write, B=1
/// GDTR limit of the boot GDT (four 8-byte entries).
inline constexpr uint32_t kBootGdtLimit = 4 * 8 - 1;
/// Multiboot spec 3.2: EAX at entry.
inline constexpr uint32_t kMultibootBootloaderMagic = 0x2BADB002;

/// The hidden part a descriptor load would give `selector` (base, byte limit, attrs = bits
/// 40-55 of the descriptor with the limit's high nibble cleared, as SegmentCache packs them).
x86::SegmentCache DescriptorCache(uint64_t descriptor, uint16_t selector);

/// Linux 64-bit boot protocol (boot.rst "64-bit BOOT PROTOCOL"): long mode, paging with [0,
/// 4 GiB) identity-mapped by tables at kPageTablesAddr, CS=__BOOT_CS (64-bit), DS/ES/SS/FS/GS
/// =__BOOT_DS, IF=0, RSI=`boot_params`, RSP=kStackTop, RIP=`rip`, other GPRs 0.
void EnterLinux64(x86::Cpu& cpu, uint64_t rip, uint64_t boot_params);
/// Linux 32-bit boot protocol (boot.rst "32-bit BOOT PROTOCOL"): protected mode, paging off,
/// flat __BOOT_CS/__BOOT_DS, IF=0, ESI=`boot_params`, EBP=EDI=EBX=0.
void EnterLinux32(x86::Cpu& cpu, uint32_t eip, uint32_t boot_params);
/// Multiboot spec 3.2 "Machine state": EAX=0x2BADB002, EBX=`info`, flat 32-bit CS and data
/// segments, CR0.PE=1 PG=0, A20 on, IF=0 and VM=0.
void EnterMultiboot(x86::Cpu& cpu, uint32_t eip, uint32_t info);

}  // namespace vireo::loaders
