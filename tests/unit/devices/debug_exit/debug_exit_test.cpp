// isa-debug-exit status values and the 0xE9 / 0x402 debug console.

#include "devices/debug_exit/debug_exit.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace vireo::devices {
namespace {

/// Collects what the console writes.
class CaptureBackend : public CharBackend {
 public:
  void Write(std::span<const uint8_t> bytes) override {
    output.insert(output.end(), bytes.begin(), bytes.end());
    ++writes;
  }
  void SetReceiver(std::function<size_t(std::span<const uint8_t>)> accept) override {}
  std::vector<uint8_t> output;
  int writes = 0;
};

TEST_CASE("isa-debug-exit: status is (value << 1) | 1, at a non-default iobase/iosize") {
  std::vector<int> statuses;
  IsaDebugExit exit_device([&](int status) { statuses.push_back(status); }, 0xF4, 4);
  CHECK(exit_device.iobase() == 0xF4);
  CHECK(exit_device.iosize() == 4);
  exit_device.Write(0, 1, 0x00);
  exit_device.Write(0, 1, 0x10);
  exit_device.Write(3, 1, 0x11);  // any offset in the window
  exit_device.Write(0, 2, 0x1234);
  exit_device.Write(0, 4, 0x7FFFFFFF);
  REQUIRE(statuses.size() == 5);
  CHECK(statuses[0] == 1);
  CHECK(statuses[1] == 33);
  CHECK(statuses[2] == 35);
  CHECK(statuses[3] == 0x2469);
  CHECK(statuses[4] == -1);  // 0xFFFFFFFF as an int; the OS keeps 0xFF
  CHECK((statuses[3] & 0xFF) == 0x69);
  CHECK(exit_device.Read(0, 1) == 0);
  CHECK(exit_device.Read(1, 2) == 0);
}

TEST_CASE("isa-debug-exit defaults and an empty callback") {
  IsaDebugExit exit_device({});
  CHECK(exit_device.iobase() == 0x501);
  CHECK(exit_device.iosize() == 2);
  exit_device.Write(0, 1, 1);  // no callback: nothing happens, no crash
  CHECK(exit_device.Read(0, 1) == 0);
}

TEST_CASE("debug console: reads return 0xE9, writes reach the backend byte by byte") {
  CaptureBackend backend;
  DebugConsole console(&backend);
  CHECK(console.Read(0, 1) == 0xE9);
  for (char c : std::string("SeaBIOS\n")) console.Write(0, 1, static_cast<uint8_t>(c));
  CHECK(std::string(backend.output.begin(), backend.output.end()) == "SeaBIOS\n");
  CHECK(backend.writes == 8);
  console.Write(0, 1, 0x1241);  // only the low byte is a character
  CHECK(backend.output.back() == 0x41);
  CHECK(DebugConsole::kBochsPort == 0xE9);
  CHECK(DebugConsole::kSeaBiosPort == 0x402);
  DebugConsole silent(nullptr);
  silent.Write(0, 1, 'x');
  CHECK(silent.Read(0, 1) == 0xE9);
}

}  // namespace
}  // namespace vireo::devices
