// Flag instructions (CLC STC CMC CLD STD LAHF SAHF SALC), NOP/PAUSE, CPUID, RDTSC, UD0/1/2,
// BOUND, HLT, prefetch hints, cache-line flushes and fences (SDM Vol. 2A/2B).

#include <cstddef>

#include "cpu/x86/translate_families.h"

namespace vireo::x86 {

namespace {

using ir::IrEmitter;
using ir::Type;
using ir::Value;

constexpr uint32_t kRflagsOffset = offsetof(CpuState, rflags);

void Nop(TranslatorContext&) {}

/// CLC/STC/CMC: CF only; the other arithmetic flags keep their (materialised) values.
template <int kKind>  // 0 clear, 1 set, 2 complement
void CarryOp(TranslatorContext& c) {
  auto& e = c.e;
  Value f = c.ArithFlags();
  if (kKind == 0) f = e.And(f, IrEmitter::Imm64(~uint64_t{kCf}));
  if (kKind == 1) f = e.Or(f, IrEmitter::Imm64(kCf));
  if (kKind == 2) f = e.Xor(f, IrEmitter::Imm64(kCf));
  c.SetArithFlags(f);
}

/// CLD/STD: DF is a system-visible bit kept in rflags at all times.
template <bool kSet>
void DirectionOp(TranslatorContext& c) {
  auto& e = c.e;
  Value r = e.LoadState(Type::kU64, kRflagsOffset);
  r = kSet ? e.Or(r, IrEmitter::Imm64(kDf)) : e.And(r, IrEmitter::Imm64(~uint64_t{kDf}));
  e.StoreState(kRflagsOffset, r);
}

/// LAHF: AH = SF:ZF:0:AF:0:PF:1:CF (SDM Vol. 2A LAHF).
void Lahf(TranslatorContext& c) {
  Value f = c.e.And(c.ArithFlags(), IrEmitter::Imm64(kSf | kZf | kAf | kPf | kCf));
  c.SetReg(kRegAH, 1, c.e.Trunc(Type::kU8, c.e.Or(f, IrEmitter::Imm64(kFixedOne))));
}

/// SAHF: SF ZF AF PF CF from AH; OF unchanged.
void Sahf(TranslatorContext& c) {
  auto& e = c.e;
  constexpr uint64_t kFromAh = kSf | kZf | kAf | kPf | kCf;
  Value ah = e.ZExt(Type::kU64, c.GetReg(kRegAH, 1));
  Value keep = e.And(c.ArithFlags(), IrEmitter::Imm64(~kFromAh));
  c.SetArithFlags(e.Or(keep, e.And(ah, IrEmitter::Imm64(kFromAh))));
}

/// SALC (undocumented D6, outside 64-bit mode): AL = CF ? 0xFF : 0.
void Salc(TranslatorContext& c) {
  c.SetReg(kRax, 1,
           c.e.Select(c.Carry(), ir::Value::Imm(Type::kU8, 0xFF), ir::Value::Imm(Type::kU8, 0)));
}

/// CLFLUSH/CLFLUSHOPT/CLWB: no cache to write back, but the access rights and faults of a
/// byte load apply (SDM Vol. 2A CLFLUSH: "#PF(fault-code) for a page fault").
void CacheLineFlush(TranslatorContext& c) { c.Load(Type::kU8, c.Address(1, false)); }

/// MFENCE/LFENCE/SFENCE: nothing to emit. One vCPU's accesses run in program order, and device
/// threads see guest memory only through the machine lock, whose acquire/release orders them.
/// (SMP guests will need host fences here.)
void Fence(TranslatorContext&) {}

void Cpuid(TranslatorContext& c) { c.Call(HelperId::kCpuid, Type::kVoid); }
void Rdtsc(TranslatorContext& c) { c.Call(HelperId::kRdtsc, Type::kVoid); }
void Undefined(TranslatorContext& c) { c.Raise(6); }

/// BOUND r16/32, m16&16 / m32&32: #BR, a fault, unless lower <= index <= upper compared signed
/// (SDM Vol. 2A BOUND). Not valid in 64-bit mode (the decoder's i64 rule).
void Bound(TranslatorContext& c) {
  auto& e = c.e;
  const unsigned bytes = c.d->operand_size;
  const Type t = TranslatorContext::SizeType(bytes);
  Value addr = c.Address(bytes * 2, false);
  Value lower = c.Load(t, addr);
  Value upper = c.Load(t, e.Add(addr, IrEmitter::Imm64(bytes)));
  Value index = c.Read(0);
  e.Trap(e.Or(e.Slt(index, lower), e.Slt(upper, index)), 5);  // #BR
}

/// HLT: privileged (#GP(0) above CPL 0); the vCPU resumes after it when an interrupt arrives.
void Hlt(TranslatorContext& c) {
  if (c.mode.cpl != 0) return c.Raise(13, true, 0);
  c.e.StoreState(offsetof(CpuState, rip), IrEmitter::Imm64(c.next_pc));
  c.Call(HelperId::kHalt, Type::kVoid);
  c.e.Exit();
  c.end_block = true;
}

}  // namespace

void RegisterMisc(HandlerTable& t) {
  t.Add(Mnemonic::kNOP, Nop);
  t.Add(Mnemonic::kPAUSE, Nop);
  // ENDBR32/64 are NOPs while CET is not enabled (SDM Vol. 1 17.3.6; CET is not reported).
  t.Add(Mnemonic::kENDBR64, Nop);
  t.Add(Mnemonic::kENDBR32, Nop);
  t.Add(Mnemonic::kCLC, CarryOp<0>);
  t.Add(Mnemonic::kSTC, CarryOp<1>);
  t.Add(Mnemonic::kCMC, CarryOp<2>);
  t.Add(Mnemonic::kCLD, DirectionOp<false>);
  t.Add(Mnemonic::kSTD, DirectionOp<true>);
  t.Add(Mnemonic::kLAHF, Lahf);
  t.Add(Mnemonic::kSAHF, Sahf);
  t.Add(Mnemonic::kSALC, Salc);
  t.Add(Mnemonic::kCPUID, Cpuid);
  t.Add(Mnemonic::kRDTSC, Rdtsc);
  for (Mnemonic m : {Mnemonic::kUD0, Mnemonic::kUD1, Mnemonic::kUD2}) t.Add(m, Undefined);
  t.Add(Mnemonic::kBOUND, Bound);
  t.Add(Mnemonic::kHLT, Hlt);
  // Prefetches are hints: no architectural effect and, unlike loads, never a fault (SDM Vol. 2B
  // PREFETCHh).
  for (Mnemonic m : {Mnemonic::kPREFETCHT0, Mnemonic::kPREFETCHT1, Mnemonic::kPREFETCHT2,
                     Mnemonic::kPREFETCHNTA, Mnemonic::kPREFETCHW, Mnemonic::kPREFETCH})
    t.Add(m, Nop);
  for (Mnemonic m : {Mnemonic::kCLFLUSH, Mnemonic::kCLFLUSHOPT, Mnemonic::kCLWB})
    t.Add(m, CacheLineFlush);
  for (Mnemonic m : {Mnemonic::kLFENCE, Mnemonic::kSFENCE, Mnemonic::kMFENCE}) t.Add(m, Fence);
}

}  // namespace vireo::x86
