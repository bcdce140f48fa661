// Receive-side tests of the 16550A: FIFO control, trigger levels, character timeout, LSR error
// bits, overrun, loopback with the modem-status mapping, and host backpressure.

#include <doctest/doctest.h>

#include "tests/unit/devices/uart16550/uart16550_fixture.h"

namespace vireo::devices::test {

namespace {
std::vector<uint8_t> Bytes(size_t n, uint8_t first = 'a') {
  std::vector<uint8_t> v;
  for (size_t i = 0; i < n; ++i) v.push_back(static_cast<uint8_t>(first + i));
  return v;
}
}  // namespace

TEST_CASE("uart16550: 16450 mode holds one byte and exerts backpressure") {
  UartFixture f;
  f.backend.Type({'x', 'y', 'z'});
  CHECK(f.uart.rx_count() == 1);
  CHECK(f.backend.pending.size() == 2);
  CHECK((f.In(kLsr) & 0x01) == 0x01);
  CHECK(f.In(kRbr) == 'x');  // Draining lets the backend offer the next byte at once.
  CHECK(f.In(kRbr) == 'y');
  CHECK(f.In(kRbr) == 'z');
  CHECK(f.backend.pending.empty());
  CHECK((f.In(kLsr) & 0x01) == 0x00);
  CHECK(f.In(kRbr) == 'z');         // An empty RBR reads its last character again.
  CHECK((f.In(kLsr) & 0x02) == 0);  // Backpressure, not overrun.
}

TEST_CASE("uart16550: FIFO takes 16 bytes, re-offers the rest as the guest drains") {
  UartFixture f;
  f.Out(kFcr, 0x01);
  f.backend.Type(Bytes(20));
  CHECK(f.uart.rx_count() == 16);
  CHECK(f.backend.pending.size() == 4);
  int calls_before = f.backend.ready_calls;
  std::vector<uint8_t> got;
  while ((f.In(kLsr) & 0x01) != 0) got.push_back(f.In(kRbr));
  CHECK(got == Bytes(20));
  CHECK(f.backend.ready_calls > calls_before);
  CHECK((f.In(kLsr) & 0x02) == 0);
}

TEST_CASE("uart16550: FCR enable switches capacity and a mode change empties the FIFO") {
  UartFixture f;
  f.Out(kFcr, 0x01);
  f.backend.Type(Bytes(5));
  CHECK(f.uart.rx_count() == 5);
  f.Out(kFcr, 0x00);  // Back to 16450 mode: FIFO contents are discarded.
  CHECK(f.uart.rx_count() == 0);
  CHECK((f.In(kLsr) & 0x01) == 0);
  f.backend.Type(Bytes(3, 'A'));
  CHECK(f.uart.rx_count() == 1);
  f.Out(kFcr, 0x01);  // Entering FIFO mode also clears 'A', then the backend refills.
  CHECK(f.uart.rx_count() == 2);
  CHECK(f.In(kRbr) == 'B');
}

TEST_CASE("uart16550: FCR bit 1 resets the RX FIFO, bit 2 leaves RX alone") {
  UartFixture f;
  f.Out(kFcr, 0x01);
  f.backend.Type(Bytes(6));
  f.Out(kFcr, 0x05);  // Reset TX only.
  CHECK(f.uart.rx_count() == 6);
  f.Out(kFcr, 0x03);  // Reset RX.
  CHECK(f.uart.rx_count() == 0);
  CHECK((f.In(kLsr) & 0x01) == 0);
  CHECK((f.In(kLsr) & 0x60) == 0x60);
}

TEST_CASE("uart16550: RX trigger levels 1, 4, 8 and 14") {
  const std::pair<uint8_t, size_t> levels[] = {{0x01, 1}, {0x41, 4}, {0x81, 8}, {0xC1, 14}};
  for (const auto& entry : levels) {
    const uint8_t fcr = entry.first;
    const size_t level = entry.second;
    CAPTURE(level);
    UartFixture f;
    f.Out(kMcr, 0x08);
    f.Out(kFcr, fcr);
    f.Out(kIer, 0x01);
    if (level > 1) {
      f.backend.Type(Bytes(level - 1));
      CHECK(f.IirId() == 0x01);  // Below the trigger: no data interrupt yet.
      CHECK_FALSE(f.sink.level);
    }
    f.backend.Type({'!'});
    CHECK(f.IirId() == 0x04);
    CHECK(f.sink.level);
    f.In(kRbr);  // One below the trigger again.
    CHECK(f.IirId() == 0x01);
    CHECK_FALSE(f.sink.level);
  }
}

TEST_CASE("uart16550: character timeout after four character times") {
  UartFixture f;
  f.Out(kLcr, 0x80);
  f.Out(kDll, 1);  // 115200 baud.
  f.Out(kDlm, 0);
  f.Out(kLcr, 0x03);
  f.Out(kMcr, 0x08);
  f.Out(kFcr, 0x81);  // Trigger level 8.
  f.Out(kIer, 0x01);
  const int64_t timeout = 4 * f.uart.CharTimeNs();
  f.backend.Type({'a', 'b'});
  f.clock.Advance(timeout - 1);
  CHECK(f.IirId() == 0x01);
  f.backend.Type({'c'});  // A new character restarts the count.
  f.clock.Advance(timeout - 1);
  CHECK(f.IirId() == 0x01);
  f.clock.Advance(1);
  CHECK(f.In(kIir) == 0xCC);  // FIFO bits plus the timeout code.
  CHECK(f.sink.level);
  CHECK(f.In(kRbr) == 'a');  // Reading the FIFO clears it and restarts the count.
  CHECK(f.IirId() == 0x01);
  CHECK_FALSE(f.sink.level);
  f.clock.Advance(timeout);
  CHECK(f.IirId() == 0x0C);
  CHECK(f.In(kRbr) == 'b');
  CHECK(f.In(kRbr) == 'c');
  f.clock.Advance(100 * timeout);  // Empty FIFO: no timeout.
  CHECK(f.IirId() == 0x01);
}

TEST_CASE("uart16550: timeout scales with the divisor and needs FIFO mode") {
  UartFixture f;  // Divisor 12 (9600 baud) from construction.
  f.Out(kMcr, 0x08);
  f.Out(kIer, 0x01);
  f.Out(kFcr, 0x41);
  f.backend.Type({'a'});
  f.clock.Advance(4 * 1'000'000'000LL / 11520);  // The 115200-baud timeout is far too short.
  CHECK(f.IirId() == 0x01);
  f.clock.Advance(4 * f.uart.CharTimeNs());
  CHECK(f.IirId() == 0x0C);
  f.Out(kFcr, 0x00);  // 16450 mode: plain data-ready, never a timeout.
  f.backend.Type({'b'});
  f.clock.Advance(1'000'000'000);
  CHECK(f.IirId() == 0x04);
}

TEST_CASE("uart16550: loopback sends TX to RX, not to the backend") {
  UartFixture f;
  f.Out(kFcr, 0x01);
  f.Out(kMcr, 0x10);
  f.backend.Type({'h'});  // Host input waits: SIN is disconnected in loopback.
  CHECK(f.backend.pending.size() == 1);
  f.Out(kThr, 'L');
  f.Out(kThr, 'B');
  CHECK(f.backend.output.empty());
  CHECK(f.In(kRbr) == 'L');
  CHECK(f.In(kRbr) == 'B');
  f.Out(kMcr, 0x00);  // Leaving loopback lets the waiting host byte in.
  CHECK(f.backend.pending.empty());
  CHECK(f.In(kRbr) == 'h');
  f.Out(kThr, 'o');
  CHECK(f.backend.output == std::vector<uint8_t>{'o'});
}

TEST_CASE("uart16550: loopback maps DTR/RTS/OUT1/OUT2 to DSR/CTS/RI/DCD") {
  UartFixture f;
  f.Out(kMcr, 0x10);
  f.In(kMsr);  // Drop the deltas from entering loopback.
  const std::pair<uint8_t, uint8_t> wiring[] = {
      {0x01, 0x20}, {0x02, 0x10}, {0x04, 0x40}, {0x08, 0x80}};
  for (const auto& entry : wiring) {
    const uint8_t mcr_bit = entry.first;
    const uint8_t msr_bit = entry.second;
    CAPTURE(mcr_bit);
    f.Out(kMcr, 0x10 | mcr_bit);
    CHECK((f.In(kMsr) & 0xF0) == msr_bit);
  }
  f.Out(kMcr, 0x1F);
  CHECK((f.In(kMsr) & 0xF0) == 0xF0);
}

TEST_CASE("uart16550: MSR delta bits and TERI on the trailing edge of RI") {
  UartFixture f;
  f.Out(kMcr, 0x10);
  // Leaving the host lines (CTS, DSR, DCD on) for an all-off loopback changes those three.
  CHECK(f.In(kMsr) == 0x0B);
  CHECK(f.In(kMsr) == 0x00);  // Reading cleared the deltas.
  f.Out(kMcr, 0x12);          // RTS -> CTS on.
  CHECK(f.In(kMsr) == 0x11);
  f.Out(kMcr, 0x13);  // DTR -> DSR on.
  CHECK(f.In(kMsr) == 0x32);
  f.Out(kMcr, 0x1B);  // OUT2 -> DCD on.
  CHECK(f.In(kMsr) == 0xB8);
  f.Out(kMcr, 0x1F);  // OUT1 -> RI on: leading edge, no TERI.
  CHECK(f.In(kMsr) == 0xF0);
  f.Out(kMcr, 0x1B);  // RI off: TERI.
  CHECK(f.In(kMsr) == 0xB4);
  f.Out(kMcr, 0x19);  // CTS off.
  CHECK(f.In(kMsr) == 0xA1);
}

TEST_CASE("uart16550: modem status interrupt") {
  UartFixture f;
  f.Out(kIer, 0x08);
  f.Out(kMcr, 0x18);  // Loopback + OUT2 (gate open, DCD on, CTS/DSR drop).
  CHECK(f.IirId() == 0x00);
  CHECK(f.sink.level);
  f.In(kMsr);
  CHECK(f.IirId() == 0x01);
  CHECK_FALSE(f.sink.level);
  f.Out(kMcr, 0x1A);  // CTS rises.
  CHECK(f.IirId() == 0x00);
  CHECK(f.sink.level);
  CHECK((f.In(kMsr) & 0x01) == 0x01);
  CHECK_FALSE(f.sink.level);
}

TEST_CASE("uart16550: FIFO overrun sets OE and drops the new character") {
  UartFixture f;
  f.Out(kMcr, 0x18);
  f.Out(kFcr, 0x01);
  f.Out(kIer, 0x04);
  for (uint8_t c : Bytes(16)) f.Out(kThr, c);
  CHECK(f.IirId() == 0x01);
  CHECK((f.In(kLsr) & 0x02) == 0);
  f.Out(kThr, 'Z');
  CHECK(f.IirId() == 0x06);
  CHECK(f.sink.level);
  uint8_t lsr = f.In(kLsr);
  CHECK((lsr & 0x03) == 0x03);      // OE and DR.
  CHECK((lsr & 0x80) == 0);         // Overrun is not a FIFO data error.
  CHECK((f.In(kLsr) & 0x02) == 0);  // Cleared by the read.
  CHECK(f.IirId() == 0x01);
  std::vector<uint8_t> got;
  while ((f.In(kLsr) & 0x01) != 0) got.push_back(f.In(kRbr));
  CHECK(got == Bytes(16));
}

TEST_CASE("uart16550: 16450 overrun overwrites RBR") {
  UartFixture f;
  f.Out(kMcr, 0x10);
  f.Out(kThr, '1');
  f.Out(kThr, '2');
  CHECK((f.In(kLsr) & 0x03) == 0x03);
  CHECK(f.In(kRbr) == '2');
  CHECK((f.In(kLsr) & 0x03) == 0x00);
}

TEST_CASE("uart16550: loopback break sets BI when the character reaches the top") {
  UartFixture f;
  f.Out(kMcr, 0x18);
  f.Out(kFcr, 0x01);
  f.Out(kIer, 0x04);
  f.Out(kThr, 'A');
  f.Out(kLcr, 0x43);  // Set break.
  f.Out(kLcr, 0x03);
  CHECK(f.uart.rx_count() == 2);
  // The break character is behind 'A': BI not yet shown, but LSR7 says the FIFO holds an error.
  uint8_t lsr = f.In(kLsr);
  CHECK((lsr & 0x10) == 0);
  CHECK((lsr & 0x80) == 0x80);
  CHECK(f.IirId() == 0x01);
  CHECK(f.In(kRbr) == 'A');
  CHECK(f.IirId() == 0x06);  // BI revealed: line-status interrupt.
  lsr = f.In(kLsr);
  CHECK((lsr & 0x11) == 0x11);  // BI with DR.
  CHECK((lsr & 0x80) == 0x80);  // Still in the FIFO.
  CHECK(f.IirId() == 0x01);
  CHECK(f.In(kRbr) == 0x00);
  // LSR7 clears on the LSR read that finds no more errors in the FIFO: latched until then.
  CHECK((f.In(kLsr) & 0x90) == 0x80);
  CHECK((f.In(kLsr) & 0x90) == 0x00);
}

TEST_CASE("uart16550: line status outranks a full RX FIFO") {
  UartFixture f;
  f.Out(kMcr, 0x18);
  f.Out(kFcr, 0x01);
  f.Out(kIer, 0x05);
  f.Out(kThr, 'a');
  CHECK(f.IirId() == 0x04);
  f.Out(kMcr, 0x10);  // Gate closed: the pending source stays, the IRQ drops.
  CHECK_FALSE(f.sink.level);
  f.Out(kMcr, 0x18);
  f.Out(kLcr, 0x40);  // Break while 'a' is on top: BI still hidden.
  CHECK(f.IirId() == 0x04);
  f.In(kRbr);
  CHECK(f.IirId() == 0x06);
}

TEST_CASE("uart16550: reset empties RX and wakes a blocked backend") {
  UartFixture f;
  f.Out(kFcr, 0x01);
  f.backend.Type(Bytes(18));
  CHECK(f.backend.pending.size() == 2);
  f.uart.Reset();  // FIFO off, RX cleared: the backend may deliver one byte into RBR.
  CHECK(f.uart.rx_count() == 1);
  CHECK(f.backend.pending.size() == 1);
  CHECK(f.In(kRbr) == 'q');
}

TEST_CASE("uart16550: destruction detaches from the backend") {
  FakeBackend backend;
  machine::VirtualClock clock{machine::VirtualClock::Mode::kManual};
  {
    Uart16550 uart(clock, backend, machine::IrqLine());
    CHECK(static_cast<bool>(backend.receiver));
  }
  CHECK_FALSE(static_cast<bool>(backend.receiver));
}

}  // namespace vireo::devices::test
