#include "cpu/x86/translator.h"

#include <bitset>
#include <cstddef>
#include <cstdio>
#include <mutex>

#include "cpu/x86/decoder.h"

namespace vireo::x86 {

using ir::Type;
using ir::Value;

namespace {

constexpr uint32_t kRipOffset = offsetof(CpuState, rip);
constexpr uint32_t kRflagsOffset = offsetof(CpuState, rflags);
constexpr uint32_t kCcOpOffset = offsetof(CpuState, cc_op);
constexpr uint32_t kCcDstOffset = offsetof(CpuState, cc_dst);
constexpr uint32_t kCcSrcOffset = offsetof(CpuState, cc_src);
constexpr uint32_t kCcSrc2Offset = offsetof(CpuState, cc_src2);

unsigned Log2(unsigned bytes) { return bytes == 8 ? 3 : bytes == 4 ? 2 : bytes == 2 ? 1 : 0; }

/// The LazyFlags formulas emitted as IR (see flags.h): values of the operand type, bits as U1.
struct IrOps {
  ir::IrEmitter& e;
  Type t;
  using V = Value;
  using B = Value;
  V Const(uint64_t v) const { return Value::Imm(t, v); }
  V Add(V a, V b) const { return e.Add(a, b); }
  V Sub(V a, V b) const { return e.Sub(a, b); }
  V Xor(V a, V b) const { return e.Xor(a, b); }
  V And(V a, V b) const { return e.And(a, b); }
  B Eq(V a, V b) const { return e.Eq(a, b); }
  B Ult(V a, V b) const { return e.Ult(a, b); }
  B Ule(V a, V b) const { return e.Ule(a, b); }
  B Slt(V a, V b) const { return e.Slt(a, b); }
  B Sle(V a, V b) const { return e.Sle(a, b); }
  B Bit(V v, unsigned pos) const { return e.Trunc(Type::kU1, e.Lshr(v, ir::IrEmitter::Imm8(pos))); }
  B Not(B b) const { return e.Xor(b, ir::IrEmitter::True()); }
  B BXor(B a, B b) const { return e.Xor(a, b); }
  B BOr(B a, B b) const { return e.Or(a, b); }
  B Select(B c, B a, B b) const { return e.Select(c, a, b); }
  B One() const { return ir::IrEmitter::True(); }
  B Zero() const { return Value::Imm(Type::kU1, 0); }
  B Parity(V v) const {
    Value low = e.Trunc(Type::kU8, v);
    return e.Eq(e.And(e.Popcount(low), ir::IrEmitter::Imm8(1)), ir::IrEmitter::Imm8(0));
  }
};

}  // namespace

uint64_t TranslationMode::Key() const {
  uint64_t k = static_cast<uint64_t>(code) | (uint64_t{stack32} << 2) |
               (uint64_t{protected_mode} << 3) | (uint64_t{v86} << 4) | (uint64_t{cpl} << 5);
  for (unsigned i = 0; i < kSegCount; ++i) k |= uint64_t{seg[i]} << (8 + 5 * i);
  return k | (uint64_t{fpu} << 38) | (uint64_t{align_check} << 44);
}

void TranslatorContext::CheckAlignment(Type t, Value linear) {
  if (!mode.align_check) return;
  // Word, doubleword and quadword operands must be naturally aligned (SDM Vol. 3A Table 6-7);
  // wider SSE operands have their own #GP rules and are not checked here.
  const uint64_t bytes = ir::BitWidth(t) / 8;
  if (bytes != 2 && bytes != 4 && bytes != 8) return;
  Value misaligned = e.Ne(e.And(linear, ir::IrEmitter::Imm64(bytes - 1)), ir::IrEmitter::Imm64(0));
  e.Trap(misaligned, 17 | 0x100);  // #AC(0)
}

// --- operands -------------------------------------------------------------------------------

Value TranslatorContext::GetReg(unsigned reg, unsigned bytes) {
  if (reg >= kRegAH && reg < kRegAH + 4)  // AH, CH, DH, BH: byte 1 of RAX..RBX
    return e.LoadState(Type::kU8, GprOffset(reg - kRegAH) + 1);
  return e.LoadState(SizeType(bytes), GprOffset(reg));  // little-endian host: low bytes first
}

void TranslatorContext::SetReg(unsigned reg, unsigned bytes, Value v) {
  v = e.ZExt(SizeType(bytes), v);
  if (reg >= kRegAH && reg < kRegAH + 4) {
    e.StoreState(GprOffset(reg - kRegAH) + 1, v);
  } else if (bytes == 4) {
    // SDM Vol. 1 3.4.1.1: a 32-bit result is zero-extended into the full 64-bit register.
    e.StoreState(GprOffset(reg), e.ZExt(Type::kU64, v));
  } else {
    e.StoreState(GprOffset(reg), v);  // 8/16-bit writes leave the other bytes alone
  }
}

Value TranslatorContext::EffectiveAddress() {
  const MemOperand& m = d->mem;
  Type at = SizeType(m.address_size);
  if (m.base == kRegRip) return Value::Imm(at, next_pc + static_cast<uint64_t>(m.disp));
  Value ea = Value::Imm(at, static_cast<uint64_t>(m.disp));
  if (m.base != kRegNone) ea = e.Add(GetReg(m.base, m.address_size), ea);
  if (m.index != kRegNone) {
    Value idx = GetReg(m.index, m.address_size);
    if (m.scale > 1) idx = e.Shl(idx, ir::IrEmitter::Imm8(Log2(m.scale)));
    ea = e.Add(ea, idx);
  }
  return ea;
}

Value TranslatorContext::Linear(Seg seg, Value offset, unsigned size, bool write) {
  Value off64 = e.ZExt(Type::kU64, offset);
  const unsigned s = static_cast<unsigned>(seg);
  if (mode.code == CodeSize::k64) {
    // SDM Vol. 3A 3.2.4: in 64-bit mode only FS and GS bases apply and there are no limits
    // (non-canonical addresses fault in the page-walk path).
    if (seg != Seg::kFS && seg != Seg::kGS) return off64;
    return e.Add(e.LoadState(Type::kU64, SegBaseOffset(s)), off64);
  }
  const uint8_t bits = mode.seg[s];
  if (size > 0) {
    // SDM Vol. 3A 5.3 / 6.15: limit and type violations raise #SS(0) on the stack segment,
    // #GP(0) elsewhere.
    const uint64_t code = seg == Seg::kSS ? (12 | 0x100) : (13 | 0x100);
    bool allowed = (bits & TranslationMode::kSegReadable) &&
                   (!write || (bits & TranslationMode::kSegWritable));
    if (!allowed) {
      e.Trap(ir::IrEmitter::True(), code);
    } else if (!(bits & TranslationMode::kSegFlat)) {
      Value limit = e.ZExt(Type::kU64, e.LoadState(Type::kU32, SegLimitOffset(s)));
      Value last = e.Add(off64, ir::IrEmitter::Imm64(size - 1));
      Value bad;
      if (bits & TranslationMode::kSegExpandDown) {
        // Valid offsets are limit+1 .. 0xFFFF (or 0xFFFFFFFF with B set).
        uint64_t top = (bits & TranslationMode::kSegBig) ? 0xFFFFFFFF : 0xFFFF;
        bad = e.Or(e.Ule(off64, limit), e.Ult(ir::IrEmitter::Imm64(top), last));
      } else {
        bad = e.Ult(limit, last);
      }
      e.Trap(bad, code);
    }
  }
  if (bits & TranslationMode::kSegFlat) return off64;
  Value base = e.LoadState(Type::kU32, SegBaseOffset(s));
  // Outside 64-bit mode linear addresses are 32 bits and wrap (SDM Vol. 3A 3.4).
  return e.ZExt(Type::kU64, e.Add(base, e.Trunc(Type::kU32, off64)));
}

Value TranslatorContext::Address(unsigned size, bool write) {
  if (size == 0) {
    for (unsigned i = 0; i < d->num_operands; ++i)
      if (d->operands[i].kind == OperandKind::kMem) size = d->operands[i].size;
  }
  return Linear(d->mem.segment, EffectiveAddress(), size, write);
}

Value TranslatorContext::Read(unsigned i) {
  const Operand& op = d->operands[i];
  switch (op.kind) {
    case OperandKind::kGpr:
      return GetReg(op.reg, op.size);
    case OperandKind::kImm:
      return Value::Imm(SizeType(op.size), static_cast<uint64_t>(d->imm[op.reg]));
    case OperandKind::kMem:
      return Load(SizeType(op.size), Address(op.size, false));
    case OperandKind::kSeg:
      return e.LoadState(Type::kU16, SegSelectorOffset(op.reg));
    default:
      return Value::Imm(SizeType(op.size ? op.size : 8), 0);
  }
}

Value TranslatorContext::ReadAs(unsigned i, Type t) { return e.ZExt(t, Read(i)); }

void TranslatorContext::Write(unsigned i, Value v) {
  const Operand& op = d->operands[i];
  switch (op.kind) {
    case OperandKind::kGpr:
      SetReg(op.reg, op.size, v);
      break;
    case OperandKind::kMem:
      Store(Address(op.size, true), e.ZExt(SizeType(op.size), v));
      break;
    default:
      break;
  }
}

// --- stack ----------------------------------------------------------------------------------

unsigned TranslatorContext::StackWidth() const {
  if (mode.code == CodeSize::k64) return 8;
  return mode.stack32 ? 4 : 2;
}

void TranslatorContext::Push(Value v) {
  unsigned sw = StackWidth();
  unsigned bytes = ir::BitWidth(v.type) / 8;
  Value sp = e.Sub(GetReg(kRsp, sw), Value::Imm(SizeType(sw), bytes));
  Store(Linear(Seg::kSS, sp, bytes, true), v);  // memory first: a #PF/#SS leaves RSP unchanged
  SetReg(kRsp, sw, sp);
}

Value TranslatorContext::PeekTop(unsigned bytes, unsigned offset) {
  unsigned sw = StackWidth();
  Value sp = GetReg(kRsp, sw);
  if (offset != 0) sp = e.Add(sp, Value::Imm(SizeType(sw), offset));
  return Load(SizeType(bytes), Linear(Seg::kSS, sp, bytes, false));
}

void TranslatorContext::AdjustSp(int64_t delta) {
  unsigned sw = StackWidth();
  SetReg(kRsp, sw, e.Add(GetReg(kRsp, sw), Value::Imm(SizeType(sw), static_cast<uint64_t>(delta))));
}

// --- flags ----------------------------------------------------------------------------------

void TranslatorContext::SetFlags(CcKind kind, unsigned bytes, Value dst, Value src, Value src2) {
  Type t = SizeType(bytes);
  if (!src.valid()) src = Value::Imm(t, 0);
  if (!src2.valid()) src2 = Value::Imm(t, 0);
  src = e.ZExt(t, src);
  src2 = e.ZExt(t, src2);
  e.StoreState(kCcOpOffset, Value::Imm(Type::kU32, CcOp(kind, Log2(bytes))));
  e.StoreState(kCcDstOffset, e.ZExt(Type::kU64, dst));
  e.StoreState(kCcSrcOffset, e.ZExt(Type::kU64, src));
  e.StoreState(kCcSrc2Offset, e.ZExt(Type::kU64, src2));
  cc_ = {true, kind, bytes, dst, src, src2};
}

Value TranslatorContext::Condition(Cond cc) {
  if (!cc_.valid)
    return e.Trunc(Type::kU1, Call(HelperId::kEvalCondition, Type::kU64, ir::IrEmitter::Imm64(cc)));
  if (cc_.kind == CcKind::kEflags) {
    // Materialised flags: test the bits as Table B-1 defines the condition.
    Value f = cc_.dst;
    auto bit = [&](uint64_t mask) {
      return e.Ne(e.And(f, ir::IrEmitter::Imm64(mask)), ir::IrEmitter::Imm64(0));
    };
    Value r;
    switch (cc & ~1) {
      case kO:
        r = bit(kOf);
        break;
      case kB:
        r = bit(kCf);
        break;
      case kE:
        r = bit(kZf);
        break;
      case kBe:
        r = bit(kCf | kZf);
        break;
      case kS:
        r = bit(kSf);
        break;
      case kP:
        r = bit(kPf);
        break;
      case kL:
        r = e.Xor(bit(kSf), bit(kOf));
        break;
      default:
        r = e.Or(bit(kZf), e.Xor(bit(kSf), bit(kOf)));
        break;
    }
    return (cc & 1) ? e.Xor(r, ir::IrEmitter::True()) : r;
  }
  IrOps ops{e, SizeType(cc_.bytes)};
  LazyFlags<IrOps> f{ops, cc_.kind, cc_.bytes * 8, cc_.dst, cc_.src, cc_.src2};
  return f.Condition(cc);
}

Value TranslatorContext::Carry() {
  if (cc_.valid && cc_.kind != CcKind::kEflags) {
    IrOps ops{e, SizeType(cc_.bytes)};
    LazyFlags<IrOps> f{ops, cc_.kind, cc_.bytes * 8, cc_.dst, cc_.src, cc_.src2};
    return f.Cf();
  }
  return e.Trunc(Type::kU1, ArithFlags());
}

Value TranslatorContext::ArithFlags() {
  if (!cc_.valid) return Call(HelperId::kComputeFlags, Type::kU64);
  if (cc_.kind == CcKind::kEflags) return e.And(cc_.dst, ir::IrEmitter::Imm64(kArithFlags));
  IrOps ops{e, SizeType(cc_.bytes)};
  LazyFlags<IrOps> f{ops, cc_.kind, cc_.bytes * 8, cc_.dst, cc_.src, cc_.src2};
  auto at = [&](Value b, unsigned pos) {
    return e.Shl(e.ZExt(Type::kU64, b), ir::IrEmitter::Imm8(pos));
  };
  Value r = at(f.Cf(), 0);
  r = e.Or(r, at(f.Pf(), 2));
  r = e.Or(r, at(f.Af(), 4));
  r = e.Or(r, at(f.Zf(), 6));
  r = e.Or(r, at(f.Sf(), 7));
  return e.Or(r, at(f.Of(), 11));
}

Value TranslatorContext::Rflags() {
  Value other =
      e.And(e.LoadState(Type::kU64, kRflagsOffset), ir::IrEmitter::Imm64(~uint64_t{kArithFlags}));
  return e.Or(e.Or(other, ArithFlags()), ir::IrEmitter::Imm64(kFixedOne));
}

void TranslatorContext::SetArithFlags(Value arith) {
  arith = e.And(e.ZExt(Type::kU64, arith), ir::IrEmitter::Imm64(kArithFlags));
  Value other =
      e.And(e.LoadState(Type::kU64, kRflagsOffset), ir::IrEmitter::Imm64(~uint64_t{kArithFlags}));
  e.StoreState(kRflagsOffset, e.Or(other, arith));
  e.StoreState(kCcOpOffset, Value::Imm(Type::kU32, CcOp(CcKind::kEflags, 0)));
  cc_ = {true, CcKind::kEflags, 8, arith, {}, {}};
}

// --- control --------------------------------------------------------------------------------

void TranslatorContext::Raise(uint8_t vector, bool has_error, uint32_t error) {
  Call(HelperId::kRaiseException, Type::kVoid,
       ir::IrEmitter::Imm64(vector | (has_error ? 0x100u : 0)), ir::IrEmitter::Imm64(error));
  e.Exit();
  end_block = true;
}

void TranslatorContext::LoadSegmentAndEnd(Seg seg, Value selector) {
  Call(HelperId::kLoadSegment, Type::kVoid, e.ZExt(Type::kU64, selector),
       ir::IrEmitter::Imm64(static_cast<uint64_t>(seg)));
  ExitToNext();
}

void TranslatorContext::ExitToNext() {
  e.StoreState(kRipOffset, ir::IrEmitter::Imm64(next_pc));
  e.Exit();
  end_block = true;
}

uint64_t TranslatorContext::IpMask(uint64_t target, unsigned op_bytes) const {
  if (op_bytes == 2) return target & 0xFFFF;
  if (op_bytes == 4 || mode.code != CodeSize::k64) return target & 0xFFFFFFFF;
  return target;
}

Value TranslatorContext::IpMask(Value target, unsigned op_bytes) {
  Value t64 = e.ZExt(Type::kU64, target);
  if (op_bytes == 2) return e.And(t64, ir::IrEmitter::Imm64(0xFFFF));
  if (op_bytes == 4 || mode.code != CodeSize::k64)
    return e.And(t64, ir::IrEmitter::Imm64(0xFFFFFFFF));
  return t64;
}

// --- the block loop -------------------------------------------------------------------------

void ReportUnimplemented(Mnemonic m) {
  // Once per mnemonic: a guest that probes an instruction in a loop should not flood the log.
  static std::mutex mutex;
  static std::bitset<static_cast<size_t>(Mnemonic::kCount)> seen;
  std::lock_guard lock(mutex);
  if (seen.test(static_cast<size_t>(m))) return;
  seen.set(static_cast<size_t>(m));
  std::fprintf(stderr,
               "vireo: note: the guest used '%s', which Vireo does not implement yet; "
               "it raises #UD\n",
               MnemonicName(m));
}

ir::Block Translator::Translate(uint64_t rip, uint64_t cs_base, bool* fetch_fault,
                                unsigned max_insts) {
  ir::Block block;
  block.guest_pc = rip;
  TranslatorContext ctx(block, mode_);
  if (fetch_fault != nullptr) *fetch_fault = false;
  const bool wide = mode_.code == CodeSize::k64;
  auto linear_of = [&](uint64_t pc) { return wide ? cs_base + pc : (cs_base + pc) & 0xFFFFFFFF; };
  const uint64_t first_page = linear_of(rip) >> 12;
  uint64_t pc = rip;
  uint8_t bytes[16];
  for (unsigned n = 0; n < max_insts; ++n) {
    uint64_t linear = linear_of(pc);
    size_t got = fetch_(linear, bytes, 15);
    DecodedInst d;
    DecodeStatus status = got == 0 ? DecodeStatus::kTruncated
                                   : Decode(std::span<const uint8_t>(bytes, got), mode_.code, d);
    if (status == DecodeStatus::kTruncated && got < 15) {
      // The instruction runs into a page we cannot fetch. If it is the block's first, the
      // caller raises the fetch fault; otherwise the block ends before it, and the next block
      // faults at exactly this instruction.
      if (n == 0) {
        if (fetch_fault != nullptr) *fetch_fault = true;
        ctx.e.Exit();
        return block;
      }
      break;
    }
    ctx.e.SetGuestOffset(static_cast<uint16_t>(pc - rip));
    ctx.pc = pc;
    if (status != DecodeStatus::kOk) {
      // SDM Vol. 2A 2.3.11: more than 15 bytes is #GP(0); otherwise an invalid opcode is #UD.
      if (status == DecodeStatus::kTooLong)
        ctx.Raise(13, true, 0);
      else
        ctx.Raise(6);
      break;
    }
    ctx.d = &d;
    ctx.next_pc =
        wide ? pc + d.length : ctx.IpMask(pc + d.length, mode_.code == CodeSize::k16 ? 2 : 4);
    TranslateFn handler = HandlerFor(d.mnemonic);
    if (handler == nullptr) {
      ReportUnimplemented(d.mnemonic);
      ctx.Raise(6);
      break;
    }
    handler(ctx);
    block.guest_insts++;
    block.guest_size += d.length;
    pc = ctx.next_pc;
    if (ctx.end_block) return block;
    // Stop at a page boundary: a block's code stays within the page it started in (plus the
    // tail of an instruction that crosses), so chaining stays valid across remapping.
    if ((linear_of(pc) >> 12) != first_page) break;
    // 16-bit code wraps IP at 64 KiB; a block never spans the wrap.
    if (!wide && pc < ctx.pc) break;
  }
  if (!ctx.end_block) ctx.e.Jump(pc);
  return block;
}

}  // namespace vireo::x86
