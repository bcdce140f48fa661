// XADD, CMPXCHG, CMPXCHG8B, CMPXCHG16B (SDM Vol. 2A CMPXCHG/CMPXCHG8B/CMPXCHG16B, Vol. 2B XADD).
// With LOCK and a memory destination, XADD and CMPXCHG use the IR's host atomics; CMPXCHG8B/16B
// always go through Cmpxchg16bHelper, which is atomic on the host where it can be.
// (XCHG lives in translate_move.cpp.)

#include <cstring>

#include "cpu/x86/cpu.h"
#include "cpu/x86/helpers.h"
#include "cpu/x86/translate_families.h"

namespace vireo::x86 {

namespace {

using ir::AtomicOp;
using ir::IrEmitter;
using ir::Type;
using ir::Value;

// --- the CMPXCHG8B/16B helper -----------------------------------------------------------------

/// 16-byte compare-exchange on host memory `p` (16-byte aligned). On return `lo`/`hi` hold the
/// old memory value; the result says whether it matched and `new_lo`/`new_hi` were stored.
/// GCC's __atomic builtins on a 128-bit type go through libatomic, which uses the host's
/// double-width compare-exchange (CMPXCHG16B on x86-64, CASP or LL/SC on AArch64), so this stays
/// host-independent and atomic against other threads.
bool CompareExchange16(void* p, uint64_t* lo, uint64_t* hi, uint64_t new_lo, uint64_t new_hi) {
  auto* target = static_cast<unsigned __int128*>(p);
  unsigned __int128 expected = (static_cast<unsigned __int128>(*hi) << 64) | *lo;
  unsigned __int128 desired = (static_cast<unsigned __int128>(new_hi) << 64) | new_lo;
  bool ok = __atomic_compare_exchange_n(target, &expected, desired, false, __ATOMIC_SEQ_CST,
                                        __ATOMIC_SEQ_CST);
  *lo = static_cast<uint64_t>(expected);
  *hi = static_cast<uint64_t>(expected >> 64);
  return ok;
}

/// The host address of `bytes` at `linear` if the TLB maps the page for reading and writing
/// (ordinary dirty RAM without translated code) and the access stays within it.
void* HostAddress(const jit::ExecEnv* env, uint64_t linear, unsigned bytes) {
  if ((linear & ~jit::kPageMask) + bytes > 4096) return nullptr;
  const jit::TlbEntry& e = env->tlb->entries[(linear >> jit::kPageBits) & (jit::kTlbEntries - 1)];
  uint64_t page = linear & jit::kPageMask;
  if (e.read_tag != page || e.write_tag != page) return nullptr;
  return reinterpret_cast<void*>(linear + e.addend);
}

}  // namespace

/// CMPXCHG8B (bytes 8) / CMPXCHG16B (bytes 16) on the operand at `linear`: compares rDX:rAX with
/// it, stores rCX:rBX if equal, else loads it into rDX:rAX. Returns the new ZF. The destination
/// is always written (the old value back on a mismatch, SDM Vol. 2A CMPXCHG8B), so a read-only
/// page faults either way; registers change only after memory, so faults are precise.

uint64_t Cmpxchg16bHelper(jit::ExecEnv* env, uint64_t linear, uint64_t bytes) {
  Cpu& cpu = *static_cast<Cpu*>(env->cpu);
  CpuState& s = cpu.state();
  const bool wide = bytes == 16;
  // SDM Vol. 2A CMPXCHG16B: a misaligned m128 is #GP(0), before any access.
  if (wide && (linear & 15) != 0) {
    cpu.RaiseException(kGP, true, 0);
    return 0;
  }
  const uint64_t mask = wide ? ~uint64_t{0} : 0xFFFFFFFF;
  uint64_t lo = s.gpr[kRax] & mask, hi = s.gpr[kRdx] & mask;
  const uint64_t expected_lo = lo, expected_hi = hi;
  const uint64_t new_lo = s.gpr[kRbx] & mask, new_hi = s.gpr[kRcx] & mask;
  const bool long_mode = cpu.CurrentMode().code == CodeSize::k64;
  auto wrap = [&](uint64_t a) { return long_mode ? a : a & 0xFFFFFFFF; };
  const unsigned size = static_cast<unsigned>(bytes);

  void* host = HostAddress(env, linear, size);
  if (host == nullptr) {
    // Not in the TLB for writing yet: walk every page the operand touches as a write (so a
    // fault reports a write, before anything is touched), which also fills the TLB.
    Access access{true, false, s.cpl == 3};
    uint64_t phys;
    if (!cpu.TranslateForAccess(wrap(linear), access, &phys, true)) return 0;
    uint64_t last = wrap(linear + bytes - 1);
    if ((last & jit::kPageMask) != (wrap(linear) & jit::kPageMask) &&
        !cpu.TranslateForAccess(last & jit::kPageMask, access, &phys, true))
      return 0;
    host = HostAddress(env, linear, size);
  }

  bool equal;
  if (host != nullptr && (reinterpret_cast<uintptr_t>(host) & (bytes - 1)) == 0) {
    if (wide) {
      equal = CompareExchange16(host, &lo, &hi, new_lo, new_hi);
    } else {
      uint64_t old = expected_lo | expected_hi << 32;
      equal = __atomic_compare_exchange_n(static_cast<uint64_t*>(host), &old, new_lo | new_hi << 32,
                                          false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
      lo = old & mask;
      hi = old >> 32;
    }
  } else if (host != nullptr) {
    // A misaligned CMPXCHG8B within one page: host atomics need alignment, so this is atomic
    // only with respect to this vCPU.
    uint64_t old;
    std::memcpy(&old, host, 8);
    equal = old == (expected_lo | expected_hi << 32);
    if (equal) {
      uint64_t desired = new_lo | new_hi << 32;
      std::memcpy(host, &desired, 8);
    }
    lo = old & mask;
    hi = old >> 32;
  } else {
    // Slow path (MMIO, ROM, a page holding translated code, a page-crossing
    // CMPXCHG8B): plain accesses through the Cpu, atomic only with respect to this vCPU.
    if (wide) {
      if (!env->load_slow(env, linear, 8, &lo) || !env->load_slow(env, wrap(linear + 8), 8, &hi))
        return 0;
    } else {
      uint64_t old;
      if (!env->load_slow(env, linear, 8, &old)) return 0;
      lo = old & mask;
      hi = old >> 32;
    }
    equal = lo == expected_lo && hi == expected_hi;
    uint64_t store_lo = equal ? new_lo : lo, store_hi = equal ? new_hi : hi;
    if (wide) {
      // A store into the running block's code restarts the instruction, so no store may
      // restart after another one has changed memory. Rewriting the high half's old value
      // first invalidates any code there (or restarts with nothing changed); afterwards only
      // the low half's store can restart, and it comes before any change. MMIO (no read tag)
      // holds no code and must not see the extra write.
      const jit::TlbEntry& e =
          env->tlb->entries[(linear >> jit::kPageBits) & (jit::kTlbEntries - 1)];
      if (e.read_tag == (linear & jit::kPageMask) && !env->store_slow(env, linear + 8, 8, hi))
        return 0;
      if (!env->store_slow(env, linear, 8, store_lo) ||
          !env->store_slow(env, linear + 8, 8, store_hi))
        return 0;
    } else if (!env->store_slow(env, linear, 8, store_lo | store_hi << 32)) {
      return 0;
    }
  }
  if (!equal) {
    // 32-bit register writes zero-extend (CMPXCHG8B in 64-bit mode); a match writes nothing.
    s.gpr[kRax] = lo;
    s.gpr[kRdx] = hi;
  }
  return equal ? 1 : 0;
}

namespace {

// --- XADD / CMPXCHG ---------------------------------------------------------------------------

bool Locked(const TranslatorContext& c) {
  return (c.d->prefixes & kPrefixLock) && c.d->operands[0].kind == OperandKind::kMem;
}

/// XADD: TEMP = SRC + DEST; SRC = DEST; DEST = TEMP; flags as ADD (SDM Vol. 2B XADD).
void Xadd(TranslatorContext& c) {
  auto& e = c.e;
  unsigned bytes = c.d->operands[0].size;
  Value src = c.Read(1);
  Value old, sum;
  if (Locked(c)) {
    old = e.AtomicRmw(AtomicOp::kAdd, c.Address(), src);
    sum = e.Add(old, src);
    c.Write(1, old);
  } else if (c.d->operands[0].kind == OperandKind::kMem) {
    Value addr = c.Address();
    old = c.Load(TranslatorContext::SizeType(bytes), addr);
    sum = e.Add(old, src);
    c.Store(addr, sum);  // memory before the register (precise faults)
    c.Write(1, old);
  } else {
    old = c.Read(0);
    sum = e.Add(old, src);
    // SRC first, then DEST: with the same register twice (XADD EAX, EAX) DEST wins.
    c.Write(1, old);
    c.Write(0, sum);
  }
  c.SetFlags(CcKind::kAdd, bytes, sum, src);
}

/// Writes `value` to a register operand when `cond` holds, else leaves it exactly as it was
/// (a 32-bit register keeps its upper half: no write, no zero-extension).
void SetRegIf(TranslatorContext& c, unsigned reg, unsigned bytes, Value cond, Value value) {
  auto& e = c.e;
  if (bytes == 4) {
    c.SetReg(reg, 8, e.Select(cond, e.ZExt(Type::kU64, value), c.GetReg(reg, 8)));
  } else {
    c.SetReg(reg, bytes, e.Select(cond, value, c.GetReg(reg, bytes)));
  }
}

/// CMPXCHG (SDM Vol. 2A): compares the accumulator with DEST; flags as CMP accumulator, DEST.
/// Equal: DEST = SRC. Not equal: accumulator = DEST. A memory DEST is always written (its old
/// value on a mismatch). A register DEST is left alone on a mismatch: this (AMD) host, the
/// oracle, keeps a 32-bit destination's upper half then (Intel zero-extends it), and in both
/// cases the accumulator's upper half is kept on a match and zero-extended on a mismatch.
void Cmpxchg(TranslatorContext& c) {
  auto& e = c.e;
  unsigned bytes = c.d->operands[0].size;
  Type t = TranslatorContext::SizeType(bytes);
  Value acc = c.GetReg(kRax, bytes);
  Value src = c.Read(1);
  Value old, equal;
  if (Locked(c)) {
    old = e.AtomicCmpXchg(c.Address(), acc, src);
    equal = e.Eq(old, acc);
  } else if (c.d->operands[0].kind == OperandKind::kMem) {
    Value addr = c.Address();
    old = c.Load(t, addr);
    equal = e.Eq(old, acc);
    c.Store(addr, e.Select(equal, src, old));
  } else {
    old = c.Read(0);
    equal = e.Eq(old, acc);
  }
  SetRegIf(c, kRax, bytes, e.Xor(equal, IrEmitter::True()), old);
  if (c.d->operands[0].kind == OperandKind::kGpr)
    SetRegIf(c, c.d->operands[0].reg, bytes, equal, src);
  c.SetFlags(CcKind::kSub, bytes, e.Sub(acc, old), old);
}

/// CMPXCHG8B m64 / CMPXCHG16B m128: the helper does the memory and rDX:rAX; ZF comes back,
/// the other arithmetic flags are unaffected (SDM Vol. 2A CMPXCHG8B/CMPXCHG16B).
void CmpxchgWide(TranslatorContext& c) {
  auto& e = c.e;
  Value arith = c.ArithFlags();
  Value zf = c.Call(HelperId::kCmpxchg16b, Type::kU64, c.Address(),
                    IrEmitter::Imm64(c.d->operands[0].size));
  c.SetArithFlags(e.Or(e.And(arith, IrEmitter::Imm64(~kZf)), e.Shl(zf, IrEmitter::Imm8(6))));
}

}  // namespace

void RegisterAtomic(HandlerTable& t) {
  t.Add(Mnemonic::kXADD, Xadd);
  t.Add(Mnemonic::kCMPXCHG, Cmpxchg);
  t.Add(Mnemonic::kCMPXCHG8B, CmpxchgWide);
  t.Add(Mnemonic::kCMPXCHG16B, CmpxchgWide);
}

}  // namespace vireo::x86
