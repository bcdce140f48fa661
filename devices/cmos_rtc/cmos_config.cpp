// CMOS NVRAM configuration bytes. Offsets follow the IBM PC/AT BIOS CMOS map; 0x34/0x35,
// 0x38/0x3D, 0x5B..0x5D and 0x5F are the extensions QEMU's pc machine defines and SeaBIOS reads.

#include <algorithm>

#include "devices/cmos_rtc/cmos_rtc.h"

namespace vireo::devices {

namespace {
constexpr uint64_t kKiB = 1024;
constexpr uint64_t kMiB = 1024 * kKiB;
constexpr uint64_t kBaseMemoryKiB = 640;  // conventional memory below the VGA window
}  // namespace

void CmosRtc::ApplyConfig(const CmosConfig& config) {
  auto put16 = [this](uint8_t low_index, uint64_t value) {
    cmos_[low_index] = static_cast<uint8_t>(value);
    cmos_[low_index + 1] = static_cast<uint8_t>(value >> 8);
  };
  const uint64_t below_kib = config.ram_below_4g / kKiB;
  put16(CmosNvram::kBaseMemLow, std::min(below_kib, kBaseMemoryKiB));

  // KiB from 1 MiB; the 16-bit field saturates at 64 MiB - 1 KiB, which is why 0x34 exists.
  const uint64_t extended_kib = below_kib > 1024 ? std::min<uint64_t>(below_kib - 1024, 0xFFFF) : 0;
  put16(CmosNvram::kExtMemLow, extended_kib);
  put16(CmosNvram::kExtMem2Low, extended_kib);

  // 64 KiB units from 16 MiB up to the end of low RAM (at most 4 GiB - 16 MiB = 0xFF00 units).
  const uint64_t over_16m =
      config.ram_below_4g > 16 * kMiB
          ? std::min<uint64_t>((config.ram_below_4g - 16 * kMiB) / (64 * kKiB), 0xFFFF)
          : 0;
  put16(CmosNvram::kMem16mLow, over_16m);

  // 64 KiB units above 4 GiB in 24 bits (up to 1 TiB).
  const uint64_t above_4g = std::min<uint64_t>(config.ram_above_4g / (64 * kKiB), 0xFFFFFF);
  cmos_[CmosNvram::kHighMem0] = static_cast<uint8_t>(above_4g);
  cmos_[CmosNvram::kHighMem1] = static_cast<uint8_t>(above_4g >> 8);
  cmos_[CmosNvram::kHighMem2] = static_cast<uint8_t>(above_4g >> 16);

  cmos_[CmosNvram::kCpuCountMinusOne] =
      static_cast<uint8_t>(std::clamp(config.cpu_count, 1u, 256u) - 1);

  auto code = [](CmosBootDevice device) { return static_cast<uint8_t>(device) & 0x0F; };
  cmos_[CmosNvram::kBootFirstSecond] =
      static_cast<uint8_t>(code(config.boot_order[0]) | code(config.boot_order[1]) << 4);
  // The low nibble of 0x38 holds other flags (bit 0: skip the floppy boot signature check).
  cmos_[CmosNvram::kBootThird] =
      static_cast<uint8_t>((cmos_[CmosNvram::kBootThird] & 0x0F) | code(config.boot_order[2]) << 4);

  // PC/AT equipment byte: bit 0 floppy present, bit 1 FPU, bit 2 PS/2 mouse, bits 5:4 primary
  // display (00 = EGA/VGA with its own BIOS), bits 7:6 floppy drives - 1.
  uint8_t equipment = 0;
  if (config.floppy_drives > 0) {
    equipment |= static_cast<uint8_t>(0x01 | (std::min(config.floppy_drives, 4u) - 1) << 6);
  }
  if (config.fpu) equipment |= 0x02;
  if (config.ps2_mouse) equipment |= 0x04;
  cmos_[CmosNvram::kEquipment] = equipment;

  // PC/AT checksum over 0x10..0x2D, stored big-endian at 0x2E/0x2F; some BIOSes verify it.
  unsigned sum = 0;
  for (uint8_t i = CmosNvram::kFloppyTypes; i < CmosNvram::kChecksumHigh; ++i) sum += cmos_[i];
  cmos_[CmosNvram::kChecksumHigh] = static_cast<uint8_t>(sum >> 8);
  cmos_[CmosNvram::kChecksumLow] = static_cast<uint8_t>(sum);
}

}  // namespace vireo::devices
