#pragma once
// Guest RAM is one anonymous host mapping per region. MAP_NORESERVE and lazy allocation mean a
// 4 GiB guest that touches 200 MiB costs 200 MiB; MADV_HUGEPAGE lets the host kernel back it with
// transparent huge pages and MADV_MERGEABLE lets KSM share identical pages between guests: the
// host kernel does the memory management, as KVM relies on it to.

#include <cstddef>
#include <cstdint>
#include <span>

namespace vireo::machine {

/// One contiguous block of guest RAM backed by an anonymous mmap.
class GuestRam {
 public:
  /// Maps `size` bytes (rounded up to 4 KiB); throws vireo::Error if the host refuses.
  explicit GuestRam(uint64_t size, bool mergeable = false);
  ~GuestRam();
  GuestRam(const GuestRam&) = delete;
  GuestRam& operator=(const GuestRam&) = delete;

  uint64_t size() const { return size_; }
  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  /// Whether MADV_HUGEPAGE was accepted (false on hosts without THP).
  bool huge_pages() const { return huge_pages_; }

  /// Bounds-checked copies; return false (copying nothing) if [offset, offset+len) is outside.
  bool Read(uint64_t offset, std::span<uint8_t> out) const;
  bool Write(uint64_t offset, std::span<const uint8_t> in);

 private:
  uint8_t* data_ = nullptr;
  uint64_t size_ = 0;
  bool huge_pages_ = false;
};

}  // namespace vireo::machine
