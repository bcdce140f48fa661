#pragma once
// -serial null / none: the port exists for the guest but is wired to nothing.

#include "devices/chardev/char_backend.h"

namespace vireo::devices {

/// Drops every output byte and never produces input.
class NullBackend final : public CharBackend {
 public:
  /// Discards `bytes`.
  void Write(std::span<const uint8_t> bytes) override {}
  /// Ignored: a null backend has no input to deliver.
  void SetReceiver(std::function<size_t(std::span<const uint8_t>)> accept) override {}
};

}  // namespace vireo::devices
