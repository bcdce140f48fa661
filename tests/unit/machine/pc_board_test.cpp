// The wired PC board, driven through its port bus the way guest code would.

#include <doctest/doctest.h>

#include "devices/i8259/pic_pair.h"
#include "machine/boards/pc.h"
#include "machine/error.h"

using vireo::machine::MachineSpec;
using vireo::machine::PcMachine;

namespace {
MachineSpec QuietSpec() {
  MachineSpec s;
  s.ram_bytes = 64ull << 20;
  s.serial = {"null"};
  return s;
}
}  // namespace

TEST_CASE("legacy devices answer at their PC ports") {
  MachineSpec spec = QuietSpec();
  spec.debug_exits.push_back({0xF4, 4});
  PcMachine m(spec);
  auto& io = m.memory().ports();
  std::lock_guard lock(m.lock());

  // PIC: ICW1-4 then the mask register reads back.
  io.Write(0x20, 1, 0x11);
  io.Write(0x21, 1, 0x08);
  io.Write(0x21, 1, 0x04);
  io.Write(0x21, 1, 0x01);
  io.Write(0x21, 1, 0xFB);
  CHECK(io.Read(0x21, 1) == 0xFB);
  // UART scratch register and the 8250 IER readback.
  io.Write(0x3FF, 1, 0x5A);
  CHECK(io.Read(0x3FF, 1) == 0x5A);
  io.Write(0x3F9, 1, 0x0F);
  CHECK(io.Read(0x3F9, 1) == 0x0F);
  // RTC: Status D reports valid RAM and time; memory size in NVRAM (KiB above 1 MiB).
  io.Write(0x70, 1, 0x0D);
  CHECK(io.Read(0x71, 1) == 0x80);
  io.Write(0x70, 1, 0x30);
  uint64_t lo = io.Read(0x71, 1);
  io.Write(0x70, 1, 0x31);
  uint64_t hi = io.Read(0x71, 1);
  CHECK(((hi << 8) | lo) == 63 * 1024);
  // i8042 self-test.
  io.Write(0x64, 1, 0xAA);
  CHECK((io.Read(0x64, 1) & 1) == 1);
  CHECK(io.Read(0x60, 1) == 0x55);
  // SeaBIOS's debug port probe and an unassigned port.
  CHECK(io.Read(0x402, 1) == 0xE9);
  CHECK(io.Read(0x3E0, 1) == 0xFF);
  // PIT channel 2 via port 0x61, as the TSC calibration does.
  io.Write(0x61, 1, (io.Read(0x61, 1) & ~0x02) | 0x01);
  io.Write(0x43, 1, 0xB0);  // channel 2, lobyte/hibyte, mode 0
  io.Write(0x42, 1, 0x00);
  io.Write(0x42, 1, 0x08);
  CHECK(m.device_count() == 10);

  io.Write(0xF4, 4, 0x10);  // isa-debug-exit: (0x10 << 1) | 1
  CHECK(m.exit_requested());
  CHECK(m.WaitForExit() == 33);
}

TEST_CASE("A20 follows port 0x92 and the i8042 output port; 0xCF9 and 0xFE request a reset") {
  PcMachine m(QuietSpec());
  auto& io = m.memory().ports();
  std::lock_guard lock(m.lock());
  CHECK(m.memory().a20());  // the i8042 powers up with A20 enabled
  io.Write(0x64, 1, 0xDD);  // i8042: A20 off
  CHECK_FALSE(m.memory().a20());
  io.Write(0x92, 1, 0x02);  // fast A20 on
  CHECK(m.memory().a20());
  io.Write(0x92, 1, 0x00);
  CHECK_FALSE(m.memory().a20());
  io.Write(0x64, 1, 0xDF);
  CHECK(m.memory().a20());
  CHECK_FALSE(m.exit_requested());
  io.Write(0xCF9, 1, 0x06);
  CHECK_FALSE(m.exit_requested());  // a reset restarts the machine...
  CHECK(m.TakeResetRequest());
  CHECK_FALSE(m.TakeResetRequest());

  MachineSpec once = QuietSpec();
  once.no_reboot = true;  // ...unless -no-reboot turns it into an exit with status 0
  PcMachine n(once);
  std::lock_guard lock_n(n.lock());
  n.memory().ports().Write(0x64, 1, 0xFE);  // i8042 pulse reset
  CHECK(n.exit_requested());
  CHECK(n.WaitForExit() == 0);
}

TEST_CASE("board configuration errors are clear") {
  MachineSpec two = QuietSpec();
  two.serial = {"stdio", "stdio"};
  CHECK_THROWS_WITH_AS(PcMachine{two}, "only one -serial can use stdio", vireo::Error);
  MachineSpec clash = QuietSpec();
  clash.debug_exits.push_back({0x3F8, 2});
  CHECK_THROWS_AS(PcMachine{clash}, vireo::Error);
  MachineSpec smp = QuietSpec();
  smp.cpus = 2;
  CHECK_THROWS_WITH_AS(PcMachine{smp}, "-smp 2: only 1 vCPU is supported so far", vireo::Error);
  MachineSpec file = QuietSpec();
  file.serial = {"file:/nonexistent-dir/x.log"};
  CHECK_THROWS_AS(PcMachine{file}, vireo::Error);
}
