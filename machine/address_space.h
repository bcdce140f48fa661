#pragma once
// The guest-physical address space: RAM regions, read-only ROM regions, the MMIO bus and the port
// I/O bus. Both accelerators dispatch guest physical accesses here (the DBT's soft TLB caches the
// result of Lookup(); KVM registers the RAM slots and forwards MMIO/PIO exits).
// Precedence on a PC: MMIO windows, then ROM, then RAM (e.g. VGA MMIO at 0xA0000 hides the RAM
// beneath it, the BIOS ROM alias at 0xE0000 hides RAM until the chipset's PAM unlocks it).

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "machine/bus.h"

namespace vireo::machine {

/// What backs a guest-physical address.
enum class MemoryKind { kRam, kRom, kMmio, kUnassigned };

/// Result of looking up a physical address: host memory (RAM/ROM) or a bus.
struct MemoryLookup {
  MemoryKind kind = MemoryKind::kUnassigned;
  uint8_t* host = nullptr;  ///< host address of `gpa` for RAM and ROM
  uint64_t span = 0;        ///< bytes from `gpa` that share this classification (same region)
};

/// RAM + ROM + MMIO + port I/O of one machine.
class AddressSpace {
 public:
  AddressSpace() : mmio_("MMIO"), ports_("port I/O") {}

  /// Makes [gpa, gpa+size) RAM backed by `host` (owned elsewhere, e.g. by a GuestRam).
  void AddRam(uint64_t gpa, uint64_t size, uint8_t* host, std::string name);
  /// Makes [gpa, gpa+size) read-only memory backed by `host`; guest writes are ignored. ROM may
  /// overlay RAM (the BIOS alias below 1 MiB hides the RAM under it until the chipset unlocks it).
  void AddRom(uint64_t gpa, uint64_t size, uint8_t* host, std::string name);
  /// Removes the ROM overlay that starts at `gpa`, uncovering any RAM below; no-op if none.
  void RemoveRom(uint64_t gpa);

  /// Classifies `gpa`; the span lets callers (TLB fill, DMA) handle whole runs at once.
  MemoryLookup Lookup(uint64_t gpa) const;

  /// Physical accesses of any length through the right backing, byte-exact at boundaries.
  void Read(uint64_t gpa, std::span<uint8_t> out);
  void Write(uint64_t gpa, std::span<const uint8_t> in);
  /// Host pointer for [gpa, gpa+len) if it is entirely RAM (DMA fast path), else nullptr.
  uint8_t* RamPointer(uint64_t gpa, uint64_t len) const;

  Bus& mmio() { return mmio_; }
  Bus& ports() { return ports_; }

  /// The A20 gate (i8042 output port bit 1, port 0x92 bit 1). With A20 off, physical address bit
  /// 20 reads as zero, wrapping 1 MiB like an 8086 (SDM Vol. 3A 21.33.1 / 8.7.13.4).
  void SetA20(bool enabled);
  bool a20() const { return a20_; }
  uint64_t a20_mask() const { return a20_ ? ~uint64_t{0} : ~(uint64_t{1} << 20); }
  /// Called after an A20 change (the CPU flushes its TLB).
  void SetA20ChangedHook(std::function<void()> hook) { on_a20_changed_ = std::move(hook); }

 private:
  struct Region {
    uint64_t gpa;
    uint64_t size;
    uint8_t* host;
    bool read_only;
    std::string name;
  };
  static void AddRegion(std::vector<Region>& list, Region r);
  static const Region* FindRegion(const std::vector<Region>& list, uint64_t gpa, uint64_t* next);

  std::vector<Region> ram_;   // sorted by gpa, non-overlapping
  std::vector<Region> roms_;  // sorted by gpa, non-overlapping; take precedence over ram_
  Bus mmio_;
  Bus ports_;
  bool a20_ = true;
  std::function<void()> on_a20_changed_;
};

}  // namespace vireo::machine
