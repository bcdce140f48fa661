// Small helpers shared by randomized tests: a fixed-seed generator and count overrides from the
// environment (so CI runs a fixed amount and a developer can run millions).
#pragma once

#include <cstdint>
#include <cstdlib>

namespace vireo::test {

/// `name` from the environment as a number (0x.. accepted), or `fallback` when unset.
inline uint64_t EnvOr(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::strtoull(v, nullptr, 0) : fallback;
}

/// xorshift64*: fast, deterministic for a seed, good enough for generating test bytes.
struct Rng {
  uint64_t state;
  uint64_t Next() {
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 0x2545F4914F6CDD1Dull;
  }
  /// Uniform-ish in [0, n).
  uint32_t Below(uint32_t n) { return static_cast<uint32_t>((Next() >> 32) % n); }
};

}  // namespace vireo::test
