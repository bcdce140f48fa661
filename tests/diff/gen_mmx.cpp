// MMX forms of the integer instructions ("mmx.*"), plus MOVQ2DQ/MOVDQ2Q, MASKMOVQ and EMMS:
// one generator per encoding form. Memory operands land in the data page (sometimes crossing
// into the unmapped page after it, #PF); the oracle compares the MMX registers, the x87 TOP and
// tags (SDM Vol. 1 9.5.1).
#include <array>
#include <cstdio>
#include <utility>

#include "tests/diff/gen_registry.h"
#include "tests/diff/gen_simd.h"

namespace vireo::diff {
namespace {

using simd::Mm;
using simd::PickXmm;
using simd::PointRdi;
using simd::ShiftCount;
using simd::Xmm;

// MMX forms (no mandatory prefix, MM0-MM7, m64 without alignment rule; SDM Vol. 1 9.5.1: every
// one but EMMS leaves TOP = 0 and all tags valid).
enum class MmxForm {
  kRm,        // mm, mm/m64 (m32 for PUNPCKL*)
  kRmI,       // mm, mm/m64, imm8
  kShiftI,    // /ext mm, imm8
  kStore,     // mm/m64, mm (0F 7F)
  kMovnt,     // m64, mm
  kMovdTo,    // mm, r/m32 (r/m64 with REX.W)
  kMovdFrom,  // r/m32 (r/m64), mm
  kGprFrom,   // r32, mm (PMOVMSKB)
  kPextrw,    // r32, mm, imm8
  kPinsrw,    // mm, r32/m16, imm8
  kMovq2dq,   // F3 0F D6: xmm, mm
  kMovdq2q,   // F2 0F D6: mm, xmm
  kEmms,
  kMaskmov,  // mm, mm: masked store to DS:rDI
};

struct MmxDef {
  std::string_view name;
  const char* mnemonic;
  uint8_t opcode;
  MmxForm form;
  int ext = 0;         // ModRM.reg for kShiftI
  int shift_bits = 0;  // lane width of a shift by register
  int mem_size = 8;
};

constexpr MmxDef kMmxForms[] = {
    {"mmx.movq.load", "movq", 0x6F, MmxForm::kRm},
    {"mmx.movq.store", "movq", 0x7F, MmxForm::kStore},
    {"mmx.movntq", "movntq", 0xE7, MmxForm::kMovnt},
    {"mmx.movd.to", "movd", 0x6E, MmxForm::kMovdTo},
    {"mmx.movd.from", "movd", 0x7E, MmxForm::kMovdFrom},
    {"mmx.movq2dq", "movq2dq", 0xD6, MmxForm::kMovq2dq},
    {"mmx.movdq2q", "movdq2q", 0xD6, MmxForm::kMovdq2q},
    {"mmx.emms", "emms", 0x77, MmxForm::kEmms},
    {"mmx.pxor", "pxor", 0xEF, MmxForm::kRm},
    {"mmx.por", "por", 0xEB, MmxForm::kRm},
    {"mmx.pand", "pand", 0xDB, MmxForm::kRm},
    {"mmx.pandn", "pandn", 0xDF, MmxForm::kRm},
    {"mmx.paddb", "paddb", 0xFC, MmxForm::kRm},
    {"mmx.paddw", "paddw", 0xFD, MmxForm::kRm},
    {"mmx.paddd", "paddd", 0xFE, MmxForm::kRm},
    {"mmx.paddq", "paddq", 0xD4, MmxForm::kRm},
    {"mmx.psubb", "psubb", 0xF8, MmxForm::kRm},
    {"mmx.psubw", "psubw", 0xF9, MmxForm::kRm},
    {"mmx.psubd", "psubd", 0xFA, MmxForm::kRm},
    {"mmx.psubq", "psubq", 0xFB, MmxForm::kRm},
    {"mmx.paddsb", "paddsb", 0xEC, MmxForm::kRm},
    {"mmx.paddsw", "paddsw", 0xED, MmxForm::kRm},
    {"mmx.paddusb", "paddusb", 0xDC, MmxForm::kRm},
    {"mmx.paddusw", "paddusw", 0xDD, MmxForm::kRm},
    {"mmx.psubsb", "psubsb", 0xE8, MmxForm::kRm},
    {"mmx.psubsw", "psubsw", 0xE9, MmxForm::kRm},
    {"mmx.psubusb", "psubusb", 0xD8, MmxForm::kRm},
    {"mmx.psubusw", "psubusw", 0xD9, MmxForm::kRm},
    {"mmx.pcmpeqb", "pcmpeqb", 0x74, MmxForm::kRm},
    {"mmx.pcmpeqw", "pcmpeqw", 0x75, MmxForm::kRm},
    {"mmx.pcmpeqd", "pcmpeqd", 0x76, MmxForm::kRm},
    {"mmx.pcmpgtb", "pcmpgtb", 0x64, MmxForm::kRm},
    {"mmx.pcmpgtw", "pcmpgtw", 0x65, MmxForm::kRm},
    {"mmx.pcmpgtd", "pcmpgtd", 0x66, MmxForm::kRm},
    {"mmx.pminub", "pminub", 0xDA, MmxForm::kRm},
    {"mmx.pmaxub", "pmaxub", 0xDE, MmxForm::kRm},
    {"mmx.pminsw", "pminsw", 0xEA, MmxForm::kRm},
    {"mmx.pmaxsw", "pmaxsw", 0xEE, MmxForm::kRm},
    {"mmx.pavgb", "pavgb", 0xE0, MmxForm::kRm},
    {"mmx.pavgw", "pavgw", 0xE3, MmxForm::kRm},
    {"mmx.pmullw", "pmullw", 0xD5, MmxForm::kRm},
    {"mmx.pmulhw", "pmulhw", 0xE5, MmxForm::kRm},
    {"mmx.pmulhuw", "pmulhuw", 0xE4, MmxForm::kRm},
    {"mmx.pmuludq", "pmuludq", 0xF4, MmxForm::kRm},
    {"mmx.pmaddwd", "pmaddwd", 0xF5, MmxForm::kRm},
    {"mmx.psadbw", "psadbw", 0xF6, MmxForm::kRm},
    {"mmx.psllw", "psllw", 0xF1, MmxForm::kRm, 0, 16},
    {"mmx.pslld", "pslld", 0xF2, MmxForm::kRm, 0, 32},
    {"mmx.psllq", "psllq", 0xF3, MmxForm::kRm, 0, 64},
    {"mmx.psrlw", "psrlw", 0xD1, MmxForm::kRm, 0, 16},
    {"mmx.psrld", "psrld", 0xD2, MmxForm::kRm, 0, 32},
    {"mmx.psrlq", "psrlq", 0xD3, MmxForm::kRm, 0, 64},
    {"mmx.psraw", "psraw", 0xE1, MmxForm::kRm, 0, 16},
    {"mmx.psrad", "psrad", 0xE2, MmxForm::kRm, 0, 32},
    {"mmx.psllw.imm", "psllw", 0x71, MmxForm::kShiftI, 6},
    {"mmx.psrlw.imm", "psrlw", 0x71, MmxForm::kShiftI, 2},
    {"mmx.psraw.imm", "psraw", 0x71, MmxForm::kShiftI, 4},
    {"mmx.pslld.imm", "pslld", 0x72, MmxForm::kShiftI, 6},
    {"mmx.psrld.imm", "psrld", 0x72, MmxForm::kShiftI, 2},
    {"mmx.psrad.imm", "psrad", 0x72, MmxForm::kShiftI, 4},
    {"mmx.psllq.imm", "psllq", 0x73, MmxForm::kShiftI, 6},
    {"mmx.psrlq.imm", "psrlq", 0x73, MmxForm::kShiftI, 2},
    {"mmx.punpcklbw", "punpcklbw", 0x60, MmxForm::kRm, 0, 0, 4},
    {"mmx.punpcklwd", "punpcklwd", 0x61, MmxForm::kRm, 0, 0, 4},
    {"mmx.punpckldq", "punpckldq", 0x62, MmxForm::kRm, 0, 0, 4},
    {"mmx.punpckhbw", "punpckhbw", 0x68, MmxForm::kRm},
    {"mmx.punpckhwd", "punpckhwd", 0x69, MmxForm::kRm},
    {"mmx.punpckhdq", "punpckhdq", 0x6A, MmxForm::kRm},
    {"mmx.packsswb", "packsswb", 0x63, MmxForm::kRm},
    {"mmx.packssdw", "packssdw", 0x6B, MmxForm::kRm},
    {"mmx.packuswb", "packuswb", 0x67, MmxForm::kRm},
    {"mmx.pshufw", "pshufw", 0x70, MmxForm::kRmI},
    {"mmx.pmovmskb", "pmovmskb", 0xD7, MmxForm::kGprFrom},
    {"mmx.pextrw", "pextrw", 0xC5, MmxForm::kPextrw},
    {"mmx.pinsrw", "pinsrw", 0xC4, MmxForm::kPinsrw},
    {"mmx.maskmovq", "maskmovq", 0xF7, MmxForm::kMaskmov},
};

bool EmitMmx(Gen& g, const MmxDef& f) {
  Insn in;
  in.op_bits = g.mode() == 16 ? 16 : 32;
  in.opcode = {0x0F, f.opcode};
  std::string text = f.mnemonic;
  const int m = static_cast<int>(g.rng().Below(8));
  auto rm_mm_or_mem = [&](int size) {
    if (g.rng().Chance(40)) {
      uint64_t off = !g.sequence() && g.rng().Chance(4)
                         ? kDataSize - 1 - g.rng().Below(static_cast<uint64_t>(size - 1))
                         : g.PickOffset(size);
      in.rm.is_mem = true;
      in.rm.mem = g.MemAt(off);
      if (f.shift_bits) g.WriteData(off, ShiftCount(g, f.shift_bits), 8);
      return MemText(in.rm.mem, size);
    }
    in.rm.reg = static_cast<int>(g.rng().Below(8));
    if (f.shift_bits) g.Case().in.mm[in.rm.reg] = ShiftCount(g, f.shift_bits);
    return Mm(in.rm.reg);
  };
  switch (f.form) {
    case MmxForm::kRm:
    case MmxForm::kRmI:
      in.reg = m;
      text += " " + Mm(m) + ", " + rm_mm_or_mem(f.mem_size);
      if (f.form == MmxForm::kRmI) {
        in.imm_bytes = 1;
        in.imm = g.rng().Below(256);
        text += ", " + HexText(in.imm);
      }
      break;
    case MmxForm::kStore:
      in.reg = m;
      text += " " + rm_mm_or_mem(8) + ", " + Mm(m);
      break;
    case MmxForm::kMovnt:
      in.reg = m;
      in.rm.is_mem = true;
      in.rm.mem = g.PickMem(8);
      text += " " + MemText(in.rm.mem, 8) + ", " + Mm(m);
      break;
    case MmxForm::kShiftI:
      in.reg = f.ext;
      in.rm.reg = m;
      in.imm_bytes = 1;
      in.imm = g.rng().Chance(70) ? g.rng().Below(70) : g.rng().Below(256);
      text += " " + Mm(m) + ", " + HexText(in.imm);
      break;
    case MmxForm::kMovdTo:
    case MmxForm::kMovdFrom: {
      bool wide = g.mode() == 64 && g.rng().Chance(50);
      if (wide) in.op_bits = 64;
      int bits = wide ? 64 : 32;
      in.reg = m;
      in.rm = g.PickRmEdge(bits, 40);
      std::string r = in.rm.is_mem ? MemText(in.rm.mem, bits / 8) : RegName(in.rm.reg, bits);
      text = wide ? "movq" : "movd";
      text += f.form == MmxForm::kMovdTo ? " " + Mm(m) + ", " + r : " " + r + ", " + Mm(m);
      break;
    }
    case MmxForm::kGprFrom:
    case MmxForm::kPextrw:
      in.reg = g.PickReg();
      in.rm.reg = m;
      text += " " + RegName(in.reg, 32) + ", " + Mm(m);
      if (f.form == MmxForm::kPextrw) {
        in.imm_bytes = 1;
        in.imm = g.rng().Below(256);
        text += ", " + HexText(in.imm);
      }
      break;
    case MmxForm::kPinsrw:
      in.reg = m;
      in.rm = g.PickRmEdge(g.rng().Chance(50) ? 32 : 16, 40);
      in.imm_bytes = 1;
      in.imm = g.rng().Below(256);
      text += " " + Mm(m) + ", " + (in.rm.is_mem ? MemText(in.rm.mem, 2) : RegName(in.rm.reg, 32)) +
              ", " + HexText(in.imm);
      break;
    case MmxForm::kMovq2dq:
    case MmxForm::kMovdq2q: {
      bool to_xmm = f.form == MmxForm::kMovq2dq;
      in.mandatory = {static_cast<uint8_t>(to_xmm ? 0xF3 : 0xF2)};
      int x = PickXmm(g);
      in.reg = to_xmm ? x : m;
      in.rm.reg = to_xmm ? m : x;
      text += to_xmm ? " " + Xmm(x) + ", " + Mm(m) : " " + Mm(m) + ", " + Xmm(x);
      break;
    }
    case MmxForm::kEmms:
      break;
    case MmxForm::kMaskmov:
      if (!PointRdi(g, &in, 8)) return false;
      in.reg = m;
      in.rm.reg = static_cast<int>(g.rng().Below(8));
      text += " " + Mm(m) + ", " + Mm(in.rm.reg);
      break;
  }
  if (!g.sequence() && g.rng().Chance(2)) {
    in.prefixes.insert(in.prefixes.begin(), 0xF0);  // LOCK: #UD (SDM Vol. 2A 2.1.1)
    text = "lock " + text;
  }
  if (!g.Emit(in)) return false;
  g.Text(text);
  g.Flags("none");
  return true;
}

template <size_t I>
bool EmitMmxForm(Gen& g) {
  return EmitMmx(g, kMmxForms[I]);
}

template <size_t... I>
constexpr std::array<GeneratorDef, sizeof...(I)> MakeDefs(std::index_sequence<I...>) {
  // Every form but MASKMOVQ (which chooses rDI) can be a sequence step.
  return {{GeneratorDef{kMmxForms[I].name, kAllModes, CpuFeature::kNone,
                        kMmxForms[I].form != MmxForm::kMaskmov, EmitMmxForm<I>, 1}...}};
}

constexpr auto kDefs = MakeDefs(std::make_index_sequence<std::size(kMmxForms)>());

}  // namespace

std::span<const GeneratorDef> MmxGenerators() { return kDefs; }

}  // namespace vireo::diff
