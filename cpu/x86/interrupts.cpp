#include "cpu/x86/interrupts.h"

#include <cstring>

#include "cpu/x86/flags.h"
#include "cpu/x86/msr.h"
#include "cpu/x86/segments.h"

namespace vireo::x86 {

namespace {

constexpr uint64_t kCr0Pe = 1;  // EFER bits come from msr.h

/// Full RFLAGS with the lazy arithmetic flags folded in.
uint64_t MaterialisedRflags(const CpuState& s) {
  uint64_t arith = s.cc_op / 4 == 0 ? s.rflags & kArithFlags
                                    : ComputeArithFlags(s.cc_op, s.cc_dst, s.cc_src, s.cc_src2);
  return (s.rflags & ~kArithFlags) | arith | kFixedOne;
}

/// Stores RFLAGS back with the arithmetic flags materialised (cc_op = kEflags).
void SetRflags(CpuState& s, uint64_t rflags) {
  s.rflags = rflags | kFixedOne;
  s.cc_op = CcOp(CcKind::kEflags, 0);
}

/// Linear-memory access with the given privilege, page by page; false after a recorded fault.
bool Access(Cpu& cpu, uint64_t linear, void* data, unsigned n, bool write, bool user) {
  uint8_t* p = static_cast<uint8_t*>(data);
  for (unsigned done = 0; done < n;) {
    uint64_t lin = linear + done;
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

/// The stack an event pushes to. Pushes are written to memory at once; the registers change only
/// when Commit() is called, so a fault while pushing leaves them untouched.
struct Stack {
  Cpu& cpu;
  uint64_t base;
  uint64_t sp;
  uint64_t mask;  ///< 0xFFFF, 0xFFFFFFFF or all ones (64-bit mode)
  bool user;
  bool wide;  ///< 64-bit linear addresses
  bool Push(uint64_t value, unsigned bytes) {
    sp = (sp - bytes) & mask;
    uint64_t lin = base + sp;
    if (!wide) lin &= 0xFFFFFFFF;
    return Access(cpu, lin, &value, bytes, true, user);
  }
  bool Pop(uint64_t* value, unsigned bytes) {
    uint64_t lin = base + sp;
    if (!wide) lin &= 0xFFFFFFFF;
    *value = 0;
    if (!Access(cpu, lin, value, bytes, false, user)) return false;
    sp = (sp + bytes) & mask;
    return true;
  }
};

uint64_t StackMask(const CpuState& s, bool long_mode) {
  if (long_mode) return ~uint64_t{0};
  return (s.seg[kSs].attrs & (1u << 14)) ? 0xFFFFFFFF : 0xFFFF;
}

/// Writes the new stack pointer at the stack's width, keeping the upper bits of a 16-bit SP.
void SetSp(CpuState& s, uint64_t sp, uint64_t mask) {
  s.gpr[kRsp] = mask == 0xFFFF ? (s.gpr[kRsp] & ~uint64_t{0xFFFF}) | sp : sp;
}

bool Fault(Cpu& cpu, uint8_t vector, uint32_t error) {
  cpu.RaiseException(vector, true, error);
  return false;
}

/// Loads a stack segment for a privilege change (SDM Vol. 3A 6.12.1): errors are #TS.
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

/// The code segment a gate or far transfer targets; checks type and presence (SDM 6.12.1.1).
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

/// The code segment a return (IRET, RETF) goes to: RPL not below CPL, a present code segment,
/// DPL rules for conforming and non-conforming code (SDM Vol. 2A IRET, Vol. 2B RET).
bool LoadReturnCode(Cpu& cpu, uint16_t cs, uint8_t cpl, SegmentCache* code) {
  const uint8_t rpl = cs & 3;
  if (rpl < cpl) return Fault(cpu, kGP, cs & 0xFFFC);
  if (!LoadCodeDescriptor(cpu, cs, 0, code)) return false;
  const uint8_t dpl = (code->attrs >> 5) & 3;
  const bool conforming = code->attrs & 4;
  if ((conforming && dpl > rpl) || (!conforming && dpl != rpl)) return Fault(cpu, kGP, cs & 0xFFFC);
  return true;
}

/// Pops SS:rSP for a return to an outer level (or any IRET in 64-bit mode) and checks SS for
/// the new privilege level; a null SS is allowed returning to 64-bit code below CPL 3.
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

/// After a return to an outer level, data segments that level may not use become null (SDM
/// Vol. 2A IRET, RETURN-TO-OUTER-PRIVILEGE-LEVEL).
void NullOuterDataSegments(CpuState& s, uint8_t new_cpl) {
  for (int r : {kEs, kDs, kFs, kGs}) {
    const SegmentCache& seg = s.seg[r];
    bool data_or_nc_code = !((seg.attrs & 8) && (seg.attrs & 4));
    if ((seg.attrs & 0x10) && data_or_nc_code && ((seg.attrs >> 5) & 3) < new_cpl)
      s.seg[r] = {0, 0, 0, 0};
  }
}

bool DeliverReal(Cpu& cpu, uint8_t vector) {
  CpuState& s = cpu.state();
  // SDM Vol. 3A 20.1.4: the IVT holds 4-byte far pointers; pushes FLAGS, CS, IP; clears IF, TF
  // and AC.
  if (uint32_t{vector} * 4 + 3 > s.idtr.limit) return Fault(cpu, kGP, uint32_t{vector} * 8 + 2);
  uint32_t entry = 0;
  if (!Access(cpu, s.idtr.base + vector * 4, &entry, 4, false, false)) return false;
  const uint64_t flags = MaterialisedRflags(s);
  Stack st{cpu,  s.seg[kSs].base, s.gpr[kRsp] & StackMask(s, false), StackMask(s, false), false,
           false};
  if (!st.Push(flags & 0xFFFF, 2) || !st.Push(s.seg[kCs].selector, 2) ||
      !st.Push(s.rip & 0xFFFF, 2))
    return false;
  SetSp(s, st.sp, st.mask);
  SetRflags(s, flags & ~(kIf | kTf | kAc | kRf));
  s.seg[kCs].selector = static_cast<uint16_t>(entry >> 16);
  s.seg[kCs].base = uint64_t{entry >> 16} << 4;
  s.rip = entry & 0xFFFF;
  return true;
}

/// The new stack pointer and segment for an inter-privilege transfer, from the TSS.
struct NewStack {
  uint64_t sp;
  SegmentCache ss;
};

bool StackFromTss(Cpu& cpu, uint8_t new_cpl, uint32_t ext, NewStack* out) {
  CpuState& s = cpu.state();
  const uint16_t tss_type = s.tr.attrs & 0xF;
  const bool tss32 = tss_type == 0x9 || tss_type == 0xB;
  const uint32_t off = tss32 ? 4 + new_cpl * 8 : 2 + new_cpl * 4;
  const unsigned width = tss32 ? 4 : 2;
  if (off + 2 * width - 1 > s.tr.limit) return Fault(cpu, kTS, (s.tr.selector & 0xFFFC) | ext);
  uint32_t sp = 0;
  uint16_t ss = 0;
  if (!Access(cpu, s.tr.base + off, &sp, width, false, false) ||
      !Access(cpu, s.tr.base + off + width, &ss, 2, false, false))
    return false;
  out->sp = sp;
  return LoadStackForLevel(cpu, ss, new_cpl, ext, &out->ss);
}

bool DeliverProtected(Cpu& cpu, uint8_t vector, bool has_error, uint32_t error,
                      EventSource source) {
  CpuState& s = cpu.state();
  const uint32_t ext = (source == EventSource::kSoftware) ? 0 : 1;
  const uint32_t gate_error = uint32_t{vector} * 8 + 2 + ext;
  if (uint32_t{vector} * 8 + 7 > s.idtr.limit) return Fault(cpu, kGP, gate_error);
  uint64_t gate = 0;
  if (!Access(cpu, s.idtr.base + vector * 8, &gate, 8, false, false)) return false;
  const unsigned type = (gate >> 40) & 0x1F;  // S bit and type
  const unsigned gate_dpl = (gate >> 45) & 3;
  const bool is_int_gate = type == 0x6 || type == 0xE;
  if (type != 0x6 && type != 0x7 && type != 0xE && type != 0xF) {
    // Task gates (type 5) need a task switch, which is not modelled yet: reported as #GP.
    return Fault(cpu, kGP, gate_error);
  }
  if (source == EventSource::kSoftware && gate_dpl < s.cpl) return Fault(cpu, kGP, gate_error);
  if (!((gate >> 47) & 1)) return Fault(cpu, kNP, gate_error);
  const unsigned width = (type & 8) ? 4 : 2;
  const uint16_t selector = static_cast<uint16_t>(gate >> 16);
  uint64_t offset = (gate & 0xFFFF) | (width == 4 ? ((gate >> 48) & 0xFFFF) << 16 : 0);
  SegmentCache code;
  if (!LoadCodeDescriptor(cpu, selector, ext, &code)) return false;
  const uint8_t cs_dpl = (code.attrs >> 5) & 3;
  if (cs_dpl > s.cpl) return Fault(cpu, kGP, (selector & 0xFFFC) | ext);
  const bool conforming = code.attrs & 4;
  const bool from_v86 = s.rflags & kVm;
  const bool inner = !conforming && cs_dpl < s.cpl;
  if (from_v86 && (!inner || cs_dpl != 0)) return Fault(cpu, kGP, (selector & 0xFFFC) | ext);
  const uint8_t new_cpl = inner ? cs_dpl : static_cast<uint8_t>(s.cpl);
  const uint64_t flags = MaterialisedRflags(s);
  const uint64_t rip = s.rip;

  NewStack ns{s.gpr[kRsp], s.seg[kSs]};
  if (inner && !StackFromTss(cpu, new_cpl, ext, &ns)) return false;
  const uint64_t mask = (ns.ss.attrs & (1u << 14)) ? 0xFFFFFFFF : 0xFFFF;
  Stack st{cpu, ns.ss.base, ns.sp & mask, mask, new_cpl == 3, false};
  bool ok = true;
  if (inner) {
    if (from_v86) {
      for (int r : {kGs, kFs, kDs, kEs}) ok = ok && st.Push(s.seg[r].selector, width);
    }
    ok = ok && st.Push(s.seg[kSs].selector, width) &&
         st.Push(s.gpr[kRsp] & (width == 4 ? 0xFFFFFFFF : 0xFFFF), width);
  }
  ok = ok && st.Push(flags & (width == 4 ? 0xFFFFFFFF : 0xFFFF), width) &&
       st.Push(s.seg[kCs].selector, width) &&
       st.Push(rip & (width == 4 ? 0xFFFFFFFF : 0xFFFF), width);
  if (ok && has_error) ok = st.Push(error, width);
  if (!ok) return false;
  // Commit (SDM 6.12.1): new stack and code segment, CPL, and the flags the gate clears.
  if (inner) {
    s.seg[kSs] = ns.ss;
    if (from_v86) {
      for (int r : {kGs, kFs, kDs, kEs}) s.seg[r] = {0, 0, 0, 0};
    }
  }
  SetSp(s, st.sp, mask);
  code.selector = static_cast<uint16_t>((selector & 0xFFFC) | new_cpl);
  s.seg[kCs] = code;
  s.cpl = new_cpl;
  s.rip = offset;
  uint64_t new_flags = flags & ~(kTf | kNt | kRf | kVm);
  if (is_int_gate) new_flags &= ~kIf;
  SetRflags(s, new_flags);
  return true;
}

bool DeliverLong(Cpu& cpu, uint8_t vector, bool has_error, uint32_t error, EventSource source) {
  CpuState& s = cpu.state();
  const uint32_t ext = (source == EventSource::kSoftware) ? 0 : 1;
  const uint32_t gate_error = uint32_t{vector} * 8 + 2 + ext;
  // SDM 6.14.1: 16-byte gates, only 64-bit interrupt and trap gates.
  if (uint32_t{vector} * 16 + 15 > s.idtr.limit) return Fault(cpu, kGP, gate_error);
  uint64_t gate[2] = {};
  if (!Access(cpu, s.idtr.base + vector * 16, gate, 16, false, false)) return false;
  const unsigned type = (gate[0] >> 40) & 0x1F;
  if (type != 0xE && type != 0xF) return Fault(cpu, kGP, gate_error);
  if (source == EventSource::kSoftware && ((gate[0] >> 45) & 3) < s.cpl)
    return Fault(cpu, kGP, gate_error);
  if (!((gate[0] >> 47) & 1)) return Fault(cpu, kNP, gate_error);
  const uint16_t selector = static_cast<uint16_t>(gate[0] >> 16);
  const uint64_t offset = (gate[0] & 0xFFFF) | (((gate[0] >> 48) & 0xFFFF) << 16) | (gate[1] << 32);
  const unsigned ist = (gate[0] >> 32) & 7;
  SegmentCache code;
  if (!LoadCodeDescriptor(cpu, selector, ext, &code)) return false;
  const uint8_t cs_dpl = (code.attrs >> 5) & 3;
  // The target must be 64-bit code (L=1, D=0) at or above the current privilege.
  if (!(code.attrs & (1u << 13)) || (code.attrs & (1u << 14)) || cs_dpl > s.cpl)
    return Fault(cpu, kGP, (selector & 0xFFFC) | ext);
  const bool conforming = code.attrs & 4;
  const uint8_t new_cpl = conforming ? static_cast<uint8_t>(s.cpl) : cs_dpl;
  uint64_t rsp = s.gpr[kRsp];
  auto tss_read = [&](uint32_t off, uint64_t* v) {
    if (off + 7 > s.tr.limit) return Fault(cpu, kTS, (s.tr.selector & 0xFFFC) | ext);
    *v = 0;
    return Access(cpu, s.tr.base + off, v, 8, false, false);
  };
  if (ist != 0) {
    if (!tss_read(0x24 + (ist - 1) * 8, &rsp)) return false;  // IST1..7 at TSS+0x24
  } else if (new_cpl < s.cpl) {
    if (!tss_read(4 + new_cpl * 8, &rsp)) return false;  // RSP0..2 at TSS+4
  }
  rsp &= ~uint64_t{15};  // SDM 6.14.2: the stack is aligned to 16 bytes
  const uint64_t flags = MaterialisedRflags(s);
  Stack st{cpu, 0, rsp, ~uint64_t{0}, new_cpl == 3, true};
  bool ok = st.Push(s.seg[kSs].selector, 8) && st.Push(s.gpr[kRsp], 8) && st.Push(flags, 8) &&
            st.Push(s.seg[kCs].selector, 8) && st.Push(s.rip, 8);
  if (ok && has_error) ok = st.Push(error, 8);
  if (!ok) return false;
  if (new_cpl != s.cpl) {
    // A privilege change loads a null SS with RPL = new CPL (SDM 6.14.4).
    s.seg[kSs] = {0, 0, new_cpl, 0};
  }
  s.gpr[kRsp] = st.sp;
  code.selector = static_cast<uint16_t>((selector & 0xFFFC) | new_cpl);
  s.seg[kCs] = code;
  s.cpl = new_cpl;
  s.rip = offset;
  uint64_t new_flags = flags & ~(kTf | kNt | kRf | kVm);
  if (type == 0xE) new_flags &= ~kIf;
  SetRflags(s, new_flags);
  return true;
}

enum class Class { kBenign, kContributory, kPageFault };

Class ClassOf(int vector) {
  switch (vector) {
    case kDE:
    case kTS:
    case kNP:
    case kSS:
    case kGP:
      return Class::kContributory;
    case kPF:
      return Class::kPageFault;
    default:
      return Class::kBenign;
  }
}

bool HasErrorCode(int vector) {
  return vector == kDF || vector == kTS || vector == kNP || vector == kSS || vector == kGP ||
         vector == kPF || vector == kAC;
}

}  // namespace

bool DeliverOnce(Cpu& cpu, uint8_t vector, bool has_error, uint32_t error, EventSource source) {
  CpuState& s = cpu.state();
  // Real mode pushes no error codes (SDM 20.1.4).
  if (!(s.cr0 & kCr0Pe)) return DeliverReal(cpu, vector);
  bool ok = (s.efer & kEferLma) ? DeliverLong(cpu, vector, has_error, error, source)
                                : DeliverProtected(cpu, vector, has_error, error, source);
  if (ok) cpu.StateChanged();
  return ok;
}

bool DeliverEvent(Cpu& cpu, uint8_t vector, bool has_error, uint32_t error, EventSource source) {
  CpuState& s = cpu.state();
  s.exception_vector = -1;
  if (DeliverOnce(cpu, vector, has_error, error, source)) return true;
  // A fault while delivering (SDM Vol. 3A Table 6-5): #DF for contributory-after-contributory
  // and anything-but-benign after #PF; a fault while delivering #DF is a triple fault.
  int second = s.exception_vector;
  if (vector == kDF || second < 0) return false;
  Class first = ClassOf(vector), next = ClassOf(second);
  bool double_fault = (first == Class::kContributory && next == Class::kContributory) ||
                      (first == Class::kPageFault && next != Class::kBenign);
  if (double_fault) {
    s.exception_vector = -1;
    if (DeliverOnce(cpu, kDF, true, 0, EventSource::kException)) return true;
    return false;  // triple fault
  }
  uint32_t second_error = s.exception_error_code;
  return DeliverEvent(cpu, static_cast<uint8_t>(second), HasErrorCode(second), second_error,
                      EventSource::kException);
}

bool InterruptReturn(Cpu& cpu, unsigned bytes) {
  CpuState& s = cpu.state();
  const bool long_mode = (s.efer & kEferLma) != 0;
  const bool mode64 = long_mode && (s.seg[kCs].attrs & (1u << 13));
  const uint64_t mask = mode64 ? ~uint64_t{0} : StackMask(s, false);
  const uint64_t old_flags = MaterialisedRflags(s);
  const uint8_t cpl = static_cast<uint8_t>(s.cpl);
  const unsigned iopl = (old_flags >> 12) & 3;
  Stack st{cpu, mode64 ? 0 : s.seg[kSs].base, s.gpr[kRsp] & mask, mask, cpl == 3, mode64};
  uint64_t ip, cs, flags;
  if (!st.Pop(&ip, bytes) || !st.Pop(&cs, bytes) || !st.Pop(&flags, bytes)) return false;
  cs &= 0xFFFF;
  const uint64_t width_mask = bytes == 2 ? 0xFFFF : bytes == 4 ? 0xFFFFFFFF : ~uint64_t{0};
  auto merge_flags = [&](uint64_t popped, uint64_t changeable) {
    changeable &= width_mask;
    return (old_flags & ~changeable) | (popped & changeable);
  };
  constexpr uint64_t kAlways = kArithFlags | kTf | kDf | kNt | kRf | kAc | kId | kVif | kVip;
  if (!(s.cr0 & kCr0Pe) || (s.rflags & kVm)) {
    // Real mode; virtual-8086 mode only with IOPL 3, which then keeps IOPL (SDM Vol. 2A IRET).
    if ((s.rflags & kVm) && iopl != 3) return Fault(cpu, kGP, 0);
    uint64_t changeable = kAlways | kIf | ((s.rflags & kVm) ? 0 : kIopl);
    SetSp(s, st.sp, mask);
    s.seg[kCs].selector = static_cast<uint16_t>(cs);
    s.seg[kCs].base = cs << 4;
    s.rip = ip & width_mask;
    SetRflags(s, merge_flags(flags, changeable) & ~uint64_t{kVm});
    cpu.StateChanged();
    return true;
  }
  if (old_flags & kNt) {
    // Return from a nested task needs a task switch, which is not modelled yet.
    return Fault(cpu, kGP, 0);
  }
  if (!mode64 && bytes == 4 && (flags & kVm) && cpl == 0) {
    // Return to virtual-8086 mode: pop ESP, SS, ES, DS, FS, GS (SDM Vol. 2A IRET).
    uint64_t esp, ss, es, ds, fs, gs;
    if (!st.Pop(&esp, 4) || !st.Pop(&ss, 4) || !st.Pop(&es, 4) || !st.Pop(&ds, 4) ||
        !st.Pop(&fs, 4) || !st.Pop(&gs, 4))
      return false;
    auto v86 = [](uint64_t sel, uint16_t attrs) {
      return SegmentCache{(sel & 0xFFFF) << 4, 0xFFFF, static_cast<uint16_t>(sel), attrs};
    };
    s.seg[kCs] = v86(cs, 0xFB);
    s.seg[kSs] = v86(ss, 0xF3);
    s.seg[kEs] = v86(es, 0xF3);
    s.seg[kDs] = v86(ds, 0xF3);
    s.seg[kFs] = v86(fs, 0xF3);
    s.seg[kGs] = v86(gs, 0xF3);
    s.gpr[kRsp] = esp & 0xFFFFFFFF;
    s.rip = ip & 0xFFFF;
    s.cpl = 3;
    SetRflags(s, flags & 0x003F7FD5);
    cpu.StateChanged();
    return true;
  }
  // Protected-mode return (SDM Vol. 2A IRET, PROTECTED-MODE-RETURN).
  const uint8_t rpl = cs & 3;
  SegmentCache code;
  if (!LoadReturnCode(cpu, static_cast<uint16_t>(cs), cpl, &code)) return false;
  const bool to_64 = long_mode && (code.attrs & (1u << 13));
  uint64_t new_sp = st.sp;
  SegmentCache new_ss = s.seg[kSs];
  // 64-bit mode always pops SS:RSP; elsewhere only for a return to an outer level.
  if ((rpl > cpl || mode64) && !PopReturnStack(cpu, st, bytes, rpl, to_64, &new_ss, &new_sp))
    return false;
  uint64_t changeable = kAlways;
  if (cpl <= iopl) changeable |= kIf;
  if (cpl == 0) changeable |= kIopl;
  code.selector = static_cast<uint16_t>(cs);
  s.seg[kCs] = code;
  s.seg[kSs] = new_ss;
  if (rpl > cpl || mode64) {
    s.gpr[kRsp] = (new_ss.attrs & (1u << 14)) || to_64
                      ? new_sp
                      : (s.gpr[kRsp] & ~uint64_t{0xFFFF}) | (new_sp & 0xFFFF);
  } else {
    SetSp(s, new_sp, mask);
  }
  s.rip = to_64 ? ip : ip & width_mask & 0xFFFFFFFF;
  s.cpl = rpl;
  SetRflags(s, merge_flags(flags, changeable) & ~uint64_t{kVm});
  if (rpl > cpl) NullOuterDataSegments(s, rpl);
  cpu.StateChanged();
  return true;
}

bool FarJumpOrCall(Cpu& cpu, bool call, unsigned bytes, uint16_t selector, uint64_t offset,
                   uint64_t return_ip) {
  CpuState& s = cpu.state();
  const bool long_mode = (s.efer & kEferLma) != 0;
  const bool mode64 = long_mode && (s.seg[kCs].attrs & (1u << 13));
  const uint64_t sp_mask = mode64 ? ~uint64_t{0} : StackMask(s, false);
  const uint64_t width_mask = bytes == 2 ? 0xFFFF : bytes == 4 ? 0xFFFFFFFF : ~uint64_t{0};
  Stack st{cpu, mode64 ? 0 : s.seg[kSs].base, s.gpr[kRsp] & sp_mask, sp_mask, s.cpl == 3, mode64};
  if (!(s.cr0 & kCr0Pe) || (s.rflags & kVm)) {
    // Real and virtual-8086 mode: CS base = selector << 4 (SDM Vol. 2A JMP, "REAL-ADDRESS-MODE").
    if (call && (!st.Push(s.seg[kCs].selector, bytes) || !st.Push(return_ip & width_mask, bytes)))
      return false;
    if (call) SetSp(s, st.sp, sp_mask);
    s.seg[kCs].selector = selector;
    s.seg[kCs].base = uint64_t{selector} << 4;
    s.rip = offset & width_mask;
    return true;
  }
  SegmentCache code;
  if (!LoadCodeDescriptor(cpu, selector, 0, &code)) {
    // System descriptors (call gates, task gates, TSS) are not modelled yet: #GP(selector).
    return false;
  }
  const uint8_t dpl = (code.attrs >> 5) & 3, rpl = selector & 3;
  const bool conforming = code.attrs & 4;
  if ((conforming && dpl > s.cpl) || (!conforming && (rpl > s.cpl || dpl != s.cpl)))
    return Fault(cpu, kGP, selector & 0xFFFC);
  const bool to64 = long_mode && (code.attrs & (1u << 13));
  uint64_t ip = to64 ? offset : offset & width_mask & 0xFFFFFFFF;
  if (!to64 && ip > code.limit) return Fault(cpu, kGP, 0);
  if (call && (!st.Push(s.seg[kCs].selector, bytes) || !st.Push(return_ip & width_mask, bytes)))
    return false;
  if (call) SetSp(s, st.sp, sp_mask);
  code.selector = static_cast<uint16_t>((selector & 0xFFFC) | s.cpl);
  s.seg[kCs] = code;
  s.rip = ip;
  cpu.StateChanged();
  return true;
}

bool FarReturn(Cpu& cpu, unsigned bytes, uint64_t extra) {
  CpuState& s = cpu.state();
  const bool long_mode = (s.efer & kEferLma) != 0;
  const bool mode64 = long_mode && (s.seg[kCs].attrs & (1u << 13));
  const uint64_t mask = mode64 ? ~uint64_t{0} : StackMask(s, false);
  const uint64_t width_mask = bytes == 2 ? 0xFFFF : bytes == 4 ? 0xFFFFFFFF : ~uint64_t{0};
  const uint8_t cpl = static_cast<uint8_t>(s.cpl);
  Stack st{cpu, mode64 ? 0 : s.seg[kSs].base, s.gpr[kRsp] & mask, mask, cpl == 3, mode64};
  uint64_t ip, cs;
  if (!st.Pop(&ip, bytes) || !st.Pop(&cs, bytes)) return false;
  cs &= 0xFFFF;
  st.sp = (st.sp + extra) & mask;
  if (!(s.cr0 & kCr0Pe) || (s.rflags & kVm)) {
    SetSp(s, st.sp, mask);
    s.seg[kCs].selector = static_cast<uint16_t>(cs);
    s.seg[kCs].base = cs << 4;
    s.rip = ip & width_mask;
    return true;
  }
  // SDM Vol. 2B RET, "PROTECTED-MODE": RPL below CPL is #GP; equal returns within the level;
  // greater returns to an outer level and pops SS:rSP as well.
  const uint8_t rpl = cs & 3;
  SegmentCache code;
  if (!LoadReturnCode(cpu, static_cast<uint16_t>(cs), cpl, &code)) return false;
  const bool to64 = long_mode && (code.attrs & (1u << 13));
  SegmentCache new_ss = s.seg[kSs];
  uint64_t new_sp = st.sp;
  if (rpl > cpl) {
    if (!PopReturnStack(cpu, st, bytes, rpl, to64, &new_ss, &new_sp)) return false;
    new_sp = (new_sp + extra) & ((new_ss.attrs & (1u << 14)) || to64 ? ~uint64_t{0} : 0xFFFF);
  }
  code.selector = static_cast<uint16_t>(cs);
  s.seg[kCs] = code;
  s.rip = to64 ? ip : ip & width_mask & 0xFFFFFFFF;
  if (rpl > cpl) {
    s.seg[kSs] = new_ss;
    s.gpr[kRsp] = new_sp;
    s.cpl = rpl;
    NullOuterDataSegments(s, rpl);
  } else {
    SetSp(s, new_sp, mask);
  }
  cpu.StateChanged();
  return true;
}

uint64_t FarTransferHelper(jit::ExecEnv* env, uint64_t a, uint64_t b) {
  // a: bits 0-7 kind (0 jmp, 1 call, 2 retf), 8-15 operand bytes, 16-31 selector; b: offset or
  // the RETF immediate. The return address for CALL is the RIP already in the state.
  Cpu& cpu = *static_cast<Cpu*>(env->cpu);
  const unsigned kind = a & 0xFF, bytes = (a >> 8) & 0xFF;
  const uint16_t selector = static_cast<uint16_t>(a >> 16);
  if (kind == 2)
    FarReturn(cpu, bytes, b);
  else
    FarJumpOrCall(cpu, kind == 1, bytes, selector, b, cpu.state().rip);
  return 0;
}

uint64_t SoftwareInterruptHelper(jit::ExecEnv* env, uint64_t a, uint64_t condition) {
  Cpu& cpu = *static_cast<Cpu*>(env->cpu);
  if (condition == 0) return 0;  // INTO with OF clear
  auto source = static_cast<EventSource>((a >> 8) & 0xFF);
  // A fault while delivering is reported against the INT instruction itself; the dispatcher
  // delivers it (no #DF: INT n is not an exception).
  DeliverOnce(cpu, static_cast<uint8_t>(a), false, 0, source);
  return 0;
}

uint64_t InterruptReturnHelper(jit::ExecEnv* env, uint64_t bytes, uint64_t) {
  InterruptReturn(*static_cast<Cpu*>(env->cpu), static_cast<unsigned>(bytes));
  return 0;
}

}  // namespace vireo::x86
