#include "machine/loaders/kernel_loader.h"

#include "machine/error.h"
#include "machine/loaders/boot_layout.h"
#include "machine/loaders/bytes.h"
#include "machine/loaders/formats.h"
#include "machine/loaders/image_file.h"

namespace vireo::loaders {

void CheckBootOptions(const KernelBootSpec& spec) {
  if (!spec.kernel.empty()) return;
  if (!spec.initrd.empty()) throw Error("-initrd only allowed with -kernel option");
  if (!spec.append.empty()) throw Error("-append only allowed with -kernel option");
}

const char* KernelFormatName(KernelFormat format) {
  switch (format) {
    case KernelFormat::kBzImage:
      return "bzImage";
    case KernelFormat::kElf:
      return "ELF";
    case KernelFormat::kMultiboot:
      return "multiboot";
  }
  return "?";
}

void CheckKernelFits(const ImageFile& file, uint64_t start, uint64_t end,
                     const machine::PcLayout& layout) {
  if (start < kBootDataEnd) {
    throw Error(file.Message("the kernel loads at " + Hex(start) + ", below " + Hex(kBootDataEnd) +
                             " where the loader keeps its boot data"));
  }
  if (end < start) throw Error(file.Message("the kernel's memory range wraps around 2^64"));
  if (end > layout.low_ram) {
    throw Error(file.Message(
        "kernel needs " + std::to_string(CeilMiB(end)) + " MiB of RAM, the guest has " +
        std::to_string((layout.low_ram + layout.high_ram) >> 20) + " MiB (use -m)"));
  }
}

LoadedKernel LoadKernel(const KernelBootSpec& spec, const machine::PcLayout& layout,
                        x86::Cpu& cpu) {
  CheckBootOptions(spec);
  if (spec.kernel.empty()) throw Error("no kernel to load (-kernel is empty)");
  const ImageFile file(spec.kernel, "kernel");
  const std::vector<uint8_t> bytes = file.ReadAll();
  // The order QEMU uses: a Linux setup header wins, then a multiboot header, then plain ELF.
  if (IsBzImage(bytes)) return LoadBzImage(file, bytes, spec, layout, cpu);
  if (auto header = FindMultibootHeader(file, bytes))
    return LoadMultiboot(file, bytes, *header, spec, layout, cpu);
  if (IsElf(bytes)) return LoadVmlinux(file, bytes, spec, layout, cpu);
  throw Error(file.Message("not a Linux bzImage, ELF or multiboot kernel"));
}

}  // namespace vireo::loaders
