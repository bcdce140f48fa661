#pragma once
// Where a serial-like device's bytes go and come from: the terminal (stdio), a file, or nowhere.
// QEMU calls these chardevs; -serial stdio|file:PATH|null selects one.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>

namespace vireo::devices {

/// A byte stream endpoint for a UART or debug console.
class CharBackend {
 public:
  virtual ~CharBackend() = default;
  /// Sends guest output to the host side; never blocks the guest for long.
  virtual void Write(std::span<const uint8_t> bytes) = 0;
  /// Installs the receiver of host input. `accept` is called (on the I/O thread, under the
  /// machine lock) with bytes; it returns how many it took, and the backend keeps the rest and
  /// offers them again after `ReceiverReady()` so no typed byte is lost.
  virtual void SetReceiver(std::function<size_t(std::span<const uint8_t>)> accept) = 0;
  /// The receiver has room again (e.g. the guest drained the UART's RX FIFO).
  virtual void ReceiverReady() {}
};

}  // namespace vireo::devices
