#pragma once
// A bus of non-overlapping address ranges, each served by an IoHandler: one instance for port
// I/O (16-bit addresses), one for MMIO. Accesses that a handler does not accept in size are split
// (wider than its maximum) or widened (narrower than its minimum), as QEMU's MemoryRegionOps
// "impl" sizes are; addresses no handler claims read as all ones and ignore writes, which is what
// an ISA bus with nothing driving the data lines returns on a PC.

#include <cstdint>
#include <map>
#include <string>

#include "machine/io_handler.h"

namespace vireo::machine {

/// Address-range dispatcher for port I/O or MMIO.
class Bus {
 public:
  /// One mapped window.
  struct Range {
    uint64_t base;
    uint64_t length;
    IoHandler* handler;
    std::string name;
    AccessSizes sizes;
  };

  /// `kind` names the bus in errors ("port I/O", "MMIO").
  explicit Bus(std::string kind) : kind_(std::move(kind)) {}

  /// Maps `handler` at [base, base+length); throws vireo::Error naming both devices on overlap.
  void Map(uint64_t base, uint64_t length, IoHandler* handler, std::string name,
           AccessSizes sizes = {});
  /// Removes the window that starts at `base` (e.g. a PCI BAR being moved); no-op if none.
  void Unmap(uint64_t base);
  /// The window containing `addr`, or nullptr.
  const Range* Find(uint64_t addr) const;

  /// Reads `size` bytes (1..8) at `addr`, little-endian across handlers and gaps.
  uint64_t Read(uint64_t addr, unsigned size);
  /// Writes the low `size` bytes of `value` at `addr`.
  void Write(uint64_t addr, unsigned size, uint64_t value);

  const std::map<uint64_t, Range>& ranges() const { return ranges_; }

 private:
  uint64_t ReadIn(const Range& r, uint64_t off, unsigned size);
  void WriteIn(const Range& r, uint64_t off, unsigned size, uint64_t value);

  std::string kind_;
  std::map<uint64_t, Range> ranges_;
};

}  // namespace vireo::machine
