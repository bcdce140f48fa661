// Register-level tests of the 16550A: DLAB, IER, LCR/MCR/SCR, THRE semantics, the OUT2 gate,
// IIR priorities and the Linux 8250 probing sequences.

#include <doctest/doctest.h>

#include "tests/unit/devices/uart16550/uart16550_fixture.h"

namespace vireo::devices::test {

TEST_CASE("uart16550: reset state matches datasheet Table IV") {
  UartFixture f;
  f.Out(kScr, 0x5A);
  f.Out(kLcr, 0x80);
  f.Out(kDll, 0x03);
  f.Out(kLcr, 0x03);
  f.Out(kIer, 0x0F);
  f.Out(kMcr, 0x1F);
  f.Out(kFcr, 0x01);
  f.uart.Reset();
  CHECK(f.In(kIer) == 0x00);
  CHECK(f.In(kIir) == 0x01);  // No interrupt pending, FIFOs off.
  CHECK(f.In(kLcr) == 0x00);
  CHECK(f.In(kMcr) == 0x00);
  CHECK(f.In(kLsr) == 0x60);     // THRE and TEMT.
  CHECK(f.In(kMsr) == 0xB0);     // Host side: CTS, DSR, DCD asserted, no deltas.
  CHECK(f.In(kScr) == 0x5A);     // Master reset does not touch SCR...
  CHECK(f.uart.divisor() == 3);  // ...nor the divisor latch.
  CHECK_FALSE(f.sink.level);
}

TEST_CASE("uart16550: DLAB switches offsets 0 and 1 to the divisor latch") {
  UartFixture f;
  f.Out(kIer, 0x05);
  f.Out(kLcr, 0x83);  // DLAB=1, 8N1.
  f.Out(kDll, 0x34);
  f.Out(kDlm, 0x12);
  CHECK(f.In(kDll) == 0x34);
  CHECK(f.In(kDlm) == 0x12);
  CHECK(f.In(kLcr) == 0x83);
  CHECK(f.backend.output.empty());  // Writing DLL is not a transmission.
  CHECK(f.uart.divisor() == 0x1234);
  f.Out(kLcr, 0x03);
  CHECK(f.In(kIer) == 0x05);  // IER was not overwritten by the DLM write.
  f.Out(kThr, 'A');
  CHECK(f.backend.output == std::vector<uint8_t>{'A'});
  // 115200 baud is divisor 1: one 10-bit character is 1/11520 s.
  f.Out(kLcr, 0x80);
  f.Out(kDll, 1);
  f.Out(kDlm, 0);
  CHECK(f.uart.CharTimeNs() == 1'000'000'000LL / 11520);
  f.Out(kDll, 12);  // 9600 baud.
  CHECK(f.uart.CharTimeNs() == 1'000'000'000LL / 960);
}

TEST_CASE("uart16550: IER reads back only bits 3:0") {
  UartFixture f;
  f.Out(kIer, 0xFF);
  CHECK(f.In(kIer) == 0x0F);
  f.Out(kIer, 0xA5);
  CHECK(f.In(kIer) == 0x05);
  f.Out(kIer, 0x00);
  CHECK(f.In(kIer) == 0x00);
}

TEST_CASE("uart16550: scratch, LCR and MCR read back") {
  UartFixture f;
  for (unsigned v : {0x00u, 0x55u, 0xAAu, 0xFFu}) {
    f.Out(kScr, static_cast<uint8_t>(v));
    CHECK(f.In(kScr) == v);
  }
  f.Out(kLcr, 0x1B);  // 8 data bits, 1 stop, even parity.
  CHECK(f.In(kLcr) == 0x1B);
  f.Out(kMcr, 0xFF);
  CHECK(f.In(kMcr) == 0x1F);  // MCR bits 7:5 are always 0.
  f.Out(kMcr, 0x00);
}

TEST_CASE("uart16550: transmit goes straight to the backend, THR always empty") {
  UartFixture f;
  for (uint8_t c : {'h', 'i', '\n'}) {
    f.Out(kThr, c);
    CHECK((f.In(kLsr) & 0x60) == 0x60);  // THRE and TEMT right after each write.
  }
  CHECK(f.backend.output == std::vector<uint8_t>{'h', 'i', '\n'});
}

TEST_CASE("uart16550: THRE interrupt on ETBEI 0->1, cleared by reading IIR") {
  UartFixture f;
  f.Out(kMcr, 0x08);  // OUT2: let the interrupt reach the bus.
  CHECK(f.IirId() == 0x01);
  f.Out(kIer, 0x02);
  CHECK(f.sink.level);
  CHECK(f.IirId() == 0x02);  // Reading IIR that reports THRE clears it.
  CHECK_FALSE(f.sink.level);
  CHECK(f.IirId() == 0x01);
  // Rewriting IER with ETBEI still set is not a rising edge.
  f.Out(kIer, 0x02);
  CHECK(f.IirId() == 0x01);
  CHECK_FALSE(f.sink.level);
  // Toggling ETBEI off and on again re-raises it (Windows and Linux both do this).
  f.Out(kIer, 0x00);
  f.Out(kIer, 0x02);
  CHECK(f.sink.level);
  CHECK(f.IirId() == 0x02);
}

TEST_CASE("uart16550: each THR write clears THRE and raises it again as THR empties") {
  UartFixture f;
  f.Out(kMcr, 0x08);
  f.Out(kIer, 0x02);
  CHECK(f.IirId() == 0x02);
  f.sink.events.clear();
  f.Out(kThr, 'x');
  // The line goes high again once the character has left: a fresh edge for an 8259.
  REQUIRE(!f.sink.events.empty());
  CHECK(f.sink.events.back() == std::pair<unsigned, bool>{4, true});
  CHECK(f.IirId() == 0x02);
  // Writing THR while THRE is still pending produces a low-high pulse.
  f.Out(kThr, 'y');
  f.sink.events.clear();
  f.Out(kThr, 'z');
  CHECK(f.sink.events == std::vector<std::pair<unsigned, bool>>{{4, false}, {4, true}});
  CHECK(f.backend.output == std::vector<uint8_t>{'x', 'y', 'z'});
}

TEST_CASE("uart16550: THRE becomes pending when THR empties even with ETBEI masked") {
  UartFixture f;
  f.Out(kMcr, 0x08);
  f.Out(kThr, 'a');
  CHECK(f.IirId() == 0x01);  // Masked: not reported.
  CHECK_FALSE(f.sink.level);
  f.Out(kIer, 0x02);
  CHECK(f.IirId() == 0x02);
}

TEST_CASE("uart16550: the IRQ is driven only while MCR.OUT2 is set") {
  UartFixture f;
  f.Out(kIer, 0x02);
  CHECK_FALSE(f.sink.level);  // Pending, but OUT2 keeps the ISA buffer off.
  CHECK(f.sink.events.empty());
  f.Out(kMcr, 0x0B);  // DTR | RTS | OUT2, as the Linux driver sets.
  CHECK(f.sink.level);
  f.Out(kMcr, 0x03);
  CHECK_FALSE(f.sink.level);
  CHECK(f.IirId() == 0x02);  // IIR still reports the source with the gate closed.
  f.Out(kMcr, 0x08);
  CHECK_FALSE(f.sink.level);  // The IIR read above consumed it.
}

TEST_CASE("uart16550: Linux 8250 THRE probes find no UART_BUG_THRE / UART_BUG_TXEN") {
  UartFixture f;
  f.Out(kMcr, 0x0B);
  // serial8250_do_startup: IER=THRI, read IIR, IER=0, IER=THRI, read IIR.
  f.Out(kIer, 0x02);
  uint8_t iir1 = f.In(kIir);
  f.Out(kIer, 0x00);
  f.Out(kIer, 0x02);
  uint8_t iir = f.In(kIir);
  f.Out(kIer, 0x00);
  CHECK((iir1 & 0x01) == 0);
  CHECK((iir & 0x01) == 0);  // Re-asserted: no UART_BUG_THRE.
  // TXEN check: IER=THRI, read LSR, read IIR; TEMT with no interrupt would be the bug.
  f.Out(kIer, 0x02);
  uint8_t lsr = f.In(kLsr);
  uint8_t iir2 = f.In(kIir);
  f.Out(kIer, 0x00);
  CHECK((lsr & 0x40) != 0);
  CHECK((iir2 & 0x01) == 0);
}

TEST_CASE("uart16550: Linux 8250 autoconfig identifies a 16550A") {
  UartFixture f;
  // IER probe: save, write 0, read; write 0x0F, read; restore.
  uint8_t saved_ier = f.In(kIer);
  f.Out(kIer, 0x00);
  uint8_t scratch2 = f.In(kIer) & 0x0F;
  f.Out(kIer, 0x0F);
  uint8_t scratch3 = f.In(kIer) & 0x0F;
  f.Out(kIer, saved_ier);
  CHECK(scratch2 == 0x00);
  CHECK(scratch3 == 0x0F);
  // Loopback probe: MCR = LOOP | RTS | OUT2 must read MSR 7:4 as CTS | DCD.
  uint8_t saved_mcr = f.In(kMcr);
  f.Out(kMcr, 0x10 | 0x0A);
  CHECK((f.In(kMsr) & 0xF0) == 0x90);
  f.Out(kMcr, saved_mcr);
  // FIFO probe.
  f.Out(kLcr, 0x00);
  f.Out(kFcr, 0xE7);
  CHECK((f.In(kIir) >> 6) == 3);
  f.Out(kFcr, 0x01);
  CHECK((f.In(kIir) >> 6) == 3);
  // Not a 16650: with LCR=0xBF offset 2 is still IIR, which is not zero.
  f.Out(kLcr, 0xBF);
  CHECK(f.In(kIir) != 0);
  // Not a 16750: the 64-byte FIFO bit does not show up in IIR bit 5.
  f.Out(kLcr, 0x00);
  f.Out(kFcr, 0x21);
  CHECK((f.In(kIir) >> 5) == 6);
  f.Out(kLcr, 0x80);
  f.Out(kFcr, 0x21);
  CHECK((f.In(kIir) >> 5) == 6);
  f.Out(kLcr, 0x00);
  // Not an XScale: IER bit 6 (UUE) does not stick.
  f.Out(kIer, 0x40);
  CHECK((f.In(kIer) & 0x40) == 0);
  // The startup safety check: LSR must not float at 0xFF.
  CHECK(f.In(kLsr) != 0xFF);
}

TEST_CASE("uart16550: FIFO enable reflects in IIR bits 7:6") {
  UartFixture f;
  CHECK((f.In(kIir) & 0xC0) == 0x00);
  f.Out(kFcr, 0x01);
  CHECK((f.In(kIir) & 0xC0) == 0xC0);
  CHECK(f.In(kIir) == 0xC1);
  f.Out(kFcr, 0x00);
  CHECK((f.In(kIir) & 0xC0) == 0x00);
}

TEST_CASE("uart16550: IIR reports sources in datasheet priority order") {
  UartFixture f;
  f.Out(kMcr, 0x18);  // Loopback with OUT2 (also DCD in loopback: a modem-status delta).
  f.Out(kFcr, 0x01);
  // Fill the FIFO past capacity through loopback to cause an overrun.
  for (int i = 0; i < 17; ++i) f.Out(kThr, static_cast<uint8_t>('a' + i));
  f.Out(kIer, 0x0F);  // All four sources now pending.
  CHECK(f.sink.level);
  CHECK(f.IirId() == 0x06);  // Line status (overrun) first.
  f.In(kLsr);                // Clears it.
  CHECK(f.IirId() == 0x04);  // Then received data.
  for (int i = 0; i < 16; ++i) f.In(kRbr);
  CHECK(f.IirId() == 0x02);  // Then THRE (cleared by this read).
  CHECK(f.IirId() == 0x00);  // Then modem status.
  CHECK(f.sink.level);
  f.In(kMsr);
  CHECK(f.IirId() == 0x01);
  CHECK_FALSE(f.sink.level);
}

TEST_CASE("uart16550: only enabled sources are reported") {
  UartFixture f;
  f.Out(kMcr, 0x08);
  f.backend.Type({'q'});
  CHECK(f.IirId() == 0x01);  // Data ready but ERBFI clear.
  CHECK((f.In(kLsr) & 0x01) == 0x01);
  f.Out(kIer, 0x01);
  CHECK(f.IirId() == 0x04);
  CHECK(f.sink.level);
  CHECK(f.In(kRbr) == 'q');
  CHECK(f.IirId() == 0x01);
  CHECK_FALSE(f.sink.level);
}

TEST_CASE("uart16550: standard PC COM port placements") {
  // IBM PC/AT technical reference: COM1/COM3 on IRQ4, COM2/COM4 on IRQ3.
  CHECK(kComPorts[0].base == 0x3F8);
  CHECK(kComPorts[0].irq == 4);
  CHECK(kComPorts[1].base == 0x2F8);
  CHECK(kComPorts[1].irq == 3);
  CHECK(kComPorts[2].base == 0x3E8);
  CHECK(kComPorts[2].irq == 4);
  CHECK(kComPorts[3].base == 0x2E8);
  CHECK(kComPorts[3].irq == 3);
  CHECK(Uart16550::kPortCount == 8);
}

TEST_CASE("uart16550: a wide access touches consecutive registers") {
  UartFixture f;
  f.Out(kScr, 0x77);
  f.Out(kLcr, 0x03);
  // A 16-bit read at LCR returns LCR in the low byte and MCR in the high byte.
  f.Out(kMcr, 0x0B);
  CHECK(f.uart.Read(kLcr, 2) == 0x0B03);
  f.uart.Write(kLcr, 2, 0x0180);  // LCR=0x80 (DLAB), MCR=0x01.
  CHECK(f.In(kLcr) == 0x80);
  CHECK(f.In(kMcr) == 0x01);
  CHECK(f.uart.Read(kScr, 1) == 0x77);
}

}  // namespace vireo::devices::test
