#pragma once
// Small POSIX helpers shared by the fd-based backends.

#include <cstdint>
#include <span>

namespace vireo::devices {

/// Writes all of `bytes` to `fd`, retrying after EINTR, partial writes and EAGAIN (by waiting
/// for POLLOUT). Returns false if the fd failed for good (closed pipe, full disk): the caller
/// drops the output, because a guest must never stop on a host output error.
bool WriteAll(int fd, std::span<const uint8_t> bytes);

}  // namespace vireo::devices
