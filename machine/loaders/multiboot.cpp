// Multiboot v1 (the Multiboot Specification 0.6.96, as QEMU's -kernel accepts it): find the
// header in the first 8 KiB, load the image by its address fields or as ELF32, put the -initrd
// file after it as the one boot module, describe memory in the info structure (section 3.3)
// and enter with the machine state of section 3.2.

#include <algorithm>
#include <vector>

#include "machine/error.h"
#include "machine/loaders/boot_layout.h"
#include "machine/loaders/boot_params.h"
#include "machine/loaders/cpu_entry.h"
#include "machine/loaders/e820.h"
#include "machine/loaders/elf.h"
#include "machine/loaders/formats.h"

namespace vireo::loaders {
namespace {

// Section 3.1.1: the header is 4-byte aligned and wholly inside the first 8192 bytes.
constexpr uint32_t kHeaderMagic = 0x1BADB002;
constexpr size_t kSearchBytes = 8192;
constexpr size_t kHeaderSize = 12;         // magic, flags, checksum
constexpr size_t kAddressHeaderSize = 32;  // + header_addr .. entry_addr (flags bit 16)

// Section 3.1.2 header flags. Bits 0-15 are requirements: a loader that cannot meet one must
// refuse the image. Video mode (bit 2) is only a preference for the info's VBE fields, which
// this loader never provides, so the kernel simply sees no video information.
constexpr uint32_t kFlagPageAlign = 1 << 0;
constexpr uint32_t kFlagMemoryInfo = 1 << 1;
constexpr uint32_t kFlagVideoMode = 1 << 2;
constexpr uint32_t kFlagAddressFields = 1 << 16;
constexpr uint32_t kRequirementMask = 0xFFFF;
constexpr uint32_t kSupportedRequirements = kFlagPageAlign | kFlagMemoryInfo | kFlagVideoMode;

// Section 3.3 boot information: offsets and flags.
namespace mbi {
constexpr size_t kFlags = 0, kMemLower = 4, kMemUpper = 8, kCmdline = 16, kModsCount = 20,
                 kModsAddr = 24, kMmapLength = 44, kMmapAddr = 48, kBootLoaderName = 64;
constexpr size_t kSize = 88;  // up to and including the VBE fields
constexpr uint32_t kInfoMemory = 1 << 0, kInfoCmdline = 1 << 2, kInfoMods = 1 << 3,
                   kInfoMmap = 1 << 6, kInfoLoaderName = 1 << 9;
// Sub-structures inside the boot info page, after the 88-byte structure.
constexpr uint64_t kModsOffset = 0x60;  // one module: mod_start, mod_end, string, reserved
constexpr size_t kModuleSize = 16;
constexpr uint64_t kNameOffset = 0x70;  // boot_loader_name
static_assert(kModsOffset >= kSize && kModsOffset + kModuleSize <= kNameOffset);
constexpr uint64_t kMmapOffset = 0x100;  // mmap entries: size (20), base, length, type
constexpr size_t kMmapEntrySize = 24;
}  // namespace mbi
constexpr char kLoaderName[] = "Vireo";

struct LoadedImage {
  uint64_t start, end, entry;  // end includes the bss
};

LoadedImage LoadByAddressFields(const ImageFile& file, std::span<const uint8_t> bytes,
                                const MultibootHeader& h, const machine::PcLayout& layout,
                                machine::AddressSpace& memory) {
  // Section 3.1.3: the text starts in the file at the header's offset minus (header_addr -
  // load_addr); load_end_addr 0 means "to the end of the file", bss_end_addr 0 "no bss".
  if (h.load_addr > h.header_addr || h.header_addr - h.load_addr > h.offset) {
    throw Error(file.Message("multiboot load_addr " + Hex(h.load_addr) +
                             " does not fit the header's position (header_addr " +
                             Hex(h.header_addr) + ")"));
  }
  const uint64_t file_offset = h.offset - (h.header_addr - h.load_addr);
  const uint64_t load_end =
      h.load_end_addr != 0 ? h.load_end_addr : h.load_addr + (bytes.size() - file_offset);
  if (load_end < h.load_addr)
    throw Error(file.Message("multiboot load_end_addr is below load_addr"));
  const uint64_t length = load_end - h.load_addr;
  if (length > bytes.size() - file_offset) {
    throw Error(file.Message("multiboot image is truncated: load_end_addr asks for " +
                             std::to_string(length) + " bytes from offset " +
                             std::to_string(file_offset)));
  }
  const uint64_t bss_end = h.bss_end_addr != 0 ? h.bss_end_addr : load_end;
  if (bss_end < load_end)
    throw Error(file.Message("multiboot bss_end_addr is below load_end_addr"));
  CheckKernelFits(file, h.load_addr, bss_end, layout);
  if (h.entry_addr < h.load_addr || h.entry_addr >= bss_end) {
    throw Error(
        file.Message("multiboot entry_addr " + Hex(h.entry_addr) + " is outside the loaded image"));
  }
  memory.Write(h.load_addr, bytes.subspan(file_offset, length));
  std::vector<uint8_t> zeros(bss_end - load_end, 0);
  memory.Write(load_end, zeros);
  return {h.load_addr, bss_end, h.entry_addr};
}

LoadedImage LoadAsElf(const ImageFile& file, std::span<const uint8_t> bytes,
                      const machine::PcLayout& layout, machine::AddressSpace& memory) {
  if (!IsElf(bytes)) {
    throw Error(
        file.Message("multiboot header has no address fields (flags bit 16) and the "
                     "file is not ELF"));
  }
  const ElfImage image = ParseElf(file, bytes);
  if (image.is64) {
    throw Error(
        file.Message("multiboot kernels must be 32-bit ELF (this is ELF64); link it "
                     "as elf32-i386 or give the header address fields"));
  }
  const uint64_t entry = ElfPhysicalEntry(file, image);
  CheckKernelFits(file, image.phys_start, image.phys_end, layout);
  LoadElfSegments(image, bytes, memory);
  return {image.phys_start, image.phys_end, entry};
}

}  // namespace

std::optional<MultibootHeader> FindMultibootHeader(const ImageFile& file,
                                                   std::span<const uint8_t> bytes) {
  const size_t limit = std::min(bytes.size(), kSearchBytes);
  for (size_t at = 0; at + kHeaderSize <= limit; at += 4) {
    if (Get32(bytes, at) != kHeaderMagic) continue;
    MultibootHeader h;
    h.offset = at;
    h.flags = Get32(bytes, at + 4);
    if (static_cast<uint32_t>(kHeaderMagic + h.flags + Get32(bytes, at + 8)) != 0) continue;
    if (h.flags & kFlagAddressFields) {
      if (at + kAddressHeaderSize > limit)
        throw Error(file.Message("multiboot header's address fields are truncated"));
      h.header_addr = Get32(bytes, at + 12);
      h.load_addr = Get32(bytes, at + 16);
      h.load_end_addr = Get32(bytes, at + 20);
      h.bss_end_addr = Get32(bytes, at + 24);
      h.entry_addr = Get32(bytes, at + 28);
    }
    return h;
  }
  return std::nullopt;
}

LoadedKernel LoadMultiboot(const ImageFile& file, std::span<const uint8_t> bytes,
                           const MultibootHeader& header, const KernelBootSpec& spec,
                           const machine::PcLayout& layout, x86::Cpu& cpu) {
  const uint32_t unsupported = header.flags & kRequirementMask & ~kSupportedRequirements;
  if (unsupported != 0) {
    throw Error(file.Message("multiboot header requires features this loader lacks (flags " +
                             Hex(unsupported) + ")"));
  }
  machine::AddressSpace& memory = cpu.memory();
  const LoadedImage image = (header.flags & kFlagAddressFields)
                                ? LoadByAddressFields(file, bytes, header, layout, memory)
                                : LoadAsElf(file, bytes, layout, memory);

  // Boot module: page-aligned right after the image (flags bit 0 asks for the alignment).
  uint64_t mod_start = AlignUp(image.end, kPageSize), mod_size = 0;
  if (!spec.initrd.empty()) {
    ImageFile module(spec.initrd, "initrd");
    mod_size = module.size();
    const uint64_t free = layout.low_ram > mod_start ? layout.low_ram - mod_start : 0;
    if (mod_size > free) {
      throw Error(module.Message("multiboot module is " + std::to_string(CeilMiB(mod_size)) +
                                 " MiB but only " + std::to_string(free >> 20) +
                                 " MiB of RAM is free above the kernel (from " + Hex(mod_start) +
                                 "); give the guest more memory with -m"));
    }
    module.CopyToGuest(0, mod_size, memory, mod_start);
    WriteCommandLine(spec.initrd, kModuleStringArea - 1, kModuleStringAddr, memory, "-initrd");
  }

  // The command line starts with the kernel's name, as boot loaders pass it (QEMU does too).
  const std::string cmdline = spec.append.empty() ? spec.kernel : spec.kernel + " " + spec.append;
  WriteCommandLine(cmdline, kCmdlineArea - 1, kCmdlineAddr, memory, "-append");

  std::vector<uint8_t> info(kBootInfoSize, 0);
  std::span<uint8_t> b(info);
  const uint64_t mem_lower = std::min(layout.low_ram, kEbdaStart);
  const uint64_t mem_upper = layout.low_ram > kHighMemStart ? layout.low_ram - kHighMemStart : 0;
  Put32(b, mbi::kFlags,
        mbi::kInfoMemory | mbi::kInfoCmdline | mbi::kInfoMods | mbi::kInfoMmap |
            mbi::kInfoLoaderName);
  Put32(b, mbi::kMemLower, mem_lower >> 10);  // KiB from 0
  Put32(b, mbi::kMemUpper, mem_upper >> 10);  // KiB from 1 MiB up to the first hole
  Put32(b, mbi::kCmdline, kCmdlineAddr);
  Put32(b, mbi::kModsCount, spec.initrd.empty() ? 0 : 1);
  Put32(b, mbi::kModsAddr, kBootInfoAddr + mbi::kModsOffset);
  if (!spec.initrd.empty()) {
    Put32(b, mbi::kModsOffset + 0, mod_start);
    Put32(b, mbi::kModsOffset + 4, mod_start + mod_size);
    Put32(b, mbi::kModsOffset + 8, kModuleStringAddr);
  }
  std::copy(std::begin(kLoaderName), std::end(kLoaderName), info.begin() + mbi::kNameOffset);
  Put32(b, mbi::kBootLoaderName, kBootInfoAddr + mbi::kNameOffset);
  const std::vector<E820Entry> map = BuildE820(layout);
  for (size_t i = 0; i < map.size(); ++i) {
    const size_t at = mbi::kMmapOffset + i * mbi::kMmapEntrySize;
    Put32(b, at, mbi::kMmapEntrySize - 4);  // size excludes the size field itself
    Put64(b, at + 4, map[i].addr);
    Put64(b, at + 12, map[i].size);
    Put32(b, at + 20, static_cast<uint32_t>(map[i].type));
  }
  Put32(b, mbi::kMmapLength, map.size() * mbi::kMmapEntrySize);
  Put32(b, mbi::kMmapAddr, kBootInfoAddr + mbi::kMmapOffset);
  memory.Write(kBootInfoAddr, info);

  LoadedKernel out;
  out.format = KernelFormat::kMultiboot;
  out.entry = image.entry;
  out.kernel_start = image.start;
  out.kernel_end = image.end;
  out.boot_info = kBootInfoAddr;
  out.initrd_addr = spec.initrd.empty() ? 0 : mod_start;
  out.initrd_size = mod_size;
  EnterMultiboot(cpu, static_cast<uint32_t>(image.entry), kBootInfoAddr);
  return out;
}

}  // namespace vireo::loaders
