#pragma once
// -serial file:PATH: guest output is logged to a file; there is no input.

#include <string>

#include "devices/chardev/char_backend.h"

namespace vireo::devices {

/// Writes guest output to a file (truncated by default, as QEMU's file chardev).
class FileBackend final : public CharBackend {
 public:
  /// Opens `path` for writing; throws vireo::Error naming the path and the OS reason on failure.
  explicit FileBackend(const std::string& path, bool append = false);
  ~FileBackend() override;
  FileBackend(const FileBackend&) = delete;
  FileBackend& operator=(const FileBackend&) = delete;

  /// Appends `bytes` to the file, unbuffered so a crash loses nothing already written.
  void Write(std::span<const uint8_t> bytes) override;
  /// Ignored: a file backend has no input.
  void SetReceiver(std::function<size_t(std::span<const uint8_t>)> accept) override {}

 private:
  int fd_ = -1;
};

}  // namespace vireo::devices
