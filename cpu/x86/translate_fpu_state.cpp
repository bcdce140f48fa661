// FXSAVE/FXRSTOR (SDM Vol. 2A FXSAVE, FXRSTOR; Vol. 1 10.5.1) and XSAVE/XRSTOR/XGETBV/XSETBV
// for the x87 and SSE components (Vol. 1 ch. 13). The memory side is IR, so faults are
// precise: a restore loads the whole image into FpuState::image before the helper
// (fpu_state.cpp) applies it; a save has the helper build the image and then stores it, so a
// fault part way changes no register and the restarted instruction writes the same bytes.

#include "cpu/x86/cpu.h"
#include "cpu/x86/fpu_state.h"
#include "cpu/x86/helpers.h"
#include "cpu/x86/translate_simd.h"

namespace vireo::x86 {

namespace {

using ir::Type;
using ir::Value;
using Imm = ir::IrEmitter;

constexpr uint64_t kCr4Osxsave = 1 << 18;

/// Moves bytes [from, to) of the image between guest memory at `lin` and FpuState::image.
void Move(TranslatorContext& c, Value lin, unsigned from, unsigned to, bool to_memory) {
  for (unsigned at = from; at < to; at += 8) {
    Value addr = c.e.Add(lin, Imm::Imm64(at));
    if (to_memory)
      c.Store(addr, c.e.LoadState(Type::kU64, FpuImageOffset() + at));
    else
      c.e.StoreState(FpuImageOffset() + at, c.Load(Type::kU64, addr));
  }
}

void CallHelper(TranslatorContext& c, FpuStateOp op) {
  uint32_t a = static_cast<uint32_t>(op);
  if (c.d->rex & 8) a |= kFpuStateWide;  // REX.W: FXSAVE64 etc.
  if (c.mode.code == CodeSize::k64) a |= kFpuStateMode64;
  c.Call(HelperId::kFpuState, Type::kU64, Imm::Imm64(a), Imm::Imm64(0));
}

unsigned Legacy(TranslatorContext& c) { return LegacyImageBytes(c.mode.code == CodeSize::k64); }

/// The memory operand, after the alignment check (#GP(0) in both instructions' tables).
Value AlignedOperand(TranslatorContext& c, unsigned bytes, unsigned align, bool write) {
  Value lin = c.Address(bytes, write);
  CheckAligned(c, lin, align);
  return lin;
}

/// FXSAVE/FXRSTOR raise #NM when CR0.TS or CR0.EM is set (their exception tables).
bool FxUsable(TranslatorContext& c) {
  if (c.mode.fpu & (TranslationMode::kFpuEm | TranslationMode::kFpuTs)) {
    c.Raise(kNM);
    return false;
  }
  return true;
}

/// The XSAVE family: #UD unless CR4.OSXSAVE (checked at run time: CR4 is not part of the
/// translation mode), then #NM when CR0.TS is set (Vol. 1 13.7, 13.8).
bool XUsable(TranslatorContext& c, bool check_ts) {
  Value cr4 = c.e.LoadState(Type::kU64, offsetof(CpuState, cr4));
  c.e.Trap(c.e.Eq(c.e.And(cr4, Imm::Imm64(kCr4Osxsave)), Imm::Imm64(0)), kUD);
  if (check_ts && (c.mode.fpu & TranslationMode::kFpuTs)) {
    c.Raise(kNM);
    return false;
  }
  return true;
}

void Fxsave(TranslatorContext& c) {
  if (!FxUsable(c)) return;
  Value lin = AlignedOperand(c, 512, 16, true);
  CallHelper(c, FpuStateOp::kFxsave);
  Move(c, lin, 0, Legacy(c), true);
}

void Fxrstor(TranslatorContext& c) {
  if (!FxUsable(c)) return;
  Value lin = AlignedOperand(c, 512, 16, false);
  Move(c, lin, 0, Legacy(c), false);
  CallHelper(c, FpuStateOp::kFxrstor);
}

void Xsave(TranslatorContext& c) {
  if (!XUsable(c, true)) return;
  Value lin = AlignedOperand(c, kXsaveAreaBytes, 64, true);
  // The old contents first: components outside RFBM and XSTATE_BV's other bits stay.
  Move(c, lin, 0, Legacy(c), false);
  Move(c, lin, kXsaveHeader, kXsaveHeader + 8, false);
  CallHelper(c, FpuStateOp::kXsave);
  Move(c, lin, 0, Legacy(c), true);
  Move(c, lin, kXsaveHeader, kXsaveHeader + 8, true);
}

void Xrstor(TranslatorContext& c) {
  if (!XUsable(c, true)) return;
  Value lin = AlignedOperand(c, kXsaveAreaBytes, 64, false);
  Move(c, lin, 0, Legacy(c), false);
  Move(c, lin, kXsaveHeader, kXsaveHeader + kXsaveHeaderBytes, false);
  CallHelper(c, FpuStateOp::kXrstor);
}

void Xgetbv(TranslatorContext& c) {
  if (XUsable(c, false)) CallHelper(c, FpuStateOp::kXgetbv);
}

/// XSETBV changes what XSAVE saves; the block ends after it (decoder F_EOB).
void Xsetbv(TranslatorContext& c) {
  if (XUsable(c, false)) CallHelper(c, FpuStateOp::kXsetbv);
}

}  // namespace

void RegisterFpuState(HandlerTable& t) {
  t.Add(Mnemonic::kFXSAVE, Fxsave);
  t.Add(Mnemonic::kFXSAVE64, Fxsave);
  t.Add(Mnemonic::kFXRSTOR, Fxrstor);
  t.Add(Mnemonic::kFXRSTOR64, Fxrstor);
  t.Add(Mnemonic::kXSAVE, Xsave);
  t.Add(Mnemonic::kXSAVE64, Xsave);
  t.Add(Mnemonic::kXRSTOR, Xrstor);
  t.Add(Mnemonic::kXRSTOR64, Xrstor);
  t.Add(Mnemonic::kXGETBV, Xgetbv);
  t.Add(Mnemonic::kXSETBV, Xsetbv);
}

}  // namespace vireo::x86
