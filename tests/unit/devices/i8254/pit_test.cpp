// 8254 counting modes 0..5: counter values and OUT at chosen PIT ticks, and the GATE effects on
// channel 2 (driven through port 0x61 bit 0), per the 82C54 datasheet's mode definitions. A count
// written at tick T is loaded on the next CLK edge, T+1.

#include <doctest/doctest.h>

#include "tests/unit/devices/i8254/pit_fixture.h"

namespace vireo::devices::pit_test {
namespace {

TEST_CASE("PIT: tick conversion at 1193182 Hz") {
  CHECK(PitTicksAt(0) == 0);
  CHECK(PitTicksAt(838) == 0);  // one input period is 838.095 ns
  CHECK(PitTicksAt(839) == 1);
  CHECK(PitTicksAt(1'000'000'000) == 1'193'182);
  CHECK(PitTicksAt(3'600'000'000'000) == 4'295'455'200);  // an hour, no overflow
  CHECK(PitTickTimeNs(1) == 839);
  CHECK(PitTickTimeNs(1'193'182) == 1'000'000'000);
  CHECK(PitTicksAt(PitTickTimeNs(12345)) == 12345);
  CHECK(PitTicksAt(PitTickTimeNs(12345) - 1) == 12344);
}

TEST_CASE("PIT mode 0: interrupt on terminal count") {
  PitRig rig;
  rig.Control(0x30);             // counter 0, LSB then MSB, mode 0, binary
  CHECK(rig.Status(0) == 0x70);  // OUT low, null count, RW 3, mode 0
  rig.Count16(0, 100);
  CHECK(rig.Status(0) == 0x70);  // not loaded until the next CLK edge
  rig.AtTick(1);
  CHECK(rig.Status(0) == 0x30);  // loaded: null count clear, OUT still low
  CHECK(rig.Read16(0) == 100);
  rig.AtTick(51);
  CHECK(rig.Read16(0) == 50);
  rig.AtTick(100);
  CHECK(rig.Read16(0) == 1);
  CHECK_FALSE(rig.Out(0));
  rig.JustBefore(101);
  CHECK(rig.irq0.rises == 0);
  rig.AtTick(101);  // N + 1 clocks after the count was written
  CHECK(rig.irq0.rises == 1);
  CHECK(rig.Out(0));
  CHECK(rig.Read16(0) == 0);
  rig.AtTick(102);
  CHECK(rig.Read16(0) == 0xFFFF);  // keeps counting, wrapping, OUT stays high
  CHECK(rig.Out(0));
  rig.AtTick(70000);
  CHECK(rig.Out(0));
  CHECK(rig.irq0.rises == 1);
}

TEST_CASE("PIT mode 0: writing the first byte stops counting, the second restarts it") {
  PitRig rig;
  rig.Control(0x30);
  rig.Count16(0, 100);
  rig.AtTick(50);
  CHECK(rig.Read16(0) == 51);
  rig.Count(0, 200);  // LSB of 200
  rig.AtTick(60);
  CHECK(rig.Read16(0) == 51);  // held
  CHECK_FALSE(rig.Out(0));
  rig.Count(0, 0);  // MSB: 200 loads on the next edge
  rig.AtTick(61);
  CHECK(rig.Read16(0) == 200);
  rig.AtTick(260);
  CHECK_FALSE(rig.Out(0));
  CHECK(rig.irq0.rises == 0);
  rig.AtTick(261);
  CHECK(rig.Out(0));
  CHECK(rig.irq0.rises == 1);
  // A new count after terminal count drives OUT low again.
  rig.Count16(0, 10);
  CHECK_FALSE(rig.Out(0));
  rig.AtTick(272);
  CHECK(rig.Out(0));
  CHECK(rig.irq0.rises == 2);
}

TEST_CASE("PIT mode 0: GATE low suspends counting (channel 2)") {
  PitRig rig;
  rig.Control(0xB0);  // counter 2, LSB/MSB, mode 0; gate 2 is low after reset
  rig.Count16(2, 10);
  rig.AtTick(1);
  CHECK(rig.Read16(2) == 10);
  rig.AtTick(20);
  CHECK(rig.Read16(2) == 10);
  rig.SetPort61(0x01);
  rig.AtTick(25);
  CHECK(rig.Read16(2) == 5);
  rig.SetPort61(0x00);
  rig.AtTick(40);
  CHECK(rig.Read16(2) == 5);
  CHECK_FALSE(rig.Out2ViaPort61());
  rig.SetPort61(0x01);
  rig.AtTick(44);
  CHECK(rig.Read16(2) == 1);
  CHECK_FALSE(rig.Out2ViaPort61());
  rig.AtTick(45);
  CHECK(rig.Read16(2) == 0);
  CHECK(rig.Out2ViaPort61());
}

TEST_CASE("PIT mode 1: hardware retriggerable one-shot on channel 2") {
  PitRig rig;
  rig.Control(0xB2);             // counter 2, LSB/MSB, mode 1
  CHECK(rig.Status(2) == 0xF2);  // OUT high, null count
  rig.Count16(2, 5);
  rig.AtTick(10);
  CHECK(rig.Status(2) == 0xF2);  // no trigger yet: the count is not loaded, OUT high
  rig.SetPort61(0x01);           // rising GATE at tick 10
  CHECK(rig.Out2ViaPort61());    // OUT falls on the next CLK, not at once
  rig.AtTick(11);
  CHECK(rig.Status(2) == 0x32);  // loaded, OUT low
  CHECK(rig.Read16(2) == 5);
  rig.SetPort61(0x00);  // GATE low does not stop a one-shot
  rig.AtTick(15);
  CHECK(rig.Read16(2) == 1);
  CHECK_FALSE(rig.Out2ViaPort61());
  rig.AtTick(16);
  CHECK(rig.Out2ViaPort61());
  CHECK(rig.Read16(2) == 0);
  rig.AtTick(17);
  CHECK(rig.Read16(2) == 0xFFFF);

  // Retrigger in the middle of a one-shot restarts it; OUT stays low throughout.
  rig.AtTick(30);
  rig.SetPort61(0x01);
  rig.AtTick(33);
  CHECK(rig.Read16(2) == 3);
  rig.SetPort61(0x00);
  rig.SetPort61(0x01);  // retrigger at 33: reload at 34
  CHECK_FALSE(rig.Out2ViaPort61());
  rig.AtTick(34);
  CHECK(rig.Read16(2) == 5);
  rig.AtTick(38);
  CHECK_FALSE(rig.Out2ViaPort61());
  rig.AtTick(39);
  CHECK(rig.Out2ViaPort61());

  // A new count does not disturb the running one-shot; the next trigger uses it.
  rig.SetPort61(0x00);
  rig.AtTick(50);
  rig.SetPort61(0x01);
  rig.AtTick(52);
  rig.Count16(2, 20);
  CHECK((rig.Status(2) & kNullCount) != 0);
  rig.AtTick(56);
  CHECK(rig.Out2ViaPort61());  // the old count of 5 ended at 51 + 5
  rig.SetPort61(0x00);
  rig.SetPort61(0x01);
  rig.AtTick(57);
  CHECK(rig.Read16(2) == 20);
  CHECK((rig.Status(2) & kNullCount) == 0);
  rig.AtTick(76);
  CHECK_FALSE(rig.Out2ViaPort61());
  rig.AtTick(77);
  CHECK(rig.Out2ViaPort61());
}

TEST_CASE("PIT mode 2: rate generator waveform, GATE and a count change mid-period") {
  PitRig rig;
  rig.SetPort61(0x01);
  rig.Control(0xB4);  // counter 2, LSB/MSB, mode 2
  CHECK(rig.Out2ViaPort61());
  rig.Count16(2, 4);
  const uint16_t expected[] = {4, 3, 2, 1, 4, 3, 2, 1, 4};
  for (int i = 0; i < 9; ++i) {
    rig.AtTick(1 + i);
    CHECK(rig.Read16(2) == expected[i]);
    CHECK(rig.Out2ViaPort61() == (expected[i] != 1));  // low for one clock at 1
  }
  // GATE low while OUT is low forces it high and holds the count.
  rig.AtTick(12);
  CHECK(rig.Read16(2) == 1);
  CHECK_FALSE(rig.Out2ViaPort61());
  rig.SetPort61(0x00);
  CHECK(rig.Out2ViaPort61());
  rig.AtTick(20);
  CHECK(rig.Read16(2) == 1);
  CHECK(rig.Out2ViaPort61());
  // The rising edge reloads the count on the next clock.
  rig.SetPort61(0x01);
  rig.AtTick(21);
  CHECK(rig.Read16(2) == 4);
  rig.AtTick(24);
  CHECK_FALSE(rig.Out2ViaPort61());
  rig.AtTick(25);
  CHECK(rig.Read16(2) == 4);

  // A new count waits for the end of the current period.
  rig.AtTick(26);
  rig.Count16(2, 6);
  CHECK((rig.Status(2) & kNullCount) != 0);
  rig.AtTick(28);
  CHECK(rig.Read16(2) == 1);
  CHECK_FALSE(rig.Out2ViaPort61());
  rig.AtTick(29);
  CHECK(rig.Read16(2) == 6);
  CHECK((rig.Status(2) & kNullCount) == 0);
  rig.AtTick(34);
  CHECK(rig.Read16(2) == 1);
  rig.AtTick(35);
  CHECK(rig.Read16(2) == 6);

  // A trigger after a new count loads it at once instead of at the end of the period.
  rig.AtTick(36);
  rig.Count16(2, 3);
  rig.SetPort61(0x00);
  rig.SetPort61(0x01);
  rig.AtTick(37);
  CHECK(rig.Read16(2) == 3);
  rig.AtTick(39);
  CHECK(rig.Read16(2) == 1);
  rig.AtTick(40);
  CHECK(rig.Read16(2) == 3);
}

TEST_CASE("PIT mode 3: square wave for even and odd counts, GATE and a count change") {
  PitRig rig;
  rig.SetPort61(0x01);
  rig.Control(0xB6);  // counter 2, LSB/MSB, mode 3
  rig.Count16(2, 6);
  // Even N: CE N, N-2, .. 2 in each half; OUT high 3, low 3.
  const uint16_t even_ce[] = {6, 4, 2, 6, 4, 2, 6};
  const bool even_out[] = {true, true, true, false, false, false, true};
  for (int i = 0; i < 7; ++i) {
    rig.AtTick(1 + i);
    CHECK(rig.Read16(2) == even_ce[i]);
    CHECK(rig.Out2ViaPort61() == even_out[i]);
  }

  // Odd N: N-1 is loaded and decremented by two; OUT high (N+1)/2 = 3, low (N-1)/2 = 2.
  rig.AtTick(100);
  rig.Control(0xB6);
  rig.Count16(2, 5);
  const uint16_t odd_ce[] = {4, 2, 0, 4, 2, 4, 2, 0, 4};
  const bool odd_out[] = {true, true, true, false, false, true, true, true, false};
  for (int i = 0; i < 9; ++i) {
    rig.AtTick(101 + i);
    CHECK(rig.Read16(2) == odd_ce[i]);
    CHECK(rig.Out2ViaPort61() == odd_out[i]);
  }

  // GATE low in a low half forces OUT high and holds; the rising edge reloads a high half.
  rig.AtTick(110);  // second low half of the odd wave: tick 109 started it
  CHECK_FALSE(rig.Out2ViaPort61());
  rig.SetPort61(0x00);
  CHECK(rig.Out2ViaPort61());
  rig.AtTick(120);
  CHECK(rig.Read16(2) == 2);
  rig.SetPort61(0x01);
  rig.AtTick(121);
  CHECK(rig.Read16(2) == 4);
  CHECK(rig.Out2ViaPort61());
  rig.AtTick(124);
  CHECK_FALSE(rig.Out2ViaPort61());

  // A new count loads at the end of the current half-cycle.
  rig.AtTick(200);
  rig.Control(0xB6);
  rig.Count16(2, 6);  // high halves start at 201, 207, ...
  rig.AtTick(203);
  rig.Count16(2, 10);
  rig.AtTick(204);  // the old high half ends here; the new count starts with a low half of 5
  CHECK(rig.Read16(2) == 10);
  CHECK_FALSE(rig.Out2ViaPort61());
  rig.AtTick(208);
  CHECK(rig.Read16(2) == 2);
  CHECK_FALSE(rig.Out2ViaPort61());
  rig.AtTick(209);
  CHECK(rig.Read16(2) == 10);
  CHECK(rig.Out2ViaPort61());
  rig.AtTick(214);
  CHECK_FALSE(rig.Out2ViaPort61());
}

TEST_CASE("PIT mode 4: software triggered strobe, GATE inhibits counting") {
  PitRig rig;
  rig.SetPort61(0x01);
  rig.Control(0xB8);  // counter 2, LSB/MSB, mode 4
  CHECK(rig.Out2ViaPort61());
  rig.Count16(2, 3);
  rig.AtTick(1);
  CHECK(rig.Read16(2) == 3);
  rig.AtTick(3);
  CHECK(rig.Read16(2) == 1);
  CHECK(rig.Out2ViaPort61());
  rig.AtTick(4);  // N + 1 clocks after the write: one clock low
  CHECK(rig.Read16(2) == 0);
  CHECK_FALSE(rig.Out2ViaPort61());
  rig.AtTick(5);
  CHECK(rig.Read16(2) == 0xFFFF);
  CHECK(rig.Out2ViaPort61());
  rig.AtTick(70000);
  CHECK(rig.Out2ViaPort61());  // no second strobe after wrapping

  rig.SetPort61(0x00);
  rig.Count16(2, 3);  // written with GATE low: loads, but does not count
  rig.AtTick(70010);
  CHECK(rig.Read16(2) == 3);
  rig.SetPort61(0x01);
  rig.AtTick(70013);
  CHECK(rig.Read16(2) == 0);
  CHECK_FALSE(rig.Out2ViaPort61());
  rig.AtTick(70014);
  CHECK(rig.Out2ViaPort61());
}

TEST_CASE("PIT mode 5: hardware triggered strobe, retriggerable") {
  PitRig rig;
  rig.Control(0xBA);  // counter 2, LSB/MSB, mode 5
  rig.Count16(2, 3);
  rig.AtTick(10);
  CHECK(rig.Out2ViaPort61());
  CHECK((rig.Status(2) & kNullCount) != 0);
  rig.SetPort61(0x01);  // trigger at 10
  rig.AtTick(11);
  CHECK(rig.Read16(2) == 3);
  rig.AtTick(13);
  CHECK(rig.Out2ViaPort61());
  rig.AtTick(14);
  CHECK(rig.Read16(2) == 0);
  CHECK_FALSE(rig.Out2ViaPort61());
  rig.AtTick(15);
  CHECK(rig.Out2ViaPort61());

  // Retrigger before the strobe restarts the count.
  rig.SetPort61(0x00);
  rig.AtTick(20);
  rig.SetPort61(0x01);  // load at 21
  rig.AtTick(22);
  rig.SetPort61(0x00);
  rig.SetPort61(0x01);  // reload at 23, strobe at 26
  rig.AtTick(24);
  CHECK(rig.Read16(2) == 2);
  rig.AtTick(25);
  CHECK(rig.Out2ViaPort61());
  rig.AtTick(26);
  CHECK_FALSE(rig.Out2ViaPort61());
  rig.AtTick(27);
  CHECK(rig.Out2ViaPort61());
}

}  // namespace
}  // namespace vireo::devices::pit_test
