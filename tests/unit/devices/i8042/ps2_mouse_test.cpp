// The PS/2 mouse on the i8042 aux port, driven through controller command 0xD4.

#include <doctest/doctest.h>

#include "tests/unit/devices/i8042/i8042_fixture.h"

namespace vireo::devices::test {
namespace {

constexpr uint8_t kBothInts = I8042Config::kKbdInt | I8042Config::kAuxInt;

TEST_CASE("aux reset and identify, with AUXB and IRQ 12") {
  KbcFixture f;
  f.SetCommandByte(kBothInts);
  f.ToAux(0xFF);
  CHECK(f.Status() == (I8042Status::kInh | I8042Status::kObf | I8042Status::kAuxb));
  CHECK(f.kbc.irq12().level());
  CHECK_FALSE(f.kbc.irq1().level());
  CHECK(f.Drain() == Bytes{0xFA, 0xAA, 0x00});
  f.ToAux(0xF2);
  CHECK(f.Drain() == Bytes{0xFA, 0x00});
  CHECK(f.sink.Rises(12) == 5);
  CHECK(f.sink.Rises(1) == 0);
  // Without the aux interrupt enabled the data still arrives, flagged AUXB, with no IRQ.
  f.SetCommandByte(I8042Config::kKbdInt);
  f.ToAux(0xF2);
  CHECK((f.Status() & I8042Status::kAuxb) != 0);
  CHECK(f.Drain() == Bytes{0xFA, 0x00});
  CHECK(f.sink.Rises(12) == 5);
}

TEST_CASE("aux commands Linux psmouse sends are acknowledged") {
  KbcFixture f;
  f.SetCommandByte(kBothInts);
  for (uint8_t command : {0xF5, 0xF4, 0xF6, 0xE6, 0xE7, 0xEA, 0xF0, 0xEC}) {
    CAPTURE(command);
    f.ToAux(command);
    CHECK(f.Drain() == Bytes{0xFA});
  }
  // Sample rate and resolution take a parameter, each acknowledged.
  f.ToAux(0xF3);
  f.ToAux(200);
  f.ToAux(0xE8);
  f.ToAux(0x03);
  CHECK(f.Drain() == Bytes{0xFA, 0xFA, 0xFA, 0xFA});
  CHECK(f.kbc.mouse().sample_rate() == 200);
  CHECK(f.kbc.mouse().resolution() == 3);
  // The IntelliMouse knock (rates 200, 100, 80) leaves a standard mouse at ID 0.
  for (uint8_t rate : {200, 100, 80}) {
    f.ToAux(0xF3);
    f.ToAux(rate);
  }
  f.ToAux(0xF2);
  CHECK(f.Drain() == Bytes{0xFA, 0xFA, 0xFA, 0xFA, 0xFA, 0xFA, 0xFA, 0x00});
  f.ToAux(0x12);  // not a mouse command
  CHECK(f.Drain() == Bytes{0xFE});
}

TEST_CASE("status request reports mode, scaling, resolution and rate") {
  KbcFixture f;
  f.ToAux(0xE9);
  CHECK(f.Drain() == Bytes{0xFA, 0x00, Ps2Mouse::kDefaultResolution, Ps2Mouse::kDefaultSampleRate});
  f.ToAux(0xF4);
  f.ToAux(0xE7);
  f.ToAux(0xF0);
  f.Drain();
  f.ToAux(0xE9);
  CHECK(f.Drain() == Bytes{0xFA, 0x70, Ps2Mouse::kDefaultResolution, Ps2Mouse::kDefaultSampleRate});
}

TEST_CASE("wrap mode echoes until reset-wrap") {
  KbcFixture f;
  f.ToAux(0xEE);
  f.ToAux(0x42);
  f.ToAux(0xF4);
  f.ToAux(0xEC);
  f.ToAux(0xF2);
  CHECK(f.Drain() == Bytes{0xFA, 0x42, 0xF4, 0xFA, 0xFA, 0x00});
}

TEST_CASE("movement packets stream only when reporting is enabled") {
  KbcFixture f;
  f.SetCommandByte(kBothInts);
  f.kbc.MouseInput(5, 3, 0x01);
  CHECK(f.Drain().empty());
  f.ToAux(0xF4);
  CHECK(f.Drain() == Bytes{0xFA});
  f.kbc.MouseInput(5, -3, 0x01);
  CHECK(f.Drain() == Bytes{0x29, 0x05, 0xFD});  // left button, Y sign
  f.kbc.MouseInput(-300, 0, 0x02);
  CHECK(f.Drain() == Bytes{0x5A, 0x00, 0x00});  // right button, X sign + overflow, -256
  f.ToAux(0xEB);                                // read data: no pending movement
  CHECK(f.Drain() == Bytes{0xFA, 0x0A, 0x00, 0x00});
  f.ToAux(0xF5);
  f.kbc.MouseInput(1, 1, 0);
  CHECK(f.Drain() == Bytes{0xFA});
}

}  // namespace
}  // namespace vireo::devices::test
