// Tier-0 throughput on a hot integer loop: guest instructions per second of host time.
// Usage: interp-loop [iterations]. Prints one line; figures go to docs/benchmarks.md.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "cpu/x86/cpu.h"
#include "cpu/x86/long_mode.h"
#include "machine/address_space.h"
#include "machine/guest_ram.h"

using namespace vireo;

int main(int argc, char** argv) {
  uint64_t iterations = argc > 1 ? std::strtoull(argv[1], nullptr, 0) : 50'000'000;
  machine::GuestRam ram(16 << 20);
  machine::AddressSpace memory;
  memory.AddRam(0, ram.size(), ram.data(), "ram");
  x86::Cpu cpu(memory);
  x86::EnterFlatLongMode(cpu, 0x1000, ram.size());
  // loop: add rax, rbx ; xor rdx, rax ; add rsi, [rdi] ; dec rcx ; jnz loop ; hlt
  const uint8_t code[] = {0x48, 0x01, 0xD8, 0x48, 0x31, 0xC2, 0x48, 0x03,
                          0x37, 0x48, 0xFF, 0xC9, 0x75, 0xF2, 0xF4};
  std::memcpy(ram.data() + 0x100000, code, sizeof code);
  x86::CpuState& s = cpu.state();
  s.rip = 0x100000;
  s.gpr[x86::kRcx] = iterations;
  s.gpr[x86::kRbx] = 3;
  s.gpr[x86::kRdi] = 0x200000;
  auto start = std::chrono::steady_clock::now();
  x86::StopReason why = cpu.Run(UINT64_MAX);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (why != x86::StopReason::kHalted || s.gpr[x86::kRcx] != 0) {
    std::fprintf(stderr, "interp-loop: loop did not finish (stop %d, rcx %llu)\n",
                 static_cast<int>(why), static_cast<unsigned long long>(s.gpr[x86::kRcx]));
    return 1;
  }
  double insts = 5.0 * static_cast<double>(iterations);
  std::printf(
      "tier0 hot loop: %.0f guest instructions in %.3f s = %.1f M guest inst/s (%llu blocks, %llu "
      "dispatches)\n",
      insts, secs, insts / secs / 1e6, static_cast<unsigned long long>(cpu.stats().blocks_run),
      static_cast<unsigned long long>(cpu.stats().dispatches));
  return 0;
}
