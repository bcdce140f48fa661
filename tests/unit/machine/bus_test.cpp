#include "machine/bus.h"

#include <doctest/doctest.h>

#include <vector>

#include "machine/address_space.h"
#include "machine/error.h"

using vireo::machine::AccessSizes;
using vireo::machine::AddressSpace;
using vireo::machine::Bus;
using vireo::machine::IoHandler;
using vireo::machine::MemoryKind;

namespace {

/// Byte-addressed register file that records every access it receives.
class RecordingDevice : public IoHandler {
 public:
  explicit RecordingDevice(size_t size) : regs(size) {
    for (size_t i = 0; i < size; ++i) regs[i] = static_cast<uint8_t>(0x10 + i);
  }
  struct Access {
    bool write;
    uint64_t offset;
    unsigned size;
    uint64_t value;
  };
  uint64_t Read(uint64_t offset, unsigned size) override {
    uint64_t v = 0;
    for (unsigned i = 0; i < size; ++i) v |= uint64_t{regs.at(offset + i)} << (8 * i);
    log.push_back({false, offset, size, v});
    return v;
  }
  void Write(uint64_t offset, unsigned size, uint64_t value) override {
    for (unsigned i = 0; i < size; ++i)
      regs.at(offset + i) = static_cast<uint8_t>(value >> (8 * i));
    log.push_back({true, offset, size, value});
  }
  std::vector<uint8_t> regs;
  std::vector<Access> log;
};

}  // namespace

TEST_CASE("bus dispatches relative offsets and reads unassigned ports as all ones") {
  Bus bus("port I/O");
  RecordingDevice dev(8);
  bus.Map(0x3F8, 8, &dev, "serial0");
  CHECK(bus.Read(0x3F9, 1) == 0x11);
  REQUIRE(dev.log.size() == 1);
  CHECK(dev.log[0].offset == 1);
  bus.Write(0x3FF, 1, 0xAB);
  CHECK(dev.regs[7] == 0xAB);
  CHECK(bus.Read(0x80, 1) == 0xFF);
  CHECK(bus.Read(0x80, 2) == 0xFFFF);
  CHECK(bus.Read(0x80, 4) == 0xFFFFFFFF);
  bus.Write(0x80, 4, 0x12345678);  // ignored, no crash
  CHECK(dev.log.size() == 2);
}

TEST_CASE("bus rejects overlapping windows with a message naming both") {
  Bus bus("port I/O");
  RecordingDevice a(8), b(4);
  bus.Map(0x3F8, 8, &a, "serial0");
  CHECK_THROWS_WITH_AS(bus.Map(0x3FC, 4, &b, "isa-debug-exit"),
                       "port I/O range 0x3fc-0x3ff for 'isa-debug-exit' overlaps 'serial0' at "
                       "0x3f8-0x3ff",
                       vireo::Error);
  CHECK_THROWS_AS(bus.Map(0x3F0, 9, &b, "x"), vireo::Error);     // ends inside
  CHECK_THROWS_AS(bus.Map(0x3F0, 0x20, &b, "x"), vireo::Error);  // covers
  CHECK_THROWS_AS(bus.Map(0x10, 0, &b, "x"), vireo::Error);
  bus.Map(0x3F0, 8, &b, "adjacent-below");  // touching is fine
  bus.Map(0x400, 1, &b, "adjacent-above");
  CHECK(bus.Find(0x3F7)->name == "adjacent-below");
  bus.Unmap(0x3F0);
  CHECK(bus.Find(0x3F7) == nullptr);
}

TEST_CASE("bus splits accesses wider than a handler accepts, little-endian") {
  Bus bus("MMIO");
  RecordingDevice dev(8);
  bus.Map(0x1000, 8, &dev, "bytes-only", AccessSizes{1, 1});
  CHECK(bus.Read(0x1000, 4) == 0x13121110);
  CHECK(dev.log.size() == 4);
  for (const auto& a : dev.log) CHECK(a.size == 1);
  dev.log.clear();
  bus.Write(0x1004, 2, 0xBEEF);
  REQUIRE(dev.log.size() == 2);
  CHECK(dev.regs[4] == 0xEF);
  CHECK(dev.regs[5] == 0xBE);
}

TEST_CASE("bus widens narrow accesses to the handler's minimum, writes read-modify-write") {
  Bus bus("MMIO");
  RecordingDevice dev(8);
  bus.Map(0x2000, 8, &dev, "dwords", AccessSizes{4, 4});
  CHECK(bus.Read(0x2001, 1) == 0x11);
  CHECK(dev.log.back().size == 4);
  CHECK(dev.log.back().offset == 0);
  CHECK(bus.Read(0x2002, 2) == 0x1312);
  // A 2-byte read straddling two dwords reads both.
  CHECK(bus.Read(0x2003, 2) == 0x1413);
  dev.log.clear();
  bus.Write(0x2005, 1, 0xAA);
  REQUIRE(dev.log.size() == 2);  // read then write of the containing dword
  CHECK_FALSE(dev.log[0].write);
  CHECK(dev.log[1].write);
  CHECK(dev.log[1].offset == 4);
  CHECK(dev.log[1].value == 0x1716AA14);
  bus.Write(0x2003, 2, 0xCCDD);  // straddles: two read-modify-writes
  CHECK(dev.regs[3] == 0xDD);
  CHECK(dev.regs[4] == 0xCC);
  CHECK(dev.regs[2] == 0x12);
}

TEST_CASE("bus access that leaves a window mixes device bytes and all-ones gaps") {
  Bus bus("port I/O");
  RecordingDevice dev(2);
  bus.Map(0x60, 2, &dev, "dev");
  CHECK(bus.Read(0x61, 2) == 0xFF11);
  CHECK(bus.Read(0x5F, 4) == 0xFF1110FF);
  bus.Write(0x5F, 2, 0x7766);
  CHECK(dev.regs[0] == 0x77);
}

TEST_CASE("address space: MMIO over RAM, ROM ignores writes, unassigned reads ones") {
  AddressSpace as;
  std::vector<uint8_t> ram(0x10000, 0), rom(0x1000, 0x5A);
  as.AddRam(0, ram.size(), ram.data(), "ram");
  as.AddRom(0xF000, 0x1000, rom.data(), "rom");
  CHECK_THROWS_AS(as.AddRam(0x8000, 0x100, ram.data(), "dup"), vireo::Error);
  CHECK_THROWS_AS(as.AddRom(0xF800, 0x100, rom.data(), "dup-rom"), vireo::Error);
  RecordingDevice dev(16);
  as.mmio().Map(0xA000, 16, &dev, "vga");

  CHECK(as.Lookup(0x100).kind == MemoryKind::kRam);
  CHECK(as.Lookup(0x100).span == 0xA000 - 0x100);  // stops at the MMIO window
  CHECK(as.Lookup(0xA004).kind == MemoryKind::kMmio);
  CHECK(as.Lookup(0xF010).kind == MemoryKind::kRom);
  CHECK(as.Lookup(0x20000).kind == MemoryKind::kUnassigned);
  CHECK(as.Lookup(0xB000).span == 0xF000 - 0xB000);  // RAM span stops at the ROM overlay

  uint8_t in[4] = {1, 2, 3, 4};
  as.Write(0x9FFE, in);  // two bytes RAM, two bytes MMIO
  CHECK(ram[0x9FFE] == 1);
  CHECK(ram[0x9FFF] == 2);
  CHECK(dev.regs[0] == 3);
  CHECK(ram[0xA000] == 0);  // the RAM under the window is untouched
  as.Write(0xF000, in);
  CHECK(rom[0] == 0x5A);
  uint8_t out[4];
  as.Read(0x1FFFE, out);
  CHECK(out[0] == 0xFF);  // RAM ends at 0x10000: unassigned
  CHECK(out[3] == 0xFF);
  CHECK(as.RamPointer(0x100, 16) == ram.data() + 0x100);
  CHECK(as.RamPointer(0x9FF0, 0x20) == nullptr);
  as.RemoveRom(0xF000);  // the chipset unlocks the RAM under the BIOS
  CHECK(as.Lookup(0xF010).kind == MemoryKind::kRam);
  as.Write(0xF000, in);
  CHECK(ram[0xF000] == 1);
}

TEST_CASE("address space A20 gate masks bit 20 and notifies") {
  AddressSpace as;
  int changes = 0;
  as.SetA20ChangedHook([&] { ++changes; });
  CHECK(as.a20_mask() == ~uint64_t{0});
  as.SetA20(false);
  CHECK((0x100000 & as.a20_mask()) == 0);
  CHECK((0x200000 & as.a20_mask()) == 0x200000);
  as.SetA20(false);
  CHECK(changes == 1);
  as.SetA20(true);
  CHECK(changes == 2);
}
