#pragma once
// Linear -> physical translation (SDM Vol. 3A chapter 4): no paging, 32-bit paging (with PSE
// 4 MiB pages), PAE paging and 4-level paging (2 MiB / 1 GiB pages), with the access rights of
// every level combined, NX, WP, SMEP/SMAP, accessed/dirty updates and the exact #PF error code.

#include <cstdint>

#include "cpu/x86/cpu_state.h"
#include "machine/address_space.h"

namespace vireo::x86 {

/// What an access wants (SDM 4.6).
struct Access {
  bool write = false;
  bool fetch = false;
  bool user = false;  ///< a CPL-3 access (not an implicit supervisor access like a GDT read)
};

/// #PF error code bits (SDM Vol. 3A 4.7, Figure 4-12).
enum PfError : uint32_t {
  kPfPresent = 1,
  kPfWrite = 2,
  kPfUser = 4,
  kPfReserved = 8,
  kPfFetch = 16
};

/// The result of a walk.
struct Translation {
  bool ok = false;
  uint64_t phys = 0;
  uint32_t error_code = 0;  ///< #PF error code when !ok
  bool writable = false;    ///< a later write with the same privilege would pass (for the TLB)
  bool user_ok = false;     ///< user accesses would pass
  bool dirty = false;       ///< the final entry's D bit is set (so writes need no update)
  bool large = false;       ///< translated by a 2 MiB / 4 MiB / 1 GiB page
  bool global = false;      ///< G in the final entry with CR4.PGE: survives a MOV to CR3
};

/// Physical address width reported in CPUID 0x80000008 and enforced as reserved bits.
inline constexpr unsigned kPhysAddrBits = 40;

/// Walks the page tables of `state` for `linear`. Sets A (and D for writes) in the entries
/// as the hardware does, through `memory`.
Translation Walk(const CpuState& state, machine::AddressSpace& memory, uint64_t linear,
                 Access access);

}  // namespace vireo::x86
