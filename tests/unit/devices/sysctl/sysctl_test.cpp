// Port 0x92 (fast A20 / fast reset) and the PIIX reset control register at 0xCF9.

#include "devices/sysctl/sysctl.h"

#include <doctest/doctest.h>

#include <vector>

namespace vireo::devices {
namespace {

TEST_CASE("port 0x92: fast A20 is read/write and reported on change") {
  int resets = 0;
  std::vector<bool> a20;
  Port92 port([&] { ++resets; }, [&](bool on) { a20.push_back(on); });
  CHECK(port.Read(0, 1) == 0x00);
  CHECK_FALSE(port.a20_enabled());
  port.Write(0, 1, 0x02);
  CHECK(port.Read(0, 1) == 0x02);
  CHECK(port.a20_enabled());
  port.Write(0, 1, 0x02);  // unchanged: no second call
  // Other bits are not stored and read as 0.
  port.Write(0, 1, 0xF2);
  CHECK(port.Read(0, 1) == 0x02);
  port.Write(0, 1, 0x00);
  CHECK(port.Read(0, 1) == 0x00);
  CHECK(a20 == std::vector<bool>{true, false});
  CHECK(resets == 0);
}

TEST_CASE("port 0x92: writing bit 0 = 1 resets; the bit reads back 0") {
  int resets = 0;
  std::vector<bool> a20;
  Port92 port([&] { ++resets; }, [&](bool on) { a20.push_back(on); });
  port.Write(0, 1, 0x01);
  CHECK(resets == 1);
  CHECK(port.Read(0, 1) == 0x00);
  port.Write(0, 1, 0x03);  // reset with A20 on: A20 is applied as well
  CHECK(resets == 2);
  CHECK(port.Read(0, 1) == 0x02);
  CHECK(a20 == std::vector<bool>{true});
  // Empty callbacks are allowed.
  Port92 bare({}, {});
  bare.Write(0, 1, 0x03);
  CHECK(bare.Read(0, 1) == 0x02);
}

TEST_CASE("0xCF9: bits 1 and 3 are stored, bit 2 triggers the reset") {
  int resets = 0;
  ResetControl rc([&] { ++resets; });
  CHECK(rc.Read(0, 1) == 0x00);
  rc.Write(0, 1, 0x02);  // select hard reset, no reset yet
  CHECK(resets == 0);
  CHECK(rc.Read(0, 1) == 0x02);
  rc.Write(0, 1, 0x08);
  CHECK(rc.Read(0, 1) == 0x08);
  rc.Write(0, 1, 0xF1);  // bits other than 1 and 3 are not stored
  CHECK(rc.Read(0, 1) == 0x00);
  CHECK(resets == 0);

  rc.Write(0, 1, 0x06);  // the usual "hard reset" write (Linux reboot=pci writes 0x02 then 0x06)
  CHECK(resets == 1);
  CHECK(rc.last_reset_hard());
  CHECK(rc.Read(0, 1) == 0x02);  // bit 2 is write-only
  rc.Write(0, 1, 0x04);          // soft reset
  CHECK(resets == 2);
  CHECK_FALSE(rc.last_reset_hard());
  CHECK(rc.Read(0, 1) == 0x00);
  rc.Write(0, 1, 0x0E);  // full reset
  CHECK(resets == 3);
  CHECK(rc.last_reset_hard());
  CHECK(rc.Read(0, 1) == 0x0A);
  CHECK(ResetControl::kPort == 0xCF9);
  CHECK(Port92::kPort == 0x92);
}

}  // namespace
}  // namespace vireo::devices

namespace vireo::devices {
namespace {

struct LevelSink : machine::IrqSink {
  bool level = false;
  int changes = 0;
  void SetIrqLevel(unsigned, bool l) override {
    level = l;
    ++changes;
  }
};

TEST_CASE("port 0xF0: FERR# raises IRQ13 until the port is written") {
  LevelSink sink;
  FpuErrorLatch latch(machine::IrqLine(&sink, 13));
  CHECK_FALSE(sink.level);
  latch.Signal();
  CHECK(sink.level);
  latch.Signal();  // still high
  CHECK(sink.level);
  CHECK(latch.Read(0, 1) == 0xFF);
  latch.Write(0, 1, 0);
  CHECK_FALSE(sink.level);
}

}  // namespace
}  // namespace vireo::devices
