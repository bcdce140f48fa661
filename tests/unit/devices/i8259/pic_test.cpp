// 8259A pair programming: the ICW sequences SeaBIOS and Linux use, OCW1 masking, OCW2 EOI and
// rotation commands, OCW3 register reads, poll and special mask mode, per the Intel 8259A
// datasheet. Driven only through the port handlers, the ISA inputs and the INTA cycle.

#include <doctest/doctest.h>

#include "machine/irq.h"
#include "tests/unit/devices/i8259/pic_fixture.h"

namespace vireo::devices::pic_test {
namespace {

TEST_CASE("PIC: SeaBIOS initialization vectors 0x08 and 0x70 and the IMR") {
  Pic pic;
  pic.Init(0x08, 0x70);
  CHECK(pic.MasterReg(1) == 0x00);  // ICW1 clears the IMR
  pic.Master(1, 0xFB);              // SeaBIOS: everything masked but the cascade
  pic.Slave(1, 0xFF);
  CHECK(pic.MasterReg(1) == 0xFB);
  CHECK(pic.SlaveReg(1) == 0xFF);
  pic.Master(1, 0x00);
  pic.Slave(1, 0x00);

  pic.Pulse(0);
  CHECK(pic.cpu.level);
  CHECK(pic.pair.IntAsserted());
  CHECK(pic.intc.Acknowledge() == 0x08);
  CHECK_FALSE(pic.cpu.level);
  CHECK(pic.MasterIsr() == 0x01);
  pic.Master(0, kEoi);
  CHECK(pic.MasterIsr() == 0x00);

  pic.Pulse(14);
  CHECK(pic.cpu.level);
  CHECK(pic.intc.Acknowledge() == 0x76);
  CHECK(pic.MasterIsr() == 0x04);
  CHECK(pic.SlaveIsr() == 0x40);
  pic.Slave(0, kEoi);
  pic.Master(0, kEoi);
  CHECK(pic.MasterIsr() == 0x00);
  CHECK(pic.SlaveIsr() == 0x00);
}

TEST_CASE("PIC: Linux initialization vectors 0x30 and 0x38") {
  Pic pic;
  pic.Master(1, 0xFF);  // Linux masks everything before ICW1
  pic.Slave(1, 0xFF);
  pic.Init(0x30, 0x38);
  pic.Master(1, 0xFB);
  pic.Slave(1, 0xFF);
  pic.Pulse(1);
  CHECK_FALSE(pic.cpu.level);  // masked
  pic.Master(1, 0xF9);
  CHECK(pic.cpu.level);
  CHECK(pic.intc.Acknowledge() == 0x31);
  pic.Master(0, kSpecificEoi | 1);
  pic.Slave(1, 0xF7);  // unmask IRQ11
  pic.Pulse(11);
  CHECK(pic.intc.Acknowledge() == 0x3B);
  CHECK(pic.cpu.rises == 2);
}

TEST_CASE("PIC: ICW2 ignores the low three vector bits; INT stays low during initialization") {
  Pic pic;
  pic.Master(0, 0x11);
  pic.Pulse(3);
  CHECK_FALSE(pic.cpu.level);  // no vector base yet
  pic.Master(1, 0x27);         // T7..T3 = 0x20
  pic.Master(1, 0x04);
  CHECK_FALSE(pic.cpu.level);
  pic.Master(1, 0x01);
  CHECK(pic.cpu.level);
  CHECK(pic.intc.Acknowledge() == 0x23);
}

TEST_CASE("PIC: ICW1 without IC4 skips ICW4; single mode skips ICW3") {
  Pic pic;
  // ICW1 = 0x12: single, no ICW4. The next port 1 write after ICW2 is already OCW1.
  pic.Master(0, 0x12);
  pic.Master(1, 0x40);
  pic.Master(1, 0xAA);
  CHECK(pic.MasterReg(1) == 0xAA);

  // ICW1 = 0x13: single with ICW4; ICW3 is skipped, so the third write is ICW4, the fourth OCW1.
  pic.Master(0, 0x13);
  pic.Master(1, 0x48);
  pic.Master(1, 0x03);  // ICW4: 8086, AEOI
  pic.Master(1, 0x55);
  CHECK(pic.MasterReg(1) == 0x55);
  pic.Master(1, 0x00);
  pic.Pulse(5);
  CHECK(pic.intc.Acknowledge() == 0x4D);
  CHECK(pic.MasterIsr() == 0x00);  // the ICW4 that was taken enabled AEOI

  // In single mode IR2 is an ordinary input: the slave's INT yields the master's IR2 vector.
  pic.Slave(0, 0x11);
  pic.Slave(1, 0x70);
  pic.Slave(1, 0x02);
  pic.Slave(1, 0x01);
  pic.Pulse(9);
  CHECK(pic.cpu.level);
  CHECK(pic.intc.Acknowledge() == 0x4A);
  CHECK(pic.SlaveIsr() == 0x00);  // the slave never saw the INTA
}

TEST_CASE("PIC: OCW3 selects IRR or ISR for reads and RR=0 keeps the selection") {
  Pic pic;
  pic.Init(0x08, 0x70);
  pic.Master(1, 0xFF);
  pic.Pulse(4);
  pic.Pulse(6);
  CHECK(pic.MasterIrr() == 0x50);  // masked requests still show in the IRR
  pic.Master(1, 0xBF);
  CHECK(pic.intc.Acknowledge() == 0x0E);
  CHECK(pic.MasterIsr() == 0x40);
  pic.Master(0, 0x08);  // OCW3 with RR = 0: no change, still reading the ISR
  CHECK(pic.MasterReg(0) == 0x40);
  pic.Master(0, 0x09);  // RIS without RR is ignored
  CHECK(pic.MasterReg(0) == 0x40);
  CHECK(pic.MasterIrr() == 0x10);
  CHECK(pic.MasterReg(0) == 0x10);  // the selection persists
  CHECK(pic.MasterReg(1) == 0xBF);  // A0 = 1 always reads the IMR
}

TEST_CASE("PIC: OCW1 masking holds a request until unmasked") {
  Pic pic;
  pic.Init(0x08, 0x70);
  pic.Master(1, 0x08);
  pic.Pulse(3);
  CHECK_FALSE(pic.cpu.level);
  CHECK(pic.MasterIrr() == 0x08);
  pic.Master(1, 0x00);
  CHECK(pic.cpu.level);
  pic.Master(1, 0x08);  // masking again drops INT
  CHECK_FALSE(pic.cpu.level);
  pic.Slave(1, 0x02);
  pic.Pulse(9);
  CHECK_FALSE(pic.cpu.level);
  CHECK(pic.SlaveIrr() == 0x02);
  pic.Master(1, 0x0C);  // masking the cascade input hides the whole slave
  pic.Slave(1, 0x00);
  CHECK_FALSE(pic.cpu.level);
  pic.Master(1, 0x00);
  CHECK(pic.intc.Acknowledge() == 0x71);
}

TEST_CASE("PIC: fully nested priority, including the slave between IRQ1 and IRQ3") {
  Pic pic;
  pic.Init(0x08, 0x70);
  pic.Pulse(3);
  pic.Pulse(9);
  pic.Pulse(1);
  CHECK(pic.intc.Acknowledge() == 0x09);  // IRQ1
  CHECK_FALSE(pic.cpu.level);             // lower levels wait for the EOI
  pic.Pulse(0);
  CHECK(pic.cpu.level);  // IRQ0 nests above IRQ1
  CHECK(pic.intc.Acknowledge() == 0x08);
  CHECK(pic.MasterIsr() == 0x03);
  pic.Master(0, kEoi);  // non-specific EOI: the highest, IRQ0
  CHECK(pic.MasterIsr() == 0x02);
  CHECK_FALSE(pic.cpu.level);
  pic.Master(0, kEoi);
  CHECK(pic.cpu.level);
  CHECK(pic.intc.Acknowledge() == 0x71);  // IRQ9 (through IR2) before IRQ3
  pic.Pulse(15);
  CHECK_FALSE(pic.cpu.level);  // master IR2 in service blocks the slave (no SFNM)
  pic.Slave(0, kEoi);
  pic.Master(0, kEoi);
  CHECK(pic.intc.Acknowledge() == 0x77);
  pic.Slave(0, kEoi);
  pic.Master(0, kEoi);
  CHECK(pic.intc.Acknowledge() == 0x0B);
  pic.Master(0, kEoi);
  CHECK_FALSE(pic.cpu.level);
  CHECK(pic.MasterIsr() == 0x00);
}

TEST_CASE("PIC: specific EOI and the OCW2 no-op") {
  Pic pic;
  pic.Init(0x08, 0x70);
  pic.Pulse(5);
  CHECK(pic.intc.Acknowledge() == 0x0D);
  pic.Pulse(4);
  CHECK(pic.intc.Acknowledge() == 0x0C);
  CHECK(pic.MasterIsr() == 0x30);
  pic.Master(0, kOcw2Nop | 4);
  CHECK(pic.MasterIsr() == 0x30);
  pic.Master(0, kSpecificEoi | 5);  // not the highest: only IR5 is reset
  CHECK(pic.MasterIsr() == 0x10);
  pic.Master(0, kSpecificEoi | 7);  // a level not in service: nothing happens
  CHECK(pic.MasterIsr() == 0x10);
  pic.Master(0, kSpecificEoi | 4);
  CHECK(pic.MasterIsr() == 0x00);
  pic.Master(0, kEoi);  // EOI with nothing in service is harmless
  CHECK(pic.MasterIsr() == 0x00);
}

TEST_CASE("PIC: rotate on non-specific EOI makes the serviced level the lowest") {
  Pic pic;
  pic.Init(0x08, 0x70);
  pic.Pulse(0);
  CHECK(pic.intc.Acknowledge() == 0x08);
  pic.Master(0, kRotateEoi);
  CHECK(pic.MasterIsr() == 0x00);
  // Priority is now 1 (highest) .. 7, 0 (lowest).
  pic.Pulse(0);
  pic.Pulse(7);
  CHECK(pic.intc.Acknowledge() == 0x0F);
  CHECK(pic.MasterIsr() == 0x80);  // a real IR7, so its ISR bit is set
  CHECK_FALSE(pic.cpu.level);      // IR0 is now below IR7
  pic.Master(0, kRotateEoi);       // IR7 lowest: 0 is highest again
  CHECK(pic.intc.Acknowledge() == 0x08);
  pic.Master(0, kEoi);
}

TEST_CASE("PIC: set priority and rotate on specific EOI") {
  Pic pic;
  pic.Init(0x08, 0x70);
  pic.Master(0, kSetPriority | 3);  // IR3 lowest, IR4 highest
  pic.Pulse(1);
  pic.Pulse(4);
  pic.Pulse(3);
  CHECK(pic.intc.Acknowledge() == 0x0C);
  CHECK_FALSE(pic.cpu.level);  // IR4 in service blocks everything below it, i.e. all others
  pic.Master(0, kRotateSpecificEoi | 4);  // reset IR4, IR4 lowest: IR5 highest .. IR3, IR4
  CHECK(pic.intc.Acknowledge() == 0x09);
  pic.Master(0, kEoi);
  CHECK(pic.intc.Acknowledge() == 0x0B);
  pic.Master(0, kEoi);
  pic.Pulse(4);
  pic.Pulse(3);
  CHECK(pic.intc.Acknowledge() == 0x0B);  // IR3 above IR4 now
  pic.Master(0, kSpecificEoi | 3);
  CHECK(pic.intc.Acknowledge() == 0x0C);
  pic.Master(0, kEoi);
  CHECK_FALSE(pic.cpu.level);
}

TEST_CASE("PIC: AEOI leaves nothing in service; rotate-in-AEOI set and clear") {
  Pic pic;
  pic.Init(0x08, 0x70, 0x03);  // master ICW4: 8086 + AEOI
  pic.Pulse(3);
  pic.Pulse(5);
  CHECK(pic.intc.Acknowledge() == 0x0B);
  CHECK(pic.MasterIsr() == 0x00);
  CHECK(pic.cpu.level);  // no EOI needed for the next one
  CHECK(pic.intc.Acknowledge() == 0x0D);
  CHECK_FALSE(pic.cpu.level);

  pic.Master(0, kRotateAeoiSet);
  pic.Pulse(1);
  CHECK(pic.intc.Acknowledge() == 0x09);  // IR1 becomes the lowest
  pic.Pulse(1);
  pic.Pulse(6);
  CHECK(pic.intc.Acknowledge() == 0x0E);  // 2..7 are above 1 now; IR6 lowest after this
  pic.Master(0, kRotateAeoiClear);
  pic.Pulse(7);
  CHECK(pic.intc.Acknowledge() == 0x0F);  // order 7, 0, 1 .. 6: no rotation any more
  CHECK(pic.intc.Acknowledge() == 0x09);
  pic.Pulse(0);
  pic.Pulse(7);
  CHECK(pic.intc.Acknowledge() == 0x0F);  // IR6 is still the lowest
  CHECK(pic.MasterIsr() == 0x00);

  // Cascade with AEOI on both chips: master IR2 and the slave level both auto-clear.
  Pic both;
  both.Init(0x08, 0x70, 0x03, 0x03);
  both.Pulse(12);
  CHECK(both.intc.Acknowledge() == 0x74);
  CHECK(both.MasterIsr() == 0x00);
  CHECK(both.SlaveIsr() == 0x00);
}

TEST_CASE("PIC: poll command acknowledges by reading") {
  Pic pic;
  pic.Init(0x08, 0x70);
  pic.Master(0, kPoll);
  CHECK(pic.MasterReg(0) == 0x00);  // nothing requesting
  pic.Pulse(6);
  pic.Pulse(3);
  pic.Master(0, kPoll);
  CHECK(pic.MasterReg(0) == 0x83);
  CHECK(pic.MasterIsr() == 0x08);  // the poll put IR3 in service
  CHECK(pic.MasterIrr() == 0x40);
  pic.Master(0, kPoll);
  CHECK(pic.MasterReg(0) == 0x00);  // IR6 is below the in-service IR3
  pic.Master(0, kEoi);
  // The next RD after a poll command is the poll word whatever A0 is; then A0 = 1 is the IMR.
  pic.Master(0, kPoll | 0x03);  // poll overrides a simultaneous read-register command
  CHECK(pic.MasterReg(1) == 0x86);
  CHECK(pic.MasterReg(1) == 0x00);
  pic.Master(0, kEoi);
  // Polling the master finds the cascade; polling the slave finds the slave's level.
  pic.Pulse(13);
  pic.Master(0, kPoll);
  CHECK(pic.MasterReg(0) == 0x82);
  pic.Slave(0, kPoll);
  CHECK(pic.SlaveReg(0) == 0x85);
  CHECK(pic.SlaveIsr() == 0x20);
  CHECK(pic.MasterIsr() == 0x04);
}

TEST_CASE("PIC: special mask mode lets lower levels in while the serviced level is masked") {
  Pic pic;
  pic.Init(0x08, 0x70);
  pic.Pulse(3);
  CHECK(pic.intc.Acknowledge() == 0x0B);
  pic.Pulse(5);
  CHECK_FALSE(pic.cpu.level);  // IR5 below in-service IR3
  pic.Master(1, 0x08);         // mask IR3 ...
  CHECK_FALSE(pic.cpu.level);  // ... which alone does not help
  pic.Master(0, kSetSpecialMask);
  CHECK(pic.cpu.level);
  CHECK(pic.intc.Acknowledge() == 0x0D);
  CHECK(pic.MasterIsr() == 0x28);
  pic.Master(0, kSpecificEoi | 5);
  pic.Pulse(6);
  pic.Master(0, kResetSpecialMask);
  CHECK_FALSE(pic.cpu.level);  // normal nesting again: IR3 in service blocks IR6
  pic.Master(0, kSetSpecialMask);
  CHECK(pic.cpu.level);
  pic.Master(0, 0x08 | 0x20);  // SMM without ESMM: ignored, still special mask mode
  CHECK(pic.cpu.level);
  pic.Master(0, kResetSpecialMask);
  pic.Master(0, kSpecificEoi | 3);
  pic.Master(1, 0x00);
  CHECK(pic.intc.Acknowledge() == 0x0E);
}

}  // namespace
}  // namespace vireo::devices::pic_test
