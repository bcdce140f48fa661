// The PC timer interrupt path end to end: PIT counter 0 -> ISA IRQ0 -> master 8259A -> INTA.

#include <doctest/doctest.h>

#include <tuple>

#include "devices/i8254/pit8254.h"
#include "devices/i8259/pic_pair.h"
#include "machine/clock.h"
#include "machine/irq.h"

namespace vireo::devices {
namespace {

TEST_CASE("PIT + PIC: a 1 kHz Linux tick is delivered as vector 0x30 ten times in 10 ms") {
  machine::VirtualClock clock(machine::VirtualClock::Mode::kManual);
  PicPair pic;
  Pit8254 pit(clock, machine::IrqLine(&pic, 0));
  auto& master = pic.MasterIo();
  auto& slave = pic.SlaveIo();
  for (auto [io, base, icw3] : {std::tuple{&master, 0x30, 0x04}, std::tuple{&slave, 0x38, 0x02}}) {
    io->Write(0, 1, 0x11);
    io->Write(1, 1, base);
    io->Write(1, 1, icw3);
    io->Write(1, 1, 0x01);
  }
  master.Write(1, 1, 0xFA);  // IRQ0 and the cascade unmasked
  pit.Write(3, 1, 0x34);
  pit.Write(0, 1, 1193 & 0xFF);
  pit.Write(0, 1, 1193 >> 8);
  int delivered = 0;
  while (clock.NowNs() < 10'000'000) {
    clock.Advance(50'000);  // the CPU looks at INTR every 50 us
    if (pic.IntAsserted()) {
      CHECK(pic.Acknowledge() == 0x30);
      master.Write(0, 1, 0x20);
      ++delivered;
    }
  }
  CHECK(delivered == 10);
  CHECK_FALSE(pic.IntAsserted());
}

}  // namespace
}  // namespace vireo::devices
