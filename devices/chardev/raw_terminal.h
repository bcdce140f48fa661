#pragma once
// Puts a terminal in raw mode for the serial console and guarantees the user's settings come
// back: on destruction, at exit() and on SIGTERM/SIGINT/SIGHUP. A shell left without echo after
// the emulator dies is the classic bug this prevents.

namespace vireo::devices {

/// RAII raw mode for one terminal fd; a no-op when the fd is not a TTY.
class RawTerminal {
 public:
  /// Saves the termios of `fd` and switches it to raw mode if `fd` is a TTY and no other
  /// RawTerminal currently owns a terminal (the saved copy is process-wide).
  explicit RawTerminal(int fd);
  /// Restores the saved termios.
  ~RawTerminal();
  RawTerminal(const RawTerminal&) = delete;
  RawTerminal& operator=(const RawTerminal&) = delete;

  /// True if this object switched the terminal to raw mode (and will restore it).
  bool active() const { return active_; }

 private:
  bool active_ = false;
};

}  // namespace vireo::devices
