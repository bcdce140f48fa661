// Model-specific registers as a table (which MSRs exist, where each value lives, which bits are
// reserved, what a write must satisfy) and the fast system calls built on them.

#include "cpu/x86/msr.h"

#include <chrono>

#include "cpu/x86/flags.h"

namespace vireo::x86 {

namespace {

/// Where an MSR's value lives and what is special about it.
enum class Kind : uint8_t {
  kField,           ///< a CpuState field (`field`)
  kSlot,            ///< CpuState::msr_store[slot + (index - first)]
  kEfer,            ///< LMA read-only, LME frozen while paging is on
  kTsc,             ///< the clock plus tsc_offset
  kFsBase,          ///< FS's cached base
  kGsBase,          ///< GS's cached base
  kFeatureControl,  ///< slot; writes #GP once the lock bit is set
  kConstant,        ///< read-only value `constant`
};

/// What a written value must satisfy besides having no reserved bit set.
enum class Check : uint8_t {
  kNone,
  kCanonical,  ///< a linear address (SDM Vol. 4: WRMSR #GP on non-canonical values)
  kPatTypes,   ///< every byte a PAT memory type: 0, 1, 4, 5, 6, 7 (SDM Vol. 3A 13.12.2)
  kMtrrTypes,  ///< every byte an MTRR memory type: 0, 1, 4, 5, 6 (SDM Vol. 3A 13.11.2)
  kMtrrDef,    ///< low byte an MTRR memory type
  kMtrrVar,    ///< PhysBase (even index): low byte an MTRR type; PhysMask (odd): nothing more
};

struct MsrEntry {
  uint32_t first;
  uint32_t count;
  Kind kind;
  uint64_t CpuState::*field;
  uint8_t slot;
  uint64_t reserved;  ///< writing any of these bits is #GP(0)
  Check check;
  uint64_t constant;
};

// Slots in CpuState::msr_store.
constexpr uint8_t kSlotTscAux = 0, kSlotFeatureControl = 1, kSlotMtrrDefType = 2, kSlotMtrrVar = 3,
                  kSlotMtrrFix64k = 19, kSlotMtrrFix16k = 20, kSlotMtrrFix4k = 22,
                  kSlotBiosSignId = 30;
static_assert(kSlotBiosSignId < sizeof(CpuState::msr_store) / sizeof(uint64_t));

constexpr uint64_t kHigh32 = 0xFFFFFFFF00000000;
/// Physical-address bits above MAXPHYADDR (40, CPUID 0x80000008) are reserved.
constexpr uint64_t kAbovePhys = ~((uint64_t{1} << 40) - 1);
/// IA32_MTRRCAP: 8 variable ranges, fixed ranges supported (bit 8), write-combining (bit 10).
constexpr uint64_t kMtrrCap = 8 | (1 << 8) | (1 << 10);

// The MSR table (SDM Vol. 4 Table 2-2, architectural MSRs).
const MsrEntry kMsrs[] = {
    {kMsrTsc, 1, Kind::kTsc, nullptr, 0, 0, Check::kNone, 0},
    // IA32_APIC_BASE: BSP (8), global enable (11), base (12..MAXPHYADDR-1); x2APIC is not offered.
    {kMsrApicBase, 1, Kind::kField, &CpuState::apic_base, 0, ~uint64_t{0x900} & ~(0xFFFFFFF000ull),
     Check::kNone, 0},
    // IA32_FEATURE_CONTROL: only the lock bit (no VMX/SMX/SGX to enable).
    {kMsrFeatureControl, 1, Kind::kFeatureControl, nullptr, kSlotFeatureControl, ~uint64_t{1},
     Check::kNone, 0},
    // IA32_BIOS_SIGN_ID: Linux writes 0 and reads the microcode revision back without
    // rdmsr_safe (intel_get_microcode_revision), so it must exist; the revision reads as 0.
    {kMsrBiosSignId, 1, Kind::kSlot, nullptr, kSlotBiosSignId, 0, Check::kNone, 0},
    {kMsrMtrrCap, 1, Kind::kConstant, nullptr, 0, 0, Check::kNone, kMtrrCap},
    {kMsrSysenterCs, 1, Kind::kField, &CpuState::sysenter_cs, 0, 0, Check::kNone, 0},
    {kMsrSysenterEsp, 1, Kind::kField, &CpuState::sysenter_esp, 0, 0, Check::kCanonical, 0},
    {kMsrSysenterEip, 1, Kind::kField, &CpuState::sysenter_eip, 0, 0, Check::kCanonical, 0},
    {kMsrMiscEnable, 1, Kind::kField, &CpuState::misc_enable, 0, 0, Check::kNone, 0},
    // IA32_MTRR_PHYSBASEn / PHYSMASKn, n = 0..7: bits 8-11 (base) or 0-10 (mask) reserved.
    {kMsrMtrrPhysBase0, 16, Kind::kSlot, nullptr, kSlotMtrrVar, kAbovePhys, Check::kMtrrVar, 0},
    {kMsrMtrrFix64k, 1, Kind::kSlot, nullptr, kSlotMtrrFix64k, 0, Check::kMtrrTypes, 0},
    {kMsrMtrrFix16k80000, 2, Kind::kSlot, nullptr, kSlotMtrrFix16k, 0, Check::kMtrrTypes, 0},
    {kMsrMtrrFix4kC0000, 8, Kind::kSlot, nullptr, kSlotMtrrFix4k, 0, Check::kMtrrTypes, 0},
    {kMsrPat, 1, Kind::kField, &CpuState::pat, 0, 0, Check::kPatTypes, 0},
    // IA32_MTRR_DEF_TYPE: type (0-7), FE (10), E (11).
    {kMsrMtrrDefType, 1, Kind::kSlot, nullptr, kSlotMtrrDefType, ~uint64_t{0xCFF}, Check::kMtrrDef,
     0},
    {kMsrEfer, 1, Kind::kEfer, nullptr, 0, ~(kEferSce | kEferLme | kEferLma | kEferNxe),
     Check::kNone, 0},
    {kMsrStar, 1, Kind::kField, &CpuState::star, 0, 0, Check::kNone, 0},
    {kMsrLstar, 1, Kind::kField, &CpuState::lstar, 0, 0, Check::kCanonical, 0},
    {kMsrCstar, 1, Kind::kField, &CpuState::cstar, 0, 0, Check::kCanonical, 0},
    {kMsrFmask, 1, Kind::kField, &CpuState::sfmask, 0, kHigh32, Check::kNone, 0},
    {kMsrFsBase, 1, Kind::kFsBase, nullptr, 0, 0, Check::kCanonical, 0},
    {kMsrGsBase, 1, Kind::kGsBase, nullptr, 0, 0, Check::kCanonical, 0},
    {kMsrKernelGsBase, 1, Kind::kField, &CpuState::kernel_gs_base, 0, 0, Check::kCanonical, 0},
    {kMsrTscAux, 1, Kind::kSlot, nullptr, kSlotTscAux, kHigh32, Check::kNone, 0},
};

const MsrEntry* Find(uint32_t index) {
  for (const MsrEntry& m : kMsrs)
    if (index - m.first < m.count) return &m;
  return nullptr;
}

bool Canonical(uint64_t a) {
  return static_cast<uint64_t>((static_cast<int64_t>(a) << 16) >> 16) == a;
}

bool MtrrType(uint64_t t) { return t == 0 || t == 1 || t == 4 || t == 5 || t == 6; }

bool AllBytes(uint64_t v, bool pat) {
  for (int i = 0; i < 8; ++i) {
    uint64_t t = (v >> (8 * i)) & 0xFF;
    if (!(MtrrType(t) || (pat && t == 7))) return false;
  }
  return true;
}

uint64_t HostNs() {
  // The same 1 GHz clock as RDTSC (helpers.cpp): host monotonic nanoseconds.
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

}  // namespace

uint64_t GuestTsc(const CpuState& s) { return HostNs() + s.tsc_offset; }

void ResetMsrs(CpuState& s) {
  // SDM Vol. 3A Table 10-1 / Vol. 4: APIC at 0xFEE00000, enabled, this is the BSP; PAT
  // WB WT UC- UC in both halves; fast strings enabled.
  s.apic_base = 0xFEE00900;
  s.pat = 0x0007040600070406;
  s.misc_enable = 1;
  for (uint64_t& v : s.msr_store) v = 0;
}

bool ReadMsr(Cpu& cpu, uint32_t index, uint64_t* value) {
  const MsrEntry* m = Find(index);
  if (m == nullptr) return false;
  CpuState& s = cpu.state();
  switch (m->kind) {
    case Kind::kField:
      *value = s.*(m->field);
      break;
    case Kind::kSlot:
    case Kind::kFeatureControl:
      *value = s.msr_store[m->slot + (index - m->first)];
      break;
    case Kind::kEfer:
      *value = s.efer;
      break;
    case Kind::kTsc:
      *value = GuestTsc(s);
      break;
    case Kind::kFsBase:
      *value = s.seg[kFs].base;
      break;
    case Kind::kGsBase:
      *value = s.seg[kGs].base;
      break;
    case Kind::kConstant:
      *value = m->constant;
      break;
  }
  return true;
}

bool WriteMsr(Cpu& cpu, uint32_t index, uint64_t v) {
  const MsrEntry* m = Find(index);
  if (m == nullptr || m->kind == Kind::kConstant || (v & m->reserved)) return false;
  CpuState& s = cpu.state();
  const bool odd = (index - m->first) & 1;
  switch (m->check) {
    case Check::kNone:
      break;
    case Check::kCanonical:
      if (!Canonical(v)) return false;
      break;
    case Check::kPatTypes:
    case Check::kMtrrTypes:
      if (!AllBytes(v, m->check == Check::kPatTypes)) return false;
      break;
    case Check::kMtrrDef:
      if (!MtrrType(v & 0xFF)) return false;
      break;
    case Check::kMtrrVar:
      if (odd ? (v & 0x7FF) != 0 : ((v & 0xF00) != 0 || !MtrrType(v & 0xFF))) return false;
      break;
  }
  switch (m->kind) {
    case Kind::kField:
      s.*(m->field) = v;
      break;
    case Kind::kSlot:
      s.msr_store[m->slot + (index - m->first)] = v;
      break;
    case Kind::kFeatureControl:
      // Once locked, the register is read-only until reset (SDM Vol. 3A 24.7).
      if (s.msr_store[m->slot] & 1) return false;
      s.msr_store[m->slot] = v;
      break;
    case Kind::kEfer: {
      // LMA is read-only (it follows CR0.PG && LME); LME may not change while paging is on
      // (SDM Vol. 3A 10.8.5).
      if (((v ^ s.efer) & kEferLme) && (s.cr0 & (1ull << 31))) return false;
      const uint64_t old = s.efer;
      s.efer = (v & ~kEferLma) | (old & kEferLma);
      if ((old ^ s.efer) & kEferNxe) cpu.StateChanged();
      break;
    }
    case Kind::kTsc:
      s.tsc_offset = v - HostNs();
      break;
    case Kind::kFsBase:
      s.seg[kFs].base = v;
      break;
    case Kind::kGsBase:
      s.seg[kGs].base = v;
      break;
    case Kind::kConstant:
      return false;
  }
  return true;
}

// --- fast system calls ------------------------------------------------------------------------

namespace {

constexpr uint64_t kCr0Pe = 1;
// Segment attributes the fast system calls load (descriptor bits 40-55 as SegmentCache packs
// them): present, S, accessed, G, DPL in bits 5-6, with L (64-bit code) or D/B (32-bit).
constexpr uint16_t kCode64 = 0xA09B, kCode32 = 0xC09B, kData = 0xC093, kDpl3 = 0x60;

/// RFLAGS with the arithmetic flags computed from the lazy state.
uint64_t FullRflags(const CpuState& s) {
  uint64_t arith = s.cc_op / 4 == static_cast<uint32_t>(CcKind::kEflags)
                       ? s.rflags & kArithFlags
                       : ComputeArithFlags(s.cc_op, s.cc_dst, s.cc_src, s.cc_src2);
  return (s.rflags & ~kArithFlags) | arith | kFixedOne;
}

void SetRflags(CpuState& s, uint64_t v) {
  s.rflags = v | kFixedOne;
  s.cc_op = CcOp(CcKind::kEflags, 0);
}

void Flat(SegmentCache& seg, uint16_t selector, uint16_t attrs) {
  seg = {0, 0xFFFFFFFF, selector, attrs};
}

}  // namespace

bool Syscall(Cpu& cpu, uint64_t next_rip) {
  CpuState& s = cpu.state();
  // SDM Vol. 2B SYSCALL: #UD unless EFER.SCE (64-bit mode is the decoder's o64 rule).
  if (!(s.efer & kEferSce)) {
    cpu.RaiseException(kUD);
    return false;
  }
  const uint64_t flags = FullRflags(s);
  s.gpr[kRcx] = next_rip;
  s.gpr[kR11] = flags;
  SetRflags(s, flags & ~s.sfmask & ~kRf);  // RF is the one bit always cleared (SDM SYSCALL)
  s.rip = s.lstar;
  const uint16_t sel = static_cast<uint16_t>(s.star >> 32);
  Flat(s.seg[kCs], sel & 0xFFFC, kCode64);
  Flat(s.seg[kSs], static_cast<uint16_t>(sel + 8), kData);
  s.cpl = 0;
  cpu.StateChanged();  // CPL decides user/supervisor page rights
  return true;
}

bool Sysret(Cpu& cpu, unsigned operand_size) {
  CpuState& s = cpu.state();
  if (!(s.efer & kEferSce)) {
    cpu.RaiseException(kUD);
    return false;
  }
  // #GP(0) above CPL 0 or when returning to a non-canonical RIP in 64-bit mode.
  if (s.cpl != 0 || (operand_size == 8 && !Canonical(s.gpr[kRcx]))) {
    cpu.RaiseException(kGP, true, 0);
    return false;
  }
  const uint16_t sel = static_cast<uint16_t>(s.star >> 48);
  if (operand_size == 8) {
    s.rip = s.gpr[kRcx];
    Flat(s.seg[kCs], static_cast<uint16_t>(sel + 16) | 3, kCode64 | kDpl3);
  } else {
    s.rip = s.gpr[kRcx] & 0xFFFFFFFF;
    Flat(s.seg[kCs], sel | 3, kCode32 | kDpl3);
  }
  // RFLAGS from R11 without RF and VM and the reserved bits (SDM: R11 AND 3C7FD7H).
  SetRflags(s, s.gpr[kR11] & 0x3C7FD7);
  Flat(s.seg[kSs], static_cast<uint16_t>(sel + 8) | 3, kData | kDpl3);
  s.cpl = 3;
  cpu.StateChanged();
  return true;
}

bool Sysenter(Cpu& cpu) {
  CpuState& s = cpu.state();
  // SDM Vol. 2B SYSENTER: #GP(0) in real mode or with a null IA32_SYSENTER_CS.
  if (!(s.cr0 & kCr0Pe) || (s.sysenter_cs & 0xFFFC) == 0) {
    cpu.RaiseException(kGP, true, 0);
    return false;
  }
  const bool lma = s.efer & kEferLma;
  SetRflags(s, FullRflags(s) & ~(kVm | kIf | kRf));
  s.gpr[kRsp] = lma ? s.sysenter_esp : s.sysenter_esp & 0xFFFFFFFF;
  s.rip = lma ? s.sysenter_eip : s.sysenter_eip & 0xFFFFFFFF;
  const uint16_t sel = static_cast<uint16_t>(s.sysenter_cs) & 0xFFFC;
  Flat(s.seg[kCs], sel, lma ? kCode64 : kCode32);
  Flat(s.seg[kSs], static_cast<uint16_t>(sel + 8), kData);
  s.cpl = 0;
  cpu.StateChanged();
  return true;
}

bool Sysexit(Cpu& cpu, unsigned operand_size) {
  CpuState& s = cpu.state();
  const bool wide = operand_size == 8;
  // SDM Vol. 2B SYSEXIT: #GP(0) with a null IA32_SYSENTER_CS, in real mode, above CPL 0, or
  // (64-bit form) with a non-canonical RIP or RSP.
  if ((s.sysenter_cs & 0xFFFC) == 0 || !(s.cr0 & kCr0Pe) || s.cpl != 0 ||
      (wide && (!Canonical(s.gpr[kRdx]) || !Canonical(s.gpr[kRcx])))) {
    cpu.RaiseException(kGP, true, 0);
    return false;
  }
  const uint16_t base = static_cast<uint16_t>(s.sysenter_cs);
  s.rip = wide ? s.gpr[kRdx] : s.gpr[kRdx] & 0xFFFFFFFF;
  s.gpr[kRsp] = wide ? s.gpr[kRcx] : s.gpr[kRcx] & 0xFFFFFFFF;
  const uint16_t cs = static_cast<uint16_t>(base + (wide ? 32 : 16)) | 3;
  Flat(s.seg[kCs], cs, (wide ? kCode64 : kCode32) | kDpl3);
  Flat(s.seg[kSs], static_cast<uint16_t>(cs + 8), kData | kDpl3);
  s.cpl = 3;
  cpu.StateChanged();
  return true;
}

}  // namespace vireo::x86
