#pragma once
// The BIOS E820 memory map of the pc board (ACPI "System Address Map Interfaces"), shared by
// the Linux zero page (e820_table) and the multiboot mmap so both describe the same machine.

#include <cstdint>
#include <vector>

#include "machine/boards/pc.h"

namespace vireo::loaders {

/// E820 address range types (ACPI 6.5 Table 15.4).
enum class E820Type : uint32_t { kRam = 1, kReserved = 2 };

/// One map entry.
struct E820Entry {
  uint64_t addr;
  uint64_t size;
  E820Type type;
  bool operator==(const E820Entry&) const = default;
};

/// RAM [0, 0x9FC00), reserved [0x9FC00, 1 MiB) (EBDA, VGA window, option and BIOS ROMs),
/// RAM [1 MiB, end of low RAM), RAM [4 GiB, 4 GiB + high RAM) if there is any.
std::vector<E820Entry> BuildE820(const machine::PcLayout& layout);

}  // namespace vireo::loaders
