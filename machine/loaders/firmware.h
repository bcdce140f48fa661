#pragma once
// -bios FILE: a PC firmware image (SeaBIOS, qboot...) mapped read-only so that its last byte is
// the last byte below 4 GiB, where the reset vector (F000:FFF0 = 0xFFFFFFF0) finds it, with its
// last 128 KiB also visible below 1 MiB (0xE0000-0xFFFFF) where real-mode BIOS code runs.

#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "machine/address_space.h"

namespace vireo::loaders {

/// A firmware image mapped as ROM. It owns the bytes the AddressSpace maps, so it must stay
/// alive as long as the AddressSpace can be accessed (a board keeps it as a member).
class FirmwareRom {
 public:
  static constexpr uint64_t kSizeUnit = 64 << 10;      ///< size must be a multiple (QEMU's rule)
  static constexpr uint64_t kMaxSize = 16ull << 20;    ///< top 16 MiB below 4 GiB
  static constexpr uint64_t kIsaAliasMax = 128 << 10;  ///< alias ending at 1 MiB (0xE0000 up)
  static constexpr uint64_t kTop = 1ull << 32;
  static constexpr uint64_t kIsaTop = 1 << 20;

  FirmwareRom(const FirmwareRom&) = delete;
  FirmwareRom& operator=(const FirmwareRom&) = delete;

  /// The file mapped (after the firmware folder search).
  const std::string& path() const { return path_; }
  /// Guest-physical base of the full image (4 GiB - size).
  uint64_t base() const { return kTop - bytes_.size(); }
  /// Image size in bytes.
  uint64_t size() const { return bytes_.size(); }
  /// The alias below 1 MiB: its base (1 MiB - alias size) and size (min(size, 128 KiB)).
  uint64_t isa_alias_base() const { return kIsaTop - isa_alias_size(); }
  uint64_t isa_alias_size() const { return std::min<uint64_t>(bytes_.size(), kIsaAliasMax); }
  /// The image (a chipset model copies it into shadow RAM when PAM unlocks 0xE0000-0xFFFFF).
  std::span<const uint8_t> bytes() const { return bytes_; }

 private:
  friend std::unique_ptr<FirmwareRom> LoadFirmware(const std::string&, machine::AddressSpace&);
  FirmwareRom(std::string path, std::vector<uint8_t> bytes)
      : path_(std::move(path)), bytes_(std::move(bytes)) {}
  std::string path_;
  std::vector<uint8_t> bytes_;
};

/// Where -bios looks for a bare file name that is not in the current folder, as QEMU searches
/// its data folders (so "-bios bios-256k.bin" works with Debian's seabios package).
inline constexpr const char* kFirmwareSearchPath[] = {"/usr/share/seabios", "/usr/share/qemu"};

/// Reads `path`, checks its size (a non-zero multiple of 64 KiB, at most 16 MiB) and maps it at
/// 4 GiB - size plus the alias ending at 1 MiB, as ROM overlays above the board's RAM. Call after
/// the RAM is added and before the vCPU runs; the vCPU stays at its reset state. Throws
/// vireo::Error naming the file (missing, bad size, overlapping another ROM).
std::unique_ptr<FirmwareRom> LoadFirmware(const std::string& path, machine::AddressSpace& memory);

}  // namespace vireo::loaders
