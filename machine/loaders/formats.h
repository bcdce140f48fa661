#pragma once
// Internal interface between kernel_loader.cpp (format detection) and the per-format loaders.

#include <cstdint>
#include <optional>
#include <span>

#include "machine/loaders/image_file.h"
#include "machine/loaders/kernel_loader.h"

namespace vireo::loaders {

/// Throws unless [start, end) lies in RAM below 4 GiB above the loader's own boot data:
/// "'<path>': kernel needs N MiB of RAM, the guest has M MiB (use -m)" when RAM is short.
void CheckKernelFits(const ImageFile& file, uint64_t start, uint64_t end,
                     const machine::PcLayout& layout);

/// boot_flag 0xAA55 at 0x1FE and "HdrS" at 0x202 (boot.rst).
bool IsBzImage(std::span<const uint8_t> bytes);
/// Linux boot protocol 2.06+: 64-bit entry if XLF_KERNEL_64, else the 32-bit one.
LoadedKernel LoadBzImage(const ImageFile& file, std::span<const uint8_t> bytes,
                         const KernelBootSpec& spec, const machine::PcLayout& layout,
                         x86::Cpu& cpu);

/// "\x7fELF" at offset 0.
bool IsElf(std::span<const uint8_t> bytes);
/// An ELF vmlinux (EM_X86_64: 64-bit entry; EM_386: 32-bit entry) with a minimal zero page.
LoadedKernel LoadVmlinux(const ImageFile& file, std::span<const uint8_t> bytes,
                         const KernelBootSpec& spec, const machine::PcLayout& layout,
                         x86::Cpu& cpu);

/// The Multiboot v1 header (spec 3.1.1) found in the first 8 KiB of an image.
struct MultibootHeader {
  uint64_t offset = 0;  ///< file offset of the magic
  uint32_t flags = 0;
  uint32_t header_addr = 0, load_addr = 0, load_end_addr = 0, bss_end_addr = 0, entry_addr = 0;
};
/// The first 4-byte-aligned magic 0x1BADB002 whose checksum matches, if any.
std::optional<MultibootHeader> FindMultibootHeader(const ImageFile& file,
                                                   std::span<const uint8_t> bytes);
/// Loads per the address fields (flags bit 16) or as ELF32, builds the multiboot info.
LoadedKernel LoadMultiboot(const ImageFile& file, std::span<const uint8_t> bytes,
                           const MultibootHeader& header, const KernelBootSpec& spec,
                           const machine::PcLayout& layout, x86::Cpu& cpu);

}  // namespace vireo::loaders
