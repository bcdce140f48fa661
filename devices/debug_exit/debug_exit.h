#pragma once
// Debug ports that tests and firmware use to talk to the emulator:
// - IsaDebugExit: QEMU's isa-debug-exit device. A write of V ends the emulator with host exit
//   status (V << 1) | 1, so a test can report pass/fail (and can never produce status 0, which
//   keeps "the guest exited on purpose" apart from a clean emulator exit).
// - DebugConsole: the Bochs/QEMU 0xE9 console and SeaBIOS's debug port 0x402: written bytes go
//   to a CharBackend; reads return 0xE9, the value SeaBIOS checks before logging to 0x402.
//
// Board wiring: map IsaDebugExit at iobase() for iosize() ports (default 0x501, 2); map the one
// DebugConsole at DebugConsole::kBochsPort and again at DebugConsole::kSeaBiosPort, one byte each
// with kAccessSizes (both offsets are 0).

#include <cstdint>
#include <functional>

#include "devices/chardev/char_backend.h"
#include "machine/io_handler.h"

namespace vireo::devices {

/// QEMU's isa-debug-exit: any write requests an emulator exit.
class IsaDebugExit : public machine::IoHandler {
 public:
  static constexpr uint16_t kDefaultIobase = 0x501;          ///< QEMU's default iobase
  static constexpr uint16_t kDefaultIosize = 2;              ///< QEMU's default iosize
  static constexpr machine::AccessSizes kAccessSizes{1, 4};  ///< outb/outw/outl all accepted

  /// `on_exit` receives the exit status; the caller passes it to exit(), which keeps 8 bits.
  explicit IsaDebugExit(std::function<void(int status)> on_exit, uint16_t iobase = kDefaultIobase,
                        uint16_t iosize = kDefaultIosize);

  /// Reads return 0 (QEMU's device has no readable state).
  uint64_t Read(uint64_t offset, unsigned size) override;
  /// Any offset, any size: calls on_exit((value << 1) | 1).
  void Write(uint64_t offset, unsigned size, uint64_t value) override;
  /// First port of the window (-device isa-debug-exit,iobase=).
  uint16_t iobase() const { return iobase_; }
  /// Number of ports in the window (-device isa-debug-exit,iosize=).
  uint16_t iosize() const { return iosize_; }

 private:
  std::function<void(int)> on_exit_;
  uint16_t iobase_;
  uint16_t iosize_;
};

/// The 0xE9 / 0x402 byte-output debug console.
class DebugConsole : public machine::IoHandler {
 public:
  static constexpr uint16_t kBochsPort = 0xE9;               ///< Bochs "port e9 hack", also QEMU's
  static constexpr uint16_t kSeaBiosPort = 0x402;            ///< SeaBIOS DEBUG_IO port
  static constexpr machine::AccessSizes kAccessSizes{1, 1};  ///< byte port
  static constexpr uint8_t kReadback = 0xE9;  ///< what reads return: "the console is present"

  /// `backend` may be null (output discarded); it must outlive the console.
  explicit DebugConsole(CharBackend* backend) : backend_(backend) {}

  /// Returns 0xE9.
  uint64_t Read(uint64_t offset, unsigned size) override;
  /// Sends the low byte to the backend.
  void Write(uint64_t offset, unsigned size, uint64_t value) override;

 private:
  CharBackend* backend_;
};

}  // namespace vireo::devices
