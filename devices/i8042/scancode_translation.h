#pragma once
// The 8042's scan code translation: with command-byte bit 6 (XLAT) set, the controller converts
// the keyboard's set-2 codes to the PC/XT set-1 codes BIOSes and DOS expect. A set-2 break prefix
// 0xF0 is swallowed and the following code is translated and OR-ed with 0x80 (set-1 break).

#include <array>
#include <cstdint>
#include <optional>

namespace vireo::devices {

/// Set-2 code -> set-1 code, indexed by the set-2 byte (IBM 8042 translation table).
extern const std::array<uint8_t, 256> kSet2ToSet1;

/// Stateful set-2 -> set-1 byte stream converter (remembers a pending 0xF0 break prefix).
class Set1Translator {
 public:
  /// Converts one byte; returns nothing for the swallowed 0xF0 prefix.
  std::optional<uint8_t> Feed(uint8_t set2_byte);
  /// Forgets a pending break prefix.
  void Reset() { break_pending_ = false; }

 private:
  bool break_pending_ = false;
};

}  // namespace vireo::devices
