#include "devices/debug_exit/debug_exit.h"

#include <utility>

namespace vireo::devices {

IsaDebugExit::IsaDebugExit(std::function<void(int status)> on_exit, uint16_t iobase,
                           uint16_t iosize)
    : on_exit_(std::move(on_exit)), iobase_(iobase), iosize_(iosize) {}

uint64_t IsaDebugExit::Read(uint64_t offset, unsigned size) { return 0; }

void IsaDebugExit::Write(uint64_t offset, unsigned size, uint64_t value) {
  // The bus hands over the low `size` bytes; the shift is done in 32 bits and wraps, as the
  // status is an int and the OS keeps only its low 8 bits anyway.
  uint32_t status = (static_cast<uint32_t>(value) << 1) | 1u;
  if (on_exit_) on_exit_(static_cast<int>(status));
}

uint64_t DebugConsole::Read(uint64_t offset, unsigned size) { return kReadback; }

void DebugConsole::Write(uint64_t offset, unsigned size, uint64_t value) {
  if (backend_ == nullptr) return;
  const uint8_t byte = static_cast<uint8_t>(value);
  backend_->Write({&byte, 1});
}

}  // namespace vireo::devices
