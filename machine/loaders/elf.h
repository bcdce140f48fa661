#pragma once
// ELF executables as far as a boot loader needs them (System V gABI "Program Loading"): the
// header, the PT_LOAD segments placed at their physical addresses, and the entry point.

#include <cstdint>
#include <span>
#include <vector>

#include "machine/address_space.h"
#include "machine/loaders/image_file.h"

namespace vireo::loaders {

inline constexpr uint16_t kEm386 = 3;     ///< e_machine EM_386
inline constexpr uint16_t kEmX8664 = 62;  ///< e_machine EM_X86_64

/// One PT_LOAD program header.
struct ElfSegment {
  uint64_t offset, vaddr, paddr, filesz, memsz;
};

/// A parsed, validated ELF executable.
struct ElfImage {
  bool is64 = false;
  uint16_t machine = 0;
  uint64_t entry = 0;                     ///< e_entry as written (may be virtual)
  std::vector<ElfSegment> segments;       ///< PT_LOAD with p_memsz > 0
  uint64_t phys_start = 0, phys_end = 0;  ///< extent of the segments' physical addresses
};

/// Parses the header and program headers; throws vireo::Error (naming the file) for anything
/// that is not a little-endian x86 ET_EXEC whose segments lie inside the file.
ElfImage ParseElf(const ImageFile& file, std::span<const uint8_t> bytes);
/// e_entry as a physical address: itself if inside a segment's physical range, else translated
/// through the segment whose virtual range holds it (vmlinux links at 0xffffffff81000000).
uint64_t ElfPhysicalEntry(const ImageFile& file, const ElfImage& image);
/// Copies each segment to p_paddr and zeroes p_memsz - p_filesz after it (bss).
void LoadElfSegments(const ElfImage& image, std::span<const uint8_t> bytes,
                     machine::AddressSpace& memory);

}  // namespace vireo::loaders
