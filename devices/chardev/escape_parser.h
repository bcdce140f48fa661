#pragma once
// The QEMU-style terminal escape: Ctrl-A followed by a command key. Kept apart from the stdio
// backend so the state machine is tested without a terminal.

#include <cstdint>

namespace vireo::devices {

/// Splits a stream of typed bytes into guest bytes and Ctrl-A commands.
class EscapeParser {
 public:
  /// The escape key, Ctrl-A, as QEMU's -nographic console uses.
  static constexpr uint8_t kEscape = 0x01;

  /// What one input byte turned into.
  enum class Kind {
    kNone,     ///< Consumed (the escape itself, or an unknown command key).
    kByte,     ///< Deliver `byte` to the guest.
    kQuit,     ///< Ctrl-A x: leave the emulator.
    kMonitor,  ///< Ctrl-A c: switch to the monitor.
    kHelp,     ///< Ctrl-A h (or ?): print the key help.
  };

  /// The outcome of feeding one byte.
  struct Result {
    Kind kind = Kind::kNone;  ///< What happened.
    uint8_t byte = 0;         ///< The guest byte when `kind` is kByte.
  };

  /// Feeds one typed byte and returns what it means.
  Result Feed(uint8_t byte);
  /// True between a Ctrl-A and its command key.
  bool pending_escape() const { return escaped_; }
  /// Forgets a half-typed escape.
  void Reset() { escaped_ = false; }

 private:
  bool escaped_ = false;
};

/// The help text for the escape keys; lines end in CR LF because the terminal is in raw mode.
extern const char kEscapeHelpText[];

}  // namespace vireo::devices
