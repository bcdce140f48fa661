#pragma once
// Where the direct-boot loaders put their own data in guest RAM. Everything sits in conventional
// memory below the EBDA, out of the way of kernels (loaded from 1 MiB up) and of the initrd
// (placed high). The kernel copies what it needs (boot_params, the command line) early, so
// these addresses are only live until then.

#include <cstdint>

namespace vireo::loaders {

inline constexpr uint64_t kGdtAddr = 0x500;        ///< boot GDT: null, null, __BOOT_CS, __BOOT_DS
inline constexpr uint64_t kStackTop = 0x7000;      ///< RSP at entry; grows down below the zero page
inline constexpr uint64_t kBootInfoAddr = 0x7000;  ///< boot_params (zero page) or multiboot info
inline constexpr uint64_t kBootInfoSize = 0x1000;
inline constexpr uint64_t kPageTablesAddr = 0x9000;        ///< PML4, PDPT, 4 PDs (long mode entry)
inline constexpr uint64_t kIdentityMapBytes = 4ull << 30;  ///< all of the space below 4 GiB
inline constexpr uint64_t kCmdlineAddr = 0x20000;          ///< kernel command line (NUL-terminated)
inline constexpr uint64_t kCmdlineArea = 0x8000;           ///< bytes reserved for it, NUL included
inline constexpr uint64_t kModuleStringAddr = 0x28000;     ///< multiboot module string
inline constexpr uint64_t kModuleStringArea = 0x8000;
/// Kernel images must not reach below this (the loader's data above lives there).
inline constexpr uint64_t kBootDataEnd = 0x30000;

inline constexpr uint64_t kEbdaStart = 0x9FC00;      ///< end of conventional RAM in the e820 map
inline constexpr uint64_t kHighMemStart = 0x100000;  ///< 1 MiB: extended memory
inline constexpr uint64_t kPageSize = 0x1000;

}  // namespace vireo::loaders
