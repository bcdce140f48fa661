#include "devices/chardev/fd_io.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

namespace vireo::devices {

namespace {
// Bounds how long a non-blocking fd that stays full may hold the guest (one poll round).
constexpr int kPollOutTimeoutMs = 100;
}  // namespace

bool WriteAll(int fd, std::span<const uint8_t> bytes) {
  while (!bytes.empty()) {
    ssize_t n = write(fd, bytes.data(), bytes.size());
    if (n > 0) {
      bytes = bytes.subspan(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd pfd{fd, POLLOUT, 0};
      int ready = poll(&pfd, 1, kPollOutTimeoutMs);
      if (ready > 0 || (ready < 0 && errno == EINTR)) continue;
      return false;  // Reader stalled: drop the rest rather than hang the vCPU.
    }
    return false;
  }
  return true;
}

}  // namespace vireo::devices
