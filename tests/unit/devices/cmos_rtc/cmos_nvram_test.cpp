// CMOS NVRAM: plain storage bytes and the configuration fields firmware (SeaBIOS) reads.

#include <doctest/doctest.h>

#include "tests/unit/devices/cmos_rtc/rtc_fixture.h"

namespace vireo::devices::test {
namespace {

constexpr uint64_t kMiB = 1024 * 1024;
constexpr uint64_t kGiB = 1024 * kMiB;

uint16_t Get16(RtcFixture& f, uint8_t low) {
  return static_cast<uint16_t>(f.Get(low) | f.Get(static_cast<uint8_t>(low + 1)) << 8);
}

uint32_t Get24(RtcFixture& f, uint8_t low) {
  return static_cast<uint32_t>(f.Get(low) | f.Get(static_cast<uint8_t>(low + 1)) << 8 |
                               f.Get(static_cast<uint8_t>(low + 2)) << 16);
}

TEST_CASE("plain NVRAM bytes hold what is written, all 128 of them") {
  RtcFixture f;
  f.Put(CmosNvram::kShutdownStatus, 0x05);
  CHECK(f.Get(CmosNvram::kShutdownStatus) == 0x05);
  for (unsigned i = 0x0E; i < 0x80; ++i) {
    if (i == RtcReg::kCentury) continue;
    f.Put(static_cast<uint8_t>(i), static_cast<uint8_t>(i ^ 0xA5));
  }
  for (unsigned i = 0x0E; i < 0x80; ++i) {
    if (i == RtcReg::kCentury) continue;
    CAPTURE(i);
    CHECK(f.Get(static_cast<uint8_t>(i)) == (i ^ 0xA5));
  }
  // The shutdown byte is plain NVRAM: ApplyConfig leaves it alone.
  f.rtc.ApplyConfig({});
  CHECK(f.Get(CmosNvram::kShutdownStatus) == (0x0F ^ 0xA5));
}

TEST_CASE("memory fields for 32 MiB") {
  RtcFixture f;
  f.rtc.ApplyConfig({.ram_below_4g = 32 * kMiB});
  CHECK(Get16(f, CmosNvram::kBaseMemLow) == 640);
  CHECK(Get16(f, CmosNvram::kExtMemLow) == 31 * 1024);
  CHECK(Get16(f, CmosNvram::kExtMem2Low) == 31 * 1024);
  CHECK(Get16(f, CmosNvram::kMem16mLow) == 256);  // 16 MiB in 64 KiB units
  CHECK(Get24(f, CmosNvram::kHighMem0) == 0);
}

TEST_CASE("memory fields for 128 MiB") {
  RtcFixture f;
  f.rtc.ApplyConfig({.ram_below_4g = 128 * kMiB});
  CHECK(f.Get(CmosNvram::kBaseMemLow) == 0x80);
  CHECK(f.Get(CmosNvram::kBaseMemHigh) == 0x02);
  CHECK(Get16(f, CmosNvram::kExtMemLow) == 0xFFFF);  // 127 MiB does not fit: capped
  CHECK(Get16(f, CmosNvram::kExtMem2Low) == 0xFFFF);
  CHECK(Get16(f, CmosNvram::kMem16mLow) == 0x0700);  // 112 MiB
  CHECK(Get24(f, CmosNvram::kHighMem0) == 0);
}

TEST_CASE("memory fields for 3.5 GiB, all below the PCI hole") {
  RtcFixture f;
  f.rtc.ApplyConfig({.ram_below_4g = 3 * kGiB + 512 * kMiB});
  CHECK(Get16(f, CmosNvram::kBaseMemLow) == 640);
  CHECK(Get16(f, CmosNvram::kExtMemLow) == 0xFFFF);
  CHECK(Get16(f, CmosNvram::kMem16mLow) == 0xDF00);
  CHECK(Get24(f, CmosNvram::kHighMem0) == 0);
}

TEST_CASE("memory fields for 8 GiB split around the hole") {
  RtcFixture f;
  f.rtc.ApplyConfig({.ram_below_4g = 3 * kGiB + 512 * kMiB, .ram_above_4g = 4 * kGiB + 512 * kMiB});
  CHECK(Get16(f, CmosNvram::kExtMemLow) == 0xFFFF);
  CHECK(Get16(f, CmosNvram::kMem16mLow) == 0xDF00);
  CHECK(f.Get(CmosNvram::kHighMem0) == 0x00);
  CHECK(f.Get(CmosNvram::kHighMem1) == 0x20);
  CHECK(f.Get(CmosNvram::kHighMem2) == 0x01);  // 0x012000 units = 4.5 GiB
  // A full 4 GiB below the hole would be 0xFF00 units; the field never exceeds 16 bits.
  f.rtc.ApplyConfig({.ram_below_4g = 4 * kGiB});
  CHECK(Get16(f, CmosNvram::kMem16mLow) == 0xFF00);
}

TEST_CASE("CPU count is stored minus one") {
  RtcFixture f;
  f.rtc.ApplyConfig({.cpu_count = 1});
  CHECK(f.Get(CmosNvram::kCpuCountMinusOne) == 0);
  f.rtc.ApplyConfig({.cpu_count = 4});
  CHECK(f.Get(CmosNvram::kCpuCountMinusOne) == 3);
}

TEST_CASE("boot order nibbles in 0x3D and 0x38") {
  RtcFixture f;
  f.Put(CmosNvram::kBootThird, 0x01);  // low nibble flags survive
  CmosConfig config;
  config.boot_order = {CmosBootDevice::kCdrom, CmosBootDevice::kHardDisk, CmosBootDevice::kNetwork};
  f.rtc.ApplyConfig(config);
  CHECK(f.Get(CmosNvram::kBootFirstSecond) == 0x23);
  CHECK(f.Get(CmosNvram::kBootThird) == 0x41);
  config.boot_order = {CmosBootDevice::kFloppy, CmosBootDevice::kNone, CmosBootDevice::kNone};
  f.rtc.ApplyConfig(config);
  CHECK(f.Get(CmosNvram::kBootFirstSecond) == 0x01);
  CHECK(f.Get(CmosNvram::kBootThird) == 0x01);
  f.rtc.ApplyConfig({});  // default: hard disk, then CD-ROM
  CHECK(f.Get(CmosNvram::kBootFirstSecond) == 0x32);
}

TEST_CASE("equipment byte, type bytes and the PC/AT checksum") {
  RtcFixture f;
  f.rtc.ApplyConfig({});
  CHECK(f.Get(CmosNvram::kEquipment) == 0x06);  // FPU, PS/2 mouse, VGA, no floppy
  CHECK(f.Get(CmosNvram::kFloppyTypes) == 0x00);
  CHECK(f.Get(CmosNvram::kDiskTypes) == 0x00);
  f.rtc.ApplyConfig({.ram_below_4g = 64 * kMiB, .floppy_drives = 2, .fpu = false});
  CHECK(f.Get(CmosNvram::kEquipment) == 0x45);  // 2 drives (bits 7:6 = 01), present, mouse
  unsigned sum = 0;
  for (uint8_t i = 0x10; i < 0x2E; ++i) sum += f.Get(i);
  CHECK(f.Get(CmosNvram::kChecksumHigh) == ((sum >> 8) & 0xFF));
  CHECK(f.Get(CmosNvram::kChecksumLow) == (sum & 0xFF));
  CHECK(sum != 0);
}

TEST_CASE("century byte at 0x32 is BCD in BCD mode and writable") {
  RtcFixture f;
  CHECK(f.Get(RtcReg::kCentury) == 0x20);
  f.Put(RtcReg::kCentury, 0x19);
  CHECK(f.Get(RtcReg::kCentury) == 0x19);
  CHECK(f.Get(RtcReg::kYear) == 0x24);
  CHECK(f.rtc.UnixTime() == kFriday2024 - 3155760000);  // 100 years of 36525 days earlier
  // 0x37 (an IBM PS/2 century location) is plain NVRAM here.
  f.Put(0x37, 0x55);
  CHECK(f.Get(0x37) == 0x55);
}

}  // namespace
}  // namespace vireo::devices::test
