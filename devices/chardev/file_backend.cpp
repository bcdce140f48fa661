#include "devices/chardev/file_backend.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "devices/chardev/fd_io.h"
#include "machine/error.h"

namespace vireo::devices {

FileBackend::FileBackend(const std::string& path, bool append) {
  int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC);
  fd_ = open(path.c_str(), flags, 0644);
  if (fd_ < 0) {
    throw Error("cannot open serial output file '" + path + "': " + std::strerror(errno));
  }
}

FileBackend::~FileBackend() {
  if (fd_ >= 0) close(fd_);
}

void FileBackend::Write(std::span<const uint8_t> bytes) { WriteAll(fd_, bytes); }

}  // namespace vireo::devices
