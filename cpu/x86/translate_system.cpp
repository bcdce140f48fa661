// System instructions (SDM Vol. 2A-2B instruction pages, Vol. 3A for the protection rules):
// MOV to/from CR0/CR2/CR3/CR4/CR8 and DR0-DR7, CLTS, LMSW, SMSW, LGDT/LIDT/SGDT/SIDT,
// LLDT/SLDT/LTR/STR, LAR/LSL/VERR/VERW, ARPL, RDMSR/WRMSR, RDTSCP, SWAPGS, WBINVD/INVD, INVLPG,
// SYSCALL/SYSRET/SYSENTER/SYSEXIT (msr.cpp), CLI/STI, IN/OUT/INS/OUTS.
//
// Privilege checks that depend only on the translation mode (CPL, real/V86 mode) are decided at
// translation time; the rest (IOPL, CR4 bits, descriptors, MSR values) run in SystemHelper,
// which dispatches on the SysOp packed in its first argument.

#include <cstddef>

#include "cpu/x86/cpu.h"
#include "cpu/x86/helpers.h"
#include "cpu/x86/msr.h"
#include "cpu/x86/port_io.h"
#include "cpu/x86/privilege.h"
#include "cpu/x86/segments.h"
#include "cpu/x86/translate_families.h"

namespace vireo::x86 {

namespace {

using ir::IrEmitter;
using ir::Type;
using ir::Value;

/// SystemHelper operations (low byte of its first argument; parameters above).
enum class SysOp : uint8_t {
  kWriteCr,   ///< p = CR number | 64-bit mode << 4; b = value
  kReadDr,    ///< p = DR number; returns the value
  kWriteDr,   ///< p = DR number | 64-bit mode << 4; b = value
  kLldt,      ///< b = selector
  kLtr,       ///< b = selector
  kLar,       ///< b = selector; returns valid << 32 | access rights
  kLsl,       ///< b = selector; returns valid << 32 | limit
  kVerr,      ///< b = selector; returns valid
  kVerw,      ///< b = selector; returns valid
  kRdmsr,     ///< ECX -> EDX:EAX
  kWrmsr,     ///< EDX:EAX -> MSR ECX
  kTscAux,    ///< returns IA32_TSC_AUX
  kFlushTlb,  ///< INVLPG
  kSyscall,   ///< b = RIP of the next instruction
  kSysret,    ///< p = operand size
  kSysenter,
  kSysexit,  ///< p = operand size
  kCli,
  kSti,
  kIn,        ///< p = size | check << 4; b = port; returns the value
  kOut,       ///< p = size | check << 4 | port << 24; b = value
  kStringIo,  ///< p = StringIo packed; returns 1 while a REP form has iterations left
};

constexpr uint64_t Pack(SysOp op, uint64_t p = 0) { return static_cast<uint64_t>(op) | (p << 8); }

// CR0 / CR4 bits (SDM Vol. 3A 2.5).
constexpr uint64_t kCr0Pe = 1, kCr0Ts = 1 << 3, kCr0Et = 1 << 4, kCr0Wp = 1 << 16, kCr0Nw = 1 << 29,
                   kCr0Cd = 1 << 30, kCr0Pg = 1ull << 31;
constexpr uint64_t kCr0Defined = 0xE005003F;  // PE MP EM TS ET NE WP AM NW CD PG
constexpr uint64_t kCr4Vme = 1, kCr4Pvi = 2, kCr4De = 1 << 3, kCr4Pse = 1 << 4, kCr4Pae = 1 << 5,
                   kCr4Pge = 1 << 7, kCr4Pcide = 1 << 17, kCr4Smep = 1 << 20, kCr4Smap = 1 << 21;

/// CR4 bits this vCPU accepts: the ones it implements, plus those whose feature CPUID reports
/// (setting a bit for an unsupported feature is #GP(0), SDM Vol. 2B MOV CR).
uint64_t Cr4Allowed() {
  uint64_t allowed = (1 << 2) | kCr4De | kCr4Pse | kCr4Pae | (1 << 6) | kCr4Pge | (1 << 8) |
                     (1 << 9) | (1 << 10);  // TSD DE PSE PAE MCE PGE PCE OSFXSR OSXMMEXCPT
  CpuidResult l1 = Cpuid(1, 0), l7 = Cpuid(7, 0);
  if (l1.edx & (1 << 1)) allowed |= kCr4Vme | kCr4Pvi;
  if (l1.ecx & (1 << 17)) allowed |= kCr4Pcide;
  if (l1.ecx & (1 << 26)) allowed |= 1 << 18;  // OSXSAVE
  if (l7.ebx & 1) allowed |= 1 << 16;          // FSGSBASE
  if (l7.ebx & (1 << 7)) allowed |= kCr4Smep;
  if (l7.ebx & (1 << 20)) allowed |= kCr4Smap;
  if (l7.ecx & (1 << 2)) allowed |= 1 << 11;  // UMIP
  return allowed;
}

/// MOV to CRn (SDM Vol. 2B MOV-Move to/from Control Registers, Vol. 3A 2.5 and 10.8.5).
/// Returns false for #GP(0).
bool WriteCr(Cpu& cpu, unsigned n, uint64_t v, bool mode64) {
  CpuState& s = cpu.state();
  const bool lma = s.efer & kEferLma;
  switch (n) {
    case 0: {
      // Reserved bits 63:32 fault; reserved bits in 31:0 are ignored and ET reads as 1.
      if (v >> 32) return false;
      v = (v & kCr0Defined) | kCr0Et;
      if ((v & kCr0Pg) && !(v & kCr0Pe)) return false;
      if ((v & kCr0Nw) && !(v & kCr0Cd)) return false;
      const uint64_t changed = v ^ s.cr0;
      if (changed & kCr0Pg) {
        if (v & kCr0Pg) {
          // Paging on with EFER.LME activates IA-32e mode, which needs PAE (SDM Vol. 3A 10.8.5).
          if ((s.efer & kEferLme) && !(s.cr4 & kCr4Pae)) return false;
          if (s.efer & kEferLme) s.efer |= kEferLma;
        } else {
          // Leaving IA-32e mode is done from compatibility mode, never from 64-bit code.
          if (mode64) return false;
          s.efer &= ~kEferLma;
        }
      }
      s.cr0 = v;
      if (changed & (kCr0Pg | kCr0Wp | kCr0Pe)) cpu.StateChanged();
      return true;
    }
    case 2:
      s.cr2 = v;
      return true;
    case 3: {
      if (lma) {
        // Bits above MAXPHYADDR (40) are reserved; with PCIDE, bit 63 only asks not to flush.
        const bool pcide = s.cr4 & kCr4Pcide;
        if (v & (pcide ? 0x7FFFFF0000000000 : 0xFFFFFF0000000000)) return false;
        v &= ~(uint64_t{1} << 63);
      }
      s.cr3 = v;
      cpu.FlushTlbNonGlobal();
      return true;
    }
    case 4: {
      if (v & ~Cr4Allowed()) return false;
      if (lma && !(v & kCr4Pae)) return false;  // PAE cannot be cleared in IA-32e mode
      if ((v & kCr4Pcide) && !(s.cr4 & kCr4Pcide) && (!lma || (s.cr3 & 0xFFF))) return false;
      const uint64_t changed = v ^ s.cr4;
      s.cr4 = v;
      if (changed & (kCr4Pge | kCr4Pae | kCr4Pse | kCr4Smep | kCr4Smap | kCr4Pcide))
        cpu.StateChanged();
      return true;
    }
    case 8:
      if (v & ~uint64_t{0xF}) return false;  // TPR: bits 63:4 reserved
      s.cr8 = v;
      return true;
    default:
      return false;
  }
}

/// DR4/DR5 alias DR6/DR7 unless CR4.DE makes them #UD (SDM Vol. 3A 18.2.2).
bool DebugRegister(Cpu& cpu, unsigned* n) {
  if (*n == 4 || *n == 5) {
    if (cpu.state().cr4 & kCr4De) {
      cpu.RaiseException(kUD);
      return false;
    }
    *n += 2;
  }
  return true;
}

bool WriteDr(Cpu& cpu, unsigned n, uint64_t v, bool mode64) {
  CpuState& s = cpu.state();
  if (!DebugRegister(cpu, &n)) return false;
  if (n >= 6 && mode64 && (v >> 32)) {
    cpu.RaiseException(kGP, true, 0);  // upper halves of DR6/DR7 are reserved
    return false;
  }
  // DR6: B0-B3, BD, BS, BT writable; bits 4-11 and 16-31 read as 1, bit 12 as 0.
  // DR7: bit 10 reads as 1, bits 11, 12, 14, 15 as 0 (SDM Vol. 3A 18.2.3-18.2.4).
  if (n == 6) v = (v & 0xE00F) | 0xFFFF0FF0;
  if (n == 7) v = (v & 0xFFFF23FF) | 0x400;
  s.dr[n] = v;
  return true;
}

// --- descriptor tables ------------------------------------------------------------------------

/// Adds base bits 63:32 from the upper half of a 16-byte LDT or TSS descriptor in IA-32e mode.
bool UpperHalf(Cpu& cpu, uint16_t selector, SegmentCache* c) {
  uint64_t hi;
  if (!ReadUpperHalf(cpu, selector, &hi)) return false;
  c->base |= (hi & 0xFFFFFFFF) << 32;
  return true;
}

/// LLDT (SDM Vol. 2A): a null selector leaves LDTR unusable; otherwise an LDT descriptor in
/// the GDT.
bool Lldt(Cpu& cpu, uint16_t selector) {
  CpuState& s = cpu.state();
  if ((selector & 0xFFFC) == 0) {
    s.ldtr.selector = selector;
    s.ldtr.attrs = 0;
    return true;
  }
  if (selector & 4) return Fault(cpu, kGP, selector & 0xFFFC);
  uint64_t d, address;
  if (!ReadDescriptor(cpu, selector, &d, &address)) return false;
  SegmentCache c = CacheFromDescriptor(selector, d);
  if ((c.attrs & 0x1F) != 0x02) return Fault(cpu, kGP, selector & 0xFFFC);
  if (!(c.attrs & 0x80)) return Fault(cpu, kNP, selector & 0xFFFC);
  if ((s.efer & kEferLma) && !UpperHalf(cpu, selector, &c)) return false;
  s.ldtr = c;
  return true;
}

/// LTR (SDM Vol. 2A): an available TSS in the GDT (16-bit ones only outside IA-32e mode);
/// the descriptor is marked busy.
bool Ltr(Cpu& cpu, uint16_t selector) {
  CpuState& s = cpu.state();
  if ((selector & 0xFFFC) == 0) return Fault(cpu, kGP, 0);
  if (selector & 4) return Fault(cpu, kGP, selector & 0xFFFC);
  const bool lma = s.efer & kEferLma;
  uint64_t d, address;
  if (!ReadDescriptor(cpu, selector, &d, &address)) return false;
  SegmentCache c = CacheFromDescriptor(selector, d);
  const uint16_t type = c.attrs & 0x1F;  // S = 0 and the type
  if (!(type == 0x09 || (type == 0x01 && !lma))) return Fault(cpu, kGP, selector & 0xFFFC);
  if (!(c.attrs & 0x80)) return Fault(cpu, kNP, selector & 0xFFFC);
  if (lma && !UpperHalf(cpu, selector, &c)) return false;
  uint8_t access = static_cast<uint8_t>((d >> 40) | 2);
  if (!LinearAccess(cpu, address + 5, &access, 1, true, false)) return false;
  c.attrs |= 2;
  s.tr = c;
  return true;
}

enum class Verify { kLar, kLsl, kVerr, kVerw };

/// LAR/LSL/VERR/VERW (SDM Vol. 2A/2B): ZF = 1 when the descriptor is visible at CPL/RPL and
/// of a type the instruction accepts; a bad selector is ZF = 0, never a fault. Returns
/// valid << 32 | result (access rights or limit); sets env fault only for #PF.
uint64_t VerifySegment(Cpu& cpu, uint16_t selector, Verify what) {
  CpuState& s = cpu.state();
  if ((selector & 0xFFFC) == 0) return 0;
  const TableRegister table = (selector & 4) ? TableRegister{s.ldtr.base, s.ldtr.limit, 0} : s.gdtr;
  if ((selector & 4) && ((s.ldtr.selector & 0xFFFC) == 0 || !(s.ldtr.attrs & 0x80))) return 0;
  if ((selector & 0xFFF8) + 7u > table.limit) return 0;
  uint64_t d, address;
  if (!ReadDescriptor(cpu, selector, &d, &address)) return 0;
  const SegmentCache c = CacheFromDescriptor(selector, d);
  const unsigned type = c.attrs & 0xF, dpl = (c.attrs >> 5) & 3;
  const bool system = !(c.attrs & 0x10), code = !system && (type & 8);
  const bool conforming = code && (type & 4);
  if (!conforming && (dpl < s.cpl || dpl < (selector & 3u))) return 0;
  const bool lma = s.efer & kEferLma;
  bool ok;
  switch (what) {
    case Verify::kLar:
      // Access rights: the descriptor's second doubleword masked by 00F0FF00H (the SDM leaves
      // bits 19:16 undefined; hardware returns 0 there). System types with visible rights: LDT,
      // TSSs, call/task gates (IA-32e: LDT, 64-bit TSS, 64-bit call gate).
      ok = !system || (lma ? (type == 2 || type == 9 || type == 0xB || type == 0xC)
                           : (type == 1 || type == 2 || type == 3 || type == 4 || type == 5 ||
                              type == 9 || type == 0xB || type == 0xC));
      return ok ? (uint64_t{1} << 32) | ((d >> 32) & 0x00F0FF00) : 0;
    case Verify::kLsl:
      ok = !system || (lma ? (type == 2 || type == 9 || type == 0xB)
                           : (type == 1 || type == 2 || type == 3 || type == 9 || type == 0xB));
      return ok ? (uint64_t{1} << 32) | c.limit : 0;
    case Verify::kVerr:
      return !system && (!code || (type & 2));
    case Verify::kVerw:
      return !system && !code && (type & 2);
  }
  return 0;
}

// --- interrupt flag ---------------------------------------------------------------------------

/// CLI/STI outside the translation-time fast path (SDM Vol. 2A CLI, Vol. 2B STI tables):
/// IF when IOPL allows, else VIF under PVI (CPL 3) or VME (V86), else #GP(0).
bool InterruptFlag(Cpu& cpu, bool set) {
  CpuState& s = cpu.state();
  const bool pe = s.cr0 & kCr0Pe, vm = s.rflags & kVm;
  const unsigned iopl = (s.rflags >> 12) & 3;
  bool use_if;
  if (!pe)
    use_if = true;
  else if (!vm && iopl >= s.cpl)
    use_if = true;
  else if (vm && iopl == 3)
    use_if = true;
  else if ((!vm && s.cpl == 3 && (s.cr4 & kCr4Pvi)) || (vm && (s.cr4 & kCr4Vme)))
    use_if = false;
  else
    return Fault(cpu, kGP, 0);
  if (use_if) {
    if (set && !(s.rflags & kIf)) s.interrupt_shadow = 1;
    s.rflags = set ? s.rflags | kIf : s.rflags & ~kIf;
  } else {
    if (set && (s.rflags & kVip)) return Fault(cpu, kGP, 0);
    s.rflags = set ? s.rflags | kVif : s.rflags & ~kVif;
  }
  return true;
}

}  // namespace

uint64_t SystemHelper(jit::ExecEnv* env, uint64_t a, uint64_t b) {
  Cpu& cpu = *static_cast<Cpu*>(env->cpu);
  CpuState& s = cpu.state();
  const uint64_t p = a >> 8;
  switch (static_cast<SysOp>(a & 0xFF)) {
    case SysOp::kWriteCr:
      if (!WriteCr(cpu, p & 15, b, (p >> 4) & 1)) Fault(cpu, kGP, 0);
      return 0;
    case SysOp::kReadDr: {
      unsigned n = p & 7;
      return DebugRegister(cpu, &n) ? s.dr[n] : 0;
    }
    case SysOp::kWriteDr:
      WriteDr(cpu, p & 7, b, (p >> 4) & 1);
      return 0;
    case SysOp::kLldt:
      Lldt(cpu, static_cast<uint16_t>(b));
      return 0;
    case SysOp::kLtr:
      Ltr(cpu, static_cast<uint16_t>(b));
      return 0;
    case SysOp::kLar:
      return VerifySegment(cpu, static_cast<uint16_t>(b), Verify::kLar);
    case SysOp::kLsl:
      return VerifySegment(cpu, static_cast<uint16_t>(b), Verify::kLsl);
    case SysOp::kVerr:
      return VerifySegment(cpu, static_cast<uint16_t>(b), Verify::kVerr);
    case SysOp::kVerw:
      return VerifySegment(cpu, static_cast<uint16_t>(b), Verify::kVerw);
    case SysOp::kRdmsr: {
      uint64_t v;
      if (!ReadMsr(cpu, static_cast<uint32_t>(s.gpr[kRcx]), &v)) return Fault(cpu, kGP, 0);
      s.gpr[kRax] = v & 0xFFFFFFFF;
      s.gpr[kRdx] = v >> 32;
      return 0;
    }
    case SysOp::kWrmsr: {
      uint64_t v = (s.gpr[kRdx] << 32) | (s.gpr[kRax] & 0xFFFFFFFF);
      if (!WriteMsr(cpu, static_cast<uint32_t>(s.gpr[kRcx]), v)) Fault(cpu, kGP, 0);
      return 0;
    }
    case SysOp::kTscAux: {
      uint64_t v = 0;
      ReadMsr(cpu, kMsrTscAux, &v);
      return v;
    }
    case SysOp::kFlushTlb:
      cpu.StateChanged();
      return 0;
    case SysOp::kSyscall:
      Syscall(cpu, b);
      return 0;
    case SysOp::kSysret:
      Sysret(cpu, p & 15);
      return 0;
    case SysOp::kSysenter:
      Sysenter(cpu);
      return 0;
    case SysOp::kSysexit:
      Sysexit(cpu, p & 15);
      return 0;
    case SysOp::kCli:
      InterruptFlag(cpu, false);
      return 0;
    case SysOp::kSti:
      InterruptFlag(cpu, true);
      return 0;
    case SysOp::kIn: {
      const unsigned size = p & 15;
      const uint16_t port = static_cast<uint16_t>(b);
      if (((p >> 4) & 1) && !IoAllowed(cpu, port, size)) return 0;
      return PortRead(cpu, port, size);
    }
    case SysOp::kOut: {
      const unsigned size = p & 15;
      const uint16_t port = static_cast<uint16_t>(p >> 24);
      if (((p >> 4) & 1) && !IoAllowed(cpu, port, size)) return 0;
      PortWrite(cpu, port, size, b);
      return 0;
    }
    case SysOp::kStringIo:
      return StringIoOp(env, cpu, StringIo::Unpack(p));
  }
  return 0;
}

namespace {

// --- translation ------------------------------------------------------------------------------

constexpr uint32_t kRflagsOffset = offsetof(CpuState, rflags);
constexpr uint32_t kCr0Offset = offsetof(CpuState, cr0);

uint32_t CrOffset(unsigned n) {
  switch (n) {
    case 0:
      return offsetof(CpuState, cr0);
    case 2:
      return offsetof(CpuState, cr2);
    case 3:
      return offsetof(CpuState, cr3);
    case 4:
      return offsetof(CpuState, cr4);
    default:
      return offsetof(CpuState, cr8);
  }
}

bool Mode64(const TranslatorContext& c) { return c.mode.code == CodeSize::k64; }

/// The CPL the rules compare against: 0 in real mode, 3 in virtual-8086 mode.
unsigned Cpl(const TranslatorContext& c) {
  if (!c.mode.protected_mode) return 0;
  return c.mode.v86 ? 3 : c.mode.cpl;
}

/// #GP(0) above CPL 0 (privileged instructions, SDM Vol. 3A 5.9).
bool RequireCpl0(TranslatorContext& c) {
  if (Cpl(c) == 0) return true;
  c.Raise(kGP, true, 0);
  return false;
}

/// #UD in real-address and virtual-8086 mode (LLDT, LTR, SLDT, STR, LAR, LSL, VERR, VERW, ARPL).
bool RequireProtected(TranslatorContext& c) {
  if (c.mode.protected_mode && !c.mode.v86) return true;
  c.Raise(kUD);
  return false;
}

Value Sys(TranslatorContext& c, SysOp op, uint64_t p = 0, Value b = {}, Type t = Type::kU64) {
  if (b.valid()) b = c.e.ZExt(Type::kU64, b);
  return c.Call(HelperId::kSystem, t, IrEmitter::Imm64(Pack(op, p)), b);
}

/// ZF = `zf` (U1), the other arithmetic flags unchanged.
void SetZf(TranslatorContext& c, Value zf) {
  auto& e = c.e;
  Value f = e.And(c.ArithFlags(), IrEmitter::Imm64(~uint64_t{kZf}));
  c.SetArithFlags(e.Or(f, e.Shl(e.ZExt(Type::kU64, zf), IrEmitter::Imm8(6))));
}

TranslateFn g_plain_mov = nullptr;  // translate_move.cpp's MOV, for every non-CR/DR form

/// MOV to/from CRn and DRn (SDM Vol. 2B): #UD for a register that does not exist, #GP(0) above
/// CPL 0 (and in V86 mode); 32-bit operands outside 64-bit mode.
void MovSystem(TranslatorContext& c) {
  const Operand& dst = c.d->operands[0];
  const Operand& src = c.d->operands[1];
  const bool to = dst.kind == OperandKind::kCr || dst.kind == OperandKind::kDr;
  const Operand& sys = to ? dst : src;
  if (sys.kind != OperandKind::kCr && sys.kind != OperandKind::kDr) return g_plain_mov(c);
  const unsigned n = sys.reg;
  if (sys.kind == OperandKind::kCr ? !(n == 0 || n == 2 || n == 3 || n == 4 || n == 8) : n > 7)
    return c.Raise(kUD);
  if (!RequireCpl0(c)) return;
  const uint64_t p = n | (uint64_t{Mode64(c)} << 4);
  if (sys.kind == OperandKind::kCr) {
    if (!to)
      return c.Write(0, c.e.ZExt(TranslatorContext::SizeType(dst.size),
                                 c.e.LoadState(Type::kU64, CrOffset(n))));
    Sys(c, SysOp::kWriteCr, p, c.ReadAs(1, Type::kU64), Type::kVoid);
    return c.ExitToNext();  // paging, protection and FPU modes may have changed
  }
  if (!to)
    return c.Write(0, c.e.ZExt(TranslatorContext::SizeType(dst.size), Sys(c, SysOp::kReadDr, p)));
  Sys(c, SysOp::kWriteDr, p, c.ReadAs(1, Type::kU64), Type::kVoid);
}

void Clts(TranslatorContext& c) {
  if (!RequireCpl0(c)) return;
  c.e.StoreState(kCr0Offset,
                 c.e.And(c.e.LoadState(Type::kU64, kCr0Offset), IrEmitter::Imm64(~kCr0Ts)));
  c.ExitToNext();  // CR0.TS is part of the translation mode
}

/// LMSW: loads CR0 bits 0-3; PE can be set but not cleared (SDM Vol. 2A LMSW).
void Lmsw(TranslatorContext& c) {
  if (!RequireCpl0(c)) return;
  auto& e = c.e;
  Value msw = e.And(c.ReadAs(0, Type::kU64), IrEmitter::Imm64(0xF));
  Value cr0 =
      e.Or(e.And(e.LoadState(Type::kU64, kCr0Offset), IrEmitter::Imm64(~uint64_t{0xE})), msw);
  Sys(c, SysOp::kWriteCr, 0 | (uint64_t{Mode64(c)} << 4), cr0, Type::kVoid);
  c.ExitToNext();
}

/// SMSW / SLDT / STR: a register destination takes the operand size, memory is 16 bits.
void StoreSystemWord(TranslatorContext& c, Value v) {
  const Operand& dst = c.d->operands[0];
  if (dst.kind == OperandKind::kMem) return c.Store(c.Address(2), c.e.ZExt(Type::kU16, v));
  c.Write(0, c.e.ZExt(TranslatorContext::SizeType(dst.size), v));
}

void Smsw(TranslatorContext& c) { StoreSystemWord(c, c.e.LoadState(Type::kU64, kCr0Offset)); }

template <bool kLdtr>
void StoreSelector(TranslatorContext& c) {
  if (!RequireProtected(c)) return;
  StoreSystemWord(c, c.e.LoadState(Type::kU16, kLdtr ? offsetof(CpuState, ldtr.selector)
                                                     : offsetof(CpuState, tr.selector)));
}

/// LGDT/LIDT: limit then base (24 bits with a 16-bit operand size, 64 bits in 64-bit mode).
template <bool kIdt>
void LoadTable(TranslatorContext& c) {
  if (!RequireCpl0(c)) return;
  auto& e = c.e;
  const bool wide = Mode64(c);
  Value addr = c.Address(wide ? 10 : 6, false);
  Value limit = c.Load(Type::kU16, addr);
  Value base =
      e.ZExt(Type::kU64, c.Load(wide ? Type::kU64 : Type::kU32, e.Add(addr, IrEmitter::Imm64(2))));
  if (!wide && c.d->operand_size == 2) base = e.And(base, IrEmitter::Imm64(0xFFFFFF));
  const uint32_t reg = kIdt ? offsetof(CpuState, idtr) : offsetof(CpuState, gdtr);
  e.StoreState(reg + offsetof(TableRegister, base), base);
  e.StoreState(reg + offsetof(TableRegister, limit), e.ZExt(Type::kU32, limit));
}

/// SGDT/SIDT: the full 32-bit base outside 64-bit mode whatever the operand size.
template <bool kIdt>
void StoreTable(TranslatorContext& c) {
  auto& e = c.e;
  const bool wide = Mode64(c);
  const uint32_t reg = kIdt ? offsetof(CpuState, idtr) : offsetof(CpuState, gdtr);
  Value addr = c.Address(wide ? 10 : 6, true);
  Value base = e.LoadState(wide ? Type::kU64 : Type::kU32, reg + offsetof(TableRegister, base));
  c.Store(addr, e.LoadState(Type::kU16, reg + offsetof(TableRegister, limit)));
  c.Store(e.Add(addr, IrEmitter::Imm64(2)), base);
}

template <SysOp kOp>
void LoadSystemSegment(TranslatorContext& c) {
  if (!RequireProtected(c) || !RequireCpl0(c)) return;
  Sys(c, kOp, 0, c.ReadAs(0, Type::kU16), Type::kVoid);
}

/// LAR/LSL: the destination is written only when ZF = 1.
template <SysOp kOp>
void LoadRights(TranslatorContext& c) {
  if (!RequireProtected(c)) return;
  auto& e = c.e;
  Value r = Sys(c, kOp, 0, c.ReadAs(1, Type::kU16));
  Value valid = e.Trunc(Type::kU1, e.Lshr(r, IrEmitter::Imm8(32)));
  const Operand& dst = c.d->operands[0];
  Value old = c.GetReg(dst.reg, 8);
  Value res = e.And(r, IrEmitter::Imm64(0xFFFFFFFF));
  if (dst.size == 2)
    res = e.Or(e.And(old, IrEmitter::Imm64(~uint64_t{0xFFFF})), e.And(r, IrEmitter::Imm64(0xFFFF)));
  c.e.StoreState(GprOffset(dst.reg), e.Select(valid, res, old));
  SetZf(c, valid);
}

template <SysOp kOp>
void VerifyOp(TranslatorContext& c) {
  if (!RequireProtected(c)) return;
  SetZf(c, c.e.Trunc(Type::kU1, Sys(c, kOp, 0, c.ReadAs(0, Type::kU16))));
}

/// ARPL: raise the destination selector's RPL to the source's (SDM Vol. 2A ARPL).
void Arpl(TranslatorContext& c) {
  if (!RequireProtected(c)) return;
  auto& e = c.e;
  Value dst = c.Read(0);
  Value src_rpl = e.And(c.GetReg(c.d->operands[1].reg, 2), Value::Imm(Type::kU16, 3));
  Value raise = e.Ult(e.And(dst, Value::Imm(Type::kU16, 3)), src_rpl);
  c.Write(0, e.Select(raise, e.Or(e.And(dst, Value::Imm(Type::kU16, 0xFFFC)), src_rpl), dst));
  SetZf(c, raise);
}

void Rdmsr(TranslatorContext& c) {
  if (RequireCpl0(c)) Sys(c, SysOp::kRdmsr, 0, {}, Type::kVoid);
}

void Wrmsr(TranslatorContext& c) {
  if (!RequireCpl0(c)) return;
  Sys(c, SysOp::kWrmsr, 0, {}, Type::kVoid);
  c.ExitToNext();  // EFER and segment bases may have changed
}

/// RDTSCP: RDTSC, then ECX = IA32_TSC_AUX (SDM Vol. 2B).
void Rdtscp(TranslatorContext& c) {
  c.Call(HelperId::kRdtsc, Type::kVoid);
  c.SetReg(kRcx, 4, c.e.Trunc(Type::kU32, Sys(c, SysOp::kTscAux)));
}

/// SWAPGS (64-bit mode only, by the decoder): exchanges GS.base and IA32_KERNEL_GS_BASE.
void Swapgs(TranslatorContext& c) {
  if (!RequireCpl0(c)) return;
  auto& e = c.e;
  constexpr uint32_t kKernel = offsetof(CpuState, kernel_gs_base);
  Value gs = e.LoadState(Type::kU64, SegBaseOffset(kGs));
  Value kernel = e.LoadState(Type::kU64, kKernel);
  e.StoreState(SegBaseOffset(kGs), kernel);
  e.StoreState(kKernel, gs);
}

void CacheControl(TranslatorContext& c) { RequireCpl0(c); }  // WBINVD/INVD: no caches to flush

void Invlpg(TranslatorContext& c) {
  if (!RequireCpl0(c)) return;
  Sys(c, SysOp::kFlushTlb, 0, {}, Type::kVoid);
  c.ExitToNext();
}

/// SYSCALL/SYSRET/SYSENTER/SYSEXIT: the helper sets RIP, CS, SS, CPL; the dispatcher then
/// re-derives the translation mode.
template <SysOp kOp>
void FastCall(TranslatorContext& c) {
  Value next = kOp == SysOp::kSyscall ? IrEmitter::Imm64(c.next_pc) : Value{};
  Sys(c, kOp, c.d->operand_size, next, Type::kVoid);
  c.e.Exit();
  c.end_block = true;
}

/// CLI/STI: at CPL 0 (and in real mode) IOPL always allows the change, so it is inline; other
/// cases take the helper. STI ends the block so a pending interrupt is seen after it.
template <bool kSet>
void InterruptFlagOp(TranslatorContext& c) {
  auto& e = c.e;
  if (Cpl(c) == 0) {
    Value f = e.LoadState(Type::kU64, kRflagsOffset);
    if (kSet) {
      Value was_clear = e.Eq(e.And(f, IrEmitter::Imm64(kIf)), IrEmitter::Imm64(0));
      e.StoreState(offsetof(CpuState, interrupt_shadow), e.ZExt(Type::kU8, was_clear));
      e.StoreState(kRflagsOffset, e.Or(f, IrEmitter::Imm64(kIf)));
    } else {
      e.StoreState(kRflagsOffset, e.And(f, IrEmitter::Imm64(~uint64_t{kIf})));
    }
  } else {
    Sys(c, kSet ? SysOp::kSti : SysOp::kCli, 0, {}, Type::kVoid);
  }
  if (kSet) c.ExitToNext();
}

/// Whether port accesses need the IOPL / bitmap check (never at CPL 0 outside V86 mode).
bool NeedsIoCheck(const TranslatorContext& c) { return Cpl(c) != 0; }

Value PortOperand(TranslatorContext& c, const Operand& op) {
  if (op.kind == OperandKind::kImm)
    return IrEmitter::Imm64(static_cast<uint64_t>(c.d->imm[op.reg]) & 0xFF);
  return c.e.ZExt(Type::kU64, c.GetReg(kRdx, 2));
}

void In(TranslatorContext& c) {
  const unsigned size = c.d->operands[0].size;
  Value v =
      Sys(c, SysOp::kIn, size | (uint64_t{NeedsIoCheck(c)} << 4), PortOperand(c, c.d->operands[1]));
  c.SetReg(kRax, size, c.e.Trunc(TranslatorContext::SizeType(size), v));
}

void Out(TranslatorContext& c) {
  auto& e = c.e;
  const unsigned size = c.d->operands[1].size;
  Value a = e.Or(IrEmitter::Imm64(Pack(SysOp::kOut, size | (uint64_t{NeedsIoCheck(c)} << 4))),
                 e.Shl(PortOperand(c, c.d->operands[0]), IrEmitter::Imm8(32)));
  c.Call(HelperId::kSystem, Type::kVoid, a, e.ZExt(Type::kU64, c.GetReg(kRax, size)));
}

template <bool kOut>
void StringPortOp(TranslatorContext& c) {
  const DecodedInst& d = *c.d;
  StringIo io{
      std::min<unsigned>(d.operand_size, 4),
      d.address_size,
      (d.prefixes & (kPrefixRep | kPrefixRepne)) != 0,
      kOut,
      NeedsIoCheck(c),
      Mode64(c),
      static_cast<unsigned>(d.segment_override == Seg::kNone ? Seg::kDS : d.segment_override)};
  Value again = Sys(c, SysOp::kStringIo, io.Pack());
  if (!io.rep) return;
  // Re-enter the instruction while iterations remain (each pass lets the dispatcher run).
  c.e.Branch(c.e.Ne(again, IrEmitter::Imm64(0)), c.pc, c.next_pc);
  c.end_block = true;
}

}  // namespace

void RegisterSystem(HandlerTable& t) {
  // MOV CR/DR shares its mnemonic with the ordinary MOV: wrap the registered handler.
  if (g_plain_mov == nullptr) g_plain_mov = t.Get(Mnemonic::kMOV);
  t.Add(Mnemonic::kMOV, MovSystem);
  t.Add(Mnemonic::kCLTS, Clts);
  t.Add(Mnemonic::kLMSW, Lmsw);
  t.Add(Mnemonic::kSMSW, Smsw);
  t.Add(Mnemonic::kLGDT, LoadTable<false>);
  t.Add(Mnemonic::kLIDT, LoadTable<true>);
  t.Add(Mnemonic::kSGDT, StoreTable<false>);
  t.Add(Mnemonic::kSIDT, StoreTable<true>);
  t.Add(Mnemonic::kLLDT, LoadSystemSegment<SysOp::kLldt>);
  t.Add(Mnemonic::kLTR, LoadSystemSegment<SysOp::kLtr>);
  t.Add(Mnemonic::kSLDT, StoreSelector<true>);
  t.Add(Mnemonic::kSTR, StoreSelector<false>);
  t.Add(Mnemonic::kLAR, LoadRights<SysOp::kLar>);
  t.Add(Mnemonic::kLSL, LoadRights<SysOp::kLsl>);
  t.Add(Mnemonic::kVERR, VerifyOp<SysOp::kVerr>);
  t.Add(Mnemonic::kVERW, VerifyOp<SysOp::kVerw>);
  t.Add(Mnemonic::kARPL, Arpl);
  t.Add(Mnemonic::kRDMSR, Rdmsr);
  t.Add(Mnemonic::kWRMSR, Wrmsr);
  t.Add(Mnemonic::kRDTSCP, Rdtscp);
  t.Add(Mnemonic::kSWAPGS, Swapgs);
  t.Add(Mnemonic::kWBINVD, CacheControl);
  t.Add(Mnemonic::kINVD, CacheControl);
  t.Add(Mnemonic::kINVLPG, Invlpg);
  t.Add(Mnemonic::kSYSCALL, FastCall<SysOp::kSyscall>);
  t.Add(Mnemonic::kSYSRET, FastCall<SysOp::kSysret>);
  t.Add(Mnemonic::kSYSENTER, FastCall<SysOp::kSysenter>);
  t.Add(Mnemonic::kSYSEXIT, FastCall<SysOp::kSysexit>);
  t.Add(Mnemonic::kCLI, InterruptFlagOp<false>);
  t.Add(Mnemonic::kSTI, InterruptFlagOp<true>);
  t.Add(Mnemonic::kIN, In);
  t.Add(Mnemonic::kOUT, Out);
  for (Mnemonic m : {Mnemonic::kINSB, Mnemonic::kINSW, Mnemonic::kINSD})
    t.Add(m, StringPortOp<false>);
  for (Mnemonic m : {Mnemonic::kOUTSB, Mnemonic::kOUTSW, Mnemonic::kOUTSD})
    t.Add(m, StringPortOp<true>);
}

}  // namespace vireo::x86
