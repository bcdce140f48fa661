#pragma once
// Lane access shared by sse4_ops.cpp and sse42_ops.cpp (internal to the vector helper).

#include <cstdint>
#include <cstring>

#include "cpu/x86/cpu_state.h"
#include "cpu/x86/sse_ops.h"

namespace vireo::x86 {
namespace lanes {

/// One operand: 8 bytes (MMX) or 16 bytes (XMM), little-endian lanes.
struct Vec {
  uint8_t b[16];
};

template <typename T>
T Get(const Vec& v, unsigned i) {
  T x;
  std::memcpy(&x, v.b + i * sizeof(T), sizeof(T));
  return x;
}

template <typename T>
void Put(Vec& v, unsigned i, T x) {
  std::memcpy(v.b + i * sizeof(T), &x, sizeof(T));
}

/// The bytes of operand code `code` (sse_ops.h): XMMn, MMn or the scratch area.
inline uint8_t* Bytes(CpuState& s, unsigned code) {
  if (code < 16) return reinterpret_cast<uint8_t*>(&s.fpu.xmm[code]);
  if (code < kVecScratch)
    return reinterpret_cast<uint8_t*>(&s.fpu.st[(code - kVecMmx) & 7].significand);
  return s.fpu.scratch;
}

}  // namespace lanes

/// PCMPxSTRx on xmm1 = `a` and xmm2/m128 = `b` (sse42_ops.cpp). `variant`: kStr* bits; `rax`
/// the PCMPESTRx length of `a` (that of `b` is in scratch bytes 16-23). Writes XMM0 for the M
/// forms; returns the index | RFLAGS << 32.
uint64_t RunPcmpStr(CpuState& st, const lanes::Vec& a, const lanes::Vec& b, uint8_t imm,
                    uint8_t variant, uint64_t rax);

/// CRC32C (polynomial 11EDC6F41h, bit-reflected) of `n` bytes, continuing `crc` (SDM CRC32).
uint32_t Crc32c(uint32_t crc, const uint8_t* data, unsigned n);

}  // namespace vireo::x86
