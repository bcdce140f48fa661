#pragma once
// -serial stdio: the guest's serial port on the user's terminal, with QEMU's Ctrl-A escapes.

#include <unistd.h>

#include <functional>
#include <memory>
#include <vector>

#include "devices/chardev/char_backend.h"
#include "devices/chardev/escape_parser.h"
#include "devices/chardev/raw_terminal.h"
#include "machine/event_loop.h"

namespace vireo::devices {

/// Terminal-backed serial console: output to stdout, input from stdin through the EventLoop.
class StdioBackend final : public CharBackend {
 public:
  /// Input above this many untaken bytes pauses reading (flow control for large pastes);
  /// below it stdin keeps being read so Ctrl-A x works even when the guest ignores its port.
  static constexpr size_t kMaxPending = 64 * 1024;

  /// Watches `in_fd` on `loop` (raw mode if it is a TTY) and writes to `out_fd`. Ctrl-A x calls
  /// `on_quit`; Ctrl-A c calls `on_monitor` if given. The fds are parameters for tests (pipes).
  StdioBackend(machine::EventLoop& loop, std::function<void()> on_quit,
               std::function<void()> on_monitor = nullptr, int in_fd = STDIN_FILENO,
               int out_fd = STDOUT_FILENO);
  /// Stops watching the input and restores the terminal.
  ~StdioBackend() override;
  StdioBackend(const StdioBackend&) = delete;
  StdioBackend& operator=(const StdioBackend&) = delete;

  /// Writes guest output straight to the output fd (no stdio buffering).
  void Write(std::span<const uint8_t> bytes) override;
  /// Installs the guest-side receiver and offers it any bytes typed so far.
  void SetReceiver(std::function<size_t(std::span<const uint8_t>)> accept) override;
  /// Re-offers pending input and resumes reading if it had been paused.
  void ReceiverReady() override;

  /// True once the input reached end of file (it is no longer polled).
  bool input_closed() const { return input_closed_; }
  /// Typed bytes not yet taken by the receiver.
  size_t pending() const { return pending_.size(); }
  /// True if the input terminal was switched to raw mode.
  bool raw_mode() const { return raw_terminal_->active(); }

 private:
  void OnReadable();
  void Deliver();
  void Watch();
  void Unwatch();

  machine::EventLoop& loop_;
  std::function<void()> on_quit_;
  std::function<void()> on_monitor_;
  int in_fd_;
  int out_fd_;
  std::unique_ptr<RawTerminal> raw_terminal_;
  EscapeParser escape_;
  std::function<size_t(std::span<const uint8_t>)> receiver_;
  std::vector<uint8_t> pending_;
  bool watching_ = false;
  bool input_closed_ = false;
};

}  // namespace vireo::devices
