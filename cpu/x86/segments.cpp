#include "cpu/x86/segments.h"

#include "cpu/x86/mmu.h"
#include "cpu/x86/msr.h"
#include "cpu/x86/privilege.h"

namespace vireo::x86 {

namespace {

constexpr uint16_t kAttrP = 0x80, kAttrS = 0x10;

}  // namespace

bool ReadDescriptor(Cpu& cpu, uint16_t selector, uint64_t* descriptor, uint64_t* address) {
  CpuState& s = cpu.state();
  const bool local = selector & 4;
  uint64_t base;
  uint32_t limit;
  if (local) {
    // An unusable LDTR makes every LDT selector invalid (SDM Vol. 3A 3.5.1).
    if ((s.ldtr.selector & 0xFFFC) == 0 || !(s.ldtr.attrs & kAttrP)) {
      cpu.RaiseException(kGP, true, selector & 0xFFFC);
      return false;
    }
    base = s.ldtr.base;
    limit = s.ldtr.limit;
  } else {
    base = s.gdtr.base;
    limit = s.gdtr.limit;
  }
  const uint32_t offset = selector & 0xFFF8;
  if (offset + 7 > limit) {
    cpu.RaiseException(kGP, true, selector & 0xFFFC);
    return false;
  }
  *address = base + offset;
  if (!(s.efer & kEferLma)) *address &= 0xFFFFFFFF;
  return LinearAccess(cpu, *address, descriptor, 8, false, false);
}

bool ReadUpperHalf(Cpu& cpu, uint16_t selector, uint64_t* upper) {
  const CpuState& s = cpu.state();
  const uint16_t error = selector & 0xFFFC;
  if ((selector & 0xFFF8) + 15u > ((selector & 4) ? s.ldtr.limit : s.gdtr.limit))
    return Fault(cpu, kGP, error);
  uint64_t address;
  if (!ReadDescriptor(cpu, static_cast<uint16_t>(error + 8), upper, &address)) return false;
  if ((*upper >> 40) & 0x1F) return Fault(cpu, kGP, error);
  return true;
}

SegmentCache CacheFromDescriptor(uint16_t selector, uint64_t d) {
  SegmentCache c;
  c.selector = selector;
  c.base = ((d >> 16) & 0xFFFFFF) | (((d >> 56) & 0xFF) << 24);
  uint32_t limit = static_cast<uint32_t>((d & 0xFFFF) | (((d >> 48) & 0xF) << 16));
  c.attrs = static_cast<uint16_t>((d >> 40) & 0xF0FF);
  // G: the limit counts 4 KiB units, the low 12 bits read as ones (SDM Vol. 3A 3.4.5).
  c.limit = (c.attrs & 0x8000) ? (limit << 12) | 0xFFF : limit;
  return c;
}

bool LoadDataSegment(Cpu& cpu, SegReg seg, uint16_t selector) {
  CpuState& s = cpu.state();
  const bool protected_mode = (s.cr0 & 1) && !(s.rflags & kVm);
  if (!protected_mode) {
    // Real mode: only selector and base change; limit and attributes keep whatever the cache
    // holds (which is how "unreal" mode survives). Virtual-8086 mode: a fixed 64 KiB
    // read/write DPL-3 segment (SDM Vol. 3A 20.1.1, 20.2.1).
    SegmentCache& c = s.seg[seg];
    c.selector = selector;
    c.base = uint64_t{selector} << 4;
    if (s.rflags & kVm) {
      c.limit = 0xFFFF;
      c.attrs = 0xF3;
    }
    return true;
  }
  const uint8_t cpl = static_cast<uint8_t>(s.cpl);
  const uint8_t rpl = selector & 3;
  const uint16_t error = selector & 0xFFFC;
  if ((selector & 0xFFFC) == 0) {
    // A null selector: allowed for DS/ES/FS/GS (the register becomes unusable), and for SS only
    // in 64-bit mode below CPL 3 with RPL = CPL (SDM Vol. 2B MOV, "IF SS is loaded").
    if (seg == kSs && !(InMode64(s) && cpl != 3 && rpl == cpl)) {
      cpu.RaiseException(kGP, true, 0);
      return false;
    }
    SegmentCache& c = s.seg[seg];
    c.selector = selector;
    c.attrs = 0;  // not present: any access through it faults
    c.limit = 0;
    if (seg == kFs || seg == kGs) c.base = 0;
    return true;
  }
  uint64_t d, address;
  if (!ReadDescriptor(cpu, selector, &d, &address)) return false;
  SegmentCache c = CacheFromDescriptor(selector, d);
  const uint8_t dpl = (c.attrs >> 5) & 3;
  const uint16_t type = c.attrs & 0xF;
  const bool is_code = type & 8;
  if (!(c.attrs & kAttrS)) {
    cpu.RaiseException(kGP, true, error);  // a system descriptor
    return false;
  }
  if (seg == kSs) {
    // SS: a writable data segment with RPL = DPL = CPL; absent is #SS (SDM Vol. 2B MOV).
    if (rpl != cpl || dpl != cpl || is_code || !(type & 2)) {
      cpu.RaiseException(kGP, true, error);
      return false;
    }
    if (!(c.attrs & kAttrP)) {
      cpu.RaiseException(kSS, true, error);
      return false;
    }
  } else {
    // Data or readable code; for data and non-conforming code both RPL and CPL must not exceed
    // DPL; absent is #NP.
    if (is_code && !(type & 2)) {
      cpu.RaiseException(kGP, true, error);
      return false;
    }
    bool conforming_code = is_code && (type & 4);
    if (!conforming_code && (rpl > dpl || cpl > dpl)) {
      cpu.RaiseException(kGP, true, error);
      return false;
    }
    if (!(c.attrs & kAttrP)) {
      cpu.RaiseException(kNP, true, error);
      return false;
    }
  }
  // Set the accessed bit in memory if it is clear (SDM Vol. 3A 3.4.5.1).
  if (!(type & 1)) {
    uint8_t access = static_cast<uint8_t>((d >> 40) | 1);
    if (!LinearAccess(cpu, address + 5, &access, 1, true, false)) return false;
    c.attrs |= 1;
  }
  // In 64-bit mode DS/ES/SS bases and limits are ignored, FS/GS take the descriptor's 32-bit
  // base (the 64-bit bases come from the MSRs).
  s.seg[seg] = c;
  return true;
}

uint64_t LoadSegmentHelper(jit::ExecEnv* env, uint64_t selector, uint64_t seg) {
  Cpu& cpu = *static_cast<Cpu*>(env->cpu);
  bool ok = LoadDataSegment(cpu, static_cast<SegReg>(seg), static_cast<uint16_t>(selector));
  if (ok) cpu.StateChanged();
  // A load of SS holds off interrupts until the next instruction (which normally loads the
  // stack pointer) has run (SDM Vol. 2B MOV, POP).
  if (ok && seg == kSs) cpu.state().interrupt_shadow = 1;
  return ok;
}

}  // namespace vireo::x86
