#include "cpu/x86/privilege.h"

#include <algorithm>

#include "cpu/x86/flags.h"
#include "cpu/x86/msr.h"
#include "cpu/x86/segments.h"

namespace vireo::x86 {

bool LinearAccess(Cpu& cpu, uint64_t linear, void* data, unsigned n, bool write, bool user) {
  const bool wide = cpu.state().efer & kEferLma;
  uint8_t* p = static_cast<uint8_t*>(data);
  for (unsigned done = 0; done < n;) {
    uint64_t lin = wide ? linear + done : (linear + done) & 0xFFFFFFFF;
    unsigned chunk = std::min<unsigned>(n - done, 4096 - static_cast<unsigned>(lin & 0xFFF));
    uint64_t phys;
    if (!cpu.TranslateForAccess(lin, {write, false, user}, &phys, false)) return false;
    if (write)
      cpu.memory().Write(phys, std::span<const uint8_t>(p + done, chunk));
    else
      cpu.memory().Read(phys, std::span<uint8_t>(p + done, chunk));
    done += chunk;
  }
  return true;
}

bool Fault(Cpu& cpu, uint8_t vector, uint32_t error) {
  cpu.RaiseException(vector, true, error);
  return false;
}

uint64_t MaterialisedRflags(const CpuState& s) {
  uint64_t arith = s.cc_op / 4 == 0 ? s.rflags & kArithFlags
                                    : ComputeArithFlags(s.cc_op, s.cc_dst, s.cc_src, s.cc_src2);
  return (s.rflags & ~kArithFlags) | arith | kFixedOne;
}

void SetRflags(CpuState& s, uint64_t rflags) {
  s.rflags = rflags | kFixedOne;
  s.cc_op = CcOp(CcKind::kEflags, 0);
}

uint64_t StackMask(const CpuState& s, bool mode64) {
  if (mode64) return ~uint64_t{0};
  return (s.seg[kSs].attrs & (1u << 14)) ? 0xFFFFFFFF : 0xFFFF;
}

void SetSp(CpuState& s, uint64_t sp, uint64_t mask) {
  s.gpr[kRsp] = mask == 0xFFFF ? (s.gpr[kRsp] & ~uint64_t{0xFFFF}) | sp : sp;
}

bool Stack::Push(uint64_t value, unsigned bytes) {
  sp = (sp - bytes) & mask;
  uint64_t lin = base + sp;
  if (!wide) lin &= 0xFFFFFFFF;
  return LinearAccess(cpu, lin, &value, bytes, true, user);
}

bool Stack::Peek(unsigned index, unsigned bytes, uint64_t* value) {
  uint64_t lin = base + ((sp + uint64_t{index} * bytes) & mask);
  if (!wide) lin &= 0xFFFFFFFF;
  *value = 0;
  return LinearAccess(cpu, lin, value, bytes, false, user);
}

bool Stack::Pop(uint64_t* value, unsigned bytes) {
  if (!Peek(0, bytes, value)) return false;
  sp = (sp + bytes) & mask;
  return true;
}

void PrivilegeChanged(Cpu& cpu, uint32_t old_cpl) {
  if ((old_cpl == 3) != (cpu.state().cpl == 3)) cpu.StateChanged();
}

bool InMode64(const CpuState& s) { return (s.efer & kEferLma) && (s.seg[kCs].attrs & (1u << 13)); }

Stack CurrentStack(Cpu& cpu) {
  CpuState& s = cpu.state();
  const bool mode64 = InMode64(s);
  const uint64_t mask = StackMask(s, mode64);
  return Stack{cpu, mode64 ? 0 : s.seg[kSs].base, s.gpr[kRsp] & mask, mask, s.cpl == 3, mode64};
}

bool LoadStackForLevel(Cpu& cpu, uint16_t ss, uint8_t cpl, uint32_t ext, SegmentCache* out) {
  if ((ss & 0xFFFC) == 0) return Fault(cpu, kTS, ext);
  uint64_t d, addr;
  if (!ReadDescriptor(cpu, ss, &d, &addr)) return false;
  SegmentCache c = CacheFromDescriptor(ss, d);
  const uint16_t type = c.attrs & 0xF;
  const bool writable_data = (c.attrs & 0x10) && !(type & 8) && (type & 2);
  if ((ss & 3) != cpl || ((c.attrs >> 5) & 3) != cpl || !writable_data)
    return Fault(cpu, kTS, (ss & 0xFFFC) | ext);
  if (!(c.attrs & 0x80)) return Fault(cpu, kSS, (ss & 0xFFFC) | ext);
  *out = c;
  return true;
}

bool LoadCodeDescriptor(Cpu& cpu, uint16_t selector, uint32_t ext, SegmentCache* out) {
  if ((selector & 0xFFFC) == 0) return Fault(cpu, kGP, ext);
  uint64_t d, addr;
  if (!ReadDescriptor(cpu, selector, &d, &addr)) return false;
  SegmentCache c = CacheFromDescriptor(selector, d);
  if (!(c.attrs & 0x10) || !(c.attrs & 8)) return Fault(cpu, kGP, (selector & 0xFFFC) | ext);
  if (!(c.attrs & 0x80)) return Fault(cpu, kNP, (selector & 0xFFFC) | ext);
  *out = c;
  return true;
}

bool StackFromTss(Cpu& cpu, uint8_t new_cpl, uint32_t ext, NewStack* out) {
  CpuState& s = cpu.state();
  const uint16_t tss_type = s.tr.attrs & 0xF;
  const bool tss32 = tss_type == 0x9 || tss_type == 0xB;
  const uint32_t off = tss32 ? 4 + new_cpl * 8 : 2 + new_cpl * 4;
  const unsigned width = tss32 ? 4 : 2;
  if (off + 2 * width - 1 > s.tr.limit) return Fault(cpu, kTS, (s.tr.selector & 0xFFFC) | ext);
  uint32_t sp = 0;
  uint16_t ss = 0;
  if (!LinearAccess(cpu, s.tr.base + off, &sp, width, false, false) ||
      !LinearAccess(cpu, s.tr.base + off + width, &ss, 2, false, false))
    return false;
  out->sp = sp;
  return LoadStackForLevel(cpu, ss, new_cpl, ext, &out->ss);
}

bool Read64BitTssStack(Cpu& cpu, uint32_t offset, uint32_t ext, uint64_t* rsp) {
  CpuState& s = cpu.state();
  if (offset + 7 > s.tr.limit) return Fault(cpu, kTS, (s.tr.selector & 0xFFFC) | ext);
  *rsp = 0;
  return LinearAccess(cpu, s.tr.base + offset, rsp, 8, false, false);
}
bool LoadReturnCode(Cpu& cpu, uint16_t cs, uint8_t cpl, SegmentCache* code) {
  const uint8_t rpl = cs & 3;
  if (rpl < cpl) return Fault(cpu, kGP, cs & 0xFFFC);
  if (!LoadCodeDescriptor(cpu, cs, 0, code)) return false;
  const uint8_t dpl = (code->attrs >> 5) & 3;
  const bool conforming = code->attrs & 4;
  if ((conforming && dpl > rpl) || (!conforming && dpl != rpl)) return Fault(cpu, kGP, cs & 0xFFFC);
  return true;
}

bool PopReturnStack(Cpu& cpu, Stack& st, unsigned bytes, uint8_t rpl, bool to64,
                    SegmentCache* ss_out, uint64_t* sp_out) {
  CpuState& s = cpu.state();
  uint64_t sp, ss;
  if (!st.Pop(&sp, bytes) || !st.Pop(&ss, bytes)) return false;
  ss &= 0xFFFF;
  if ((ss & 0xFFFC) == 0 && to64 && rpl != 3) {
    *ss_out = {0, 0, static_cast<uint16_t>(ss), 0};
  } else if (!LoadStackForLevel(cpu, static_cast<uint16_t>(ss), rpl, 0, ss_out)) {
    // Returns report SS problems as #GP/#SS rather than the #TS of a gate's stack switch.
    if (s.exception_vector == kTS) s.exception_vector = kGP;
    return false;
  }
  *sp_out = sp;
  return true;
}

void NullOuterDataSegments(CpuState& s, uint8_t new_cpl) {
  for (int r : {kEs, kDs, kFs, kGs}) {
    const SegmentCache& seg = s.seg[r];
    bool data_or_nc_code = !((seg.attrs & 8) && (seg.attrs & 4));
    if ((seg.attrs & 0x10) && data_or_nc_code && ((seg.attrs >> 5) & 3) < new_cpl)
      s.seg[r] = {0, 0, 0, 0};
  }
}

}  // namespace vireo::x86
