#pragma once
// Port I/O of the vCPU (SDM Vol. 1 ch. 19): IN/OUT/INS/OUTS accesses, the I/O permission
// checks (IOPL, TSS I/O bitmap) and the REP string forms. Every port access goes through
// PortRead/PortWrite, which enter the device models under the machine lock.

#include <cstdint>

#include "cpu/x86/cpu.h"

namespace vireo::x86 {

uint64_t PortRead(Cpu& cpu, uint16_t port, unsigned size);
void PortWrite(Cpu& cpu, uint16_t port, unsigned size, uint64_t value);

/// I/O permission for `size` bytes at `port` (SDM Vol. 1 19.5): CPL <= IOPL outside V86 mode,
/// else the TSS I/O bitmap. False after raising #GP(0) (or #PF reading the TSS).
bool IoAllowed(Cpu& cpu, uint16_t port, unsigned size);

/// INS/OUTS parameters.
struct StringIo {
  unsigned size;  ///< 1, 2, 4
  unsigned asz;   ///< 2, 4, 8
  bool rep, out, check, mode64;
  unsigned seg;  ///< OUTS source segment (INS always uses ES)
  uint64_t Pack() const {
    return size | (asz << 4) | (uint64_t{rep} << 8) | (uint64_t{out} << 9) |
           (uint64_t{check} << 10) | (uint64_t{mode64} << 11) | (uint64_t{seg} << 12);
  }
  static StringIo Unpack(uint64_t v) {
    return {static_cast<unsigned>(v & 15),
            static_cast<unsigned>((v >> 4) & 15),
            ((v >> 8) & 1) != 0,
            ((v >> 9) & 1) != 0,
            ((v >> 10) & 1) != 0,
            ((v >> 11) & 1) != 0,
            static_cast<unsigned>((v >> 12) & 7)};
  }
};

/// INS/OUTS with or without REP: a bounded number of elements per call, rDI/rSI/rCX exact after
/// each (SDM Vol. 2B REP). Returns 1 while a REP form has iterations left.
uint64_t StringIoOp(jit::ExecEnv* env, Cpu& cpu, const StringIo& io);

}  // namespace vireo::x86
