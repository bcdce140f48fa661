#pragma once
// A file the user named with -kernel, -initrd or -bios. Every failure (missing, unreadable, a
// folder, shorter than its headers say) becomes one vireo::Error that starts with the path.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "machine/address_space.h"

namespace vireo::loaders {

/// An open image file; reads are bounds-checked against its size.
class ImageFile {
 public:
  /// Opens `path` for reading; `what` ("kernel", "initrd", "firmware") goes into messages.
  ImageFile(std::string path, std::string what);
  ~ImageFile();
  ImageFile(const ImageFile&) = delete;
  ImageFile& operator=(const ImageFile&) = delete;

  /// The path as opened (as the user gave it).
  const std::string& path() const { return path_; }
  /// File size in bytes.
  uint64_t size() const { return size_; }

  /// The whole file in memory (kernels and firmware: they are parsed anyway).
  std::vector<uint8_t> ReadAll() const;
  /// Reads exactly `out.size()` bytes at `offset`; an error if the file is shorter.
  void ReadAt(uint64_t offset, std::span<uint8_t> out) const;
  /// Streams [offset, offset+len) of the file into guest memory at `gpa` without holding the
  /// whole file (initrds can be hundreds of MiB).
  void CopyToGuest(uint64_t offset, uint64_t len, machine::AddressSpace& memory,
                   uint64_t gpa) const;

  /// "'<path>': <problem>", the shape of every loader message.
  std::string Message(const std::string& problem) const;

 private:
  std::string path_;
  std::string what_;
  int fd_ = -1;
  uint64_t size_ = 0;
};

}  // namespace vireo::loaders
