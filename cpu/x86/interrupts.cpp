#include "cpu/x86/interrupts.h"

#include <cstring>

#include "cpu/x86/flags.h"
#include "cpu/x86/msr.h"
#include "cpu/x86/privilege.h"
#include "cpu/x86/segments.h"
#include "cpu/x86/task_switch.h"

namespace vireo::x86 {

namespace {

constexpr uint64_t kCr0Pe = 1;  // EFER bits come from msr.h

bool DeliverReal(Cpu& cpu, uint8_t vector) {
  CpuState& s = cpu.state();
  // SDM Vol. 3A 20.1.4: the IVT holds 4-byte far pointers; pushes FLAGS, CS, IP; clears IF, TF
  // and AC.
  if (uint32_t{vector} * 4 + 3 > s.idtr.limit) return Fault(cpu, kGP, uint32_t{vector} * 8 + 2);
  uint32_t entry = 0;
  if (!LinearAccess(cpu, s.idtr.base + vector * 4, &entry, 4, false, false)) return false;
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

bool DeliverProtected(Cpu& cpu, uint8_t vector, bool has_error, uint32_t error,
                      EventSource source) {
  CpuState& s = cpu.state();
  const uint32_t ext = (source == EventSource::kSoftware) ? 0 : 1;
  const uint32_t gate_error = uint32_t{vector} * 8 + 2 + ext;
  if (uint32_t{vector} * 8 + 7 > s.idtr.limit) return Fault(cpu, kGP, gate_error);
  uint64_t gate = 0;
  if (!LinearAccess(cpu, s.idtr.base + vector * 8, &gate, 8, false, false)) return false;
  const unsigned type = (gate >> 40) & 0x1F;  // S bit and type
  const unsigned gate_dpl = (gate >> 45) & 3;
  const bool is_int_gate = type == 0x6 || type == 0xE;
  if (type != 0x5 && type != 0x6 && type != 0x7 && type != 0xE && type != 0xF)
    return Fault(cpu, kGP, gate_error);
  if (source == EventSource::kSoftware && gate_dpl < s.cpl) return Fault(cpu, kGP, gate_error);
  if (!((gate >> 47) & 1)) return Fault(cpu, kNP, gate_error);
  if (type == 0x5) {
    // A task gate: the handler is another task, which gets the error code on its stack
    // (SDM Vol. 3A 6.12.2).
    return SwitchTask(cpu, static_cast<uint16_t>(gate >> 16), TaskSwitchReason::kInterrupt, s.rip,
                      has_error, error, ext);
  }
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
  if (!LinearAccess(cpu, s.idtr.base + vector * 16, gate, 16, false, false)) return false;
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
  if (ist != 0) {
    if (!Read64BitTssStack(cpu, 0x24 + (ist - 1) * 8, ext, &rsp)) return false;  // IST1..7
  } else if (new_cpl < s.cpl) {
    if (!Read64BitTssStack(cpu, 4 + new_cpl * 8, ext, &rsp)) return false;  // RSP0..2
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
  const uint32_t old_cpl = s.cpl;
  bool ok = (s.efer & kEferLma) ? DeliverLong(cpu, vector, has_error, error, source)
                                : DeliverProtected(cpu, vector, has_error, error, source);
  if (ok) PrivilegeChanged(cpu, old_cpl);
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
  const bool mode64 = InMode64(s);
  const uint64_t old_flags = MaterialisedRflags(s);
  const uint8_t cpl = static_cast<uint8_t>(s.cpl);
  const unsigned iopl = (old_flags >> 12) & 3;
  // IRET ends NMI blocking even when it faults (SDM Vol. 3A 6.7.1).
  s.nmi_blocked = 0;
  if ((s.cr0 & kCr0Pe) && !(s.rflags & kVm) && (old_flags & kNt)) {
    // Return from a nested task to the one in the back link (SDM Vol. 2A IRET, TASK-RETURN);
    // IA-32e mode has no task switching.
    if (long_mode) return Fault(cpu, kGP, 0);
    uint16_t link = 0;
    if (!LinearAccess(cpu, s.tr.base, &link, 2, false, false)) return false;
    return SwitchTask(cpu, link, TaskSwitchReason::kIret, s.rip, false, 0, 0);
  }
  Stack st = CurrentStack(cpu);
  const uint64_t mask = st.mask;
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
    PrivilegeChanged(cpu, cpl);
    return true;
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
    PrivilegeChanged(cpu, cpl);
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
  PrivilegeChanged(cpu, cpl);
  return true;
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
