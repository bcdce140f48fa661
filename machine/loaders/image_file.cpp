#include "machine/loaders/image_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "machine/error.h"

namespace vireo::loaders {

ImageFile::ImageFile(std::string path, std::string what)
    : path_(std::move(path)), what_(std::move(what)) {
  fd_ = open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw Error(Message(std::string("cannot open ") + what_ + ": " + strerror(errno)));
  struct stat st {};
  if (fstat(fd_, &st) != 0) {
    int err = errno;
    close(fd_);
    throw Error(Message(std::string("cannot read ") + what_ + ": " + strerror(err)));
  }
  if (!S_ISREG(st.st_mode)) {
    close(fd_);
    throw Error(Message(what_ + " is not a regular file"));
  }
  size_ = static_cast<uint64_t>(st.st_size);
}

ImageFile::~ImageFile() {
  if (fd_ >= 0) close(fd_);
}

std::string ImageFile::Message(const std::string& problem) const {
  return "'" + path_ + "': " + problem;
}

void ImageFile::ReadAt(uint64_t offset, std::span<uint8_t> out) const {
  if (offset > size_ || out.size() > size_ - offset) {
    throw Error(Message(what_ + " is truncated: needs " + std::to_string(offset + out.size()) +
                        " bytes, the file has " + std::to_string(size_)));
  }
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error(Message(std::string("read error: ") + strerror(errno)));
    if (n == 0) throw Error(Message(what_ + " shrank while being read"));
    done += static_cast<size_t>(n);
  }
}

std::vector<uint8_t> ImageFile::ReadAll() const {
  std::vector<uint8_t> bytes(size_);
  ReadAt(0, bytes);
  return bytes;
}

void ImageFile::CopyToGuest(uint64_t offset, uint64_t len, machine::AddressSpace& memory,
                            uint64_t gpa) const {
  if (uint8_t* host = memory.RamPointer(gpa, len)) {  // straight into RAM: no bounce buffer
    ReadAt(offset, std::span<uint8_t>(host, len));
    return;
  }
  std::vector<uint8_t> chunk(std::min<uint64_t>(len, 1 << 20));
  for (uint64_t done = 0; done < len;) {
    std::span<uint8_t> piece(chunk.data(), std::min<uint64_t>(chunk.size(), len - done));
    ReadAt(offset + done, piece);
    memory.Write(gpa + done, piece);
    done += piece.size();
  }
}

}  // namespace vireo::loaders
