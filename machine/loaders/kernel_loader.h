#pragma once
// Direct kernel boot, what QEMU's -kernel/-initrd/-append do without firmware: the kernel file's
// content picks the protocol (Linux bzImage, ELF vmlinux, Multiboot v1), the image goes into
// guest RAM with its boot information, and the vCPU is left at the kernel's entry point.

#include <cstdint>
#include <string>

#include "cpu/x86/cpu.h"
#include "machine/boards/pc.h"

namespace vireo::loaders {

/// What the user asked for: -kernel, -initrd, -append.
struct KernelBootSpec {
  std::string kernel;  ///< path of the kernel image (required)
  std::string initrd;  ///< path of the initial ramdisk / multiboot module, or empty
  std::string append;  ///< kernel command line, may be empty
};

/// The boot protocol a kernel file was recognised as.
enum class KernelFormat { kBzImage, kElf, kMultiboot };

/// Where things were put and how the vCPU enters (for logs, the monitor and tests).
struct LoadedKernel {
  KernelFormat format = KernelFormat::kBzImage;
  uint16_t protocol = 0;      ///< bzImage boot protocol version (0x020f for Linux 6.1), else 0
  bool long_mode = false;     ///< entered in 64-bit mode (else 32-bit protected mode)
  uint64_t entry = 0;         ///< guest-physical entry point (RIP at start)
  uint64_t kernel_start = 0;  ///< first byte of the loaded image
  uint64_t kernel_end = 0;    ///< end of the memory the kernel claims (init_size, bss)
  uint64_t boot_info = 0;     ///< boot_params (Linux) or multiboot info address
  uint64_t initrd_addr = 0;   ///< initrd / module placement, size 0 if none
  uint64_t initrd_size = 0;
};

/// QEMU's rule: -initrd and -append only make sense with -kernel. Throws vireo::Error naming the
/// option otherwise. Call while validating the options, before building the machine.
void CheckBootOptions(const KernelBootSpec& spec);

/// Loads `spec.kernel` (and initrd, command line) into the RAM of `cpu.memory()`, which must
/// already hold the board's RAM as `layout` describes, and sets up `cpu` at the entry point.
/// Throws vireo::Error naming the file and the problem (missing, unknown format, truncated,
/// does not fit in RAM, command line too long...).
LoadedKernel LoadKernel(const KernelBootSpec& spec, const machine::PcLayout& layout, x86::Cpu& cpu);

/// "bzImage", "ELF" or "multiboot".
const char* KernelFormatName(KernelFormat format);

}  // namespace vireo::loaders
