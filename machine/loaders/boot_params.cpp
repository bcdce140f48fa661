#include "machine/loaders/boot_params.h"

#include <algorithm>

#include "machine/error.h"
#include "machine/loaders/acpi_tables.h"
#include "machine/loaders/boot_layout.h"
#include "machine/loaders/e820.h"
#include "machine/loaders/image_file.h"

namespace vireo::loaders {
namespace {

// The initrd goes as high as it can (boot.rst "The initrd should typically be located as high
// in memory as possible"), page-aligned, below initrd_addr_max and the end of low RAM, and above
// everything the kernel claims (init_size) so the decompressor never overwrites it.
InitrdPlacement PlaceInitrd(const std::string& path, const LinuxBootLimits& limits,
                            const machine::PcLayout& layout, machine::AddressSpace& memory) {
  ImageFile file(path, "initrd");
  const uint64_t ceiling = std::min(limits.initrd_addr_max + 1, layout.low_ram);
  const uint64_t floor = AlignUp(limits.kernel_end, kPageSize);
  const uint64_t free = ceiling > floor ? AlignDown(ceiling, kPageSize) - floor : 0;
  if (file.size() > free) {
    throw Error(file.Message("initrd is " + std::to_string(CeilMiB(file.size())) +
                             " MiB but only " + std::to_string(free >> 20) +
                             " MiB of RAM is free for it between the kernel's end (" + Hex(floor) +
                             ") and " + Hex(ceiling) +
                             " (the lower of the kernel's initrd_addr_max and the end of RAM "
                             "below 4 GiB); give the guest more memory with -m"));
  }
  InitrdPlacement placed{AlignDown(ceiling - file.size(), kPageSize), file.size()};
  file.CopyToGuest(0, placed.size, memory, placed.addr);
  return placed;
}

}  // namespace

uint64_t ZeroPage::Get(size_t offset, size_t width) const {
  uint64_t v = 0;
  for (size_t i = 0; i < width; ++i) v |= uint64_t{bytes[offset + i]} << (8 * i);
  return v;
}

void ZeroPage::Set(size_t offset, size_t width, uint64_t value) {
  for (size_t i = 0; i < width; ++i) bytes[offset + i] = static_cast<uint8_t>(value >> (8 * i));
}

void WriteCommandLine(const std::string& text, uint64_t limit, uint64_t gpa,
                      machine::AddressSpace& memory, const std::string& option) {
  if (text.size() > limit) {
    throw Error(option + ": the command line is " + std::to_string(text.size()) +
                " bytes, the kernel accepts at most " + std::to_string(limit));
  }
  std::string with_nul = text;
  with_nul.push_back('\0');
  memory.Write(gpa, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(with_nul.data()),
                                             with_nul.size()));
}

InitrdPlacement FinishZeroPage(ZeroPage& page, const LinuxBootLimits& limits,
                               const std::string& append, const std::string& initrd,
                               const machine::PcLayout& layout, machine::AddressSpace& memory) {
  page.Set(bp::kVidMode, 2, bp::kVidModeNormal);
  page.Set(bp::kTypeOfLoader, 1, bp::kLoaderUndefined);
  page.Set(bp::kLoadFlags, 1, page.Get(bp::kLoadFlags, 1) | bp::kCanUseHeap);
  page.Set(bp::kHeapEndPtr, 2, bp::kHeapEnd);

  // The command line: always present (an empty string when there is no -append).
  WriteCommandLine(append, std::min<uint64_t>(limits.cmdline_size, kCmdlineArea - 1), kCmdlineAddr,
                   memory, "-append");
  page.Set(bp::kCmdLinePtr, 4, kCmdlineAddr);
  page.Set(bp::kExtCmdLinePtr, 4, kCmdlineAddr >> 32);

  InitrdPlacement placed;
  if (!initrd.empty()) placed = PlaceInitrd(initrd, limits, layout, memory);
  page.Set(bp::kRamdiskImage, 4, placed.addr);
  page.Set(bp::kRamdiskSize, 4, placed.size);
  page.Set(bp::kExtRamdiskImage, 4, placed.addr >> 32);
  page.Set(bp::kExtRamdiskSize, 4, placed.size >> 32);

  // ACPI tables in the reserved BIOS area, so the guest can find the PM registers and power
  // off; the zero page points at the RSDP as well (guests also scan for it).
  const std::vector<uint8_t> acpi = BuildAcpiTables(kAcpiBase, AcpiConfig{});
  memory.Write(kAcpiBase, acpi);
  page.Set(bp::kAcpiRsdpAddr, 8, kAcpiBase);

  const std::vector<E820Entry> map = BuildE820(layout);
  page.Set(bp::kE820Entries, 1, map.size());
  for (size_t i = 0; i < map.size(); ++i) {
    const size_t at = bp::kE820Table + i * bp::kE820EntrySize;
    page.Set(at, 8, map[i].addr);
    page.Set(at + 8, 8, map[i].size);
    page.Set(at + 16, 4, static_cast<uint32_t>(map[i].type));
  }

  memory.Write(kBootInfoAddr, page.bytes);
  return placed;
}

}  // namespace vireo::loaders
