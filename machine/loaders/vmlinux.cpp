// An uncompressed ELF vmlinux, entered the way a bzImage's decompressor enters it: 64-bit boot
// protocol at e_entry (startup_64, physical) with RSI pointing at a zero page, or the 32-bit
// protocol for an i386 kernel. The zero page carries a minimal setup header, since there is no
// file header to copy.

#include "machine/loaders/boot_layout.h"
#include "machine/loaders/boot_params.h"
#include "machine/loaders/cpu_entry.h"
#include "machine/loaders/elf.h"
#include "machine/loaders/formats.h"

namespace vireo::loaders {
namespace {

constexpr uint16_t kClaimedProtocol = 0x020F;  // what Linux 6.1 bzImages report
constexpr uint32_t kLinuxCmdlineSize = 2047;   // x86 COMMAND_LINE_SIZE (2048) minus the NUL
constexpr uint32_t kInitrdAddrMax64 = 0x7FFFFFFF;

}  // namespace

LoadedKernel LoadVmlinux(const ImageFile& file, std::span<const uint8_t> bytes,
                         const KernelBootSpec& spec, const machine::PcLayout& layout,
                         x86::Cpu& cpu) {
  const ElfImage image = ParseElf(file, bytes);
  const uint64_t entry = ElfPhysicalEntry(file, image);
  CheckKernelFits(file, image.phys_start, image.phys_end, layout);
  machine::AddressSpace& memory = cpu.memory();
  LoadElfSegments(image, bytes, memory);

  ZeroPage page;
  page.Set(bp::kBootFlag, 2, bp::kBootFlagValue);
  page.Set(bp::kHeaderMagic, 4, bp::kHeaderMagicValue);
  page.Set(bp::kVersion, 2, kClaimedProtocol);
  page.Set(bp::kLoadFlags, 1, bp::kLoadedHigh);
  page.Set(bp::kCode32Start, 4, image.phys_start);
  page.Set(bp::kCmdlineSize, 4, kLinuxCmdlineSize);
  const uint32_t initrd_max = image.is64 ? kInitrdAddrMax64 : bp::kDefaultInitrdAddrMax;
  page.Set(bp::kInitrdAddrMax, 4, initrd_max);
  const InitrdPlacement initrd =
      FinishZeroPage(page, {kLinuxCmdlineSize, initrd_max, image.phys_end}, spec.append,
                     spec.initrd, layout, memory);

  LoadedKernel out;
  out.format = KernelFormat::kElf;
  out.long_mode = image.is64;
  out.entry = entry;
  out.kernel_start = image.phys_start;
  out.kernel_end = image.phys_end;
  out.boot_info = kBootInfoAddr;
  out.initrd_addr = initrd.addr;
  out.initrd_size = initrd.size;
  if (image.is64) {
    EnterLinux64(cpu, entry, kBootInfoAddr);
  } else {
    EnterLinux32(cpu, static_cast<uint32_t>(entry), kBootInfoAddr);
  }
  return out;
}

}  // namespace vireo::loaders
