#include "machine/guest_ram.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "machine/error.h"

namespace vireo::machine {

GuestRam::GuestRam(uint64_t size, bool mergeable) {
  size_ = (size + 4095) & ~uint64_t{4095};
  if (size_ == 0) throw Error("guest RAM size must be greater than zero");
  void* p = mmap(nullptr, size_, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) {
    throw Error("cannot reserve " + std::to_string(size_ >> 20) +
                " MiB of guest RAM: " + std::strerror(errno));
  }
  data_ = static_cast<uint8_t*>(p);
  // Both are advice: a host without THP or KSM still runs the guest, just with 4 KiB pages.
  huge_pages_ = madvise(data_, size_, MADV_HUGEPAGE) == 0;
  if (mergeable) madvise(data_, size_, MADV_MERGEABLE);
}

GuestRam::~GuestRam() {
  if (data_ != nullptr) munmap(data_, size_);
}

bool GuestRam::Read(uint64_t offset, std::span<uint8_t> out) const {
  if (offset > size_ || out.size() > size_ - offset) return false;
  std::memcpy(out.data(), data_ + offset, out.size());
  return true;
}

bool GuestRam::Write(uint64_t offset, std::span<const uint8_t> in) {
  if (offset > size_ || in.size() > size_ - offset) return false;
  std::memcpy(data_ + offset, in.data(), in.size());
  return true;
}

}  // namespace vireo::machine
