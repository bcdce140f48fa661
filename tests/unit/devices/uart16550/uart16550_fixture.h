#pragma once
// Test harness for the 16550: a fake backend with a host-side pending buffer, and a sink that
// records every level change on the UART's IRQ line.

#include <cstdint>
#include <deque>
#include <functional>
#include <span>
#include <utility>
#include <vector>

#include "devices/chardev/char_backend.h"
#include "devices/uart16550/uart16550.h"
#include "machine/clock.h"
#include "machine/irq.h"

namespace vireo::devices::test {

// Register offsets and bits as the PC16550D datasheet (Table II) numbers them, typed here
// independently of the model so a wrong constant in the model cannot hide.
inline constexpr unsigned kRbr = 0, kThr = 0, kDll = 0, kIer = 1, kDlm = 1, kIir = 2, kFcr = 2,
                          kLcr = 3, kMcr = 4, kLsr = 5, kMsr = 6, kScr = 7;

/// A backend that records output and feeds input like a host terminal with a pending buffer.
class FakeBackend : public CharBackend {
 public:
  void Write(std::span<const uint8_t> bytes) override {
    output.insert(output.end(), bytes.begin(), bytes.end());
  }
  void SetReceiver(std::function<size_t(std::span<const uint8_t>)> accept) override {
    receiver = std::move(accept);
  }
  void ReceiverReady() override {
    ++ready_calls;
    Offer();
  }
  /// Host-side input: queue `bytes` and offer them to the receiver.
  void Type(std::vector<uint8_t> bytes) {
    pending.insert(pending.end(), bytes.begin(), bytes.end());
    Offer();
  }
  void Offer() {
    if (!receiver || pending.empty()) return;
    std::vector<uint8_t> chunk(pending.begin(), pending.end());
    size_t taken = receiver(chunk);
    pending.erase(pending.begin(), pending.begin() + static_cast<long>(taken));
  }

  std::vector<uint8_t> output;
  std::deque<uint8_t> pending;
  std::function<size_t(std::span<const uint8_t>)> receiver;
  int ready_calls = 0;
};

/// Records (line, level) for every SetIrqLevel call.
class RecordingSink : public machine::IrqSink {
 public:
  void SetIrqLevel(unsigned line, bool level) override {
    events.emplace_back(line, level);
    this->level = level;
  }
  std::vector<std::pair<unsigned, bool>> events;
  bool level = false;
};

/// One UART on IRQ 4 with a manual clock.
struct UartFixture {
  machine::VirtualClock clock{machine::VirtualClock::Mode::kManual};
  FakeBackend backend;
  RecordingSink sink;
  Uart16550 uart{clock, backend, machine::IrqLine(&sink, 4)};

  uint8_t In(unsigned reg) { return static_cast<uint8_t>(uart.Read(reg, 1)); }
  void Out(unsigned reg, uint8_t value) { uart.Write(reg, 1, value); }
  /// IIR without the FIFO bits 7:6.
  uint8_t IirId() { return In(kIir) & 0x0F; }
};

}  // namespace vireo::devices::test
