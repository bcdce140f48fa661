// Port I/O: IN/OUT/INS/OUTS accesses and their permission checks (see port_io.h).

#include "cpu/x86/port_io.h"

#include <mutex>

#include "cpu/x86/msr.h"
#include "cpu/x86/privilege.h"

namespace vireo::x86 {

namespace {

constexpr uint64_t kCr0Pe = 1;

/// Writes an address-size register (16-bit merges, 32-bit zero-extends).
void PutAsz(CpuState& s, unsigned reg, unsigned asz, uint64_t v) {
  if (asz == 2)
    s.gpr[reg] = (s.gpr[reg] & ~uint64_t{0xFFFF}) | (v & 0xFFFF);
  else if (asz == 4)
    s.gpr[reg] = v & 0xFFFFFFFF;
  else
    s.gpr[reg] = v;
}

/// The linear address of an INS/OUTS element with the segment checks of SDM Vol. 3A 5.3
/// outside 64-bit mode. False after raising #GP(0) (#SS(0) for SS).
bool StringLinear(Cpu& cpu, const StringIo& io, unsigned seg, uint64_t offset, uint64_t* linear) {
  CpuState& s = cpu.state();
  const SegmentCache& c = s.seg[seg];
  if (io.mode64) {
    *linear = (seg == kFs || seg == kGs ? c.base : 0) + offset;
    return true;
  }
  const uint8_t vector = seg == kSs ? uint8_t{kSS} : uint8_t{kGP};
  const unsigned type = c.attrs & 0xF;
  const bool code = (c.attrs & 0x10) && (type & 8);
  if ((s.cr0 & kCr0Pe) && !(s.rflags & kVm)) {
    bool usable = (c.attrs & 0x80) && (c.attrs & 0x10);
    if (!io.out)
      usable = usable && !code && (type & 2);  // INS writes: writable data
    else
      usable = usable && (!code || (type & 2));  // OUTS reads: data or readable code
    if (!usable) return Fault(cpu, vector, 0);
  }
  const uint64_t last = offset + io.size - 1;
  if (!code && (type & 4)) {
    const uint64_t top = (c.attrs & 0x4000) ? 0xFFFFFFFF : 0xFFFF;
    if (offset <= c.limit || last > top) return Fault(cpu, vector, 0);
  } else if (last > c.limit) {
    return Fault(cpu, vector, 0);
  }
  *linear = (c.base + offset) & 0xFFFFFFFF;
  return true;
}

}  // namespace

/// Every port access of the vCPU goes through these two: device models run under the machine
/// lock.
uint64_t PortRead(Cpu& cpu, uint16_t port, unsigned size) {
  std::unique_lock<std::recursive_mutex> lock;
  if (cpu.device_lock != nullptr) lock = std::unique_lock(*cpu.device_lock);
  return cpu.memory().ports().Read(port, size);
}

void PortWrite(Cpu& cpu, uint16_t port, unsigned size, uint64_t value) {
  std::unique_lock<std::recursive_mutex> lock;
  if (cpu.device_lock != nullptr) lock = std::unique_lock(*cpu.device_lock);
  cpu.memory().ports().Write(port, size, value);
}

/// I/O permission (SDM Vol. 1 19.5): CPL <= IOPL outside V86 mode, else every bit for the
/// accessed ports in the TSS I/O bitmap must be clear. False after raising #GP(0) or #PF.
bool IoAllowed(Cpu& cpu, uint16_t port, unsigned size) {
  CpuState& s = cpu.state();
  const bool vm = s.rflags & kVm;
  if (!(s.cr0 & kCr0Pe) || (!vm && s.cpl <= ((s.rflags >> 12) & 3))) return true;
  // Only a 32-bit (or 64-bit) TSS has a bitmap; its offset is the word at 0x66.
  const unsigned type = s.tr.attrs & 0x1F;
  if ((type != 0x09 && type != 0x0B) || !(s.tr.attrs & 0x80) || s.tr.limit < 0x67)
    return Fault(cpu, kGP, 0);
  uint8_t word[2];
  if (!LinearAccess(cpu, s.tr.base + 0x66, word, 2, false, false)) return false;
  const uint32_t offset = (word[0] | (word[1] << 8)) + (port >> 3);
  if (offset + 1 > s.tr.limit) return Fault(cpu, kGP, 0);  // both bytes must be in the TSS
  uint8_t bits[2];
  if (!LinearAccess(cpu, s.tr.base + offset, bits, 2, false, false)) return false;
  const unsigned map = bits[0] | (bits[1] << 8);
  if ((map >> (port & 7)) & ((1u << size) - 1)) return Fault(cpu, kGP, 0);
  return true;
}

/// INS/OUTS with or without REP: a bounded number of elements per call, rDI/rSI/rCX exact after
/// each, so the instruction is restartable (SDM Vol. 2B REP).
uint64_t StringIoOp(jit::ExecEnv* env, Cpu& cpu, const StringIo& io) {
  CpuState& s = cpu.state();
  const uint64_t mask = io.asz == 8 ? ~uint64_t{0} : (uint64_t{1} << (io.asz * 8)) - 1;
  uint64_t count = io.rep ? s.gpr[kRcx] & mask : 1;
  if (count == 0) return 0;
  const uint16_t port = static_cast<uint16_t>(s.gpr[kRdx]);
  if (io.check && !IoAllowed(cpu, port, io.size)) return 0;
  const unsigned reg = io.out ? unsigned{kRsi} : unsigned{kRdi};
  const unsigned seg = io.out ? io.seg : unsigned{kEs};
  const uint64_t step = (s.rflags & kDf) ? -uint64_t{io.size} : io.size;
  for (unsigned n = 0; n < 1024; ++n) {
    const uint64_t offset = s.gpr[reg] & mask;
    uint64_t linear = 0, value = 0;
    if (!StringLinear(cpu, io, seg, offset, &linear)) return 0;
    if (io.out) {
      if (!env->load_slow(env, linear, io.size, &value)) return 0;
      PortWrite(cpu, port, io.size, value);
    } else {
      value = PortRead(cpu, port, io.size);
      if (!env->store_slow(env, linear, io.size, value)) return 0;
    }
    PutAsz(s, reg, io.asz, offset + step);
    if (!io.rep) return 0;
    PutAsz(s, kRcx, io.asz, --count);
    if (count == 0) return 0;
  }
  return 1;
}

}  // namespace vireo::x86
