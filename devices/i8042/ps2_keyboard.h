#pragma once
// A PS/2 (MF II) keyboard as seen from the controller: it receives command bytes from the host
// and queues replies and scan codes for the controller to move into its output buffer. Commands
// and replies follow the IBM PS/2 Keyboard Technical Reference: every command is acknowledged with
// 0xFA except Echo (0xEE) and Resend (0xFE); an unknown command gets 0xFE.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>

#include "devices/i8042/scancode_translation.h"

namespace vireo::devices {

/// Keyboard replies and commands (IBM PS/2 Keyboard Technical Reference).
struct Ps2Kbd {
  static constexpr uint8_t kAck = 0xFA;
  static constexpr uint8_t kResend = 0xFE;
  static constexpr uint8_t kBatOk = 0xAA;  ///< basic assurance test passed
  static constexpr uint8_t kEcho = 0xEE;
  static constexpr uint8_t kSetLeds = 0xED;
  static constexpr uint8_t kScancodeSet = 0xF0;
  static constexpr uint8_t kIdentify = 0xF2;
  static constexpr uint8_t kTypematic = 0xF3;
  static constexpr uint8_t kEnable = 0xF4;
  static constexpr uint8_t kDisable = 0xF5;
  static constexpr uint8_t kDefaults = 0xF6;
  static constexpr uint8_t kReset = 0xFF;
  static constexpr uint8_t kIdByte1 = 0xAB;  ///< MF II keyboard ID: 0xAB 0x83
  static constexpr uint8_t kIdByte2 = 0x83;
  static constexpr uint8_t kDefaultTypematic = 0x2B;  ///< 10.9 characters/s after 500 ms
};

/// The keyboard behind the i8042's first port. Input key events are set-2 byte sequences.
class Ps2Keyboard {
 public:
  /// Bytes buffered before key input overruns (replies to commands are always queued).
  static constexpr size_t kKeyBufferLimit = 64;

  Ps2Keyboard() { Reset(); }

  /// Power-on state: scanning enabled, set 2, LEDs off, default typematic, empty buffer.
  void Reset();
  /// A byte the host sent (through port 0x60 with no controller command pending).
  void Receive(uint8_t byte);
  /// Queues a key's make or break sequence, given in set 2 (e.g. {0xE0, 0xF0, 0x75} = Up released);
  /// returns false if scanning is disabled or the buffer overran (the sequence is dropped).
  bool KeyInput(std::span<const uint8_t> set2_bytes);
  /// True if a byte waits to go to the controller.
  bool HasOutput() const { return !out_.empty(); }
  /// Takes the next byte for the controller.
  uint8_t PopOutput();

  /// LED state from the last 0xED command: bit 0 Scroll, bit 1 Num, bit 2 Caps Lock.
  uint8_t leds() const { return leds_; }
  /// Scan code set selected with 0xF0 (1, 2 or 3).
  uint8_t scancode_set() const { return set_; }
  /// Typematic rate/delay byte from the last 0xF3 command.
  uint8_t typematic() const { return typematic_; }
  /// False after 0xF5 until 0xF4 (or a reset).
  bool scanning() const { return scanning_; }

 private:
  enum class Pending { kNone, kLeds, kTypematic, kScancodeSet };
  void Command(uint8_t byte);
  void Reply(uint8_t byte) { out_.push_back(byte); }

  std::deque<uint8_t> out_;
  Pending pending_ = Pending::kNone;
  bool scanning_ = true;
  uint8_t set_ = 2;
  uint8_t leds_ = 0;
  uint8_t typematic_ = Ps2Kbd::kDefaultTypematic;
  uint8_t last_sent_ = 0;
  bool overrun_reported_ = false;  // one overrun code per overflow, until the buffer drains
};

}  // namespace vireo::devices
