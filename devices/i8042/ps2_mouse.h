#pragma once
// A minimal PS/2 mouse for the i8042's aux port: a standard 3-byte-packet device (ID 0x00) that
// answers every command of the IBM PS/2 Mouse Technical Reference, enough for firmware and for
// Linux's psmouse probe, and streams movement packets when reporting is enabled.

#include <cstddef>
#include <cstdint>
#include <deque>

namespace vireo::devices {

/// Mouse commands and replies (IBM PS/2 Mouse Technical Reference).
struct Ps2Aux {
  static constexpr uint8_t kAck = 0xFA;
  static constexpr uint8_t kResend = 0xFE;
  static constexpr uint8_t kBatOk = 0xAA;
  static constexpr uint8_t kDeviceId = 0x00;  ///< standard mouse (no wheel)
  static constexpr uint8_t kScaling11 = 0xE6;
  static constexpr uint8_t kScaling21 = 0xE7;
  static constexpr uint8_t kSetResolution = 0xE8;
  static constexpr uint8_t kStatusRequest = 0xE9;
  static constexpr uint8_t kStreamMode = 0xEA;
  static constexpr uint8_t kReadData = 0xEB;
  static constexpr uint8_t kResetWrap = 0xEC;
  static constexpr uint8_t kWrapMode = 0xEE;
  static constexpr uint8_t kRemoteMode = 0xF0;
  static constexpr uint8_t kGetId = 0xF2;
  static constexpr uint8_t kSampleRate = 0xF3;
  static constexpr uint8_t kEnable = 0xF4;
  static constexpr uint8_t kDisable = 0xF5;
  static constexpr uint8_t kDefaults = 0xF6;
  static constexpr uint8_t kReset = 0xFF;
};

/// The pointing device behind the i8042's second (aux) port.
class Ps2Mouse {
 public:
  /// Bytes buffered before further movement packets are dropped (replies always fit).
  static constexpr size_t kPacketBufferLimit = 48;
  static constexpr uint8_t kDefaultSampleRate = 100;  ///< reports per second
  static constexpr uint8_t kDefaultResolution = 2;    ///< 4 counts/mm

  Ps2Mouse() { Reset(); }

  /// Power-on state: stream mode, reporting disabled, defaults, empty buffer.
  void Reset();
  /// A byte the host sent through controller command 0xD4.
  void Receive(uint8_t byte);
  /// Movement since the last call (dy > 0 is away from the user) and buttons (bit 0 left,
  /// bit 1 right, bit 2 middle); queues a packet when streaming is enabled.
  void Move(int dx, int dy, uint8_t buttons);
  /// True if a byte waits to go to the controller.
  bool HasOutput() const { return !out_.empty(); }
  /// Takes the next byte for the controller.
  uint8_t PopOutput();

  /// True after 0xF4 (enable data reporting).
  bool reporting() const { return reporting_; }
  /// Sample rate from the last 0xF3 command.
  uint8_t sample_rate() const { return sample_rate_; }
  /// Resolution code from the last 0xE8 command.
  uint8_t resolution() const { return resolution_; }

 private:
  enum class Pending { kNone, kSampleRate, kResolution };
  void Defaults();
  void Command(uint8_t byte);
  void QueuePacket(int dx, int dy);
  void Reply(uint8_t byte) { out_.push_back(byte); }

  std::deque<uint8_t> out_;
  Pending pending_ = Pending::kNone;
  bool reporting_ = false;
  bool remote_ = false;
  bool wrap_ = false;
  bool scaling_2to1_ = false;
  uint8_t sample_rate_ = kDefaultSampleRate;
  uint8_t resolution_ = kDefaultResolution;
  uint8_t buttons_ = 0;
  uint8_t last_sent_ = 0;
};

}  // namespace vireo::devices
