// Far JMP, far CALL and RETF (SDM Vol. 2A CALL, JMP; Vol. 2B RET; Vol. 3A 5.8 "Privilege
// Level Checking When Transferring Program Control Between Code Segments"): direct transfers to
// code segments, call gates (16-, 32- and 64-bit, with the stack switch and parameter copy of a
// call to an inner level), and JMP/CALL to a TSS or task gate, which switch tasks.

#include "cpu/x86/interrupts.h"
#include "cpu/x86/msr.h"
#include "cpu/x86/privilege.h"
#include "cpu/x86/segments.h"
#include "cpu/x86/task_switch.h"

namespace vireo::x86 {

namespace {

constexpr uint64_t kCr0Pe = 1;
constexpr uint16_t kAttrL = 1u << 13, kAttrDb = 1u << 14;

/// System descriptor types (SDM Vol. 3A Table 3-2).
enum SystemType : unsigned {
  kTss16 = 0x1,
  kCallGate16 = 0x4,
  kTaskGate = 0x5,
  kTss32 = 0x9,
  kCallGate32 = 0xC,  ///< the 64-bit call gate in IA-32e mode
};

/// A direct transfer to a code segment at the current privilege level.
bool ToCodeSegment(Cpu& cpu, bool call, unsigned bytes, uint16_t selector, uint64_t offset,
                   uint64_t return_ip) {
  CpuState& s = cpu.state();
  SegmentCache code;
  if (!LoadCodeDescriptor(cpu, selector, 0, &code)) return false;
  const uint8_t dpl = (code.attrs >> 5) & 3, rpl = selector & 3;
  const bool conforming = code.attrs & 4;
  if ((conforming && dpl > s.cpl) || (!conforming && (rpl > s.cpl || dpl != s.cpl)))
    return Fault(cpu, kGP, selector & 0xFFFC);
  const uint64_t width_mask = bytes == 2 ? 0xFFFF : bytes == 4 ? 0xFFFFFFFF : ~uint64_t{0};
  const bool to64 = (s.efer & kEferLma) && (code.attrs & kAttrL);
  uint64_t ip = to64 ? offset : offset & width_mask & 0xFFFFFFFF;
  if (!to64 && ip > code.limit) return Fault(cpu, kGP, 0);
  Stack st = CurrentStack(cpu);
  if (call && (!st.Push(s.seg[kCs].selector, bytes) || !st.Push(return_ip & width_mask, bytes)))
    return false;
  if (call) SetSp(s, st.sp, st.mask);
  code.selector = static_cast<uint16_t>((selector & 0xFFFC) | s.cpl);
  s.seg[kCs] = code;
  s.rip = ip;
  return true;
}

/// The code segment a call gate names: a code segment at or above the current privilege; a
/// JMP may not change privilege (SDM Vol. 3A 5.8.4, Table 5-1).
bool GateTarget(Cpu& cpu, bool call, uint16_t cs, SegmentCache* code) {
  CpuState& s = cpu.state();
  if (!LoadCodeDescriptor(cpu, cs, 0, code)) return false;
  const uint8_t dpl = (code->attrs >> 5) & 3;
  const bool conforming = code->attrs & 4;
  if (dpl > s.cpl || (!call && !conforming && dpl != s.cpl)) return Fault(cpu, kGP, cs & 0xFFFC);
  return true;
}

/// Commits CS:rIP and CPL after a gate transfer.
void EnterCode(CpuState& s, SegmentCache code, uint16_t cs, uint8_t cpl, uint64_t ip) {
  code.selector = static_cast<uint16_t>((cs & 0xFFFC) | cpl);
  s.seg[kCs] = code;
  s.cpl = cpl;
  s.rip = ip;
}

/// A 16- or 32-bit call gate outside IA-32e mode (SDM Vol. 3A 5.8.3-5.8.5). A CALL to a more
/// privileged non-conforming segment switches to the TSS stack for the new level, pushes the
/// caller's SS:eSP, copies the gate's parameter count of words or doublewords from the old
/// stack, then pushes CS:eIP; the pushes use the gate's size, not the operand size.
bool CallGate(Cpu& cpu, bool call, uint64_t gate, uint64_t return_ip) {
  CpuState& s = cpu.state();
  const bool gate32 = ((gate >> 40) & 0xF) == kCallGate32;
  const unsigned width = gate32 ? 4 : 2;
  const uint16_t cs = static_cast<uint16_t>(gate >> 16);
  const uint64_t target = (gate & 0xFFFF) | (gate32 ? ((gate >> 48) & 0xFFFF) << 16 : 0);
  const unsigned params = (gate >> 32) & 0x1F;
  SegmentCache code;
  if (!GateTarget(cpu, call, cs, &code)) return false;
  if (target > code.limit) return Fault(cpu, kGP, 0);
  const uint8_t dpl = (code.attrs >> 5) & 3;
  const uint64_t width_mask = gate32 ? 0xFFFFFFFF : 0xFFFF;
  Stack old = CurrentStack(cpu);
  if (call && !(code.attrs & 4) && dpl < s.cpl) {
    NewStack ns;
    if (!StackFromTss(cpu, dpl, 0, &ns)) return false;
    const uint64_t mask = (ns.ss.attrs & kAttrDb) ? 0xFFFFFFFF : 0xFFFF;
    Stack st{cpu, ns.ss.base, ns.sp & mask, mask, false, false};
    if (!st.Push(s.seg[kSs].selector, width) || !st.Push(s.gpr[kRsp] & width_mask, width))
      return false;
    for (unsigned i = params; i-- > 0;) {
      uint64_t v;
      if (!old.Peek(i, width, &v) || !st.Push(v, width)) return false;
    }
    if (!st.Push(s.seg[kCs].selector, width) || !st.Push(return_ip & width_mask, width))
      return false;
    s.seg[kSs] = ns.ss;
    SetSp(s, st.sp, mask);
    EnterCode(s, code, cs, dpl, target);
    return true;
  }
  if (call) {
    if (!old.Push(s.seg[kCs].selector, width) || !old.Push(return_ip & width_mask, width))
      return false;
    SetSp(s, old.sp, old.mask);
  }
  EnterCode(s, code, cs, static_cast<uint8_t>(s.cpl), target);
  return true;
}

/// A 64-bit call gate in IA-32e mode (SDM Vol. 3A 5.8.6): 16 bytes, the target must be 64-bit
/// code; a CALL to an inner level takes RSPn from the TSS and loads a null SS with RPL = new
/// CPL; every push is 8 bytes and no parameters are copied.
bool CallGate64(Cpu& cpu, bool call, uint16_t selector, uint64_t gate, uint64_t return_ip) {
  CpuState& s = cpu.state();
  uint64_t upper;
  if (!ReadUpperHalf(cpu, selector, &upper)) return false;
  const uint16_t cs = static_cast<uint16_t>(gate >> 16);
  const uint64_t target = (gate & 0xFFFF) | ((gate >> 48) & 0xFFFF) << 16 | upper << 32;
  SegmentCache code;
  if (!GateTarget(cpu, call, cs, &code)) return false;
  if (!(code.attrs & kAttrL) || (code.attrs & kAttrDb)) return Fault(cpu, kGP, cs & 0xFFFC);
  const uint8_t dpl = (code.attrs >> 5) & 3;
  const bool inner = call && !(code.attrs & 4) && dpl < s.cpl;
  uint64_t rsp = 0;
  if (inner && !Read64BitTssStack(cpu, 4 + 8 * dpl, 0, &rsp)) return false;
  Stack st = inner ? Stack{cpu, 0, rsp, ~uint64_t{0}, false, true} : CurrentStack(cpu);
  if (inner && (!st.Push(s.seg[kSs].selector, 8) || !st.Push(s.gpr[kRsp], 8))) return false;
  if (call && (!st.Push(s.seg[kCs].selector, 8) || !st.Push(return_ip, 8))) return false;
  if (inner) {
    s.seg[kSs] = {0, 0, dpl, 0};
    s.gpr[kRsp] = st.sp;
  } else if (call) {
    SetSp(s, st.sp, st.mask);
  }
  EnterCode(s, code, cs, inner ? dpl : static_cast<uint8_t>(s.cpl), target);
  return true;
}

/// JMP/CALL to a TSS descriptor or a task gate (SDM Vol. 3A 7.3): the descriptor's DPL must
/// allow both CPL and RPL; a gate's TSS descriptor is not checked for privilege.
bool ToTask(Cpu& cpu, bool call, uint16_t selector, uint64_t desc, uint64_t return_ip) {
  CpuState& s = cpu.state();
  const unsigned dpl = (desc >> 45) & 3;
  if (dpl < s.cpl || dpl < (selector & 3u)) return Fault(cpu, kGP, selector & 0xFFFC);
  uint16_t tss = selector;
  if (((desc >> 40) & 0xF) == kTaskGate) {
    if (!((desc >> 47) & 1)) return Fault(cpu, kNP, selector & 0xFFFC);
    tss = static_cast<uint16_t>(desc >> 16);
  }
  return SwitchTask(cpu, tss, call ? TaskSwitchReason::kCall : TaskSwitchReason::kJump, return_ip,
                    false, 0, 0);
}

}  // namespace

bool FarJumpOrCall(Cpu& cpu, bool call, unsigned bytes, uint16_t selector, uint64_t offset,
                   uint64_t return_ip) {
  CpuState& s = cpu.state();
  if (!(s.cr0 & kCr0Pe) || (s.rflags & kVm)) {
    // Real and virtual-8086 mode: CS base = selector << 4 (SDM Vol. 2A JMP, "REAL-ADDRESS-MODE").
    const uint64_t width_mask = bytes == 2 ? 0xFFFF : 0xFFFFFFFF;
    Stack st = CurrentStack(cpu);
    if (call && (!st.Push(s.seg[kCs].selector, bytes) || !st.Push(return_ip & width_mask, bytes)))
      return false;
    if (call) SetSp(s, st.sp, st.mask);
    s.seg[kCs].selector = selector;
    s.seg[kCs].base = uint64_t{selector} << 4;
    s.rip = offset & width_mask;
    return true;
  }
  if ((selector & 0xFFFC) == 0) return Fault(cpu, kGP, 0);
  const uint32_t old_cpl = s.cpl;
  uint64_t desc, address;
  if (!ReadDescriptor(cpu, selector, &desc, &address)) return false;
  bool ok;
  if ((desc >> 44) & 1) {
    ok = ToCodeSegment(cpu, call, bytes, selector, offset, return_ip);
  } else {
    const unsigned type = (desc >> 40) & 0xF;
    const bool ia32e = s.efer & kEferLma;
    const uint16_t error = selector & 0xFFFC;
    // Gates and TSSs: the DPL checks come first, presence after (SDM Vol. 2A CALL).
    if (type == kCallGate32 || (!ia32e && type == kCallGate16)) {
      const unsigned dpl = (desc >> 45) & 3;
      if (dpl < s.cpl || dpl < (selector & 3u)) return Fault(cpu, kGP, error);
      if (!((desc >> 47) & 1)) return Fault(cpu, kNP, error);
      ok = ia32e ? CallGate64(cpu, call, selector, desc, return_ip)
                 : CallGate(cpu, call, desc, return_ip);
    } else if (!ia32e && (type == kTaskGate || type == kTss16 || type == kTss32)) {
      ok = ToTask(cpu, call, selector, desc, return_ip);
    } else {
      // Busy TSSs, LDTs, interrupt gates, and everything IA-32e mode does not allow here.
      return Fault(cpu, kGP, error);
    }
  }
  if (ok) PrivilegeChanged(cpu, old_cpl);
  return ok;
}

bool FarReturn(Cpu& cpu, unsigned bytes, uint64_t extra) {
  CpuState& s = cpu.state();
  const bool long_mode = (s.efer & kEferLma) != 0;
  const uint64_t width_mask = bytes == 2 ? 0xFFFF : bytes == 4 ? 0xFFFFFFFF : ~uint64_t{0};
  const uint8_t cpl = static_cast<uint8_t>(s.cpl);
  Stack st = CurrentStack(cpu);
  const uint64_t mask = st.mask;
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
  PrivilegeChanged(cpu, cpl);
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

}  // namespace vireo::x86
