// String instructions MOVS, CMPS, SCAS, LODS, STOS in every element and address size, with and
// without REP/REPE/REPNE (SDM Vol. 2B MOVS/MOVSB/MOVSW/MOVSD/MOVSQ, CMPS, SCAS, LODS, STOS and
// REP/REPE/REPZ/REPNE/REPNZ).
//
// Without a repeat prefix an instruction is inline IR. With one, a helper performs a bounded
// number of iterations per call, keeping rCX/rSI/rDI/flags in CpuState exact after every
// iteration, and the translated code branches back to the instruction while the count is not
// exhausted. That keeps the instruction interruptible and restartable as SDM Vol. 2B REP
// describes: when an exception or interrupt suspends it, rSI/rDI point to the next elements,
// rCX holds the count after the last completed iteration and rIP the string instruction.

#include <algorithm>
#include <cstddef>
#include <cstring>

#include "cpu/x86/cpu.h"
#include "cpu/x86/helpers.h"
#include "cpu/x86/translate_families.h"

namespace vireo::x86 {

namespace {

using ir::Type;
using ir::Value;

enum class StrOp : uint8_t { kMovs, kCmps, kScas, kLods, kStos };
enum class RepKind : uint8_t { kNone, kRep, kRepe, kRepne };

/// The helper's first argument: everything about the instruction known at translation time.
struct Descriptor {
  StrOp op;
  unsigned size_log2;  ///< element size
  unsigned asz;        ///< address size in bytes (2/4/8): counter and index width
  RepKind rep;
  unsigned src_seg;  ///< segment of the rSI operand (DS unless overridden)
  bool mode64;

  uint64_t Pack() const {
    return static_cast<uint64_t>(op) | (uint64_t{size_log2} << 3) | (uint64_t{asz} << 5) |
           (static_cast<uint64_t>(rep) << 9) | (uint64_t{src_seg} << 11) | (uint64_t{mode64} << 14);
  }
  static Descriptor Unpack(uint64_t v) {
    return {static_cast<StrOp>(v & 7),
            static_cast<unsigned>((v >> 3) & 3),
            static_cast<unsigned>((v >> 5) & 15),
            static_cast<RepKind>((v >> 9) & 3),
            static_cast<unsigned>((v >> 11) & 7),
            ((v >> 14) & 1) != 0};
  }
};

constexpr uint32_t kRflagsOffset = offsetof(CpuState, rflags);

bool UsesSource(StrOp op) { return op == StrOp::kMovs || op == StrOp::kCmps || op == StrOp::kLods; }
bool UsesDest(StrOp op) { return op != StrOp::kLods; }

// --- the helper --------------------------------------------------------------------------------

/// Work units one helper call may do before it returns to the dispatcher (which then checks
/// interrupts and the instruction budget and re-enters the instruction): about 64 KiB copied on
/// the host-memory path, fewer elements when they go through the vCPU's slow path.
constexpr uint64_t kWorkPerCall = 64 * 1024;
constexpr uint64_t kSlowElementCost = 256;

uint64_t AddrMask(unsigned asz) { return asz == 8 ? ~uint64_t{0} : (uint64_t{1} << (asz * 8)) - 1; }

/// Writes an address-size register (SDM Vol. 1 3.4.1.1: 32-bit writes zero-extend, 16-bit
/// writes keep bits 63:16).
void PutReg(CpuState& s, unsigned reg, unsigned asz, uint64_t v) {
  if (asz == 2)
    s.gpr[reg] = (s.gpr[reg] & ~uint64_t{0xFFFF}) | (v & 0xFFFF);
  else
    s.gpr[reg] = v & AddrMask(asz);
}

/// Where an access of a run can go: straight to host memory, or through the slow path.
struct HostPage {
  uint8_t* page = nullptr;  ///< host address of the linear page's first byte
  uint64_t phys = 0;        ///< physical page (when code must be checked before writing)
  bool check_code = false;  ///< a writable RAM page that holds translated code
};
enum class PageStatus { kHost, kSlow, kFault };

/// Resolves the page of `linear` for reads or writes. A TLB hit is the common case; a miss is
/// filled by the vCPU's page walk, which raises #PF/#GP exactly as a single access would.
PageStatus ResolvePage(Cpu& cpu, CpuState& s, uint64_t linear, bool write, HostPage* out) {
  const uint64_t lpage = linear & jit::kPageMask;
  const jit::TlbEntry& e = s.tlb.entries[(linear >> jit::kPageBits) & (jit::kTlbEntries - 1)];
  auto hit = [&] { return (write ? e.write_tag : e.read_tag) == lpage; };
  if (!hit()) {
    uint64_t phys;
    if (!cpu.TranslateForAccess(linear, Access{write, false, s.cpl == 3}, &phys, true))
      return PageStatus::kFault;
    if (!hit()) {
      // No TLB tag: MMIO, ROM or a partial page (slow path), or, for a write, RAM that holds
      // translated code: writes there are direct only where no code lies in the written bytes.
      if (!write) return PageStatus::kSlow;
      machine::MemoryLookup m = cpu.memory().Lookup(phys & jit::kPageMask);
      if (m.kind != machine::MemoryKind::kRam || m.span < 4096) return PageStatus::kSlow;
      *out = {m.host, phys & jit::kPageMask, true};
      return PageStatus::kHost;
    }
  }
  *out = {reinterpret_cast<uint8_t*>(lpage + e.addend), 0, false};
  return PageStatus::kHost;
}

/// How many consecutive elements, starting at `offset` and moving by `step`, pass the segment
/// checks outside 64-bit mode (SDM Vol. 3A 5.3): 0 when the first one already violates the
/// segment's rights or limit.
uint64_t SegmentFit(const SegmentCache& seg, uint8_t bits, bool write, uint64_t offset,
                    unsigned size, int64_t step) {
  if (!(bits & TranslationMode::kSegReadable) || (write && !(bits & TranslationMode::kSegWritable)))
    return 0;
  if (bits & TranslationMode::kSegFlat) return ~uint64_t{0};
  const uint64_t limit = seg.limit, last = offset + size - 1;
  if (bits & TranslationMode::kSegExpandDown) {
    const uint64_t top = (bits & TranslationMode::kSegBig) ? 0xFFFFFFFF : 0xFFFF;
    if (offset <= limit || last > top) return 0;
    return step > 0 ? (top - last) / size + 1 : (offset - limit - 1) / size + 1;
  }
  if (last > limit) return 0;
  return step > 0 ? (limit - last) / size + 1 : ~uint64_t{0};
}

/// The state of one REP execution while the helper runs.
struct RepRun {
  Descriptor d;
  unsigned size;
  int64_t step;   ///< +size (DF=0) or -size (DF=1)
  uint64_t mask;  ///< address-size mask
  uint64_t src_base, dst_base;
  uint64_t count, si, di;
  uint64_t acc;  ///< rAX at the element size (SCAS, STOS)
  bool compared = false;
  uint64_t last_a = 0, last_b = 0;

  uint64_t LinearOf(uint64_t base, uint64_t offset) const {
    uint64_t l = base + offset;
    return d.mode64 ? l : l & 0xFFFFFFFF;  // SDM Vol. 3A 3.4: 32-bit linear addresses wrap
  }
  /// Elements of a run starting at index `offset` that stay inside its page and do not wrap
  /// the index register (0 when the first element itself crosses a page or the wrap).
  uint64_t Fit(uint64_t base, uint64_t offset) const {
    const uint64_t in_page = LinearOf(base, offset) & 0xFFF;
    if (in_page + size > 4096 || offset + size - 1 > mask) return 0;
    uint64_t n_page, n_index;
    if (step > 0) {
      n_page = (4096 - in_page) / size;
      n_index = d.asz == 8 ? ~uint64_t{0} : (mask - offset + 1) / size;
    } else {
      n_page = in_page / size + 1;
      n_index = offset / size + 1;
    }
    return std::min(n_page, n_index);
  }
  void Advance(uint64_t n) {
    const uint64_t delta = static_cast<uint64_t>(step) * n;
    if (UsesSource(d.op)) si = (si + delta) & mask;
    if (UsesDest(d.op)) di = (di + delta) & mask;
    count = (count - n) & mask;
  }
  /// Which operand of CMPS is read first, i.e. whose fault is reported when both fault. The
  /// SDM leaves it open; the reference host (AMD) reads [rDI] first except for REPE CMPSB.
  bool DestFirst() const { return d.op == StrOp::kCmps && !(d.rep == RepKind::kRepe && size == 1); }
  bool Stops(uint64_t a, uint64_t b) const {
    // SDM Vol. 2B REP: REPE/REPZ end when ZF = 0, REPNE/REPNZ when ZF = 1.
    return (d.rep == RepKind::kRepe && a != b) || (d.rep == RepKind::kRepne && a == b);
  }
};

/// Runs up to `n` elements on host memory (all accesses inside one page each). Returns the
/// elements done; sets *stop when a REPE/REPNE condition ended the instruction.
template <typename T>
uint64_t HostElements(RepRun& r, uint8_t* src, uint8_t* dst, uint64_t n, bool* stop) {
  const int64_t step = r.step;
  auto load = [](const uint8_t* p) {
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
  };
  auto store = [](uint8_t* p, T v) { std::memcpy(p, &v, sizeof v); };
  switch (r.d.op) {
    case StrOp::kMovs: {
      const uint64_t len = n * sizeof(T);
      uint8_t* lo_s = step > 0 ? src : src - (n - 1) * sizeof(T);
      uint8_t* lo_d = step > 0 ? dst : dst - (n - 1) * sizeof(T);
      // Element-by-element copying equals memmove unless a later element reads bytes an
      // earlier one wrote (destination ahead of the source in the walking direction).
      bool hazard =
          lo_d < lo_s + len && lo_s < lo_d + len && (step > 0 ? lo_d > lo_s : lo_d < lo_s);
      if (!hazard) {
        std::memmove(lo_d, lo_s, len);
      } else {
        for (uint64_t i = 0; i < n; ++i, src += step, dst += step) store(dst, load(src));
      }
      return n;
    }
    case StrOp::kStos: {
      const T v = static_cast<T>(r.acc);
      if (sizeof(T) == 1) {
        std::memset(step > 0 ? dst : dst - (n - 1), static_cast<int>(v), n);
      } else {
        for (uint64_t i = 0; i < n; ++i, dst += step) store(dst, v);
      }
      return n;
    }
    case StrOp::kLods:
      // Only the last element reaches rAX; reads of ordinary RAM have no other effect.
      r.acc = load(src + step * static_cast<int64_t>(n - 1));
      return n;
    case StrOp::kCmps:
    case StrOp::kScas: {
      const bool scas = r.d.op == StrOp::kScas;
      const T acc = static_cast<T>(r.acc);
      for (uint64_t i = 0; i < n; ++i) {
        T a = scas ? acc : load(src + step * static_cast<int64_t>(i));
        T b = load(dst + step * static_cast<int64_t>(i));
        r.compared = true;
        r.last_a = a;
        r.last_b = b;
        if (r.Stops(a, b)) {
          *stop = true;
          return i + 1;
        }
      }
      return n;
    }
  }
  return 0;
}

/// One element through the vCPU's slow paths (page walk, MMIO, self-modifying code). Returns
/// false after a fault has been recorded.
bool SlowElement(jit::ExecEnv* env, RepRun& r, bool* stop) {
  const uint64_t src = r.LinearOf(r.src_base, r.si), dst = r.LinearOf(r.dst_base, r.di);
  uint64_t a = 0, b = 0;
  switch (r.d.op) {
    case StrOp::kMovs:
      if (!env->load_slow(env, src, r.size, &a) || !env->store_slow(env, dst, r.size, a))
        return false;
      break;
    case StrOp::kStos:
      if (!env->store_slow(env, dst, r.size, r.acc)) return false;
      break;
    case StrOp::kLods:
      if (!env->load_slow(env, src, r.size, &a)) return false;
      r.acc = a;
      break;
    case StrOp::kCmps:
    case StrOp::kScas:
      a = r.acc;
      if (r.d.op == StrOp::kCmps && !r.DestFirst() && !env->load_slow(env, src, r.size, &a))
        return false;
      if (!env->load_slow(env, dst, r.size, &b)) return false;
      if (r.d.op == StrOp::kCmps && r.DestFirst() && !env->load_slow(env, src, r.size, &a))
        return false;
      r.compared = true;
      r.last_a = a;
      r.last_b = b;
      *stop = r.Stops(a, b);
      break;
  }
  return true;
}

/// Writes the registers and flags of the iterations completed so far.
void Commit(CpuState& s, const RepRun& r) {
  const unsigned asz = r.d.asz;
  if (UsesSource(r.d.op)) PutReg(s, kRsi, asz, r.si);
  if (UsesDest(r.d.op)) PutReg(s, kRdi, asz, r.di);
  PutReg(s, kRcx, asz, r.count);
  if (r.d.op == StrOp::kLods) {
    if (r.size == 1)
      s.gpr[kRax] = (s.gpr[kRax] & ~uint64_t{0xFF}) | r.acc;
    else if (r.size == 2)
      s.gpr[kRax] = (s.gpr[kRax] & ~uint64_t{0xFFFF}) | r.acc;
    else
      s.gpr[kRax] = r.acc;  // LODSD zero-extends into RAX like any 32-bit write
  }
  if (r.compared) {
    // CMPS/SCAS set the flags as CMP does, from SRC1 - SRC2 (SDM Vol. 2B CMPS, SCAS).
    const uint64_t m = r.size == 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * r.size)) - 1;
    s.cc_op = CcOp(CcKind::kSub, r.d.size_log2);
    s.cc_dst = (r.last_a - r.last_b) & m;
    s.cc_src = r.last_b;
    s.cc_src2 = 0;
  }
}

uint64_t SegmentBase(const CpuState& s, unsigned seg, bool mode64) {
  // SDM Vol. 3A 3.2.4: in 64-bit mode only FS and GS have a base.
  if (mode64 && seg != kFs && seg != kGs) return 0;
  return s.seg[seg].base;
}

}  // namespace

/// REP MOVS/CMPS/SCAS/LODS/STOS. Returns 1 when the instruction must run again (work budget
/// used up with the count not exhausted and no REPE/REPNE stop), 0 when it is complete.
uint64_t StringOpHelper(jit::ExecEnv* env, uint64_t descriptor, uint64_t) {
  CpuState& s = *static_cast<CpuState*>(env->state);
  Cpu& cpu = *static_cast<Cpu*>(env->cpu);
  RepRun r{};
  r.d = Descriptor::Unpack(descriptor);
  r.mask = AddrMask(r.d.asz);
  r.count = s.gpr[kRcx] & r.mask;
  if (r.count == 0) return 0;  // SDM Vol. 2B REP: count 0 performs no iteration at all
  r.size = 1u << r.d.size_log2;
  r.step = (s.rflags & kDf) ? -static_cast<int64_t>(r.size) : static_cast<int64_t>(r.size);
  r.si = s.gpr[kRsi] & r.mask;
  r.di = s.gpr[kRdi] & r.mask;
  r.acc = r.size == 8 ? s.gpr[kRax] : s.gpr[kRax] & ((uint64_t{1} << (8 * r.size)) - 1);
  r.src_base = SegmentBase(s, r.d.src_seg, r.d.mode64);
  r.dst_base = SegmentBase(s, kEs, r.d.mode64);  // ES:rDI cannot be overridden
  const bool uses_src = UsesSource(r.d.op), uses_dst = UsesDest(r.d.op);
  const bool writes = r.d.op == StrOp::kMovs || r.d.op == StrOp::kStos;
  const TranslationMode mode = cpu.CurrentMode();
  const bool bulk = writes;  // host copies/fills cost per byte; compares per element
  bool stop = false;
  uint64_t work = 0, total = 0;
  while (r.count != 0 && !stop && work < kWorkPerCall) {
    uint64_t n = r.count;
    if (!r.d.mode64) {
      // Segmentation comes before paging, access by access: the source element's checks, then
      // the destination's (a source #PF is reported before a destination #GP).
      const uint8_t sb = mode.seg[r.d.src_seg], db = mode.seg[kEs];
      uint64_t sfit =
          uses_src ? SegmentFit(s.seg[r.d.src_seg], sb, false, r.si, r.size, r.step) : ~uint64_t{0};
      uint64_t dfit =
          uses_dst ? SegmentFit(s.seg[kEs], db, writes, r.di, r.size, r.step) : ~uint64_t{0};
      if (sfit == 0) {
        cpu.RaiseException(r.d.src_seg == kSs ? kSS : kGP, true, 0);
        break;
      }
      if (dfit == 0) {
        HostPage probe{};
        if (uses_src &&
            ResolvePage(cpu, s, r.LinearOf(r.src_base, r.si), false, &probe) == PageStatus::kFault)
          break;
        cpu.RaiseException(kGP, true, 0);  // ES is never the stack segment
        break;
      }
      n = std::min({n, sfit, dfit});
    }
    if (uses_src) n = std::min(n, r.Fit(r.src_base, r.si));
    if (uses_dst) n = std::min(n, r.Fit(r.dst_base, r.di));
    const uint64_t unit = bulk ? r.size : 8;
    n = std::min(n, (kWorkPerCall - work + unit - 1) / unit);
    bool fast = n != 0;
    HostPage src{}, dst{};
    const uint64_t src_lin = r.LinearOf(r.src_base, r.si), dst_lin = r.LinearOf(r.dst_base, r.di);
    // Resolve in the order the first element accesses memory (the source, then the
    // destination; see DestFirst for CMPS), so the fault reported is the one the first element
    // would take.
    auto resolve_src = [&] {
      PageStatus st = ResolvePage(cpu, s, src_lin, false, &src);
      fast = st == PageStatus::kHost;
      return st != PageStatus::kFault;
    };
    const bool dst_first = r.DestFirst();
    if (fast && uses_src && !dst_first && !resolve_src()) break;
    if (fast && uses_dst) {
      PageStatus st = ResolvePage(cpu, s, dst_lin, writes, &dst);
      if (st == PageStatus::kFault) break;
      fast = st == PageStatus::kHost;
      if (fast && dst.check_code) {
        // A page with translated code: direct only if the written bytes hold none.
        uint64_t lo = (dst_lin & 0xFFF) - (r.step < 0 ? (n - 1) * r.size : 0);
        fast = !cpu.cache().HasCode(dst.phys + lo, n * r.size);
      }
    }
    if (fast && uses_src && dst_first && !resolve_src()) break;
    uint64_t done;
    if (fast) {
      uint8_t* sp = uses_src ? src.page + (src_lin & 0xFFF) : nullptr;
      uint8_t* dp = uses_dst ? dst.page + (dst_lin & 0xFFF) : nullptr;
      switch (r.size) {
        case 1:
          done = HostElements<uint8_t>(r, sp, dp, n, &stop);
          break;
        case 2:
          done = HostElements<uint16_t>(r, sp, dp, n, &stop);
          break;
        case 4:
          done = HostElements<uint32_t>(r, sp, dp, n, &stop);
          break;
        default:
          done = HostElements<uint64_t>(r, sp, dp, n, &stop);
          break;
      }
      work += done * unit;
    } else {
      if (!SlowElement(env, r, &stop)) break;
      done = 1;
      work += kSlowElementCost;
    }
    r.Advance(done);
    total += done;
  }
  // A fault before the first iteration leaves every register as it was (not even the upper
  // half of a 32-bit counter is cleared).
  if (total != 0) Commit(s, r);
  if (env->fault) return 0;
  return r.count != 0 && !stop;
}

namespace {

// --- translation ------------------------------------------------------------------------------

unsigned Log2(unsigned bytes) { return bytes == 8 ? 3 : bytes == 4 ? 2 : bytes == 2 ? 1 : 0; }

Seg SourceSegment(const DecodedInst& d) {
  return d.segment_override == Seg::kNone ? Seg::kDS : d.segment_override;
}

/// One iteration as inline IR: all memory accesses first, then flags and registers, so a
/// fault leaves the state as at the instruction's start.
void Single(TranslatorContext& c, StrOp op) {
  auto& e = c.e;
  const unsigned size = c.d->operand_size, asz = c.d->address_size;
  const Type t = TranslatorContext::SizeType(size), at = TranslatorContext::SizeType(asz);
  Value si, di, a, b;
  if (UsesSource(op)) si = c.GetReg(kRsi, asz);
  if (UsesDest(op)) di = c.GetReg(kRdi, asz);
  const bool writes = op == StrOp::kMovs || op == StrOp::kStos;
  auto src = [&] { return c.Linear(SourceSegment(*c.d), si, size, false); };
  auto dst = [&] { return c.Linear(Seg::kES, di, size, writes); };
  switch (op) {
    case StrOp::kMovs:
      c.Store(dst(), c.Load(t, src()));
      break;
    case StrOp::kStos:
      c.Store(dst(), c.GetReg(kRax, size));
      break;
    case StrOp::kLods:
      a = c.Load(t, src());
      break;
    case StrOp::kCmps:
      // SDM Vol. 2B CMPS: SRC1 is [rSI], SRC2 is [rDI]. The SDM does not order the two reads;
      // the reference host (AMD) reads [rDI] first, so when both fault rDI's #PF is reported.
      b = c.Load(t, dst());
      a = c.Load(t, src());
      break;
    case StrOp::kScas:
      a = c.GetReg(kRax, size);
      b = c.Load(t, dst());
      break;
  }
  if (op == StrOp::kCmps || op == StrOp::kScas) c.SetFlags(CcKind::kSub, size, e.Sub(a, b), b);
  if (op == StrOp::kLods) c.SetReg(kRax, size, a);
  // SDM Vol. 2B MOVS: rSI/rDI move by the element size, down when DF = 1.
  Value df = e.Ne(e.And(e.LoadState(Type::kU64, kRflagsOffset), ir::IrEmitter::Imm64(kDf)),
                  ir::IrEmitter::Imm64(0));
  Value step = e.Select(df, Value::Imm(at, -uint64_t{size}), Value::Imm(at, size));
  if (UsesSource(op)) c.SetReg(kRsi, asz, e.Add(si, step));
  if (UsesDest(op)) c.SetReg(kRdi, asz, e.Add(di, step));
}

template <StrOp kOp>
void StringInst(TranslatorContext& c) {
  const DecodedInst& d = *c.d;
  RepKind rep = RepKind::kNone;
  if (d.prefixes & (kPrefixRep | kPrefixRepne)) {
    if (kOp == StrOp::kCmps || kOp == StrOp::kScas)
      rep = (d.prefixes & kPrefixRepne) ? RepKind::kRepne : RepKind::kRepe;
    else
      rep = RepKind::kRep;  // F2 and F3 both repeat MOVS/LODS/STOS (the Z bit is not tested)
  }
  if (rep == RepKind::kNone) return Single(c, kOp);
  Descriptor desc{kOp,
                  Log2(d.operand_size),
                  d.address_size,
                  rep,
                  static_cast<unsigned>(SourceSegment(d)),
                  c.mode.code == CodeSize::k64};
  Value again = c.Call(HelperId::kStringOp, Type::kU64, ir::IrEmitter::Imm64(desc.Pack()));
  // Re-enter the instruction until the helper reports it complete; each pass ends the block,
  // so the dispatcher sees interrupts and the instruction budget between passes.
  c.e.Branch(c.e.Ne(again, ir::IrEmitter::Imm64(0)), c.pc, c.next_pc);
  c.end_block = true;
}

}  // namespace

void RegisterString(HandlerTable& t) {
  for (Mnemonic m : {Mnemonic::kMOVSB, Mnemonic::kMOVSW, Mnemonic::kMOVSD, Mnemonic::kMOVSQ})
    t.Add(m, StringInst<StrOp::kMovs>);
  for (Mnemonic m : {Mnemonic::kCMPSB, Mnemonic::kCMPSW, Mnemonic::kCMPSD, Mnemonic::kCMPSQ})
    t.Add(m, StringInst<StrOp::kCmps>);
  for (Mnemonic m : {Mnemonic::kSCASB, Mnemonic::kSCASW, Mnemonic::kSCASD, Mnemonic::kSCASQ})
    t.Add(m, StringInst<StrOp::kScas>);
  for (Mnemonic m : {Mnemonic::kLODSB, Mnemonic::kLODSW, Mnemonic::kLODSD, Mnemonic::kLODSQ})
    t.Add(m, StringInst<StrOp::kLods>);
  for (Mnemonic m : {Mnemonic::kSTOSB, Mnemonic::kSTOSW, Mnemonic::kSTOSD, Mnemonic::kSTOSQ})
    t.Add(m, StringInst<StrOp::kStos>);
}

}  // namespace vireo::x86
