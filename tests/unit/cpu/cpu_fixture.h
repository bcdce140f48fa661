// A small machine for CPU tests: RAM, an address space and one vCPU in flat long mode.
#pragma once

#include <cstring>
#include <vector>

#include "cpu/x86/cpu.h"
#include "cpu/x86/long_mode.h"
#include "machine/address_space.h"
#include "machine/guest_ram.h"

namespace vireo::x86::test {

struct CpuFixture {
  machine::GuestRam ram{16 << 20};
  machine::AddressSpace memory;
  Cpu cpu{memory};
  static constexpr uint64_t kCode = 0x100000;

  CpuFixture() {
    memory.AddRam(0, ram.size(), ram.data(), "ram");
    EnterFlatLongMode(cpu, 0x1000, ram.size());
  }
  void Load(uint64_t addr, std::vector<uint8_t> bytes) {
    std::memcpy(ram.data() + addr, bytes.data(), bytes.size());
  }
  /// Loads `code` at kCode followed by HLT and runs it to the HLT.
  StopReason RunCode(std::vector<uint8_t> code, uint64_t max = 1'000'000) {
    code.push_back(0xF4);
    Load(kCode, code);
    cpu.FlushTranslations();  // the code was written behind the CPU's back
    cpu.state().rip = kCode;
    cpu.set_halted(false);
    return cpu.Run(max);
  }
  uint64_t& Reg(int r) { return cpu.state().gpr[r]; }
  template <class T>
  T Peek(uint64_t addr) {
    T v;
    std::memcpy(&v, ram.data() + addr, sizeof v);
    return v;
  }
};

}  // namespace vireo::x86::test
