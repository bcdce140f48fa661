// Near control transfers: Jcc, JMP, CALL, RET, LOOP/LOOPE/LOOPNE, JCXZ/JECXZ/JRCXZ
// (SDM Vol. 2A/2B). Far transfers, INT and IRET belong to the system family.

#include "cpu/x86/translate_families.h"

namespace vireo::x86 {

namespace {

using ir::Type;
using ir::Value;

/// The constant target of a relative branch, wrapped to the operand size's IP width.
uint64_t RelTarget(const TranslatorContext& c) {
  return c.IpMask(c.next_pc + static_cast<uint64_t>(c.d->imm[0]), c.d->operand_size);
}

void EndWith(TranslatorContext& c) { c.end_block = true; }

void Jcc(TranslatorContext& c) {
  c.e.Branch(c.Condition(ConditionOf(*c.d)), RelTarget(c), c.next_pc);
  EndWith(c);
}

void Jmp(TranslatorContext& c) {
  if (c.d->operands[0].kind == OperandKind::kRel) {
    c.e.Jump(RelTarget(c));
  } else {
    c.e.Indirect(c.IpMask(c.Read(0), c.d->operand_size));
  }
  EndWith(c);
}

void Call(TranslatorContext& c) {
  unsigned bytes = c.d->operand_size;
  Type t = TranslatorContext::SizeType(bytes);
  if (c.d->operands[0].kind == OperandKind::kRel) {
    c.Push(Value::Imm(t, c.next_pc));
    c.e.Jump(RelTarget(c));
  } else {
    // Read the target first: a fault there must leave the stack untouched.
    Value target = c.IpMask(c.Read(0), bytes);
    c.Push(Value::Imm(t, c.next_pc));
    c.e.Indirect(target);
  }
  EndWith(c);
}

void Ret(TranslatorContext& c) {
  unsigned bytes = c.d->operand_size;
  Value target = c.IpMask(c.PeekTop(bytes), bytes);
  uint64_t extra = c.d->num_operands > 0 ? static_cast<uint64_t>(c.d->imm[0]) & 0xFFFF : 0;
  c.AdjustSp(static_cast<int64_t>(bytes + extra));
  c.e.Indirect(target);
  EndWith(c);
}

/// LOOPcc: the count register is rCX at the address size (SDM Vol. 2A LOOP/LOOPcc).
template <int kKind>  // 0: LOOP, 1: LOOPE, 2: LOOPNE
void Loop(TranslatorContext& c) {
  auto& e = c.e;
  unsigned asz = c.d->address_size;
  Type at = TranslatorContext::SizeType(asz);
  Value count = e.Sub(c.GetReg(kRcx, asz), Value::Imm(at, 1));
  c.SetReg(kRcx, asz, count);
  Value cond = e.Ne(count, Value::Imm(at, 0));
  if (kKind == 1) cond = e.And(cond, c.Condition(kE));
  if (kKind == 2) cond = e.And(cond, c.Condition(kNe));
  e.Branch(cond, RelTarget(c), c.next_pc);
  EndWith(c);
}

void Jcxz(TranslatorContext& c) {
  unsigned asz = c.d->address_size;
  Value cond = c.e.Eq(c.GetReg(kRcx, asz), Value::Imm(TranslatorContext::SizeType(asz), 0));
  c.e.Branch(cond, RelTarget(c), c.next_pc);
  EndWith(c);
}

}  // namespace

void RegisterBranch(HandlerTable& t) {
  for (Mnemonic m :
       {Mnemonic::kJO, Mnemonic::kJNO, Mnemonic::kJB, Mnemonic::kJAE, Mnemonic::kJE, Mnemonic::kJNE,
        Mnemonic::kJBE, Mnemonic::kJA, Mnemonic::kJS, Mnemonic::kJNS, Mnemonic::kJP, Mnemonic::kJNP,
        Mnemonic::kJL, Mnemonic::kJGE, Mnemonic::kJLE, Mnemonic::kJG})
    t.Add(m, Jcc);
  t.Add(Mnemonic::kJMP, Jmp);
  t.Add(Mnemonic::kCALL, Call);
  t.Add(Mnemonic::kRET, Ret);
  t.Add(Mnemonic::kLOOP, Loop<0>);
  t.Add(Mnemonic::kLOOPE, Loop<1>);
  t.Add(Mnemonic::kLOOPNE, Loop<2>);
  for (Mnemonic m : {Mnemonic::kJCXZ, Mnemonic::kJECXZ, Mnemonic::kJRCXZ}) t.Add(m, Jcxz);
}

}  // namespace vireo::x86
