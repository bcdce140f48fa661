// 8259A pair triggering and cascade: special fully nested mode, edge vs level inputs through the
// PIIX ELCR (with its always-edge mask), spurious IRQ7/IRQ15, slave identification and the
// handlers' byte splitting.

#include <doctest/doctest.h>

#include "machine/irq.h"
#include "tests/unit/devices/i8259/pic_fixture.h"

namespace vireo::devices::pic_test {
namespace {

TEST_CASE("PIC: special fully nested mode lets higher slave levels through") {
  // Without SFNM a slave request of higher priority waits for the master's IR2 EOI.
  Pic normal;
  normal.Init(0x08, 0x70);
  normal.Pulse(10);
  CHECK(normal.intc.Acknowledge() == 0x72);
  normal.Pulse(8);
  CHECK_FALSE(normal.cpu.level);

  Pic pic;
  pic.Init(0x08, 0x70, 0x11);  // master ICW4: 8086 + SFNM
  pic.Pulse(10);
  CHECK(pic.intc.Acknowledge() == 0x72);
  pic.Pulse(11);
  CHECK_FALSE(pic.cpu.level);  // lower on the slave: the slave itself blocks it
  pic.Pulse(8);
  CHECK(pic.cpu.level);
  CHECK(pic.intc.Acknowledge() == 0x70);
  CHECK(pic.SlaveIsr() == 0x05);
  CHECK(pic.MasterIsr() == 0x04);
  // The handler's EOI: the slave first, then the master only if the slave has nothing else.
  pic.Slave(0, kEoi);
  CHECK(pic.SlaveIsr() == 0x04);
  pic.Slave(0, kEoi);
  CHECK(pic.SlaveIsr() == 0x00);
  CHECK(pic.cpu.level);  // IRQ11 resolves again and SFNM passes it
  pic.Master(0, kEoi);
  CHECK(pic.intc.Acknowledge() == 0x73);
  // A master level above IR2 nests normally; one below waits.
  pic.Pulse(4);
  CHECK_FALSE(pic.cpu.level);
  pic.Pulse(1);
  CHECK(pic.intc.Acknowledge() == 0x09);
}

TEST_CASE("PIC: edge mode needs the line to drop and rise again") {
  Pic pic;
  pic.Init(0x08, 0x70);
  pic.isa.SetIrqLevel(4, true);
  CHECK(pic.intc.Acknowledge() == 0x0C);
  pic.Master(0, kEoi);
  pic.isa.SetIrqLevel(4, true);  // still high: no new edge
  CHECK_FALSE(pic.cpu.level);
  CHECK(pic.MasterIrr() == 0x00);
  pic.isa.SetIrqLevel(4, false);
  pic.isa.SetIrqLevel(4, true);
  CHECK(pic.cpu.level);
  pic.isa.SetIrqLevel(4, false);  // the latched edge survives the line going low
  CHECK(pic.MasterIrr() == 0x10);
  CHECK(pic.intc.Acknowledge() == 0x0C);
  pic.Master(0, kEoi);

  // ICW1 resets the edge sense: a line already high must go low and high again.
  pic.isa.SetIrqLevel(6, true);
  pic.Master(0, 0x11);
  pic.Master(1, 0x08);
  pic.Master(1, 0x04);
  pic.Master(1, 0x01);
  CHECK(pic.MasterIrr() == 0x00);
  CHECK_FALSE(pic.cpu.level);
  pic.isa.SetIrqLevel(6, false);
  pic.isa.SetIrqLevel(6, true);
  CHECK(pic.intc.Acknowledge() == 0x0E);
}

TEST_CASE("PIC: level mode via the ELCR, and the ICW1 LTIM bit") {
  Pic pic;
  pic.Init(0x08, 0x70);
  pic.pair.ElcrIo().Write(0, 1, 0x20);  // IRQ5 level
  pic.pair.ElcrIo().Write(1, 1, 0x08);  // IRQ11 level
  pic.isa.SetIrqLevel(5, true);
  CHECK(pic.cpu.level);
  CHECK(pic.MasterIrr() == 0x20);
  pic.isa.SetIrqLevel(5, false);  // the IRR follows the line
  CHECK_FALSE(pic.cpu.level);
  CHECK(pic.MasterIrr() == 0x00);
  pic.isa.SetIrqLevel(5, true);
  CHECK(pic.intc.Acknowledge() == 0x0D);
  CHECK(pic.MasterIrr() == 0x20);  // still asserted while in service
  pic.Master(0, kEoi);
  CHECK(pic.cpu.level);  // not deasserted by the handler: interrupts again, no edge needed
  CHECK(pic.intc.Acknowledge() == 0x0D);
  pic.isa.SetIrqLevel(5, false);
  pic.Master(0, kEoi);
  CHECK_FALSE(pic.cpu.level);

  pic.isa.SetIrqLevel(11, true);
  CHECK(pic.intc.Acknowledge() == 0x73);
  pic.Slave(0, kEoi);
  pic.Master(0, kEoi);
  CHECK(pic.cpu.level);
  CHECK(pic.intc.Acknowledge() == 0x73);
  pic.isa.SetIrqLevel(11, false);
  pic.Slave(0, kEoi);
  pic.Master(0, kEoi);
  CHECK_FALSE(pic.cpu.level);

  // Switching an asserted line to level mode reports it at once; back to edge keeps the latch.
  pic.isa.SetIrqLevel(7, true);
  CHECK(pic.intc.Acknowledge() == 0x0F);
  pic.Master(0, kEoi);
  pic.pair.ElcrIo().Write(0, 1, 0xA0);
  CHECK(pic.MasterIrr() == 0x80);
  pic.pair.ElcrIo().Write(0, 1, 0x00);
  CHECK(pic.MasterIrr() == 0x80);
  CHECK(pic.intc.Acknowledge() == 0x0F);
  pic.Master(0, kEoi);
  CHECK_FALSE(pic.cpu.level);
  pic.isa.SetIrqLevel(7, false);

  // LTIM in ICW1 makes every input of that chip level-sensitive.
  pic.Slave(0, 0x19);
  pic.Slave(1, 0x70);
  pic.Slave(1, 0x02);
  pic.Slave(1, 0x01);
  pic.isa.SetIrqLevel(13, true);
  CHECK(pic.SlaveIrr() == 0x20);
  pic.isa.SetIrqLevel(13, false);
  CHECK(pic.SlaveIrr() == 0x00);
}

TEST_CASE("PIC: ELCR registers, the PIIX always-edge mask and 16-bit access") {
  Pic pic;
  pic.Init(0x08, 0x70);
  auto& elcr = pic.pair.ElcrIo();
  CHECK(elcr.Read(0, 1) == 0x00);
  CHECK(elcr.Read(1, 1) == 0x00);
  elcr.Write(0, 1, 0xFF);
  elcr.Write(1, 1, 0xFF);
  CHECK(elcr.Read(0, 1) == 0xF8);  // IRQ0, 1, 2 cannot be level
  CHECK(elcr.Read(1, 1) == 0xDE);  // IRQ8, 13 cannot be level
  CHECK(elcr.Read(0, 2) == 0xDEF8);
  elcr.Write(0, 2, 0x0C20);
  CHECK(elcr.Read(0, 1) == 0x20);
  CHECK(elcr.Read(1, 1) == 0x0C);

  elcr.Write(0, 2, 0xFFFF);
  // IRQ0 and IRQ8 stay edge-triggered: a pulse is latched although the line is low again.
  pic.Pulse(0);
  pic.Pulse(8);
  CHECK(pic.MasterIrr() == 0x05);
  CHECK(pic.SlaveIrr() == 0x01);
  CHECK(pic.intc.Acknowledge() == 0x08);
  pic.Master(0, kEoi);
  CHECK(pic.intc.Acknowledge() == 0x70);
  pic.Slave(0, kEoi);
  pic.Master(0, kEoi);
  // IRQ9 is level now: a pulse leaves nothing in the slave's IRR, but master IR2 (always edge)
  // latched the slave's brief INT, so the CPU gets a spurious IRQ15.
  pic.Pulse(9);
  CHECK(pic.SlaveIrr() == 0x00);
  CHECK(pic.cpu.level);
  CHECK(pic.intc.Acknowledge() == 0x77);
  CHECK(pic.SlaveIsr() == 0x00);
}

TEST_CASE("PIC: spurious IRQ7 when the request vanishes before INTA") {
  Pic pic;
  pic.Init(0x08, 0x70);
  pic.pair.ElcrIo().Write(0, 1, 0x08);  // IRQ3 level
  pic.isa.SetIrqLevel(3, true);
  CHECK(pic.cpu.level);
  pic.isa.SetIrqLevel(3, false);  // gone before the CPU acknowledges
  CHECK(pic.intc.Acknowledge() == 0x0F);
  CHECK(pic.MasterIsr() == 0x00);  // the spurious IR7 is not put in service

  // Masked between INT and INTA.
  pic.Pulse(4);
  pic.Master(1, 0x10);
  CHECK(pic.intc.Acknowledge() == 0x0F);
  CHECK(pic.MasterIsr() == 0x00);
  CHECK(pic.MasterIrr() == 0x10);  // the request is still latched for later
  pic.Master(1, 0x00);
  CHECK(pic.intc.Acknowledge() == 0x0C);
  pic.Master(0, kEoi);

  // INTA with nothing requesting at all.
  CHECK(pic.intc.Acknowledge() == 0x0F);
  CHECK(pic.MasterIsr() == 0x00);
}

TEST_CASE("PIC: spurious IRQ15 leaves master IR2 in service") {
  Pic pic;
  pic.Init(0x08, 0x70);
  pic.pair.ElcrIo().Write(1, 1, 0x04);  // IRQ10 level
  pic.isa.SetIrqLevel(10, true);
  CHECK(pic.cpu.level);
  pic.isa.SetIrqLevel(10, false);  // gone: the slave's INT falls ...
  CHECK(pic.SlaveIrr() == 0x00);
  CHECK(pic.cpu.level);  // ... but master IR2 latched the edge and still requests
  // The master puts IR2 in service; the slave has nothing and answers with its IR7 vector.
  CHECK(pic.intc.Acknowledge() == 0x77);
  CHECK(pic.MasterIsr() == 0x04);
  CHECK(pic.SlaveIsr() == 0x00);
  pic.Master(0, kEoi);  // what Linux does for a spurious IRQ15
  CHECK(pic.MasterIsr() == 0x00);
  CHECK_FALSE(pic.cpu.level);

  // Same with an edge request masked on the slave after the master saw it.
  pic.Pulse(12);
  pic.Slave(1, 0x10);
  CHECK(pic.cpu.level);
  CHECK(pic.intc.Acknowledge() == 0x77);
  CHECK(pic.MasterIsr() == 0x04);
  pic.Master(0, kEoi);
  pic.Slave(1, 0x00);  // the latched request is still there
  CHECK(pic.intc.Acknowledge() == 0x74);
  CHECK(pic.SlaveIsr() == 0x10);
}

TEST_CASE("PIC: slave AEOI with a second request does not lose it") {
  Pic pic;
  pic.Init(0x08, 0x70, 0x01, 0x03);  // slave in AEOI
  pic.Pulse(9);
  pic.Pulse(10);
  CHECK(pic.intc.Acknowledge() == 0x71);
  CHECK(pic.SlaveIsr() == 0x00);
  CHECK_FALSE(pic.cpu.level);  // master IR2 is in service
  pic.Master(0, kEoi);
  CHECK(pic.cpu.level);  // the slave still had IRQ10 and raised INT again
  CHECK(pic.intc.Acknowledge() == 0x72);
  pic.Master(0, kEoi);
  CHECK_FALSE(pic.cpu.level);
}

TEST_CASE("PIC: a slave whose ICW3 ID does not match the cascade address stays silent") {
  Pic pic;
  pic.Master(0, 0x11);
  pic.Master(1, 0x08);
  pic.Master(1, 0x04);
  pic.Master(1, 0x01);
  pic.Slave(0, 0x11);
  pic.Slave(1, 0x70);
  pic.Slave(1, 0x03);  // ID 3, but it hangs off IR2
  pic.Slave(1, 0x01);
  pic.Pulse(9);
  CHECK(pic.cpu.level);
  CHECK(pic.intc.Acknowledge() == 0xFF);  // nobody drives the data bus
  CHECK(pic.SlaveIsr() == 0x00);
}

TEST_CASE("PIC: IRQ2 is the cascade, not an input; out-of-range lines are ignored") {
  Pic pic;
  pic.Init(0x08, 0x70);
  pic.Pulse(2);
  pic.Pulse(16);
  pic.Pulse(200);
  CHECK(pic.MasterIrr() == 0x00);
  CHECK(pic.SlaveIrr() == 0x00);
  CHECK_FALSE(pic.cpu.level);
}

TEST_CASE("PIC: wide port accesses split into byte ports; Reset and a late INT connection") {
  Pic pic;
  pic.Init(0x08, 0x70);
  pic.pair.MasterIo().Write(0, 2, 0xA50B);  // OCW3 read ISR to port 0, IMR 0xA5 to port 1
  CHECK(pic.MasterReg(1) == 0xA5);
  CHECK(pic.pair.MasterIo().Read(0, 2) == 0xA500);
  pic.Master(1, 0x00);
  pic.Pulse(1);
  CHECK(pic.cpu.level);

  IntrPin late;
  pic.pair.SetIntOutput(machine::IrqLine(&late, 0));
  CHECK(late.level);  // a newly connected wire gets the current level
  pic.pair.Reset();
  CHECK_FALSE(late.level);
  CHECK(pic.MasterReg(1) == 0x00);
  CHECK(pic.pair.ElcrIo().Read(0, 2) == 0x0000);
}

}  // namespace
}  // namespace vireo::devices::pic_test
