#include "cpu/x86/cpu.h"

#include <cstring>
#include <vector>

#include "cpu/x86/decoder.h"
#include "cpu/x86/disasm.h"
#include "cpu/x86/helpers.h"
#include "cpu/x86/interrupts.h"
#include "cpu/x86/mmu.h"
#include "cpu/x86/msr.h"
#include "jit/interp/interpreter.h"
#include "jit/ir/passes.h"

namespace vireo::x86 {

namespace {
constexpr uint64_t kCr0Pe = 1, kCr0Am = 1 << 18;  // EFER bits come from msr.h
constexpr uint16_t kAttrL = 1u << 13, kAttrDb = 1u << 14;
constexpr uint64_t kDr6Bs = 1u << 14;  // DR6.BS: the #DB came from single-stepping (SDM 18.2.3)

/// What translated code may assume about a segment (TranslationMode::SegBits). In real and
/// virtual-8086 mode every segment is usable read/write (SDM Vol. 3A 20.1); in protected mode
/// the cached descriptor decides: a null or not-present segment is unusable (SDM 5.4), code is
/// readable only with R set and never writable, data is writable only with W set.
uint8_t SegmentBits(const SegmentCache& seg, bool protected_checks) {
  uint8_t bits = 0;
  const uint16_t type = seg.attrs & 0xF;
  const bool present = seg.attrs & 0x80;
  const bool is_code = (seg.attrs & 0x10) && (type & 8);
  if (!protected_checks) {
    bits = TranslationMode::kSegReadable | TranslationMode::kSegWritable;
  } else if (present && (seg.attrs & 0x10)) {
    if (is_code) {
      if (type & 2) bits |= TranslationMode::kSegReadable;
    } else {
      bits |= TranslationMode::kSegReadable;
      if (type & 2) bits |= TranslationMode::kSegWritable;
      if (type & 4) bits |= TranslationMode::kSegExpandDown;
    }
  }
  if (seg.attrs & (1u << 14)) bits |= TranslationMode::kSegBig;
  if (seg.base == 0 && seg.limit == 0xFFFFFFFF && !(bits & TranslationMode::kSegExpandDown))
    bits |= TranslationMode::kSegFlat;
  return bits;
}

bool Canonical(uint64_t a) {
  return static_cast<uint64_t>((static_cast<int64_t>(a) << 16) >> 16) == a;
}
}  // namespace

Cpu::Cpu(machine::AddressSpace& memory) : memory_(memory), state_(std::make_unique<CpuState>()) {
  env_.state = state_.get();
  env_.tlb = &state_->tlb;
  env_.helpers = HelperTable();
  env_.load_slow = &Cpu::LoadSlow;
  env_.store_slow = &Cpu::StoreSlow;
  env_.pc_offset = offsetof(CpuState, rip);
  env_.raise = [](jit::ExecEnv* env, uint64_t code) {
    static_cast<Cpu*>(env->cpu)->RaiseException(static_cast<uint8_t>(code), (code & 0x100) != 0,
                                                static_cast<uint32_t>(code >> 16));
  };
  env_.interrupt_request = &state_->interrupt_request;
  env_.should_exit = &Cpu::ShouldExit;
  env_.cpu = this;
  memory_.SetA20ChangedHook([this] { FlushTlb(); });
  Reset();
}

Cpu::~Cpu() { memory_.SetA20ChangedHook(nullptr); }

void Cpu::Reset() {
  CpuState& s = *state_;
  std::memset(s.gpr, 0, sizeof s.gpr);
  // SDM Vol. 3A Table 10-1: state after power-up / RESET.
  s.rip = 0xFFF0;
  s.rflags = kFixedOne;
  s.cc_op = CcOp(CcKind::kEflags, 0);
  s.cc_dst = s.cc_src = s.cc_src2 = 0;
  s.cpl = 0;
  for (SegmentCache& seg : s.seg) seg = {0, 0xFFFF, 0, 0x93};  // present, data RW, accessed
  s.seg[kCs] = {0xFFFF0000, 0xFFFF, 0xF000, 0x9B};             // present, code RX, accessed
  s.ldtr = {0, 0xFFFF, 0, 0x82};
  s.tr = {0, 0xFFFF, 0, 0x8B};
  s.gdtr = {0, 0xFFFF, 0};
  s.idtr = {0, 0xFFFF, 0};
  s.cr0 = 0x60000010;
  s.cr2 = s.cr3 = s.cr4 = s.cr8 = 0;
  s.efer = 0;
  std::memset(s.dr, 0, sizeof s.dr);
  s.dr[6] = 0xFFFF0FF0;
  s.dr[7] = 0x400;
  s.exception_vector = -1;
  s.interrupt_shadow = 0;
  s.nmi_blocked = 0;
  s.interrupt_request.fetch_and(~uint32_t{kNmiPending});
  ResetMsrs(s);
  s.gpr[kRdx] = 0x600;  // processor signature: family 6 (SDM: EDX holds the CPUID.1 EAX value)
  // x87/SSE power-up state (SDM Vol. 3A Table 10-1): FCW 0x0040, tags empty, MXCSR 0x1F80.
  s.fpu = {};
  s.fpu.fcw = 0x0040;
  s.fpu.ftw = 0xFFFF;
  s.fpu.mxcsr = 0x1F80;
  s.fpu.xcr0 = 1;
  halted_ = false;
  FlushTlb();
}

void Cpu::SetTiers(const jit::TierOptions& options) {
  tier1_.reset();
  if (options.mode == jit::TierMode::kInterp) return;
  jit::LowerConfig config = jit::LowerConfig::For(env_);
  // What no slow path, raise() or ShouldExit() reads: the general registers and the lazy-flag
  // fields. RFLAGS stays in memory (the MMU reads AC and VM, ShouldExit IF and TF).
  for (unsigned r = 0; r < 16; ++r) config.promotable.push_back({GprOffset(r), 8});
  config.promotable.push_back({offsetof(CpuState, cc_dst), 8});
  config.promotable.push_back({offsetof(CpuState, cc_src), 8});
  config.promotable.push_back({offsetof(CpuState, cc_src2), 8});
  config.promotable.push_back({offsetof(CpuState, cc_op), 4});
  // Flag materialisation rewrites RFLAGS' arithmetic bits often; only these others can end a
  // region (TF, IF) or change the translation mode (AC, VM).
  config.watched_offset = offsetof(CpuState, rflags);
  config.watched_mask = kTf | kIf | kAc | kVm;
  tier1_ = std::make_unique<jit::Tier1>(options, std::move(config), cache_);
}

bool Cpu::ShouldExit(jit::ExecEnv* env) {
  Cpu* cpu = static_cast<Cpu*>(env->cpu);
  const CpuState& s = *cpu->state_;
  if ((s.interrupt_request.load(std::memory_order_relaxed) & kKick) ||
      cpu->InterruptDeliverable())
    return true;
  if (cpu->halted_ || (s.rflags & kTf) || s.interrupt_shadow) return true;
  return cpu->running_ != nullptr && cpu->CurrentMode().Key() != cpu->running_->mode;
}

jit::RunResult Cpu::RunBlock(jit::CachedBlock* b, uint64_t remaining, uint64_t* executed) {
  CpuState& s = *state_;
  const bool wide = (s.efer & kEferLma) && (s.seg[kCs].attrs & kAttrL);
  if (tier1_ != nullptr && tier1_->options().mode == jit::TierMode::kLlvm && b->native == nullptr)
    tier1_->CompileNow(b, s.seg[kCs].base, wide);
  jit::RunResult r;
  uint64_t ran;
  const bool native = b->native != nullptr;
  if (native) {
    where_.store(kInTier1, std::memory_order_relaxed);
    env_.budget = remaining;
    env_.insts = 0;
    int64_t code = b->native->entry(&env_);
    ran = env_.insts;
    r.kind = code == -2 ? jit::RunResult::Kind::kFault : jit::RunResult::Kind::kNext;
    r.next_pc = s.rip;
    r.taken = static_cast<int8_t>(code >= 0 && code < 127 ? code : -1);
    ++stats_.native_runs;
    stats_.native_insts += ran;
  } else {
    where_.store(kInTier0, std::memory_order_relaxed);
    r = jit::Interpreter::Run(b->code, env_);
    ran = b->code.guest_insts;
    if (tier1_ != nullptr) tier1_->Count(b, s.seg[kCs].base, wide);
  }
  where_.store(kInDispatcher, std::memory_order_relaxed);
  *executed += ran;
  stats_.guest_insts += ran;
  ++stats_.blocks_run;
  return r;
}

void Cpu::FlushTlb() {
  state_->tlb.Flush();
  ++jump_generation_;
}

void Cpu::FlushTlbNonGlobal() {
  state_->tlb.FlushNonGlobal();
  ++jump_generation_;
}

void Cpu::FlushTranslations() {
  cache_.Flush();
  FlushTlb();
}

void Cpu::StateChanged() { FlushTlb(); }

TranslationMode Cpu::CurrentMode() const {
  const CpuState& s = *state_;
  TranslationMode m;
  m.protected_mode = s.cr0 & kCr0Pe;
  m.v86 = s.rflags & kVm;
  m.cpl = static_cast<uint8_t>(s.cpl);
  const uint16_t cs = s.seg[kCs].attrs;
  if ((s.efer & kEferLma) && (cs & kAttrL))
    m.code = CodeSize::k64;
  else if (m.protected_mode && !m.v86 && (cs & kAttrDb))
    m.code = CodeSize::k32;
  else
    m.code = CodeSize::k16;
  m.stack32 = m.protected_mode && !m.v86 && (s.seg[kSs].attrs & kAttrDb);
  m.fpu = static_cast<uint8_t>(((s.cr0 >> 1) & 7) |       // MP, EM, TS (CR0 bits 1-3)
                               ((s.cr0 >> 5) & 1) << 3 |  // NE (bit 5)
                               ((s.cr4 >> 9) & 3) << 4);  // OSFXSR, OSXMMEXCPT (CR4 bits 9-10)
  for (unsigned i = 0; i < kSegCount; ++i)
    m.seg[i] = SegmentBits(s.seg[i], m.protected_mode && !m.v86);
  m.align_check = m.cpl == 3 && (s.cr0 & kCr0Am) && (s.rflags & kAc);
  return m;
}

void Cpu::RaiseException(uint8_t vector, bool has_error, uint32_t error) {
  state_->exception_vector = vector;
  state_->exception_has_error_code = has_error;
  state_->exception_error_code = error;
  env_.fault = true;
}

bool Cpu::TranslateForAccess(uint64_t linear, Access access, uint64_t* phys, bool fill_tlb) {
  CpuState& s = *state_;
  if ((s.efer & kEferLma) && !Canonical(linear)) {
    // SDM Vol. 3A 3.3.7.1: a non-canonical address raises #GP(0), or #SS(0) for references
    // through SS; which one is settled in ClassifyCanonicalFault once the instruction is known.
    RaiseException(kGP, true, 0);
    canonical_fault_ = true;
    return false;
  }
  Translation t = Walk(s, memory_, linear, access);
  if (!t.ok) {
    s.cr2 = linear;
    RaiseException(kPF, true, t.error_code);
    return false;
  }
  *phys = t.phys;
  if (!fill_tlb || access.fetch) return true;
  uint64_t page = t.phys & ~uint64_t{0xFFF};
  machine::MemoryLookup m = memory_.Lookup(page);
  if ((m.kind != machine::MemoryKind::kRam && m.kind != machine::MemoryKind::kRom) || m.span < 4096)
    return true;  // MMIO or a partial page: every access takes the slow path
  const unsigned slot = (linear >> jit::kPageBits) & (jit::kTlbEntries - 1);
  jit::TlbEntry& e = s.tlb.entries[slot];
  uint64_t lpage = linear & jit::kPageMask;
  if (e.read_tag != lpage) e.write_tag = jit::kInvalidTag;  // a new page: forget old rights
  e.read_tag = lpage;
  e.addend = reinterpret_cast<uint64_t>(m.host) - lpage;
  e.phys = page;
  s.tlb.global[slot] = t.global;
  // Writes hit the TLB only on RAM whose D bit is already set and which holds no translated
  // code (so stores that must update D or invalidate code take the slow path).
  if (m.kind == machine::MemoryKind::kRam && t.writable && (t.dirty || access.write) &&
      !cache_.IsCodePage(page))
    e.write_tag = lpage;
  return true;
}

bool Cpu::AccessPiece(uint64_t addr, unsigned size, bool write, uint64_t* value) {
  CpuState& s = *state_;
  Access access{write, false, s.cpl == 3};
  bool wide = CurrentMode().code == CodeSize::k64;
  // Translate every page the access touches before touching memory, so a fault on the second
  // page of a crossing store leaves the first untouched (precise exceptions).
  struct Part {
    uint64_t phys;
    unsigned offset, len;
  } parts[2];
  int nparts = 0;
  for (unsigned done = 0; done < size;) {
    uint64_t lin = addr + done;
    if (!wide) lin &= 0xFFFFFFFF;
    unsigned len = std::min<unsigned>(size - done, 4096 - static_cast<unsigned>(lin & 0xFFF));
    uint64_t phys;
    if (!TranslateForAccess(lin, access, &phys, true)) return false;
    parts[nparts++] = {phys, done, len};
    done += len;
  }
  if (write) {
    for (int i = 0; i < nparts; ++i) {
      const Part& p = parts[i];
      if (!cache_.HasCode(p.phys, p.len)) continue;
      // Self-modifying code. If the store hits the block that is running, stop before the
      // store and re-run this instruction on its own, so the rest of the block is not executed
      // from stale code.
      if (running_ != nullptr && !running_uncached_) {
        for (auto [rb, re] : running_->phys_ranges) {
          if (p.phys < re && rb < p.phys + p.len) {
            s.exception_vector = kSmcRestart;
            env_.fault = true;
            return false;
          }
        }
      }
      cache_.InvalidateRange(p.phys, p.phys + p.len);
    }
  }
  uint8_t bytes[8];
  if (write) std::memcpy(bytes, value, 8);
  for (int i = 0; i < nparts; ++i) {
    const Part& p = parts[i];
    machine::MemoryLookup m = memory_.Lookup(p.phys);
    std::unique_lock<std::recursive_mutex> io;
    if (m.kind == machine::MemoryKind::kMmio && device_lock != nullptr)
      io = std::unique_lock(*device_lock);
    if (m.kind == machine::MemoryKind::kMmio && p.len == size && (size & (size - 1)) == 0) {
      // A whole, naturally sized access reaches the device as one access.
      if (write)
        memory_.mmio().Write(p.phys, size, *value);
      else
        *value = memory_.mmio().Read(p.phys, size);
      return true;
    }
    auto span = std::span<uint8_t>(bytes + p.offset, p.len);
    if (write)
      memory_.Write(p.phys, span);
    else
      memory_.Read(p.phys, span);
  }
  if (!write) {
    *value = 0;
    std::memcpy(value, bytes, size);
  }
  return true;
}

bool Cpu::LoadSlow(jit::ExecEnv* env, uint64_t addr, unsigned size, uint64_t* value) {
  return static_cast<Cpu*>(env->cpu)->AccessPiece(addr, size, false, value);
}

bool Cpu::StoreSlow(jit::ExecEnv* env, uint64_t addr, unsigned size, uint64_t value) {
  return static_cast<Cpu*>(env->cpu)->AccessPiece(addr, size, true, &value);
}

jit::CachedBlock* Cpu::TranslateAt(uint64_t rip, unsigned max_insts, bool cache_it,
                                   uint64_t* fault_linear) {
  CpuState& s = *state_;
  TranslationMode mode = CurrentMode();
  bool wide = mode.code == CodeSize::k64;
  const uint64_t cs_base = s.seg[kCs].base;
  Access fetch{false, true, s.cpl == 3};
  struct PageMap {
    uint64_t linear_page, phys_page;
  };
  std::vector<PageMap> pages;
  bool fetch_failed = false;
  auto fetcher = [&](uint64_t linear, uint8_t* out, size_t max) -> size_t {
    size_t got = 0;
    while (got < max) {
      uint64_t lin = wide ? linear + got : (linear + got) & 0xFFFFFFFF;
      uint64_t lpage = lin & ~uint64_t{0xFFF};
      uint64_t phys_page = 0;
      bool found = false;
      for (const PageMap& p : pages)
        if (p.linear_page == lpage) phys_page = p.phys_page, found = true;
      if (!found) {
        // Probe without raising: only a fetch fault on the block's first instruction is real.
        Translation t = Walk(s, memory_, lin, fetch);
        if (!t.ok || ((s.efer & kEferLma) && !Canonical(lin))) {
          if (!fetch_failed) *fault_linear = lin;
          fetch_failed = true;
          break;
        }
        phys_page = t.phys & ~uint64_t{0xFFF};
        pages.push_back({lpage, phys_page});
      }
      size_t n = std::min<size_t>(max - got, 4096 - (lin & 0xFFF));
      memory_.Read(phys_page | (lin & 0xFFF), std::span<uint8_t>(out + got, n));
      got += n;
    }
    return got;
  };
  Translator translator(mode, fetcher);
  bool fault = false;
  ir::Block block = translator.Translate(s.rip, cs_base, &fault, max_insts);
  if (fault) {
    // Walk again, this time raising the #PF (or #GP) with its exact error code.
    uint64_t phys;
    TranslateForAccess(*fault_linear, fetch, &phys, false);
    return nullptr;
  }
  ir::Optimize(block);
  if ((trace.in_asm || trace.op) && trace.sink) {
    std::string text = "IN: " +
                       std::string(mode.code == CodeSize::k64   ? "64"
                                   : mode.code == CodeSize::k32 ? "32"
                                                                : "16") +
                       "-bit\n";
    if (trace.in_asm) {
      std::vector<uint8_t> code(block.guest_size);
      fetcher(wide ? cs_base + rip : (cs_base + rip) & 0xFFFFFFFF, code.data(), code.size());
      text += Disassemble(code, rip, mode.code);
    }
    if (trace.op) text += ir::Dump(block);
    trace.sink(text + "\n");
  }
  auto cb = std::make_unique<jit::CachedBlock>();
  cb->guest_pc = rip;
  cb->mode = mode.Key();
  cb->guest_size = block.guest_size;
  cb->code = jit::Interpreter::Compile(block);
  if (cache_it && tier1_ != nullptr) cb->ir = std::make_shared<const ir::Block>(std::move(block));
  // Physical ranges of the bytes actually translated (not the decoder's look-ahead).
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  uint64_t lin = wide ? cs_base + rip : (cs_base + rip) & 0xFFFFFFFF;
  for (uint64_t done = 0; done < std::max<uint32_t>(block.guest_size, 1);) {
    uint64_t l = lin + done;
    uint64_t n =
        std::min<uint64_t>(std::max<uint32_t>(block.guest_size, 1) - done, 4096 - (l & 0xFFF));
    for (const PageMap& p : pages)
      if (p.linear_page == (l & ~uint64_t{0xFFF}))
        ranges.emplace_back(p.phys_page | (l & 0xFFF), (p.phys_page | (l & 0xFFF)) + n);
    done += n;
  }
  cb->phys_pc = ranges.empty() ? 0 : ranges.front().first;
  if (!cache_it) {
    cb->phys_ranges = ranges;
    uncached_ = std::move(cb);
    return uncached_.get();
  }
  // New code on a page: fast-path writes to it must now go through the SMC check.
  for (auto [b, e] : ranges) {
    if (cache_.IsCodePage(b)) continue;
    for (jit::TlbEntry& t : s.tlb.entries)
      if (t.phys == (b & ~uint64_t{0xFFF})) t.write_tag = jit::kInvalidTag;
  }
  return cache_.Insert(std::move(cb), ranges);
}

jit::CachedBlock* Cpu::FindOrTranslate(uint64_t* fault_linear) {
  CpuState& s = *state_;
  TranslationMode mode = CurrentMode();
  bool wide = mode.code == CodeSize::k64;
  uint64_t linear = wide ? s.seg[kCs].base + s.rip : (s.seg[kCs].base + s.rip) & 0xFFFFFFFF;
  const uint64_t key = mode.Key();
  ++stats_.dispatches;
  JumpEntry& j = jump_cache_[(linear ^ (linear >> kJumpCacheBits)) & ((1u << kJumpCacheBits) - 1)];
  if (j.generation == jump_generation_ && j.linear == linear && j.mode == key && j.block->valid &&
      j.block->guest_pc == s.rip) {
    ++stats_.jump_cache_hits;
    return j.block;
  }
  uint64_t phys;
  if (!TranslateForAccess(linear, Access{false, true, s.cpl == 3}, &phys, false)) return nullptr;
  jit::CachedBlock* b = cache_.Lookup(phys, key);
  if (b == nullptr || b->guest_pc != s.rip) {
    b = TranslateAt(s.rip, Translator::kMaxInsts, true, fault_linear);
    if (b == nullptr) return nullptr;
  }
  j = {linear, key, jump_generation_, b};
  return b;
}

bool Cpu::DecodeAtRip(DecodedInst* d) {
  CpuState& s = *state_;
  uint8_t bytes[15];
  size_t got = 0;
  for (; got < sizeof bytes; ++got) {
    uint64_t phys;
    Translation t =
        Walk(s, memory_, s.seg[kCs].base + s.rip + got, Access{false, true, s.cpl == 3});
    if (!t.ok) break;
    phys = t.phys;
    memory_.Read(phys, std::span<uint8_t>(bytes + got, 1));
  }
  return Decode(std::span<const uint8_t>(bytes, got), CurrentMode().code, *d) == DecodeStatus::kOk;
}

void Cpu::ClassifyCanonicalFault() {
  canonical_fault_ = false;
  CpuState& s = *state_;
  DecodedInst d;
  if (!DecodeAtRip(&d)) return;
  bool stack = d.Has(kAttrStack);
  for (unsigned i = 0; i < d.num_operands; ++i)
    if (d.operands[i].kind == OperandKind::kMem && d.mem.segment == Seg::kSS) stack = true;
  if (stack) s.exception_vector = kSS;
}

bool Cpu::InterruptDeliverable() const {
  const CpuState& s = *state_;
  const uint32_t req = s.interrupt_request.load(std::memory_order_acquire);
  return ((req & kNmiPending) && !s.nmi_blocked) || ((req & kIrqPending) && (s.rflags & kIf));
}

bool Cpu::ServiceInterrupt() {
  CpuState& s = *state_;
  const uint32_t req = s.interrupt_request.load(std::memory_order_acquire);
  if ((req & kNmiPending) && !s.nmi_blocked) {
    // NMI: not masked by IF; blocks further NMIs until an IRET (SDM Vol. 3A 6.7.1).
    s.interrupt_request.fetch_and(~uint32_t{kNmiPending});
    halted_ = false;
    s.nmi_blocked = 1;
    return DeliverEvent(*this, kNMI, false, 0, EventSource::kExternal);
  }
  if (interrupt_controller == nullptr || !(s.rflags & kIf)) return true;
  if (!(req & kIrqPending)) return true;
  uint8_t vector;
  {
    std::unique_lock<std::recursive_mutex> io;
    if (device_lock != nullptr) io = std::unique_lock(*device_lock);
    vector = interrupt_controller->Acknowledge();  // the INTA cycle
  }
  halted_ = false;  // an interrupt ends HLT; the return address is the instruction after it
  return DeliverEvent(*this, vector, false, 0, EventSource::kExternal);
}

bool Cpu::DeliverPendingException() {
  CpuState& s = *state_;
  int vector = s.exception_vector;
  bool has_error = s.exception_has_error_code;
  uint32_t error = s.exception_error_code;
  s.exception_vector = -1;
  return DeliverEvent(*this, static_cast<uint8_t>(vector), has_error, error,
                      EventSource::kException);
}

bool Cpu::StepInstruction(bool single_step, uint64_t* executed, StopReason* stop) {
  CpuState& s = *state_;
  s.exception_vector = -1;
  env_.fault = false;
  canonical_fault_ = false;
  // INT n, INT3, INTO and INT1 clear TF on their way into the handler and take no single-step
  // trap (the handler's IRET restores TF); every other instruction that starts with TF set traps
  // after it completes, even one that clears TF (SDM Vol. 3A 18.3.1.4).
  bool software_interrupt = false;
  if (single_step) {
    DecodedInst d;
    software_interrupt =
        DecodeAtRip(&d) && (d.mnemonic == Mnemonic::kINT || d.mnemonic == Mnemonic::kINT3 ||
                            d.mnemonic == Mnemonic::kINTO || d.mnemonic == Mnemonic::kINT1);
  }
  uint64_t fault_linear = 0;
  jit::CachedBlock* one = TranslateAt(s.rip, 1, false, &fault_linear);
  jit::RunResult r{jit::RunResult::Kind::kFault, 0, -1};
  if (one != nullptr) {
    running_ = one;
    running_uncached_ = true;
    r = jit::Interpreter::Run(one->code, env_);
    running_ = nullptr;
    ++*executed;
  }
  if (r.kind == jit::RunResult::Kind::kFault) {
    if (canonical_fault_) ClassifyCanonicalFault();
    if (s.exception_vector >= 0) {
      // A fault: delivered instead of the trap.
      *stop = deliver_exceptions ? StopReason::kShutdown : StopReason::kException;
      return deliver_exceptions && DeliverPendingException();
    }
  }
  if (!single_step || software_interrupt) return true;
  s.dr[6] |= kDr6Bs;
  if (!deliver_exceptions) {
    RaiseException(kDB);
    *stop = StopReason::kException;
    return false;
  }
  halted_ = false;  // the trap after HLT is an event that ends the halt
  *stop = StopReason::kShutdown;
  return DeliverEvent(*this, kDB, false, 0, EventSource::kException);
}

StopReason Cpu::Run(uint64_t max_insts) {
  CpuState& s = *state_;
  uint64_t executed = 0;
  while (executed < max_insts) {
    uint32_t request = s.interrupt_request.load(std::memory_order_acquire);
    if (request & kKick) {
      s.interrupt_request.fetch_and(~uint32_t{kKick});
      return StopReason::kInterruptRequest;
    }
    StopReason stop;
    if (s.interrupt_shadow) {
      // STI and MOV/POP SS hold off interrupts until the next instruction has run (SDM Vol. 2B
      // STI, MOV): run exactly that one instruction, then look at interrupts again.
      s.interrupt_shadow = 0;
      if (!StepInstruction((s.rflags & kTf) != 0, &executed, &stop)) return stop;
      continue;
    }
    if (deliver_exceptions && !ServiceInterrupt()) return StopReason::kShutdown;
    if (halted_) return StopReason::kHalted;
    if (s.rflags & kTf) {
      // Single-step mode (RFLAGS.TF): one instruction at a time, each followed by #DB.
      if (!StepInstruction(true, &executed, &stop)) return stop;
      continue;
    }
    s.exception_vector = -1;
    env_.fault = false;
    canonical_fault_ = false;
    if (tier1_ != nullptr) tier1_->Poll();
    uint64_t fault_linear = 0;
    jit::CachedBlock* b = FindOrTranslate(&fault_linear);
    if (b == nullptr) {
      if (!deliver_exceptions) return StopReason::kException;
      if (!DeliverPendingException()) return StopReason::kShutdown;
      continue;
    }
    while (b != nullptr) {
      running_ = b;
      running_uncached_ = false;
      env_.fault = false;
      jit::RunResult r = RunBlock(b, max_insts - executed, &executed);
      running_ = nullptr;
      if (r.kind == jit::RunResult::Kind::kFault && s.exception_vector == kSmcRestart) {
        // A store hit this block's own code: run that instruction alone from a fresh, uncached
        // translation, then continue through the dispatcher.
        s.exception_vector = -1;
        env_.fault = false;
        jit::CachedBlock* one = TranslateAt(s.rip, 1, false, &fault_linear);
        if (one != nullptr) {
          running_ = one;
          running_uncached_ = true;
          r = jit::Interpreter::Run(one->code, env_);
          running_ = nullptr;
        }
        if (one != nullptr && r.kind != jit::RunResult::Kind::kFault) break;
        r.kind = jit::RunResult::Kind::kFault;
      }
      if (r.kind == jit::RunResult::Kind::kFault) {
        if (canonical_fault_) ClassifyCanonicalFault();
        if (s.exception_vector < 0) break;  // a helper completed an event itself (INT n, IRET)
        if (!deliver_exceptions) return StopReason::kException;
        if (!DeliverPendingException()) return StopReason::kShutdown;
        break;
      }
      if (halted_ || executed >= max_insts || (s.rflags & kTf)) break;
      if ((s.interrupt_request.load(std::memory_order_relaxed) & kKick) || InterruptDeliverable())
        break;
      // Follow or create the chain. Links stay within the block's own virtual page (QEMU's
      // rule), so a remapping never leaves a stale link: crossing pages goes through the
      // dispatcher and its page walk.
      if (r.taken < 0) break;
      jit::CachedBlock* next = b->next[r.taken];
      if (next == nullptr) {
        uint64_t cs_base = s.seg[kCs].base;
        if (((cs_base + r.next_pc) >> 12) != ((cs_base + b->guest_pc) >> 12)) break;
        next = FindOrTranslate(&fault_linear);
        if (next == nullptr) return StopReason::kException;
        if (b->valid) cache_.Link(b, r.taken, next);
      }
      b = next;
    }
    if (cache_.CollectGarbage()) ++jump_generation_;
  }
  return halted_ ? StopReason::kHalted : StopReason::kInstructionLimit;
}

}  // namespace vireo::x86
