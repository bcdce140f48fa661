#include "cpu/x86/task_switch.h"

#include <cstring>

#include "cpu/x86/privilege.h"
#include "cpu/x86/segments.h"

namespace vireo::x86 {

namespace {

constexpr uint64_t kCr0Ts = 1 << 3, kCr0Pg = 1ull << 31;
constexpr uint16_t kTypeBusy = 2;  ///< the busy bit in a TSS descriptor's type (SDM 7.2.2)

/// Where a TSS keeps the dynamic state (SDM Vol. 3A Figure 7-2, 32-bit TSS; Figure 7-11, 16-bit
/// TSS). Segment selectors follow in ES, CS, SS, DS, FS, GS order, which is SegReg's order.
struct TssLayout {
  unsigned width;      ///< bytes per EIP/EFLAGS/register slot
  uint32_t ip, flags;  ///< EIP/IP and EFLAGS/FLAGS
  uint32_t gpr;        ///< EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI
  uint32_t seg;        ///< the first selector (ES)
  uint32_t seg_stride;
  unsigned nsegs;  ///< the 16-bit TSS has no FS/GS
  uint32_t ldt;
  uint32_t min_limit;  ///< a smaller descriptor limit is #TS (SDM 7.2.2)
  uint32_t cr3;        ///< 0: none (16-bit TSS)
  uint32_t dynamic_end;
};
constexpr TssLayout kTss32{4, 0x20, 0x24, 0x28, 0x48, 4, 6, 0x60, 0x67, 0x1C, 0x60};
constexpr TssLayout kTss16{2, 0x0E, 0x10, 0x12, 0x22, 2, 4, 0x2A, 0x2B, 0, 0x2A};

const TssLayout& LayoutOf(unsigned type) { return (type & 8) ? kTss32 : kTss16; }

uint32_t Get(const uint8_t* image, uint32_t offset, unsigned width) {
  uint32_t v = 0;
  std::memcpy(&v, image + offset, width);
  return v;
}

void Put(uint8_t* image, uint32_t offset, unsigned width, uint64_t value) {
  std::memcpy(image + offset, &value, width);
}

/// Sets or clears the busy bit of the TSS descriptor `selector` in the GDT.
bool SetBusy(Cpu& cpu, uint16_t selector, bool busy) {
  const uint64_t address = cpu.state().gdtr.base + (selector & 0xFFF8) + 5;
  uint8_t access;
  if (!LinearAccess(cpu, address, &access, 1, false, false)) return false;
  access = busy ? access | kTypeBusy : access & ~kTypeBusy;
  return LinearAccess(cpu, address, &access, 1, true, false);
}

/// Turns a #GP raised by a segment load into the #TS a task switch reports (SDM Vol. 3A 7.3
/// step 12: "errors while loading ... are reported as #TS"), adding EXT.
bool AsTaskFault(Cpu& cpu, uint32_t ext) {
  CpuState& s = cpu.state();
  if (s.exception_vector == kGP) s.exception_vector = kTS;
  if (s.exception_vector == kTS || s.exception_vector == kNP || s.exception_vector == kSS)
    s.exception_error_code |= ext;
  return false;
}

/// LDTR from the new task: null, or an LDT descriptor in the GDT; anything else is #TS.
bool LoadTaskLdt(Cpu& cpu, uint16_t selector, uint32_t ext) {
  CpuState& s = cpu.state();
  if ((selector & 0xFFFC) == 0) {
    s.ldtr = {0, 0, selector, 0};
    return true;
  }
  const uint32_t error = (selector & 0xFFFC) | ext;
  if ((selector & 4) || (selector & 0xFFF8) + 7u > s.gdtr.limit) return Fault(cpu, kTS, error);
  uint64_t d, address;
  if (!ReadDescriptor(cpu, selector, &d, &address)) return false;
  SegmentCache c = CacheFromDescriptor(selector, d);
  if ((c.attrs & 0x1F) != 0x02 || !(c.attrs & 0x80)) return Fault(cpu, kTS, error);
  s.ldtr = c;
  return true;
}

/// CS from the new task: a code segment whose DPL equals (non-conforming) or is at most
/// (conforming) its RPL, which becomes the CPL (SDM Vol. 3A 7.3 step 12, Table 7-1).
bool LoadTaskCode(Cpu& cpu, uint16_t selector, uint32_t ext) {
  CpuState& s = cpu.state();
  const uint32_t error = (selector & 0xFFFC) | ext;
  if ((selector & 0xFFFC) == 0) return Fault(cpu, kTS, error);
  SegmentCache code;
  if (!LoadCodeDescriptor(cpu, selector, ext, &code)) return AsTaskFault(cpu, 0);
  const uint8_t dpl = (code.attrs >> 5) & 3, rpl = selector & 3;
  if ((code.attrs & 4) ? dpl > rpl : dpl != rpl) return Fault(cpu, kTS, error);
  s.seg[kCs] = code;
  s.cpl = rpl;
  return true;
}

}  // namespace

bool SwitchTask(Cpu& cpu, uint16_t selector, TaskSwitchReason reason, uint64_t return_eip,
                bool has_error, uint32_t error, uint32_t ext) {
  CpuState& s = cpu.state();
  const bool iret = reason == TaskSwitchReason::kIret;
  const bool nests = reason == TaskSwitchReason::kCall || reason == TaskSwitchReason::kInterrupt;
  const uint32_t sel_error = (selector & 0xFFFC) | ext;
  // A back link that is not a busy TSS is #TS; a JMP/CALL/gate target that is not an available
  // TSS is #GP (SDM Vol. 2A IRET "TASK-RETURN", CALL/JMP "TASK-GATE", "TASK-STATE-SEGMENT").
  const uint8_t bad_type = iret ? kTS : kGP;
  if (selector & 4) return Fault(cpu, bad_type, sel_error);
  if ((selector & 0xFFF8) + 7u > s.gdtr.limit) return Fault(cpu, bad_type, sel_error);
  uint64_t desc, address;
  if (!ReadDescriptor(cpu, selector, &desc, &address)) return false;
  SegmentCache tss = CacheFromDescriptor(selector, desc);
  const unsigned type = tss.attrs & 0x1F;  // S = 0 and the type
  const bool busy = type & kTypeBusy;
  if ((type != 0x01 && type != 0x03 && type != 0x09 && type != 0x0B) || busy != iret)
    return Fault(cpu, bad_type, sel_error);
  if (!(tss.attrs & 0x80)) return Fault(cpu, kNP, sel_error);
  const TssLayout& in = LayoutOf(type);
  if (tss.limit < in.min_limit) return Fault(cpu, kTS, sel_error);

  // Read the incoming TSS and the outgoing one's dynamic fields before changing anything, so
  // a page fault here leaves the old task as it was (the SDM's checks before the commit).
  uint8_t next[0x68] = {};
  if (!LinearAccess(cpu, tss.base, next, in.min_limit + 1, false, false)) return false;
  const TssLayout& out = LayoutOf(s.tr.attrs & 0x1F);
  uint8_t old[0x68] = {};
  if (!LinearAccess(cpu, s.tr.base, old, out.dynamic_end, false, false)) return false;

  // Save the outgoing task (SDM 7.3 steps 6-8). IRET saves EFLAGS with NT clear.
  uint64_t flags = MaterialisedRflags(s);
  if (iret) flags &= ~kNt;
  Put(old, out.ip, out.width, return_eip);
  Put(old, out.flags, out.width, flags);
  for (unsigned r = 0; r < 8; ++r) Put(old, out.gpr + r * out.width, out.width, s.gpr[r]);
  for (unsigned i = 0; i < out.nsegs; ++i)
    Put(old, out.seg + i * out.seg_stride, 2, s.seg[i].selector);
  if (!LinearAccess(cpu, s.tr.base + out.ip, old + out.ip, out.dynamic_end - out.ip, true, false))
    return false;
  if (!nests && !SetBusy(cpu, s.tr.selector, false)) return false;
  if (nests) {
    uint16_t link = s.tr.selector;
    if (!LinearAccess(cpu, tss.base, &link, 2, true, false)) return false;
  }
  if (!iret && !SetBusy(cpu, selector, true)) return false;

  // Commit: the new task is current from here on; later faults belong to it (SDM 7.3 step 11).
  tss.attrs |= kTypeBusy;
  s.tr = tss;
  s.cr0 |= kCr0Ts;
  s.dr[7] &= ~uint64_t{0x55};  // L0-L3 are task-local (SDM Vol. 3B 17.2.4)
  if (in.cr3 != 0 && (s.cr0 & kCr0Pg)) s.cr3 = Get(next, in.cr3, 4);
  const uint64_t keep = in.width == 2 ? ~uint64_t{0xFFFF} : 0;  // 16-bit TSS: upper halves stay
  s.rip = (s.rip & keep) | Get(next, in.ip, in.width);
  uint64_t new_flags = (MaterialisedRflags(s) & keep & ~kVm) | Get(next, in.flags, in.width);
  if (nests) new_flags |= kNt;
  SetRflags(s, new_flags & 0x003F7FD7);
  for (unsigned r = 0; r < 8; ++r)
    s.gpr[r] = (s.gpr[r] & keep) | Get(next, in.gpr + r * in.width, in.width);
  uint16_t sel[kSegCount] = {};
  for (unsigned i = 0; i < in.nsegs; ++i)
    sel[i] = static_cast<uint16_t>(Get(next, in.seg + i * in.seg_stride, 2));
  for (unsigned i = 0; i < kSegCount; ++i) s.seg[i].selector = sel[i];
  // CR3 and the privilege level may change: flush once here. The loads below read descriptors
  // and push through walks that never fill the TLB, so it stays empty until the new task runs.
  cpu.StateChanged();

  if (!LoadTaskLdt(cpu, static_cast<uint16_t>(Get(next, in.ldt, 2)), ext)) return false;
  if (s.rflags & kVm) {
    // A virtual-8086 task: every segment is selector * 16 with a 64 KiB limit (SDM 20.2.1).
    for (unsigned i = 0; i < kSegCount; ++i)
      s.seg[i] = {uint64_t{sel[i]} << 4, 0xFFFF, sel[i],
                  static_cast<uint16_t>(i == kCs ? 0xFB : 0xF3)};
    s.cpl = 3;
  } else {
    if (!LoadTaskCode(cpu, sel[kCs], ext)) return false;
    if (!LoadDataSegment(cpu, kSs, sel[kSs])) return AsTaskFault(cpu, ext);
    for (SegReg r : {kEs, kDs, kFs, kGs})
      if (!LoadDataSegment(cpu, r, sel[r])) return AsTaskFault(cpu, ext);
  }
  if (has_error) {
    // An exception's error code goes on the new task's stack (SDM 7.3 step 13, 6.12.2).
    Stack st = CurrentStack(cpu);
    if (!st.Push(error, in.width)) return false;
    SetSp(s, st.sp, st.mask);
  }
  if (s.rip > s.seg[kCs].limit) return Fault(cpu, kGP, 0);
  return true;
}

}  // namespace vireo::x86
