// Sanitizer fuzz test of the x86 decoder: millions of random byte buffers of length 0..20
// (random bytes, and prefix/opcode-biased ones) decoded in 16-, 32- and 64-bit code and
// formatted. Built with -fsanitize=address,undefined (tests/fuzz/meson.build); the buffer is
// placed at the end of a heap block of exactly its length so any read past it is caught.
// Also checks decoder invariants. VIREO_FUZZ_COUNT / VIREO_FUZZ_SEED override the run.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>

#include "cpu/x86/decoder.h"
#include "tests/support/test_random.h"

namespace {

using vireo::x86::CodeSize;
using vireo::x86::Decode;
using vireo::x86::DecodedInst;
using vireo::x86::DecodeStatus;
using vireo::x86::kMaxInstructionLength;

using vireo::test::EnvOr;
using vireo::test::Rng;

constexpr uint8_t kInteresting[] = {0x66, 0x67, 0xF2, 0xF3, 0xF0, 0x2E, 0x3E, 0x26, 0x36, 0x64,
                                    0x65, 0x48, 0x41, 0x4F, 0x0F, 0x38, 0x3A, 0xC4, 0xC5, 0x62,
                                    0x8F, 0xD8, 0xDF, 0xFF, 0x00, 0x04, 0x05, 0x24, 0x25, 0x80};

int failures = 0;

void Fail(const char* what, const uint8_t* bytes, size_t n, CodeSize mode) {
  if (++failures > 20) return;
  std::printf("FAIL %s (mode %d):", what, static_cast<int>(mode));
  for (size_t i = 0; i < n; ++i) std::printf(" %02x", bytes[i]);
  std::printf("\n");
}

// Decodes bytes[0, n) and checks the invariants the translator relies on.
void Check(const uint8_t* bytes, size_t n, CodeSize mode) {
  DecodedInst inst;
  const DecodeStatus st = Decode(std::span<const uint8_t>(bytes, n), mode, inst);
  switch (st) {
    case DecodeStatus::kOk: {
      if (inst.length == 0 || inst.length > kMaxInstructionLength || inst.length > n) {
        Fail("length out of range", bytes, n, mode);
      }
      if (inst.num_operands > 4) Fail("operand count", bytes, n, mode);
      const std::string text = vireo::x86::Format(inst, 0x1000);
      if (text.empty()) Fail("empty format", bytes, n, mode);
      // Exactly the instruction's bytes decode to the same thing; one fewer is truncated.
      DecodedInst again;
      if (Decode(std::span<const uint8_t>(bytes, inst.length), mode, again) != DecodeStatus::kOk ||
          again.length != inst.length || again.mnemonic != inst.mnemonic) {
        Fail("not prefix-stable", bytes, n, mode);
      }
      if (Decode(std::span<const uint8_t>(bytes, inst.length - 1u), mode, again) !=
          DecodeStatus::kTruncated) {
        Fail("shorter buffer not truncated", bytes, n, mode);
      }
      break;
    }
    case DecodeStatus::kTruncated:
      if (n >= static_cast<size_t>(kMaxInstructionLength))
        Fail("truncated with 15 bytes", bytes, n, mode);
      break;
    case DecodeStatus::kUndefined:
    case DecodeStatus::kTooLong:
      break;
  }
}

}  // namespace

int main() {
  const uint64_t count = EnvOr("VIREO_FUZZ_COUNT", 2000000);
  Rng rng{EnvOr("VIREO_FUZZ_SEED", 12345) | 1};
  constexpr size_t kMaxLen = 20;
  uint64_t decoded = 0;
  for (uint64_t i = 0; i < count; ++i) {
    const size_t n = rng.Below(kMaxLen + 1);
    // A heap block of exactly n bytes: reading past the end hits ASan's redzone.
    std::unique_ptr<uint8_t[]> block(new uint8_t[n == 0 ? 1 : n]);
    uint8_t* bytes = block.get();
    const bool biased = rng.Below(2) == 0;
    for (size_t k = 0; k < n; ++k) {
      bytes[k] = biased && rng.Below(3) == 0 ? kInteresting[rng.Below(sizeof kInteresting)]
                                             : static_cast<uint8_t>(rng.Next() >> 56);
    }
    for (CodeSize mode : {CodeSize::k16, CodeSize::k32, CodeSize::k64}) {
      Check(bytes, n, mode);
      DecodedInst inst;
      decoded += Decode(std::span<const uint8_t>(bytes, n), mode, inst) == DecodeStatus::kOk;
    }
  }
  std::printf("x86 decoder fuzz: %llu buffers x 3 modes, %llu decoded, %d failures\n",
              static_cast<unsigned long long>(count), static_cast<unsigned long long>(decoded),
              failures);
  return failures == 0 ? 0 : 1;
}
