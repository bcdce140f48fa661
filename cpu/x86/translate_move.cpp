// MOV, MOVZX/MOVSX/MOVSXD, LEA, XCHG, CBW..CQO, CMOVcc, SETcc, BSWAP, XLAT, MOVBE
// (SDM Vol. 2A/2B). None of them affects flags.

#include "cpu/x86/translate_families.h"

namespace vireo::x86 {

namespace {

using ir::Type;
using ir::Value;

Type TypeOf(const TranslatorContext& c, unsigned i) {
  return TranslatorContext::SizeType(c.d->operands[i].size);
}

void Mov(TranslatorContext& c) {
  if (c.d->operands[0].kind == OperandKind::kSeg || c.d->operands[1].kind == OperandKind::kSeg) {
    if (c.d->operands[0].kind == OperandKind::kSeg) {
      // MOV Sreg, r/m16 (SDM Vol. 2B MOV): CS cannot be loaded this way (#UD).
      Seg seg = static_cast<Seg>(c.d->operands[0].reg);
      if (seg == Seg::kCS) return c.Raise(6);
      Value sel = c.d->operands[1].kind == OperandKind::kMem
                      ? c.Load(Type::kU16, c.Address(2, false))
                      : c.GetReg(c.d->operands[1].reg, 2);
      return c.LoadSegmentAndEnd(seg, sel);
    }
    // MOV r/m, Sreg: a register destination gets the selector zero-extended (32/64-bit
    // operand size), a memory destination is always 16 bits (SDM Vol. 2B MOV, note).
    Value sel = c.Read(1);
    if (c.d->operands[0].kind == OperandKind::kMem)
      c.Store(c.Address(2), sel);
    else
      c.Write(0, c.e.ZExt(TypeOf(c, 0), sel));
    return;
  }
  c.Write(0, c.ReadAs(1, TypeOf(c, 0)));
}

void Movzx(TranslatorContext& c) { c.Write(0, c.e.ZExt(TypeOf(c, 0), c.Read(1))); }
void Movsx(TranslatorContext& c) { c.Write(0, c.e.SExt(TypeOf(c, 0), c.Read(1))); }

void Lea(TranslatorContext& c) {
  // The effective address at the address size, then truncated or zero-extended to the operand
  // size (SDM Vol. 2A LEA, Table 3-54).
  c.Write(0, c.e.ZExt(TypeOf(c, 0), c.EffectiveAddress()));
}

void Xchg(TranslatorContext& c) {
  auto& e = c.e;
  // With a memory operand XCHG is locked whether or not LOCK is given (SDM Vol. 2B XCHG).
  unsigned mem = c.d->operands[0].kind == OperandKind::kMem   ? 0
                 : c.d->operands[1].kind == OperandKind::kMem ? 1
                                                              : 2;
  if (mem != 2) {
    unsigned reg = 1 - mem;
    Value v = c.Read(reg);
    Value old = e.AtomicRmw(ir::AtomicOp::kExchange, c.Address(), v);
    c.Write(reg, old);
    return;
  }
  Value a = c.Read(0), b = c.Read(1);
  c.Write(0, b);
  c.Write(1, a);
}

/// CBW/CWDE/CDQE: rAX = sign-extend of its lower half.
void ConvertAcc(TranslatorContext& c) {
  unsigned bytes = c.d->operand_size;
  Value half = c.GetReg(kRax, bytes / 2);
  c.SetReg(kRax, bytes, c.e.SExt(TranslatorContext::SizeType(bytes), half));
}

/// CWD/CDQ/CQO: rDX = the sign of rAX, replicated.
void ConvertDx(TranslatorContext& c) {
  unsigned bytes = c.d->operand_size;
  Value a = c.GetReg(kRax, bytes);
  c.SetReg(kRdx, bytes, c.e.Ashr(a, ir::IrEmitter::Imm8(bytes * 8 - 1)));
}

void Cmov(TranslatorContext& c) {
  // The source is read (and may fault) and the destination written even when the condition
  // is false, so a 32-bit CMOV always zero-extends in 64-bit mode (SDM Vol. 2A CMOVcc).
  Value src = c.ReadAs(1, TypeOf(c, 0));
  Value cond = c.Condition(ConditionOf(*c.d));
  c.Write(0, c.e.Select(cond, src, c.Read(0)));
}

void Setcc(TranslatorContext& c) {
  c.Write(0, c.e.ZExt(Type::kU8, c.Condition(ConditionOf(*c.d))));
}

void Bswap(TranslatorContext& c) {
  unsigned bytes = c.d->operands[0].size;
  if (bytes == 2) {
    // BSWAP r16 is undefined (SDM Vol. 2A BSWAP); Intel and AMD hardware zero the low word,
    // and the differential test checks that against this host.
    c.Write(0, Value::Imm(Type::kU16, 0));
    return;
  }
  c.Write(0, c.e.Bswap(c.Read(0)));
}

void Xlat(TranslatorContext& c) {
  auto& e = c.e;
  unsigned asz = c.d->address_size;
  Type at = TranslatorContext::SizeType(asz);
  Value offset = e.Add(c.GetReg(kRbx, asz), e.ZExt(at, c.GetReg(kRax, 1)));
  Seg seg = c.d->segment_override == Seg::kNone ? Seg::kDS : c.d->segment_override;
  c.SetReg(kRax, 1, c.Load(Type::kU8, c.Linear(seg, offset, 1)));
}

/// LDS/LES/LFS/LGS/LSS r, m16:16/m16:32/m16:64: offset then selector from memory; the segment
/// load (which may fault) comes before the register write (SDM Vol. 2A LDS/LES/LFS/LGS/LSS).
template <Seg kSeg>
void LoadFarPointer(TranslatorContext& c) {
  unsigned bytes = c.d->operand_size;
  Value addr = c.Address(bytes + 2, false);
  Value offset = c.Load(TranslatorContext::SizeType(bytes), addr);
  Value sel = c.Load(Type::kU16, c.e.Add(addr, ir::IrEmitter::Imm64(bytes)));
  c.Call(HelperId::kLoadSegment, Type::kVoid, c.e.ZExt(Type::kU64, sel),
         ir::IrEmitter::Imm64(static_cast<uint64_t>(kSeg)));
  c.Write(0, offset);
  c.ExitToNext();
}

void Movbe(TranslatorContext& c) { c.Write(0, c.e.Bswap(c.ReadAs(1, TypeOf(c, 0)))); }

}  // namespace

void RegisterMove(HandlerTable& t) {
  t.Add(Mnemonic::kMOV, Mov);
  t.Add(Mnemonic::kMOVZX, Movzx);
  t.Add(Mnemonic::kMOVSX, Movsx);
  t.Add(Mnemonic::kMOVSXD, Movsx);
  t.Add(Mnemonic::kLEA, Lea);
  t.Add(Mnemonic::kXCHG, Xchg);
  for (Mnemonic m : {Mnemonic::kCBW, Mnemonic::kCWDE, Mnemonic::kCDQE}) t.Add(m, ConvertAcc);
  for (Mnemonic m : {Mnemonic::kCWD, Mnemonic::kCDQ, Mnemonic::kCQO}) t.Add(m, ConvertDx);
  for (Mnemonic m : {Mnemonic::kCMOVO, Mnemonic::kCMOVNO, Mnemonic::kCMOVB, Mnemonic::kCMOVAE,
                     Mnemonic::kCMOVE, Mnemonic::kCMOVNE, Mnemonic::kCMOVBE, Mnemonic::kCMOVA,
                     Mnemonic::kCMOVS, Mnemonic::kCMOVNS, Mnemonic::kCMOVP, Mnemonic::kCMOVNP,
                     Mnemonic::kCMOVL, Mnemonic::kCMOVGE, Mnemonic::kCMOVLE, Mnemonic::kCMOVG})
    t.Add(m, Cmov);
  for (Mnemonic m : {Mnemonic::kSETO, Mnemonic::kSETNO, Mnemonic::kSETB, Mnemonic::kSETAE,
                     Mnemonic::kSETE, Mnemonic::kSETNE, Mnemonic::kSETBE, Mnemonic::kSETA,
                     Mnemonic::kSETS, Mnemonic::kSETNS, Mnemonic::kSETP, Mnemonic::kSETNP,
                     Mnemonic::kSETL, Mnemonic::kSETGE, Mnemonic::kSETLE, Mnemonic::kSETG})
    t.Add(m, Setcc);
  t.Add(Mnemonic::kBSWAP, Bswap);
  t.Add(Mnemonic::kXLATB, Xlat);
  t.Add(Mnemonic::kMOVBE, Movbe);
  t.Add(Mnemonic::kLDS, LoadFarPointer<Seg::kDS>);
  t.Add(Mnemonic::kLES, LoadFarPointer<Seg::kES>);
  t.Add(Mnemonic::kLFS, LoadFarPointer<Seg::kFS>);
  t.Add(Mnemonic::kLGS, LoadFarPointer<Seg::kGS>);
  t.Add(Mnemonic::kLSS, LoadFarPointer<Seg::kSS>);
}

}  // namespace vireo::x86
