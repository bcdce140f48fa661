#pragma once
// Shared fixture for the i8042 tests: the controller with IRQ 1/12 on a recording sink, reset and
// A20 callbacks that record their calls, and port helpers that go through the IoHandlers.

#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "devices/i8042/i8042.h"
#include "machine/irq.h"

namespace vireo::devices::test {

/// Records every level change it receives.
class KbcSink : public machine::IrqSink {
 public:
  void SetIrqLevel(unsigned line, bool level) override { events.emplace_back(line, level); }
  /// Number of low-to-high transitions seen on `line`.
  int Rises(unsigned line) const {
    int rises = 0;
    bool level = false;
    for (auto [l, v] : events) {
      if (l != line) continue;
      if (v && !level) ++rises;
      level = v;
    }
    return rises;
  }
  std::vector<std::pair<unsigned, bool>> events;
};

/// An i8042 wired to IRQ 1 and 12 of a recording sink.
struct KbcFixture {
  KbcFixture()
      : kbc(
            machine::IrqLine(&sink, 1), machine::IrqLine(&sink, 12), [this] { ++resets; },
            [this](bool on) { a20_calls.push_back(on); }) {}

  uint8_t Status() { return static_cast<uint8_t>(kbc.command_port().Read(0, 1)); }
  void Command(uint8_t value) { kbc.command_port().Write(0, 1, value); }
  uint8_t Data() { return static_cast<uint8_t>(kbc.data_port().Read(0, 1)); }
  void PutData(uint8_t value) { kbc.data_port().Write(0, 1, value); }
  /// Reads every byte the controller has, as a polling driver does.
  std::vector<uint8_t> Drain() {
    std::vector<uint8_t> bytes;
    while (Status() & I8042Status::kObf) bytes.push_back(Data());
    return bytes;
  }
  /// Writes the command byte with 0x60.
  void SetCommandByte(uint8_t value) {
    Command(0x60);
    PutData(value);
  }
  /// Sends a byte to the mouse with 0xD4.
  void ToAux(uint8_t value) {
    Command(0xD4);
    PutData(value);
  }

  KbcSink sink;
  int resets = 0;
  std::vector<bool> a20_calls;
  I8042 kbc;
};

using Bytes = std::vector<uint8_t>;

}  // namespace vireo::devices::test

/// Prints byte vectors in failed CHECKs as hex lists.
template <>
struct doctest::StringMaker<std::vector<uint8_t>> {
  static doctest::String convert(const std::vector<uint8_t>& bytes) {
    std::string text = "{";
    for (uint8_t b : bytes) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "%s0x%02X", text.size() > 1 ? ", " : "", b);
      text += hex;
    }
    text += "}";
    return text.c_str();
  }
};
