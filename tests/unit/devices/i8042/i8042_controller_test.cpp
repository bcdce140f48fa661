// i8042 controller commands, status bits, command byte, output port (A20/reset) and IRQs.

#include <doctest/doctest.h>

#include "tests/unit/devices/i8042/i8042_fixture.h"

namespace vireo::devices::test {
namespace {

TEST_CASE("power-on status and command byte") {
  KbcFixture f;
  CHECK(f.Status() == I8042Status::kInh);  // nothing to read, cold boot (SYS = 0)
  CHECK(f.kbc.command_byte() == 0x41);
  f.Command(0x20);
  // A2 shows the last write went to the command port; OBF a byte is waiting.
  CHECK(f.Status() == (I8042Status::kInh | I8042Status::kA2 | I8042Status::kObf));
  CHECK(f.Data() == 0x41);
  CHECK(f.Status() == (I8042Status::kInh | I8042Status::kA2));
  CHECK(f.kbc.a20_enabled());
  CHECK(f.sink.Rises(1) == 1);  // IRQ 1 rose for the reply (keyboard int on) and fell on read
  CHECK(f.sink.events.size() == 2);
}

TEST_CASE("self-test, interface tests and input port") {
  KbcFixture f;
  f.Command(0xAA);
  CHECK(f.Data() == 0x55);
  CHECK((f.Status() & I8042Status::kSys) != 0);
  f.Command(0xAB);
  CHECK(f.Data() == 0x00);
  f.Command(0xA9);
  CHECK(f.Data() == 0x00);
  f.Command(0xC0);
  CHECK(f.Data() == I8042::kInputPort);
  CHECK(f.Drain().empty());
}

TEST_CASE("command byte write and read back; SYS follows bit 2; A2 tracks the last port") {
  KbcFixture f;
  f.SetCommandByte(0x65);
  CHECK((f.Status() & I8042Status::kA2) == 0);  // last write was data
  CHECK((f.Status() & I8042Status::kSys) != 0);
  f.Command(0x20);
  CHECK(f.Data() == 0x65);
  f.SetCommandByte(0x00);
  CHECK((f.Status() & I8042Status::kSys) == 0);
  f.Command(0x20);
  CHECK(f.Data() == 0x00);
  // Other RAM bytes through 0x6n/0x2n.
  f.Command(0x65);
  f.PutData(0x5A);
  f.Command(0x25);
  CHECK(f.Data() == 0x5A);
  CHECK(f.kbc.command_byte() == 0x00);
}

TEST_CASE("0xAD/0xAE and 0xA7/0xA8 flip the disable bits and hold device data") {
  KbcFixture f;
  f.Command(0xAD);
  CHECK((f.kbc.command_byte() & I8042Config::kKbdDisable) != 0);
  const uint8_t a[] = {0x1C};
  f.kbc.KeyboardInput(a);
  CHECK((f.Status() & I8042Status::kObf) == 0);  // held in the keyboard
  f.Command(0xAE);
  CHECK((f.kbc.command_byte() & I8042Config::kKbdDisable) == 0);
  CHECK(f.Drain() == Bytes{0x1E});

  f.Command(0xA7);
  CHECK((f.kbc.command_byte() & I8042Config::kAuxDisable) != 0);
  f.ToAux(0xF2);
  CHECK((f.Status() & I8042Status::kObf) == 0);
  f.Command(0xA8);
  CHECK((f.kbc.command_byte() & I8042Config::kAuxDisable) == 0);
  CHECK(f.Drain() == Bytes{0xFA, 0x00});
}

TEST_CASE("A20 through the output port, 0xDD/0xDF, and the callback") {
  KbcFixture f;
  f.Command(0xD0);
  CHECK(f.Data() == 0xCF);
  f.Command(0xD1);
  f.PutData(0xCD);  // A20 off, reset line high
  CHECK(f.a20_calls == std::vector<bool>{false});
  CHECK_FALSE(f.kbc.a20_enabled());
  f.Command(0xD0);
  CHECK((f.Data() & I8042OutPort::kA20) == 0);
  f.Command(0xD1);
  f.PutData(0xCD);  // unchanged: no callback
  CHECK(f.a20_calls.size() == 1);
  f.Command(0xDF);
  CHECK(f.kbc.a20_enabled());
  f.Command(0xDF);
  f.Command(0xDD);
  CHECK_FALSE(f.kbc.a20_enabled());
  f.Command(0xD1);
  f.PutData(0xCF);
  CHECK(f.a20_calls == std::vector<bool>{false, true, false, true});
  CHECK(f.resets == 0);
}

TEST_CASE("system reset: 0xFE, the 0xF0 pulse family and output port bit 0") {
  KbcFixture f;
  f.Command(0xFF);  // pulse nothing
  f.Command(0xFD);  // pulse bit 1 only
  CHECK(f.resets == 0);
  f.Command(0xFE);
  CHECK(f.resets == 1);
  f.Command(0xF0);  // pulses bits 0..3
  CHECK(f.resets == 2);
  f.Command(0xD1);
  f.PutData(0xCE);  // bit 0 low asserts reset
  CHECK(f.resets == 3);
  f.Command(0xD0);
  CHECK((f.Data() & I8042OutPort::kReset) != 0);  // released afterwards
  CHECK(f.a20_calls.empty());
}

TEST_CASE("0xD2 writes the keyboard output buffer, 0xD3 the aux one") {
  KbcFixture f;
  f.SetCommandByte(0x47);  // both interrupts, SYS, translation on
  f.Command(0xD2);
  f.PutData(0x1C);
  CHECK(f.Status() == (I8042Status::kInh | I8042Status::kSys | I8042Status::kObf));
  CHECK(f.sink.events.back() == std::pair<unsigned, bool>{1, true});
  CHECK(f.Data() == 0x1C);  // not translated: it did not come from the keyboard
  CHECK(f.sink.events.back() == std::pair<unsigned, bool>{1, false});
  f.Command(0xD3);
  f.PutData(0x17);
  CHECK(f.Status() ==
        (I8042Status::kInh | I8042Status::kSys | I8042Status::kObf | I8042Status::kAuxb));
  CHECK(f.sink.events.back() == std::pair<unsigned, bool>{12, true});
  // Output port bits 4/5 are the live IRQ 1/12 outputs.
  CHECK((f.kbc.output_port() & 0x30) == I8042OutPort::kIrq12);
  CHECK(f.Data() == 0x17);
  CHECK((f.kbc.output_port() & 0x30) == 0);
  CHECK(f.sink.Rises(1) == 1);
  CHECK(f.sink.Rises(12) == 1);
}

TEST_CASE("IRQ 1 and IRQ 12 follow OBF and the command byte enables") {
  KbcFixture f;
  f.SetCommandByte(0x03);  // both interrupts, no translation
  const uint8_t up[] = {0xE0, 0xF0, 0x75};
  f.kbc.KeyboardInput(up);
  // One rising edge per byte: the line falls when a byte is read and rises for the next one.
  CHECK(f.kbc.irq1().level());
  CHECK(f.Data() == 0xE0);
  CHECK(f.kbc.irq1().level());
  CHECK(f.Data() == 0xF0);
  CHECK(f.Data() == 0x75);
  CHECK_FALSE(f.kbc.irq1().level());
  CHECK(f.sink.Rises(1) == 3);

  f.ToAux(0xF2);
  CHECK(f.kbc.irq12().level());
  CHECK_FALSE(f.kbc.irq1().level());
  CHECK(f.Drain() == Bytes{0xFA, 0x00});
  CHECK(f.sink.Rises(12) == 2);

  // With the enables off, data still arrives (OBF) but no interrupt is raised.
  f.SetCommandByte(0x00);
  size_t events = f.sink.events.size();
  const uint8_t a[] = {0x1C};
  f.kbc.KeyboardInput(a);
  f.ToAux(0xF2);
  CHECK(f.Status() == (I8042Status::kInh | I8042Status::kObf));
  CHECK(f.Drain() == Bytes{0x1C, 0xFA, 0x00});
  CHECK(f.sink.events.size() == events);

  // Enabling the interrupt while a byte waits raises the line at once.
  f.kbc.KeyboardInput(a);
  f.SetCommandByte(0x01);
  CHECK(f.kbc.irq1().level());
  CHECK(f.Data() == 0x1C);
}

TEST_CASE("controller replies go before waiting device bytes") {
  KbcFixture f;
  f.SetCommandByte(0x00);
  const uint8_t keys[] = {0x1C};
  f.kbc.KeyboardInput(keys);  // now in the output buffer
  f.kbc.KeyboardInput(keys);  // waiting in the keyboard
  f.Command(0x20);
  CHECK(f.Drain() == Bytes{0x1C, 0x00, 0x1C});
}

TEST_CASE("unknown controller commands are ignored") {
  KbcFixture f;
  f.Command(0xC8);
  f.Command(0xE5);
  CHECK(f.Drain().empty());
  CHECK(f.kbc.command_byte() == I8042::kPowerOnCommandByte);
  CHECK(f.resets == 0);
}

TEST_CASE("Reset() restores the power-on state") {
  KbcFixture f;
  f.Command(0xAA);
  f.SetCommandByte(0x20);
  f.Command(0xDD);
  f.kbc.Reset();
  CHECK(f.Status() == I8042Status::kInh);
  CHECK(f.kbc.command_byte() == I8042::kPowerOnCommandByte);
  CHECK(f.kbc.a20_enabled());
  CHECK(f.kbc.output_port() == I8042::kPowerOnOutputPort);
}

}  // namespace
}  // namespace vireo::devices::test
