// 8254 register interface: access modes, counter latch, read-back (status and count, latched
// once until read), BCD and count 0, the control port, and IRQ0 edges from counter 0 timed on the
// manual clock.

#include <doctest/doctest.h>

#include <algorithm>

#include "tests/unit/devices/i8254/pit_fixture.h"

namespace vireo::devices::pit_test {
namespace {

TEST_CASE("PIT: LSB-only, MSB-only and LSB-then-MSB access modes") {
  PitRig rig;
  rig.Control(0x50);             // counter 1 (gate high), LSB only, mode 0
  CHECK(rig.Status(1) == 0x50);  // OUT low, null count, RW 01, mode 0
  rig.Count(1, 0x34);            // the MSB is zero
  rig.AtTick(1);
  CHECK(rig.Read(1) == 0x34);
  CHECK(rig.Read(1) == 0x34);  // every read is the LSB
  rig.AtTick(2);
  CHECK(rig.Read(1) == 0x33);

  rig.Control(0x60);   // counter 1, MSB only, mode 0
  rig.Count(1, 0x12);  // count 0x1200
  rig.AtTick(3);
  CHECK(rig.Read(1) == 0x12);
  rig.AtTick(4);
  CHECK(rig.Read(1) == 0x11);  // 0x11FF
  // MSB only: the latched MSB (0x11FF), then a live MSB; each read is one whole access.
  CHECK(rig.Latched16(1) == 0x1111);

  rig.Control(0x70);  // counter 1, LSB then MSB
  rig.Count(1, 0xCD);
  rig.Count(1, 0xAB);
  rig.AtTick(5);
  CHECK(rig.Read(1) == 0xCD);
  CHECK(rig.Read(1) == 0xAB);
  CHECK(rig.Read(1) == 0xCD);  // the read flip-flop toggles
  rig.AtTick(6);
  CHECK(rig.Read(1) == 0xAB);  // live MSB of 0xABCC
  CHECK(rig.Read16(1) == 0xABCC);
  CHECK(rig.pit.Read(3, 1) == 0xFF);  // the control register is write-only
}

TEST_CASE("PIT: counter latch holds the value, and a second latch before reading is ignored") {
  PitRig rig;
  rig.Control(0x74);  // counter 1, LSB/MSB, mode 2
  rig.Count16(1, 1000);
  rig.AtTick(11);
  rig.Control(0x40);  // latch counter 1
  rig.AtTick(111);
  rig.Control(0x40);  // ignored: the first latch is unread
  CHECK(rig.Read(1) == (990 & 0xFF));
  rig.AtTick(150);
  CHECK(rig.Read(1) == (990 >> 8));
  CHECK(rig.Read16(1) == 1000 - 149);  // unlatched again: live
  CHECK(rig.Latched16(1) == 1000 - 149);
  rig.AtTick(160);
  CHECK(rig.Latched16(1) == 1000 - 159);  // a new latch after the read completed
  // The latch command does not change the mode.
  CHECK((rig.Status(1) & 0x3F) == 0x34);
}

TEST_CASE("PIT: read-back latches status and count of the selected counters") {
  PitRig rig;
  rig.Control(0x34);  // counter 0, mode 2
  rig.Count16(0, 500);
  rig.Control(0x76);  // counter 1, mode 3
  rig.Count16(1, 300);
  rig.AtTick(101);
  rig.Control(0xC6);  // count and status of counters 0 and 1
  rig.AtTick(201);
  // Status first (OUT high, loaded, RW 3, mode 2 / 3, binary), then the count.
  CHECK(rig.Read(0) == 0xB4);
  CHECK(rig.Read16(0) == 400);
  CHECK(rig.Read(1) == 0xB6);
  CHECK(rig.Read16(1) == 300 - 2 * 100);
  // Read-back again while the status is unread: the second status latch is ignored.
  rig.Control(0xE2);  // status of counter 0
  rig.AtTick(600);
  rig.Control(0xE2);
  CHECK(rig.Read(0) == 0xB4);
  CHECK(rig.Read16(0) == 500 - 99);  // then the live count again
  // Count latched alone, then both: the count latch is kept, the status is new.
  rig.AtTick(700);
  rig.Control(0xD2);  // count of counter 0 at 700: 500 - (699 % 500)
  rig.AtTick(800);
  rig.Control(0xC2);  // count (ignored, still latched) and status
  CHECK(rig.Read(0) == 0xB4);
  CHECK(rig.Read16(0) == 500 - 199);
  // Status of counter 2 after a control word: null count set until a count is loaded.
  rig.Control(0xB1);  // counter 2, LSB/MSB, mode 0, BCD
  CHECK(rig.Status(2) == 0x71);
  rig.Control(0xBC);  // mode bits 110 are mode 2, reported as programmed
  CHECK(rig.Status(2) == 0xFC);
}

TEST_CASE("PIT: null count follows the count register transfer") {
  PitRig rig;
  rig.Control(0x74);
  CHECK((rig.Status(1) & kNullCount) != 0);
  rig.Count(1, 10);
  CHECK((rig.Status(1) & kNullCount) != 0);  // half a count
  rig.Count(1, 0);
  rig.AtTick(1);
  CHECK((rig.Status(1) & kNullCount) == 0);
  rig.Count16(1, 20);
  CHECK((rig.Status(1) & kNullCount) != 0);  // waits for the end of the period (tick 11)
  rig.AtTick(10);
  CHECK((rig.Status(1) & kNullCount) != 0);
  rig.AtTick(11);
  CHECK((rig.Status(1) & kNullCount) == 0);
}

TEST_CASE("PIT: BCD counting and count 0 as the full modulus") {
  PitRig rig;
  rig.Control(0x71);  // counter 1, LSB/MSB, mode 0, BCD
  rig.Count16(1, 0x0100);
  rig.AtTick(1);
  CHECK(rig.Read16(1) == 0x0100);
  rig.AtTick(2);
  CHECK(rig.Read16(1) == 0x0099);
  rig.AtTick(101);
  CHECK(rig.Read16(1) == 0x0000);
  CHECK(rig.Out(1));
  rig.AtTick(102);
  CHECK(rig.Read16(1) == 0x9999);

  rig.Control(0x71);
  rig.Count16(1, 0x0000);  // 10000 in BCD
  rig.AtTick(103);
  CHECK(rig.Read16(1) == 0x0000);
  rig.AtTick(104);
  CHECK(rig.Read16(1) == 0x9999);
  rig.AtTick(102 + 10000);
  CHECK_FALSE(rig.Out(1));
  CHECK(rig.Read16(1) == 0x0001);
  rig.AtTick(103 + 10000);
  CHECK(rig.Out(1));

  rig.Control(0x77);  // mode 3, BCD: decrements by two in BCD
  rig.Count16(1, 0x0010);
  rig.AtTick(10104);
  CHECK(rig.Read16(1) == 0x0010);
  rig.AtTick(10105);
  CHECK(rig.Read16(1) == 0x0008);
  rig.AtTick(10109);
  CHECK(rig.Read16(1) == 0x0010);
  CHECK_FALSE(rig.Out(1));

  rig.AtTick(20000);
  rig.Control(0x70);  // binary count 0 = 65536
  rig.Count16(1, 0);
  rig.AtTick(20001);
  CHECK(rig.Read16(1) == 0x0000);
  rig.AtTick(20002);
  CHECK(rig.Read16(1) == 0xFFFF);
  rig.AtTick(20000 + 65536);
  CHECK_FALSE(rig.Out(1));
  rig.AtTick(20001 + 65536);
  CHECK(rig.Out(1));
}

TEST_CASE("PIT IRQ0: mode 2 with count 1193 gives one edge per period without drift") {
  PitRig rig;
  rig.Control(0x34);  // Linux: counter 0, LSB/MSB, mode 2
  rig.Count16(0, 1193);
  CHECK(rig.irq0.rises == 0);
  // Edges at ticks 1 + 1193k; 10 ms is tick 11931 = 1 + 10 * 1193.
  rig.clock.Advance(10'000'000);
  CHECK(rig.irq0.rises == 10);
  rig.JustBefore(1 + 11 * 1193);
  CHECK(rig.irq0.rises == 10);
  rig.AtTick(1 + 11 * 1193);
  CHECK(rig.irq0.rises == 11);
  // One second: tick 1193182, (1193182 - 1) / 1193 = 1000 edges.
  rig.clock.Advance(1'000'000'000 - rig.clock.NowNs());
  CHECK(rig.irq0.rises == 1000);
  // Irregular steps (as late host timer callbacks would be) do not drift: after 10 s there are
  // exactly (11931820 - 1) / 1193 = 10001 edges.
  while (rig.clock.NowNs() < 10'000'000'000) {
    rig.clock.Advance(std::min<int64_t>(37'123, 10'000'000'000 - rig.clock.NowNs()));
  }
  CHECK(rig.irq0.rises == 10001);
}

TEST_CASE("PIT IRQ0: mode 3 edges on the square wave's rising edge") {
  PitRig rig;
  rig.Control(0x36);
  rig.Count16(0, 2386);  // high halves start at 1 + 2386k
  rig.AtTick(1 + 1193);
  CHECK_FALSE(rig.Out(0));  // second half: low
  CHECK(rig.irq0.rises == 0);
  rig.JustBefore(1 + 2386);
  CHECK(rig.irq0.rises == 0);
  rig.AtTick(1 + 2386);
  CHECK(rig.irq0.rises == 1);
  CHECK(rig.Out(0));
  rig.clock.Advance(10'000'000 - rig.clock.NowNs());  // tick 11931 = 1 + 5 * 2386
  CHECK(rig.irq0.rises == 5);

  // SeaBIOS: mode 3 with count 0 (65536), the 18.2 Hz BIOS tick.
  PitRig bios;
  bios.Control(0x36);
  bios.Count16(0, 0);
  bios.clock.Advance(1'000'000'000);
  CHECK(bios.irq0.rises == 18);  // (1193182 - 1) / 65536
}

TEST_CASE("PIT IRQ0: mode 0, mode 4, a count change and reprogramming") {
  PitRig rig;
  rig.Control(0x30);  // Linux one-shot clockevent: mode 0
  rig.Count16(0, 1000);
  rig.clock.Advance(5'000'000);
  CHECK(rig.irq0.rises == 1);  // only one, at tick 1001

  rig.Control(0x38);  // mode 4: strobe ends N + 2 clocks after the write
  const int64_t start = rig.Tick();
  rig.Count16(0, 50);
  rig.JustBefore(start + 52);
  CHECK(rig.irq0.rises == 1);
  rig.AtTick(start + 52);
  CHECK(rig.irq0.rises == 2);
  rig.clock.Advance(100'000'000);
  CHECK(rig.irq0.rises == 2);

  // Mode 2 count 100 written at T (edges at T+101, T+201, ...); a new count of 200 written
  // mid-period takes over at T+101, so the next edges are T+301, T+501.
  rig.AtTick(200'000);
  rig.Control(0x34);
  rig.Count16(0, 100);
  const int64_t base = rig.Tick();
  rig.AtTick(base + 50);
  rig.Count16(0, 200);
  rig.AtTick(base + 101);
  CHECK(rig.irq0.rises == 3);
  rig.JustBefore(base + 301);
  CHECK(rig.irq0.rises == 3);
  rig.AtTick(base + 301);
  CHECK(rig.irq0.rises == 4);
  rig.AtTick(base + 501);
  CHECK(rig.irq0.rises == 5);

  // Mode 3: a new count takes over at the end of the half-cycle. Written in a high half, it
  // starts with its own low half, so the next edge comes after that low half.
  rig.AtTick(300'000);
  rig.Control(0x36);  // counter 0 was still running in mode 2 (OUT high): no edge here
  const int r0 = rig.irq0.rises;
  rig.Count16(0, 6);  // loaded at 300001: high 300001..3, low 300004..6, edge at 300007
  rig.AtTick(300'002);
  rig.Count16(0, 10);  // takes over at 300004 with a low half of 5: edge at 300009
  rig.JustBefore(300'009);
  CHECK(rig.irq0.rises == r0);
  rig.AtTick(300'009);
  CHECK(rig.irq0.rises == r0 + 1);
  rig.AtTick(300'019);
  CHECK(rig.irq0.rises == r0 + 2);
  rig.AtTick(300'025);  // second (low) half of the period that started at 300019
  rig.Count16(0, 4);    // takes over at the rising boundary 300029, which is an edge itself
  rig.JustBefore(300'029);
  CHECK(rig.irq0.rises == r0 + 2);
  rig.AtTick(300'029);
  CHECK(rig.irq0.rises == r0 + 3);
  rig.AtTick(300'033);
  CHECK(rig.irq0.rises == r0 + 4);

  // A mode 0 control word drops OUT0 and stops the edges ...
  rig.Control(0x30);
  rig.clock.Advance(10'000'000);
  CHECK(rig.irq0.rises == r0 + 4);
  // ... and a mode 2 control word raises OUT0 again at once: that is an edge for the PIC too.
  rig.Control(0x34);
  CHECK(rig.irq0.rises == r0 + 5);
  rig.Count16(0, 1193);
  rig.clock.Advance(1'500'000);  // the first edge is 1194 clocks (1.0007 ms) after the write
  CHECK(rig.irq0.rises == r0 + 6);
}

}  // namespace
}  // namespace vireo::devices::pit_test
