#pragma once
// The machine facts firmware reads from CMOS NVRAM, in the layout the IBM PC/AT defined and
// QEMU's pc machine extended (SeaBIOS reads the QEMU extensions: RAM above 16 MiB and 4 GiB, CPU
// count, boot order).

#include <array>
#include <cstdint>

namespace vireo::devices {

/// Boot device codes in CMOS 0x3D/0x38 as QEMU writes them and SeaBIOS reads them.
enum class CmosBootDevice : uint8_t {
  kNone = 0,
  kFloppy = 1,
  kHardDisk = 2,
  kCdrom = 3,
  kNetwork = 4,
};

/// NVRAM byte offsets of the configuration fields.
struct CmosNvram {
  static constexpr uint8_t kShutdownStatus = 0x0F;  ///< written by software before a warm reset
  static constexpr uint8_t kFloppyTypes = 0x10;
  static constexpr uint8_t kDiskTypes = 0x12;
  static constexpr uint8_t kEquipment = 0x14;
  static constexpr uint8_t kBaseMemLow = 0x15;  ///< KiB below 1 MiB (640)
  static constexpr uint8_t kBaseMemHigh = 0x16;
  static constexpr uint8_t kExtMemLow = 0x17;  ///< KiB from 1 MiB, capped at 0xFFFF
  static constexpr uint8_t kExtMemHigh = 0x18;
  static constexpr uint8_t kChecksumHigh = 0x2E;  ///< sum of 0x10..0x2D, big-endian
  static constexpr uint8_t kChecksumLow = 0x2F;
  static constexpr uint8_t kExtMem2Low = 0x30;  ///< copy of 0x17/0x18 (POST-detected size)
  static constexpr uint8_t kExtMem2High = 0x31;
  static constexpr uint8_t kMem16mLow = 0x34;  ///< 64 KiB units from 16 MiB to the 4 GiB hole
  static constexpr uint8_t kMem16mHigh = 0x35;
  static constexpr uint8_t kBootThird = 0x38;  ///< high nibble: third boot device
  static constexpr uint8_t kBootFirstSecond = 0x3D;
  static constexpr uint8_t kHighMem0 = 0x5B;  ///< 64 KiB units above 4 GiB, 24-bit LE
  static constexpr uint8_t kHighMem1 = 0x5C;
  static constexpr uint8_t kHighMem2 = 0x5D;
  static constexpr uint8_t kCpuCountMinusOne = 0x5F;
};

/// What the board knows and the firmware needs; the board splits RAM around its PCI hole.
struct CmosConfig {
  uint64_t ram_below_4g = 0;  ///< bytes of RAM mapped from 0 (including the first MiB)
  uint64_t ram_above_4g = 0;  ///< bytes of RAM mapped from 4 GiB
  unsigned cpu_count = 1;     ///< 1..256
  std::array<CmosBootDevice, 3> boot_order{CmosBootDevice::kHardDisk, CmosBootDevice::kCdrom,
                                           CmosBootDevice::kNone};  ///< first, second, third
  unsigned floppy_drives = 0;  ///< 0..4; sets equipment bits 0 and 7:6
  bool fpu = true;             ///< equipment bit 1: math coprocessor present
  bool ps2_mouse = true;       ///< equipment bit 2: pointing device on the aux port
};

}  // namespace vireo::devices
