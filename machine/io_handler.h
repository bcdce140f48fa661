#pragma once
// The one interface every port-I/O and MMIO device implements. Offsets are relative to the range
// the handler was mapped at, so a device does not care where it lives (as Firecracker's BusDevice).

#include <cstdint>

namespace vireo::machine {

/// A device register window; accesses arrive with offset relative to the mapped base.
class IoHandler {
 public:
  virtual ~IoHandler() = default;
  /// Reads `size` bytes (1, 2, 4 or 8) at `offset`; the value is zero-extended.
  virtual uint64_t Read(uint64_t offset, unsigned size) = 0;
  /// Writes the low `size` bytes of `value` at `offset`.
  virtual void Write(uint64_t offset, unsigned size, uint64_t value) = 0;
};

/// Access sizes (bytes, powers of two) a handler accepts; the Bus splits or widens the rest.
struct AccessSizes {
  unsigned min = 1;
  unsigned max = 8;
};

}  // namespace vireo::machine
