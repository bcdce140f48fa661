#include "machine/loaders/elf.h"

#include <algorithm>

#include "machine/error.h"
#include "machine/loaders/bytes.h"
#include "machine/loaders/formats.h"

namespace vireo::loaders {
namespace {

// e_ident (gABI "ELF Identification").
constexpr size_t kEiClass = 4, kEiData = 5;
constexpr uint8_t kElfClass32 = 1, kElfClass64 = 2, kElfDataLsb = 1;
constexpr uint16_t kEtExec = 2;
constexpr uint32_t kPtLoad = 1;
constexpr size_t kEType = 16, kEMachine = 18;

// Field offsets that differ between ELFCLASS32 and ELFCLASS64 (gABI "ELF Header", "Program
// Header"): one row per class, so the parser has a single code path.
struct ElfLayout {
  size_t header_size;
  size_t entry, phoff, phentsize, phnum;  // in the ELF header
  size_t addr_width;                      // bytes of an address / offset field
  size_t ph_size;                         // sizeof(ElfN_Phdr)
  size_t p_type, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz;
};
constexpr ElfLayout kElf32{52, 24, 28, 42, 44, 4, 32, 0, 4, 8, 12, 16, 20};
constexpr ElfLayout kElf64{64, 24, 32, 54, 56, 8, 56, 0, 8, 16, 24, 32, 40};

uint64_t GetAddr(std::span<const uint8_t> b, size_t offset, size_t width) {
  return width == 8 ? Get64(b, offset) : Get32(b, offset);
}

}  // namespace

bool IsElf(std::span<const uint8_t> bytes) {
  return bytes.size() >= 4 && bytes[0] == 0x7F && bytes[1] == 'E' && bytes[2] == 'L' &&
         bytes[3] == 'F';
}

ElfImage ParseElf(const ImageFile& file, std::span<const uint8_t> bytes) {
  if (bytes.size() < kElf32.header_size) throw Error(file.Message("ELF header is truncated"));
  ElfImage image;
  const uint8_t elf_class = bytes[kEiClass];
  if (elf_class != kElfClass32 && elf_class != kElfClass64)
    throw Error(file.Message("unknown ELF class " + std::to_string(elf_class)));
  if (bytes[kEiData] != kElfDataLsb)
    throw Error(file.Message("big-endian ELF file; an x86 kernel is little-endian"));
  image.is64 = elf_class == kElfClass64;
  const ElfLayout& l = image.is64 ? kElf64 : kElf32;
  if (bytes.size() < l.header_size) throw Error(file.Message("ELF header is truncated"));

  const uint16_t type = Get16(bytes, kEType);
  if (type != kEtExec) {
    throw Error(file.Message("ELF file is not an executable (e_type " + std::to_string(type) +
                             "); -kernel needs a linked kernel such as vmlinux"));
  }
  image.machine = Get16(bytes, kEMachine);
  if (image.machine != (image.is64 ? kEmX8664 : kEm386)) {
    throw Error(file.Message("ELF machine " + std::to_string(image.machine) + " in an " +
                             (image.is64 ? "ELF64" : "ELF32") +
                             " file: x86 kernels are EM_386 (ELF32) or EM_X86_64 (ELF64)"));
  }
  image.entry = GetAddr(bytes, l.entry, l.addr_width);

  const uint64_t phoff = GetAddr(bytes, l.phoff, l.addr_width);
  const uint16_t phentsize = Get16(bytes, l.phentsize), phnum = Get16(bytes, l.phnum);
  if (phnum != 0 && phentsize != l.ph_size) {
    throw Error(file.Message("ELF program header size " + std::to_string(phentsize) +
                             " is wrong (expected " + std::to_string(l.ph_size) + ")"));
  }
  if (phoff > bytes.size() || uint64_t{phnum} * l.ph_size > bytes.size() - phoff)
    throw Error(file.Message("ELF program headers are truncated"));

  image.phys_start = UINT64_MAX;
  for (uint16_t i = 0; i < phnum; ++i) {
    const size_t ph = phoff + size_t{i} * l.ph_size;
    if (Get32(bytes, ph + l.p_type) != kPtLoad) continue;
    ElfSegment s{
        GetAddr(bytes, ph + l.p_offset, l.addr_width), GetAddr(bytes, ph + l.p_vaddr, l.addr_width),
        GetAddr(bytes, ph + l.p_paddr, l.addr_width), GetAddr(bytes, ph + l.p_filesz, l.addr_width),
        GetAddr(bytes, ph + l.p_memsz, l.addr_width)};
    const std::string which = "ELF segment " + std::to_string(i);
    if (s.offset > bytes.size() || s.filesz > bytes.size() - s.offset)
      throw Error(file.Message(which + " is truncated (the file ends before its data)"));
    if (s.filesz > s.memsz) throw Error(file.Message(which + " has p_filesz larger than p_memsz"));
    if (s.memsz == 0) continue;
    if (s.paddr + s.memsz < s.paddr)
      throw Error(file.Message(which + " wraps around the address space"));
    image.phys_start = std::min(image.phys_start, s.paddr);
    image.phys_end = std::max(image.phys_end, s.paddr + s.memsz);
    image.segments.push_back(s);
  }
  if (image.segments.empty()) throw Error(file.Message("ELF file has no loadable segments"));
  return image;
}

uint64_t ElfPhysicalEntry(const ImageFile& file, const ElfImage& image) {
  for (const ElfSegment& s : image.segments)
    if (image.entry >= s.paddr && image.entry - s.paddr < s.memsz) return image.entry;
  for (const ElfSegment& s : image.segments)
    if (image.entry >= s.vaddr && image.entry - s.vaddr < s.memsz)
      return s.paddr + (image.entry - s.vaddr);
  throw Error(
      file.Message("ELF entry point " + Hex(image.entry) + " is outside every loadable segment"));
}

void LoadElfSegments(const ElfImage& image, std::span<const uint8_t> bytes,
                     machine::AddressSpace& memory) {
  std::vector<uint8_t> zeros;
  for (const ElfSegment& s : image.segments) {
    memory.Write(s.paddr, bytes.subspan(s.offset, s.filesz));
    const uint64_t bss = s.memsz - s.filesz;
    if (bss == 0) continue;
    if (uint8_t* host = memory.RamPointer(s.paddr + s.filesz, bss)) {
      std::fill_n(host, bss, 0);
    } else {
      zeros.assign(bss, 0);
      memory.Write(s.paddr + s.filesz, zeros);
    }
  }
}

}  // namespace vireo::loaders
