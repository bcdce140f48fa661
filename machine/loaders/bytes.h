#pragma once
// Little-endian field access into byte buffers (boot headers, ELF headers, the zero page). Every
// boot-time structure the loaders read or write is little-endian (x86), so the helpers do not
// depend on the host's byte order.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>

namespace vireo::loaders {

/// Reads the `N`-byte little-endian value at `offset`; the caller has checked the bounds.
template <size_t N>
uint64_t GetLe(std::span<const uint8_t> bytes, size_t offset) {
  uint64_t v = 0;
  for (size_t i = 0; i < N; ++i) v |= uint64_t{bytes[offset + i]} << (8 * i);
  return v;
}

/// Writes the low `N` bytes of `value` little-endian at `offset`.
template <size_t N>
void PutLe(std::span<uint8_t> bytes, size_t offset, uint64_t value) {
  for (size_t i = 0; i < N; ++i) bytes[offset + i] = static_cast<uint8_t>(value >> (8 * i));
}

/// Typed shorthands.
inline uint8_t Get8(std::span<const uint8_t> b, size_t o) { return b[o]; }
inline uint16_t Get16(std::span<const uint8_t> b, size_t o) {
  return static_cast<uint16_t>(GetLe<2>(b, o));
}
inline uint32_t Get32(std::span<const uint8_t> b, size_t o) {
  return static_cast<uint32_t>(GetLe<4>(b, o));
}
inline uint64_t Get64(std::span<const uint8_t> b, size_t o) { return GetLe<8>(b, o); }
inline void Put8(std::span<uint8_t> b, size_t o, uint64_t v) { PutLe<1>(b, o, v); }
inline void Put16(std::span<uint8_t> b, size_t o, uint64_t v) { PutLe<2>(b, o, v); }
inline void Put32(std::span<uint8_t> b, size_t o, uint64_t v) { PutLe<4>(b, o, v); }
inline void Put64(std::span<uint8_t> b, size_t o, uint64_t v) { PutLe<8>(b, o, v); }

/// Rounds `v` up / down to a multiple of the power of two `align`.
constexpr uint64_t AlignUp(uint64_t v, uint64_t align) { return (v + align - 1) & ~(align - 1); }
constexpr uint64_t AlignDown(uint64_t v, uint64_t align) { return v & ~(align - 1); }

/// Whole MiB needed to hold `bytes` (for messages).
constexpr uint64_t CeilMiB(uint64_t bytes) { return (bytes + (1ull << 20) - 1) >> 20; }

/// "0x1f000" (for messages).
inline std::string Hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace vireo::loaders
