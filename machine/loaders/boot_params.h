#pragma once
// The Linux zero page (struct boot_params, Documentation/arch/x86/zero-page.rst) and the setup
// header inside it (boot.rst "THE REAL-MODE KERNEL HEADER"). Offsets are relative to the start
// of the zero page, which equal the file offsets of a bzImage's header fields.

#include <array>
#include <cstdint>
#include <string>

#include "machine/address_space.h"
#include "machine/boards/pc.h"
#include "machine/loaders/bytes.h"

namespace vireo::loaders {

/// boot_params / setup_header field offsets.
namespace bp {
inline constexpr size_t kAcpiRsdpAddr = 0x070;     ///< u64: where the RSDP is (protocol 2.14+)
inline constexpr size_t kExtRamdiskImage = 0x0C0;  ///< u32: ramdisk_image bits 32-63
inline constexpr size_t kExtRamdiskSize = 0x0C4;   ///< u32: ramdisk_size bits 32-63
inline constexpr size_t kExtCmdLinePtr = 0x0C8;    ///< u32: cmd_line_ptr bits 32-63
inline constexpr size_t kE820Entries = 0x1E8;      ///< u8
inline constexpr size_t kSetupHeader = 0x1F1;      ///< hdr starts with setup_sects
inline constexpr size_t kSetupSects = 0x1F1;       ///< u8: 0 means 4
inline constexpr size_t kVidMode = 0x1FA;          ///< u16
inline constexpr size_t kBootFlag = 0x1FE;         ///< u16: 0xAA55
inline constexpr size_t kJump = 0x200;             ///< 0xEB, then the header length - 0x202 + 0x200
inline constexpr size_t kHeaderMagic = 0x202;      ///< u32: "HdrS"
inline constexpr size_t kVersion = 0x206;          ///< u16: boot protocol version
inline constexpr size_t kTypeOfLoader = 0x210;     ///< u8
inline constexpr size_t kLoadFlags = 0x211;        ///< u8
inline constexpr size_t kCode32Start = 0x214;      ///< u32
inline constexpr size_t kRamdiskImage = 0x218;     ///< u32
inline constexpr size_t kRamdiskSize = 0x21C;      ///< u32
inline constexpr size_t kHeapEndPtr = 0x224;       ///< u16 (2.01+)
inline constexpr size_t kCmdLinePtr = 0x228;       ///< u32 (2.02+)
inline constexpr size_t kInitrdAddrMax = 0x22C;    ///< u32 (2.03+)
inline constexpr size_t kKernelAlignment = 0x230;  ///< u32 (2.05+)
inline constexpr size_t kRelocatable = 0x234;      ///< u8 (2.05+)
inline constexpr size_t kXLoadFlags = 0x236;       ///< u16 (2.12+)
inline constexpr size_t kCmdlineSize = 0x238;      ///< u32 (2.06+)
inline constexpr size_t kPrefAddress = 0x258;      ///< u64 (2.10+)
inline constexpr size_t kInitSize = 0x260;         ///< u32 (2.10+)
inline constexpr size_t kSetupHeaderLimit = 0x290;  ///< edd_mbr_sig_buffer: hdr must end before
inline constexpr size_t kE820Table = 0x2D0;         ///< 128 x {u64 addr, u64 size, u32 type}
inline constexpr size_t kE820EntrySize = 20;
inline constexpr size_t kE820Max = 128;
inline constexpr size_t kSize = 0x1000;

inline constexpr uint16_t kBootFlagValue = 0xAA55;
inline constexpr uint32_t kHeaderMagicValue = 0x53726448;  ///< "HdrS"
inline constexpr uint8_t kLoadedHigh = 0x01;               ///< loadflags bit 0
inline constexpr uint8_t kCanUseHeap = 0x80;               ///< loadflags bit 7
inline constexpr uint16_t kXlfKernel64 = 0x01;             ///< xloadflags bit 0
inline constexpr uint16_t kVidModeNormal = 0xFFFF;         ///< "normal" (no mode change)
inline constexpr uint8_t kLoaderUndefined = 0xFF;          ///< type_of_loader: not an assigned ID
inline constexpr uint16_t kHeapEnd = 0xFE00;               ///< heap_end_ptr: setup segment end
/// initrd_addr_max a protocol < 2.03 kernel implies.
inline constexpr uint32_t kDefaultInitrdAddrMax = 0x37FFFFFF;
/// cmdline_size a protocol < 2.06 kernel implies (boot.rst: 255 characters).
inline constexpr uint32_t kDefaultCmdlineSize = 255;
}  // namespace bp

/// A 4 KiB zero page being built in host memory.
struct ZeroPage {
  std::array<uint8_t, bp::kSize> bytes{};
  /// The `width`-byte little-endian field at `offset`.
  uint64_t Get(size_t offset, size_t width) const;
  /// Stores the low `width` bytes of `value` at `offset`.
  void Set(size_t offset, size_t width, uint64_t value);
};

/// What the kernel told the loader about where the command line and the initrd may go.
struct LinuxBootLimits {
  uint32_t cmdline_size;     ///< longest command line, NUL excluded (cmdline_size)
  uint64_t initrd_addr_max;  ///< highest byte the initrd may occupy (initrd_addr_max)
  uint64_t kernel_end;       ///< first byte above the kernel's memory (load + init_size)
};

/// Where the initrd landed (size 0: none).
struct InitrdPlacement {
  uint64_t addr = 0;
  uint64_t size = 0;
};

/// Writes the loader fields every Linux path shares (boot.rst "Details of header fields":
/// vid_mode, type_of_loader, loadflags CAN_USE_HEAP + heap_end_ptr, cmd_line_ptr, ramdisk_*,
/// e820), copies the command line to kCmdlineAddr and the initrd (if `initrd` is not empty) as
/// high as the limits allow, then stores the page at kBootInfoAddr. Throws vireo::Error for a
/// command line longer than cmdline_size or an initrd that does not fit.
InitrdPlacement FinishZeroPage(ZeroPage& page, const LinuxBootLimits& limits,
                               const std::string& append, const std::string& initrd,
                               const machine::PcLayout& layout, machine::AddressSpace& memory);

/// Copies `text` + NUL to `gpa` after checking it against `limit` (characters, NUL excluded);
/// `option` names the offending option in the message.
void WriteCommandLine(const std::string& text, uint64_t limit, uint64_t gpa,
                      machine::AddressSpace& memory, const std::string& option);

}  // namespace vireo::loaders
