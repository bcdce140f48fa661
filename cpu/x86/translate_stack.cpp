// Stack instructions: PUSH, POP, PUSHA/PUSHAD, POPA/POPAD, PUSHF/PUSHFD/PUSHFQ,
// POPF/POPFD/POPFQ, ENTER, LEAVE (SDM Vol. 2B).
//
// Precise faults: the handlers do their loads and stores first and write registers and flags
// last, so a fault leaves the registers as they were (POPA, whose partial register loads the
// hardware keeps, is the one exception; see there). Stores completed before a later access
// faulted stay in memory, as on hardware: an ENTER or PUSHA that faults half-way has already
// written its first slots, and the differential oracle checks this.
//
// POP to a segment register loads it through the descriptor checks of segments.cpp before RSP
// moves, and ends the block (what translated code assumes about segments changed).

#include <cstddef>

#include "cpu/x86/cpu.h"
#include "cpu/x86/translate_families.h"

namespace vireo::x86 {

namespace {

using ir::AtomicOp;
using ir::IrEmitter;
using ir::Type;
using ir::Value;

constexpr uint32_t kRflagsOffset = offsetof(CpuState, rflags);
constexpr uint32_t kCr4Offset = offsetof(CpuState, cr4);
constexpr uint64_t kCr4Vme = 1 << 0;

/// Helper sub-operation of kCmpxchg16b (translate_atomic.cpp): b = 0 raises #GP(0) when a != 0.

/// The flag bits a 16-bit POPF can load (bits 0-15 less the reserved ones, SDM Vol. 1 3.4.3).
constexpr uint64_t kFlags16 = kArithFlags | kTf | kIf | kDf | kIopl | kNt;
/// Bits only a 32/64-bit POPF can load (the rest of the upper half is VM, RF, VIF, VIP, which
/// POPF never loads, or reserved).
constexpr uint64_t kFlags32 = kAc | kId;

Type SizeType(unsigned bytes) { return TranslatorContext::SizeType(bytes); }

/// `sp` (a stack-width value) moved by `delta` bytes, wrapping at the stack width.
Value SpPlus(TranslatorContext& c, Value sp, int64_t delta) {
  return c.e.Add(sp, Value::Imm(sp.type, static_cast<uint64_t>(delta)));
}

/// The full RSP after its low stack-width bytes become `sp` (what SetReg(kRsp, sw) leaves).
Value MergedRsp(TranslatorContext& c, Value sp) {
  auto& e = c.e;
  if (c.StackWidth() != 2) return e.ZExt(Type::kU64, sp);
  Value upper = e.And(c.GetReg(kRsp, 8), IrEmitter::Imm64(~uint64_t{0xFFFF}));
  return e.Or(upper, e.ZExt(Type::kU64, sp));
}

/// A stack slot's linear address (SS:sp) for a `bytes`-wide access, checked against SS's
/// rights and limit (#SS(0)) outside 64-bit mode.
Value Slot(TranslatorContext& c, Value sp, unsigned bytes, bool write) {
  return c.Linear(Seg::kSS, sp, bytes, write);
}

/// Raises #GP(0) at run time when `cond` (U1) holds; nothing else changes.
void GpIf(TranslatorContext& c, Value cond) { c.e.Trap(cond, 13 | 0x100); }

/// CR4.VME at run time (U1).
Value Vme(TranslatorContext& c) {
  Value cr4 = c.e.LoadState(Type::kU64, kCr4Offset);
  return c.e.Ne(c.e.And(cr4, IrEmitter::Imm64(kCr4Vme)), IrEmitter::Imm64(0));
}

/// IOPL from the run-time RFLAGS (U64, 0..3).
Value Iopl(TranslatorContext& c, Value rflags) {
  return c.e.And(c.e.Lshr(rflags, IrEmitter::Imm8(12)), IrEmitter::Imm64(3));
}

// --- PUSH / POP -------------------------------------------------------------------------------

void Push(TranslatorContext& c) {
  Type t = SizeType(c.d->operand_size);
  // The value is read before RSP moves: PUSH RSP pushes the old value, and a memory operand
  // based on RSP uses the old RSP (SDM Vol. 2B PUSH). A segment selector pushed with a 32/64-bit
  // operand size: the SDM allows a zero-extended write or a 16-bit write; this (AMD) host, the
  // oracle, writes the whole slot zero-extended (recent Intel cores write only 16 bits).
  c.Push(c.ReadAs(0, t));
}

/// The effective address of POP's memory operand, computed with RSP already incremented by the
/// pop (SDM Vol. 2B POP: "If the ESP register is used as a base register ... computes the
/// effective address of the operand after it increments the ESP register"). RSP itself is
/// written later, after the store.
Value PopAddress(TranslatorContext& c, Value new_sp) {
  const MemOperand& m = c.d->mem;
  if (m.base != kRsp) return c.Address();
  auto& e = c.e;
  Type at = SizeType(m.address_size);
  Value ea = e.Add(e.ZExt(at, MergedRsp(c, new_sp)), Value::Imm(at, static_cast<uint64_t>(m.disp)));
  if (m.index != kRegNone) {
    Value idx = c.GetReg(m.index, m.address_size);
    if (m.scale > 1) idx = e.Shl(idx, IrEmitter::Imm8(m.scale == 8 ? 3 : m.scale == 4 ? 2 : 1));
    ea = e.Add(ea, idx);
  }
  return c.Linear(m.segment, ea, c.d->operand_size, true);
}

void Pop(TranslatorContext& c) {
  const Operand& op = c.d->operands[0];
  unsigned bytes = c.d->operand_size;
  if (op.kind == OperandKind::kSeg) {
    Value sel = c.e.Trunc(Type::kU16, c.PeekTop(bytes));
    c.Call(HelperId::kLoadSegment, Type::kVoid, c.e.ZExt(Type::kU64, sel),
           IrEmitter::Imm64(op.reg));
    c.AdjustSp(bytes);
    c.ExitToNext();
    return;
  }
  Value v = c.PeekTop(bytes);
  if (op.kind == OperandKind::kMem) {
    Value new_sp = SpPlus(c, c.GetReg(kRsp, c.StackWidth()), bytes);
    c.Store(PopAddress(c, new_sp), v);
    c.AdjustSp(bytes);
    return;
  }
  // POP RSP: the increment happens first and the popped value replaces it (SDM Vol. 2B POP).
  c.AdjustSp(bytes);
  c.SetReg(op.reg, bytes, v);
}

/// PUSHA/PUSHAD: AX CX DX BX (original) SP BP SI DI, in that order from the highest slot.
void Pusha(TranslatorContext& c) {
  unsigned bytes = c.d->operand_size;
  Value sp = c.GetReg(kRsp, c.StackWidth());
  Value regs[8];
  for (unsigned r = 0; r < 8; ++r) regs[r] = c.GetReg(r, bytes);
  for (unsigned r = 0; r < 8; ++r)
    c.Store(Slot(c, SpPlus(c, sp, -static_cast<int64_t>((r + 1) * bytes)), bytes, true), regs[r]);
  c.SetReg(kRsp, c.StackWidth(), SpPlus(c, sp, -8 * static_cast<int64_t>(bytes)));
}

/// POPA/POPAD: DI SI BP (SP slot read, value discarded: SDM Vol. 2B POPA) BX DX CX AX.
/// Each register is written as soon as its slot is read, and RSP last: the oracle (an AMD
/// host) leaves the registers popped before a faulting slot loaded, and faults on the SP slot
/// too. The instruction stays restartable: memory and RSP are unchanged, so re-running it
/// loads the same values.
void Popa(TranslatorContext& c) {
  unsigned bytes = c.d->operand_size;
  Value sp = c.GetReg(kRsp, c.StackWidth());
  for (unsigned k = 0; k < 8; ++k) {
    Value v = c.Load(SizeType(bytes), Slot(c, SpPlus(c, sp, k * bytes), bytes, false));
    if (7 - k != kRsp) c.SetReg(7 - k, bytes, v);
  }
  c.SetReg(kRsp, c.StackWidth(), SpPlus(c, sp, 8 * bytes));
}

// --- PUSHF / POPF -----------------------------------------------------------------------------

/// PUSHF/PUSHFD/PUSHFQ: the image has VM and RF cleared (SDM Vol. 2B PUSHF).
void Pushf(TranslatorContext& c) {
  auto& e = c.e;
  unsigned bytes = c.d->operand_size;
  Value image = e.And(c.Rflags(), IrEmitter::Imm64(~uint64_t{kVm | kRf}));
  if (c.mode.v86) {
    // Virtual-8086 mode: IOPL 3 pushes as usual. With IOPL < 3, CR4.VME and a 16-bit operand
    // push IF := VIF and IOPL := 3; otherwise #GP(0) (SDM Vol. 2B PUSHF; Vol. 3B, 8086 emulation:
    // virtual-8086 mode extensions).
    Value vme = Vme(c);
    Value iopl3 = e.Eq(Iopl(c, image), IrEmitter::Imm64(3));
    Value virt = e.And(e.Xor(iopl3, IrEmitter::True()), vme);
    if (bytes != 2) virt = Value::Imm(Type::kU1, 0);
    GpIf(c, e.Xor(e.Or(iopl3, virt), IrEmitter::True()));
    Value vif_as_if = e.And(e.Lshr(image, IrEmitter::Imm8(19 - 9)), IrEmitter::Imm64(kIf));
    Value virt_image = e.Or(e.Or(e.And(image, IrEmitter::Imm64(~uint64_t{kIf})), vif_as_if),
                            IrEmitter::Imm64(kIopl));
    image = e.Select(virt, virt_image, image);
  }
  c.Push(e.Trunc(SizeType(bytes), image));
}

/// POPF/POPFD/POPFQ (SDM Vol. 2B POPF, Table 4-21 "Effect of POPF/POPFD on the EFLAGS
/// register"). Which bits load depends on the mode, CPL, IOPL and operand size; VM, VIP and VIF
/// never load (VIF only through the VME path), RF is cleared by a 32/64-bit POPF, reserved bits
/// keep their fixed values.
void Popf(TranslatorContext& c) {
  auto& e = c.e;
  unsigned bytes = c.d->operand_size;
  Value popped = e.ZExt(Type::kU64, c.PeekTop(bytes));
  Value old = e.LoadState(Type::kU64, kRflagsOffset);
  uint64_t size_bits = bytes == 2 ? kFlags16 : kFlags16 | kFlags32;
  Value mask;
  Value extra = IrEmitter::Imm64(0);  // bits set regardless of the mask (VIF under VME)
  if (c.mode.v86) {
    // IOPL 3: as CPL 3 <= IOPL (IF loads, IOPL does not). IOPL < 3 with CR4.VME and a 16-bit
    // operand: IF's image goes to VIF, IF and IOPL stay; #GP(0) if the image sets TF, or sets
    // IF while VIP is pending. Any other IOPL < 3 case is #GP(0).
    Value iopl3 = e.Eq(Iopl(c, old), IrEmitter::Imm64(3));
    Value virt = Value::Imm(Type::kU1, 0);
    Value bad = e.Xor(iopl3, IrEmitter::True());
    if (bytes == 2) {
      Value vme = Vme(c);
      virt = e.And(bad, vme);
      auto bit = [&](Value v, uint64_t b) {
        return e.Ne(e.And(v, IrEmitter::Imm64(b)), IrEmitter::Imm64(0));
      };
      Value trap = e.Or(bit(popped, kTf), e.And(bit(popped, kIf), bit(old, kVip)));
      bad = e.Or(e.And(bad, e.Xor(vme, IrEmitter::True())), e.And(virt, trap));
    }
    GpIf(c, bad);
    mask = e.Select(virt, IrEmitter::Imm64(size_bits & ~(kIf | kIopl)),
                    IrEmitter::Imm64(size_bits & ~kIopl));
    // VIF is replaced only on the VME path: clear the old one there and add the popped IF.
    Value vif = e.And(e.Shl(popped, IrEmitter::Imm8(19 - 9)), IrEmitter::Imm64(kVif));
    old = e.Select(virt, e.And(old, IrEmitter::Imm64(~uint64_t{kVif})), old);
    extra = e.Select(virt, vif, IrEmitter::Imm64(0));
  } else {
    // Real mode is CPL 0. IOPL loads only at CPL 0, IF only when CPL <= IOPL.
    unsigned cpl = c.mode.protected_mode ? c.mode.cpl : 0;
    uint64_t fixed = size_bits & ~(kIf | kIopl);
    if (cpl == 0) {
      mask = IrEmitter::Imm64(size_bits);
    } else {
      Value if_ok = e.Ule(IrEmitter::Imm64(cpl), Iopl(c, old));
      mask = e.Select(if_ok, IrEmitter::Imm64(fixed | kIf), IrEmitter::Imm64(fixed));
    }
  }
  Value result = e.Or(e.And(old, e.Not(mask)), e.And(popped, mask));
  result = e.Or(e.Or(result, extra), IrEmitter::Imm64(kFixedOne));
  if (bytes != 2) result = e.And(result, IrEmitter::Imm64(~uint64_t{kRf}));
  c.AdjustSp(bytes);
  e.StoreState(kRflagsOffset, result);
  c.SetArithFlags(result);
  // TF, IF and AC take effect from the next instruction on: end the block here.
  e.Jump(c.next_pc);
  c.end_block = true;
}

// --- ENTER / LEAVE ----------------------------------------------------------------------------

/// ENTER imm16, imm8 (SDM Vol. 2B ENTER; AMD APM Vol. 3 ENTER): push rBP, copy level-1 frame
/// pointers from [rBP - i * size] (addressed at the stack width), push the new frame pointer,
/// then allocate. Each push is written in order, so a fault half-way leaves the earlier slots
/// written (as the oracle shows); a final write check at the new stack top raises the #PF the
/// SDM lists for "a write using the final value of the stack pointer".
void Enter(TranslatorContext& c) {
  auto& e = c.e;
  unsigned bytes = c.d->operand_size;
  unsigned sw = c.StackWidth();
  Type t = SizeType(bytes);
  uint64_t alloc = static_cast<uint64_t>(c.d->imm[0]) & 0xFFFF;
  unsigned level = static_cast<unsigned>(c.d->imm[1]) & 31;
  const int64_t step = static_cast<int64_t>(bytes);

  Value sp = SpPlus(c, c.GetReg(kRsp, sw), -step);
  c.Store(Slot(c, sp, bytes, true), c.GetReg(kRbp, bytes));
  // The frame pointer is the whole stack pointer register after that push, at operand size
  // (with a 16-bit stack and 32-bit operands, ESP's upper half comes along).
  Value frame = e.Trunc(t, MergedRsp(c, sp));
  if (level > 0) {
    Value bp = c.GetReg(kRbp, sw);
    for (unsigned i = 1; i < level; ++i) {
      Value data = c.Load(t, Slot(c, SpPlus(c, bp, -static_cast<int64_t>(i) * step), bytes, false));
      sp = SpPlus(c, sp, -step);
      c.Store(Slot(c, sp, bytes, true), data);
    }
    sp = SpPlus(c, sp, -step);
    c.Store(Slot(c, sp, bytes, true), frame);
  }
  Value final_sp = SpPlus(c, sp, -static_cast<int64_t>(alloc));
  // With no allocation the final top is the slot just written; otherwise probe it for writing
  // (an atomic OR of 0 changes nothing but faults as a write would).
  if (alloc != 0) e.AtomicRmw(AtomicOp::kOr, Slot(c, final_sp, bytes, true), Value::Imm(t, 0));
  c.SetReg(kRbp, bytes, frame);
  c.SetReg(kRsp, sw, final_sp);
}

/// LEAVE: rSP := rBP at the stack width, then POP rBP at the operand size.
void Leave(TranslatorContext& c) {
  unsigned bytes = c.d->operand_size;
  unsigned sw = c.StackWidth();
  Value bp = c.GetReg(kRbp, sw);
  Value v = c.Load(SizeType(bytes), Slot(c, bp, bytes, false));
  c.SetReg(kRsp, sw, SpPlus(c, bp, bytes));
  c.SetReg(kRbp, bytes, v);
}

}  // namespace

void RegisterStack(HandlerTable& t) {
  t.Add(Mnemonic::kPUSH, Push);
  t.Add(Mnemonic::kPOP, Pop);
  t.Add(Mnemonic::kPUSHA, Pusha);
  t.Add(Mnemonic::kPUSHAD, Pusha);
  t.Add(Mnemonic::kPOPA, Popa);
  t.Add(Mnemonic::kPOPAD, Popa);
  for (Mnemonic m : {Mnemonic::kPUSHF, Mnemonic::kPUSHFD, Mnemonic::kPUSHFQ}) t.Add(m, Pushf);
  for (Mnemonic m : {Mnemonic::kPOPF, Mnemonic::kPOPFD, Mnemonic::kPOPFQ}) t.Add(m, Popf);
  t.Add(Mnemonic::kENTER, Enter);
  t.Add(Mnemonic::kLEAVE, Leave);
}

}  // namespace vireo::x86
