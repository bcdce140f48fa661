// Linux bzImage per Documentation/arch/x86/boot.rst: the setup header tells where the
// protected-mode kernel starts in the file, where it wants to run and how much memory it needs;
// the loader copies the header into the zero page, fills in its own fields and enters the
// kernel through the 64-bit (or 32-bit) boot protocol.

#include <algorithm>

#include "machine/error.h"
#include "machine/loaders/boot_layout.h"
#include "machine/loaders/boot_params.h"
#include "machine/loaders/cpu_entry.h"
#include "machine/loaders/formats.h"

namespace vireo::loaders {
namespace {

constexpr uint16_t kMinProtocol = 0x0206;          // cmdline_size, 32-bit entry as documented
constexpr uint16_t kProtocolPrefAddress = 0x020A;  // pref_address, init_size
constexpr uint16_t kProtocolXLoadFlags = 0x020C;   // xloadflags (XLF_KERNEL_64)
constexpr uint16_t kProtocolInitrdMax = 0x0203;    // initrd_addr_max
constexpr uint64_t kDefaultLoadAddr = 0x100000;    // bzImage load address before pref_address
constexpr uint64_t kEntry64Offset = 0x200;         // 64-bit entry: load address + 0x200
constexpr unsigned kSectorSize = 512;

std::string ProtocolString(uint16_t version) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%u.%02u", version >> 8, version & 0xFF);
  return buf;
}

}  // namespace

bool IsBzImage(std::span<const uint8_t> bytes) {
  return bytes.size() >= bp::kVersion + 2 && Get16(bytes, bp::kBootFlag) == bp::kBootFlagValue &&
         Get32(bytes, bp::kHeaderMagic) == bp::kHeaderMagicValue;
}

LoadedKernel LoadBzImage(const ImageFile& file, std::span<const uint8_t> bytes,
                         const KernelBootSpec& spec, const machine::PcLayout& layout,
                         x86::Cpu& cpu) {
  const uint16_t version = Get16(bytes, bp::kVersion);
  if (version < kMinProtocol) {
    throw Error(file.Message("Linux boot protocol " + ProtocolString(version) +
                             " is too old (needs 2.06 or later: Linux 2.6.22 or newer)"));
  }
  // The header runs from 0x1F1 to 0x202 + the jump's displacement byte (boot.rst).
  const size_t header_end =
      std::min<size_t>(bp::kHeaderMagic + bytes[bp::kJump + 1], bp::kSetupHeaderLimit);
  if (bytes.size() < header_end) throw Error(file.Message("bzImage setup header is truncated"));
  const unsigned setup_sects = bytes[bp::kSetupSects] == 0 ? 4 : bytes[bp::kSetupSects];
  const uint64_t kernel_offset = uint64_t{setup_sects + 1} * kSectorSize;
  if (bytes.size() <= kernel_offset) {
    throw Error(file.Message("bzImage is truncated: its setup code needs " +
                             std::to_string(kernel_offset) + " bytes, the file has " +
                             std::to_string(bytes.size())));
  }
  if (!(bytes[bp::kLoadFlags] & bp::kLoadedHigh))
    throw Error(
        file.Message("zImage kernels (loaded below 1 MiB) are not supported; use a bzImage"));

  const uint64_t payload = bytes.size() - kernel_offset;
  const uint64_t load_addr =
      version >= kProtocolPrefAddress ? Get64(bytes, bp::kPrefAddress) : kDefaultLoadAddr;
  // init_size: the linear memory the kernel needs from its load address to run, decompression
  // included; older kernels do not say, so the payload is the best lower bound.
  const uint64_t init_size = version >= kProtocolPrefAddress ? Get32(bytes, bp::kInitSize) : 0;
  const uint64_t kernel_end = load_addr + std::max(init_size, payload);
  CheckKernelFits(file, load_addr, kernel_end, layout);
  const bool long_mode =
      version >= kProtocolXLoadFlags && (Get16(bytes, bp::kXLoadFlags) & bp::kXlfKernel64) != 0;

  machine::AddressSpace& memory = cpu.memory();
  memory.Write(load_addr, bytes.subspan(kernel_offset));

  ZeroPage page;
  std::copy(bytes.begin() + bp::kSetupHeader, bytes.begin() + header_end,
            page.bytes.begin() + bp::kSetupHeader);
  page.Set(bp::kCode32Start, 4, load_addr);  // where the 32-bit kernel actually is
  LinuxBootLimits limits{
      Get32(bytes, bp::kCmdlineSize),
      version >= kProtocolInitrdMax ? Get32(bytes, bp::kInitrdAddrMax) : bp::kDefaultInitrdAddrMax,
      kernel_end};
  const InitrdPlacement initrd =
      FinishZeroPage(page, limits, spec.append, spec.initrd, layout, memory);

  LoadedKernel out;
  out.format = KernelFormat::kBzImage;
  out.protocol = version;
  out.long_mode = long_mode;
  out.entry = long_mode ? load_addr + kEntry64Offset : load_addr;
  out.kernel_start = load_addr;
  out.kernel_end = kernel_end;
  out.boot_info = kBootInfoAddr;
  out.initrd_addr = initrd.addr;
  out.initrd_size = initrd.size;
  if (long_mode) {
    EnterLinux64(cpu, out.entry, kBootInfoAddr);
  } else {
    EnterLinux32(cpu, static_cast<uint32_t>(out.entry), kBootInfoAddr);
  }
  return out;
}

}  // namespace vireo::loaders
