#include "devices/chardev/stdio_backend.h"

#include <cerrno>
#include <cstring>

#include "devices/chardev/fd_io.h"

namespace vireo::devices {

namespace {
constexpr size_t kReadChunk = 4096;
}  // namespace

StdioBackend::StdioBackend(machine::EventLoop& loop, std::function<void()> on_quit,
                           std::function<void()> on_monitor, int in_fd, int out_fd)
    : loop_(loop),
      on_quit_(std::move(on_quit)),
      on_monitor_(std::move(on_monitor)),
      in_fd_(in_fd),
      out_fd_(out_fd),
      raw_terminal_(std::make_unique<RawTerminal>(in_fd)) {
  Watch();
}

StdioBackend::~StdioBackend() { Unwatch(); }

void StdioBackend::Watch() {
  if (watching_ || input_closed_) return;
  watching_ = true;
  loop_.AddFd(in_fd_, [this] { OnReadable(); });
}

void StdioBackend::Unwatch() {
  if (!watching_) return;
  watching_ = false;
  loop_.RemoveFd(in_fd_);
}

void StdioBackend::Write(std::span<const uint8_t> bytes) { WriteAll(out_fd_, bytes); }

void StdioBackend::SetReceiver(std::function<size_t(std::span<const uint8_t>)> accept) {
  receiver_ = std::move(accept);
  Deliver();
}

void StdioBackend::ReceiverReady() {
  Deliver();
  if (pending_.size() < kMaxPending) Watch();
}

void StdioBackend::OnReadable() {
  uint8_t buffer[kReadChunk];
  ssize_t n = read(in_fd_, buffer, sizeof buffer);
  if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) return;
  if (n <= 0) {
    // EOF (or a dead terminal): stop polling, otherwise poll() reports it readable forever.
    Unwatch();
    input_closed_ = true;
    return;
  }
  for (ssize_t i = 0; i < n; ++i) {
    EscapeParser::Result result = escape_.Feed(buffer[i]);
    switch (result.kind) {
      case EscapeParser::Kind::kNone:
        break;
      case EscapeParser::Kind::kByte:
        pending_.push_back(result.byte);
        break;
      case EscapeParser::Kind::kQuit:
        if (on_quit_) on_quit_();
        break;
      case EscapeParser::Kind::kMonitor:
        if (on_monitor_) on_monitor_();
        break;
      case EscapeParser::Kind::kHelp:
        WriteAll(STDERR_FILENO, std::span(reinterpret_cast<const uint8_t*>(kEscapeHelpText),
                                          std::strlen(kEscapeHelpText)));
        break;
    }
  }
  Deliver();
  if (pending_.size() >= kMaxPending) Unwatch();
}

void StdioBackend::Deliver() {
  if (!receiver_ || pending_.empty()) return;
  size_t taken = receiver_(std::span<const uint8_t>(pending_));
  if (taken > pending_.size()) taken = pending_.size();
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<ptrdiff_t>(taken));
}

}  // namespace vireo::devices
