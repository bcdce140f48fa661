// Random bytes through the whole tier-0 pipeline (decode, translate, optimise, verify, compile,
// run) in every CPU mode, built with ASan and UBSan: guest code must never crash or corrupt the
// host, whatever it is. Usage: translator-fuzz [iterations] [seed].

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>

#include "cpu/x86/cpu.h"
#include "cpu/x86/long_mode.h"
#include "machine/address_space.h"
#include "machine/guest_ram.h"

using namespace vireo;

namespace {

constexpr uint64_t kCode = 0x100000;

/// Puts the vCPU into one of the modes guest code can run in.
void SetMode(x86::Cpu& cpu, int mode) {
  x86::CpuState& s = cpu.state();
  cpu.Reset();
  switch (mode) {
    case 0:  // real mode, CS:IP = 0x1000:0
      s.seg[x86::kCs] = {0x10000, 0xFFFF, 0x1000, 0x9B};
      s.rip = 0;
      break;
    case 1:  // 16-bit protected mode
    case 2:  // 32-bit protected mode, flat
      s.cr0 = 0x11;
      s.seg[x86::kCs] = {0, 0xFFFFFFFF, 0x08, static_cast<uint16_t>(mode == 2 ? 0xC09B : 0x009B)};
      for (int r : {x86::kDs, x86::kEs, x86::kSs, x86::kFs, x86::kGs})
        s.seg[r] = {0, 0xFFFFFFFF, 0x10, static_cast<uint16_t>(mode == 2 ? 0xC093 : 0x0093)};
      s.rip = kCode;
      break;
    default:  // 64-bit
      x86::EnterFlatLongMode(cpu, 0x1000, 16 << 20);
      s.rip = kCode;
      break;
  }
  cpu.StateChanged();
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t iterations = argc > 1 ? std::strtoull(argv[1], nullptr, 0) : 20000;
  uint64_t seed = argc > 2 ? std::strtoull(argv[2], nullptr, 0) : 1;
  std::mt19937_64 rng(seed);
  machine::GuestRam ram(16 << 20);
  machine::AddressSpace memory;
  memory.AddRam(0, ram.size(), ram.data(), "ram");
  x86::Cpu cpu(memory);
  uint64_t stops[4] = {};
  for (uint64_t i = 0; i < iterations; ++i) {
    // 256 random bytes, sometimes biased towards prefixes and common opcodes so that longer
    // valid sequences form.
    uint8_t* code = ram.data() + (i % 2 == 0 ? kCode : 0x10000);
    for (int b = 0; b < 256; ++b) {
      uint64_t r = rng();
      static const uint8_t kCommon[] = {0x66, 0x67, 0xF2, 0xF3, 0xF0, 0x48, 0x0F, 0x8B, 0x89, 0x01,
                                        0xFF, 0xE8, 0xC3, 0x75, 0xEB, 0x50, 0x58, 0xA4, 0xAB, 0xD3};
      code[b] = (r & 3) == 0 ? kCommon[(r >> 8) % sizeof kCommon] : static_cast<uint8_t>(r >> 16);
    }
    cpu.FlushTranslations();
    SetMode(cpu, static_cast<int>(i % 4));
    x86::CpuState& s = cpu.state();
    for (int r = 0; r < 16; ++r) {
      uint64_t v = rng();
      // Keep some registers pointing into RAM so memory operands often hit it.
      s.gpr[r] = (v & 1) ? (v >> 8) & 0xFFFFFF : v;
    }
    s.gpr[x86::kRsp] = 0x80000;
    s.rflags = 2 | (rng() & 0xCD5);
    stops[static_cast<int>(cpu.Run(200))]++;
  }
  std::printf(
      "translator-fuzz: %llu runs (seed %llu): %llu hit the instruction limit, %llu halted, "
      "%llu raised exceptions\n",
      static_cast<unsigned long long>(iterations), static_cast<unsigned long long>(seed),
      static_cast<unsigned long long>(stops[0]), static_cast<unsigned long long>(stops[1]),
      static_cast<unsigned long long>(stops[2]));
  return 0;
}
