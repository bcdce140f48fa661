// SSE3 ("sse3.*"), SSSE3 ("ssse3.*", XMM and MMX forms), SSE4.1 ("sse41.*") and SSE4.2
// ("sse42.*"): one generator per encoding form. Integer operands mix edge values of every lane
// width with random bits; floating-point ones reuse the special values and random MXCSR of the
// SSE float generators; the string compares draw their strings from a small alphabet with
// random terminators and lengths. Memory sources land in the data page, the aligned forms
// sometimes misaligned (#GP(0)), the others sometimes crossing into the unmapped page (#PF).
#include <array>
#include <utility>

#include "tests/diff/gen_registry.h"
#include "tests/diff/gen_simd.h"

namespace vireo::diff {
namespace {

using simd::Mm;
using simd::PickSseMem;
using simd::PickXmm;
using simd::Xmm;

enum class Kind {
  kInt,      // xmm, xmm/mem[, imm8]: integer lanes
  kMmx,      // mm, mm/m64[, imm8] (the SSSE3 NP forms)
  kFloat,    // xmm, xmm/mem[, imm8]: float lanes, random MXCSR
  kBlendv,   // xmm, xmm/m128 with the XMM0 mask
  kExtract,  // r/m, xmm, imm8
  kInsert,   // xmm, r/m, imm8
  kStr,      // PCMPxSTRx
  kCrc,      // CRC32 r, r/m
};

struct Form {
  std::string_view name;
  const char* mnemonic;
  uint8_t prefix;  // mandatory prefix or 0
  uint8_t map;     // 0x38, 0x3A, or 0 for the 0F map
  uint8_t opcode;
  Kind kind;
  int mem = 16;         // memory operand bytes (kExtract/kInsert/kCrc: lane bytes)
  bool aligned = true;  // a 16-byte memory operand must be aligned
  bool imm = false;     // takes an imm8
  bool dbl = false;     // double lanes (kFloat)
  unsigned modes = kAllModes;
  bool wide = false;  // REX.W form (PEXTRQ/PINSRQ)
};

constexpr unsigned k64 = kMode64;

constexpr Form kForms[] = {
    // SSE3 (SDM Vol. 2 ADDSUBPS, HADDPS, HSUBPS, MOVSHDUP, MOVSLDUP, MOVDDUP).
    {"sse3.addsubps", "addsubps", 0xF2, 0, 0xD0, Kind::kFloat},
    {"sse3.addsubpd", "addsubpd", 0x66, 0, 0xD0, Kind::kFloat, 16, true, false, true},
    {"sse3.haddps", "haddps", 0xF2, 0, 0x7C, Kind::kFloat},
    {"sse3.haddpd", "haddpd", 0x66, 0, 0x7C, Kind::kFloat, 16, true, false, true},
    {"sse3.hsubps", "hsubps", 0xF2, 0, 0x7D, Kind::kFloat},
    {"sse3.hsubpd", "hsubpd", 0x66, 0, 0x7D, Kind::kFloat, 16, true, false, true},
    {"sse3.movsldup", "movsldup", 0xF3, 0, 0x12, Kind::kInt},
    {"sse3.movshdup", "movshdup", 0xF3, 0, 0x16, Kind::kInt},
    {"sse3.movddup", "movddup", 0xF2, 0, 0x12, Kind::kInt, 8, false},
    // SSSE3.
    {"ssse3.pshufb", "pshufb", 0x66, 0x38, 0x00, Kind::kInt},
    {"ssse3.phaddw", "phaddw", 0x66, 0x38, 0x01, Kind::kInt},
    {"ssse3.phaddd", "phaddd", 0x66, 0x38, 0x02, Kind::kInt},
    {"ssse3.phaddsw", "phaddsw", 0x66, 0x38, 0x03, Kind::kInt},
    {"ssse3.pmaddubsw", "pmaddubsw", 0x66, 0x38, 0x04, Kind::kInt},
    {"ssse3.phsubw", "phsubw", 0x66, 0x38, 0x05, Kind::kInt},
    {"ssse3.phsubd", "phsubd", 0x66, 0x38, 0x06, Kind::kInt},
    {"ssse3.phsubsw", "phsubsw", 0x66, 0x38, 0x07, Kind::kInt},
    {"ssse3.psignb", "psignb", 0x66, 0x38, 0x08, Kind::kInt},
    {"ssse3.psignw", "psignw", 0x66, 0x38, 0x09, Kind::kInt},
    {"ssse3.psignd", "psignd", 0x66, 0x38, 0x0A, Kind::kInt},
    {"ssse3.pmulhrsw", "pmulhrsw", 0x66, 0x38, 0x0B, Kind::kInt},
    {"ssse3.pabsb", "pabsb", 0x66, 0x38, 0x1C, Kind::kInt},
    {"ssse3.pabsw", "pabsw", 0x66, 0x38, 0x1D, Kind::kInt},
    {"ssse3.pabsd", "pabsd", 0x66, 0x38, 0x1E, Kind::kInt},
    {"ssse3.palignr", "palignr", 0x66, 0x3A, 0x0F, Kind::kInt, 16, true, true},
    {"ssse3.mmx.pshufb", "pshufb", 0, 0x38, 0x00, Kind::kMmx, 8},
    {"ssse3.mmx.phaddw", "phaddw", 0, 0x38, 0x01, Kind::kMmx, 8},
    {"ssse3.mmx.phaddd", "phaddd", 0, 0x38, 0x02, Kind::kMmx, 8},
    {"ssse3.mmx.phaddsw", "phaddsw", 0, 0x38, 0x03, Kind::kMmx, 8},
    {"ssse3.mmx.pmaddubsw", "pmaddubsw", 0, 0x38, 0x04, Kind::kMmx, 8},
    {"ssse3.mmx.phsubw", "phsubw", 0, 0x38, 0x05, Kind::kMmx, 8},
    {"ssse3.mmx.phsubd", "phsubd", 0, 0x38, 0x06, Kind::kMmx, 8},
    {"ssse3.mmx.phsubsw", "phsubsw", 0, 0x38, 0x07, Kind::kMmx, 8},
    {"ssse3.mmx.psignb", "psignb", 0, 0x38, 0x08, Kind::kMmx, 8},
    {"ssse3.mmx.psignw", "psignw", 0, 0x38, 0x09, Kind::kMmx, 8},
    {"ssse3.mmx.psignd", "psignd", 0, 0x38, 0x0A, Kind::kMmx, 8},
    {"ssse3.mmx.pmulhrsw", "pmulhrsw", 0, 0x38, 0x0B, Kind::kMmx, 8},
    {"ssse3.mmx.pabsb", "pabsb", 0, 0x38, 0x1C, Kind::kMmx, 8},
    {"ssse3.mmx.pabsw", "pabsw", 0, 0x38, 0x1D, Kind::kMmx, 8},
    {"ssse3.mmx.pabsd", "pabsd", 0, 0x38, 0x1E, Kind::kMmx, 8},
    {"ssse3.mmx.palignr", "palignr", 0, 0x3A, 0x0F, Kind::kMmx, 8, false, true},
    // SSE4.1.
    {"sse41.pblendvb", "pblendvb", 0x66, 0x38, 0x10, Kind::kBlendv},
    {"sse41.blendvps", "blendvps", 0x66, 0x38, 0x14, Kind::kBlendv},
    {"sse41.blendvpd", "blendvpd", 0x66, 0x38, 0x15, Kind::kBlendv},
    {"sse41.ptest", "ptest", 0x66, 0x38, 0x17, Kind::kInt},
    {"sse41.pmovsxbw", "pmovsxbw", 0x66, 0x38, 0x20, Kind::kInt, 8, false},
    {"sse41.pmovsxbd", "pmovsxbd", 0x66, 0x38, 0x21, Kind::kInt, 4, false},
    {"sse41.pmovsxbq", "pmovsxbq", 0x66, 0x38, 0x22, Kind::kInt, 2, false},
    {"sse41.pmovsxwd", "pmovsxwd", 0x66, 0x38, 0x23, Kind::kInt, 8, false},
    {"sse41.pmovsxwq", "pmovsxwq", 0x66, 0x38, 0x24, Kind::kInt, 4, false},
    {"sse41.pmovsxdq", "pmovsxdq", 0x66, 0x38, 0x25, Kind::kInt, 8, false},
    {"sse41.pmuldq", "pmuldq", 0x66, 0x38, 0x28, Kind::kInt},
    {"sse41.pcmpeqq", "pcmpeqq", 0x66, 0x38, 0x29, Kind::kInt},
    {"sse41.movntdqa", "movntdqa", 0x66, 0x38, 0x2A, Kind::kInt},
    {"sse41.packusdw", "packusdw", 0x66, 0x38, 0x2B, Kind::kInt},
    {"sse41.pmovzxbw", "pmovzxbw", 0x66, 0x38, 0x30, Kind::kInt, 8, false},
    {"sse41.pmovzxbd", "pmovzxbd", 0x66, 0x38, 0x31, Kind::kInt, 4, false},
    {"sse41.pmovzxbq", "pmovzxbq", 0x66, 0x38, 0x32, Kind::kInt, 2, false},
    {"sse41.pmovzxwd", "pmovzxwd", 0x66, 0x38, 0x33, Kind::kInt, 8, false},
    {"sse41.pmovzxwq", "pmovzxwq", 0x66, 0x38, 0x34, Kind::kInt, 4, false},
    {"sse41.pmovzxdq", "pmovzxdq", 0x66, 0x38, 0x35, Kind::kInt, 8, false},
    {"sse41.pminsb", "pminsb", 0x66, 0x38, 0x38, Kind::kInt},
    {"sse41.pminsd", "pminsd", 0x66, 0x38, 0x39, Kind::kInt},
    {"sse41.pminuw", "pminuw", 0x66, 0x38, 0x3A, Kind::kInt},
    {"sse41.pminud", "pminud", 0x66, 0x38, 0x3B, Kind::kInt},
    {"sse41.pmaxsb", "pmaxsb", 0x66, 0x38, 0x3C, Kind::kInt},
    {"sse41.pmaxsd", "pmaxsd", 0x66, 0x38, 0x3D, Kind::kInt},
    {"sse41.pmaxuw", "pmaxuw", 0x66, 0x38, 0x3E, Kind::kInt},
    {"sse41.pmaxud", "pmaxud", 0x66, 0x38, 0x3F, Kind::kInt},
    {"sse41.pmulld", "pmulld", 0x66, 0x38, 0x40, Kind::kInt},
    {"sse41.phminposuw", "phminposuw", 0x66, 0x38, 0x41, Kind::kInt},
    {"sse41.roundps", "roundps", 0x66, 0x3A, 0x08, Kind::kFloat, 16, true, true},
    {"sse41.roundpd", "roundpd", 0x66, 0x3A, 0x09, Kind::kFloat, 16, true, true, true},
    {"sse41.roundss", "roundss", 0x66, 0x3A, 0x0A, Kind::kFloat, 4, false, true},
    {"sse41.roundsd", "roundsd", 0x66, 0x3A, 0x0B, Kind::kFloat, 8, false, true, true},
    {"sse41.blendps", "blendps", 0x66, 0x3A, 0x0C, Kind::kInt, 16, true, true},
    {"sse41.blendpd", "blendpd", 0x66, 0x3A, 0x0D, Kind::kInt, 16, true, true},
    {"sse41.pblendw", "pblendw", 0x66, 0x3A, 0x0E, Kind::kInt, 16, true, true},
    {"sse41.pextrb", "pextrb", 0x66, 0x3A, 0x14, Kind::kExtract, 1},
    {"sse41.pextrw", "pextrw", 0x66, 0x3A, 0x15, Kind::kExtract, 2},
    {"sse41.pextrd", "pextrd", 0x66, 0x3A, 0x16, Kind::kExtract, 4},
    {"sse41.pextrq", "pextrq", 0x66, 0x3A, 0x16, Kind::kExtract, 8, false, true, false, k64, true},
    {"sse41.extractps", "extractps", 0x66, 0x3A, 0x17, Kind::kExtract, 4},
    {"sse41.pinsrb", "pinsrb", 0x66, 0x3A, 0x20, Kind::kInsert, 1},
    {"sse41.insertps", "insertps", 0x66, 0x3A, 0x21, Kind::kInt, 4, false, true},
    {"sse41.pinsrd", "pinsrd", 0x66, 0x3A, 0x22, Kind::kInsert, 4},
    {"sse41.pinsrq", "pinsrq", 0x66, 0x3A, 0x22, Kind::kInsert, 8, false, true, false, k64, true},
    {"sse41.dpps", "dpps", 0x66, 0x3A, 0x40, Kind::kFloat, 16, true, true},
    {"sse41.dppd", "dppd", 0x66, 0x3A, 0x41, Kind::kFloat, 16, true, true, true},
    {"sse41.mpsadbw", "mpsadbw", 0x66, 0x3A, 0x42, Kind::kInt, 16, true, true},
    // SSE4.2.
    {"sse42.pcmpgtq", "pcmpgtq", 0x66, 0x38, 0x37, Kind::kInt},
    {"sse42.pcmpestrm", "pcmpestrm", 0x66, 0x3A, 0x60, Kind::kStr, 16, false, true},
    {"sse42.pcmpestri", "pcmpestri", 0x66, 0x3A, 0x61, Kind::kStr, 16, false, true},
    {"sse42.pcmpistrm", "pcmpistrm", 0x66, 0x3A, 0x62, Kind::kStr, 16, false, true},
    {"sse42.pcmpistri", "pcmpistri", 0x66, 0x3A, 0x63, Kind::kStr, 16, false, true},
    {"sse42.crc32b", "crc32", 0xF2, 0x38, 0xF0, Kind::kCrc, 1},
    {"sse42.crc32w", "crc32", 0xF2, 0x38, 0xF1, Kind::kCrc, 2},
    {"sse42.crc32d", "crc32", 0xF2, 0x38, 0xF1, Kind::kCrc, 4},
    {"sse42.crc32q", "crc32", 0xF2, 0x38, 0xF1, Kind::kCrc, 8, false, false, false, k64, true},
};

/// 64 bits of integer lanes: edge values of a random lane width, or random bits.
uint64_t IntBits(Rng& r) {
  if (r.Chance(30)) return r.Next();
  static constexpr int kWidths[] = {8, 16, 32, 64};
  const int bits = r.Pick(kWidths);
  uint64_t v = 0;
  for (int i = 0; i < 64; i += bits) v |= (EdgeValue(r, bits) & Mask(bits)) << i;
  return v;
}

/// 64 bits of string elements (bytes or words, `word`): a small alphabet so that elements
/// often match, with some nulls (implicit-length terminators).
uint64_t StrBits(Rng& r, bool word) {
  static constexpr uint16_t kAlphabet[] = {0, 'a', 'b', 'c', 'z', 0x7F, 0x80, 0xFF, 0x8000, 0xFFFF};
  const int bits = word ? 16 : 8;
  const int null_chance = r.Chance(50) ? 3 : 12;
  uint64_t v = 0;
  for (int i = 0; i < 64; i += bits) {
    uint64_t e = r.Chance(null_chance) ? 0 : r.Chance(70) ? r.Pick(kAlphabet) : r.Next();
    if (e == 0 && r.Chance(70)) e = 'a';
    v |= (e & Mask(bits)) << i;
  }
  return v;
}

/// A PCMPESTRx length: usually in or near the element range, sometimes any value.
uint64_t StrLength(Rng& r) {
  if (r.Chance(15)) return EdgeValue(r, 64);
  return static_cast<uint64_t>(static_cast<int64_t>(r.Below(41)) - 20);
}

/// Fills one 16-byte source/destination value.
void Fill(Gen& g, const Form& f, uint64_t v[2], bool word) {
  for (int h = 0; h < 2; ++h) {
    switch (f.kind) {
      case Kind::kFloat:
        break;
      case Kind::kStr:
        v[h] = StrBits(g.rng(), word);
        break;
      default:
        v[h] = IntBits(g.rng());
        break;
    }
  }
  if (f.kind == Kind::kFloat) {
    uint64_t ref[2] = {v[0], v[1]};
    simd::FillXmm(g, v, f.dbl, ref);
  }
}

/// A random imm8: for ROUNDxx mostly the defined bits 3:0.
uint64_t PickImm(Gen& g, const Form& f) {
  if (f.map == 0x3A && f.opcode <= 0x0B && f.opcode >= 0x08 && g.rng().Chance(85))
    return g.rng().Below(16);
  return g.rng().Below(256);
}

bool Emit4(Gen& g, const Form& f) {
  Insn in;
  DiffCase& c = g.Case();
  in.op_bits = g.mode() == 16 ? 16 : 32;
  if (f.wide) in.op_bits = 64;
  if (f.prefix) in.mandatory = {f.prefix};
  in.opcode =
      f.map ? std::vector<uint8_t>{0x0F, f.map, f.opcode} : std::vector<uint8_t>{0x0F, f.opcode};
  std::string text = std::string(f.mnemonic) + " ";
  const bool mmx = f.kind == Kind::kMmx;
  const uint8_t imm = static_cast<uint8_t>(PickImm(g, f));
  const bool word = imm & 1;  // PCMPxSTRx element size
  if (f.kind == Kind::kFloat) {
    c.in.mxcsr = simd::RandomMxcsr(g);
    // DPPS/DPPD: exceptions stay masked. Which flags hardware sets when one of the
    // multiplications or additions faults is not modelled exactly (see sse_float.cpp).
    if (f.map == 0x3A && (f.opcode == 0x40 || f.opcode == 0x41)) c.in.mxcsr |= 0x1F80;
  }
  if (f.kind == Kind::kStr && (f.opcode & 2) == 0) {
    // PCMPESTRx: lengths in rAX/rDX (RAX/RDX with REX.W).
    if (!g.Claim(kRax) || !g.Claim(kRdx)) return false;
    g.SetReg(kRax, StrLength(g.rng()));
    g.SetReg(kRdx, StrLength(g.rng()));
    if (g.mode() == 64 && g.rng().Chance(30)) in.op_bits = 64;
  }
  if (f.kind == Kind::kBlendv) {
    c.in.xmm[0][0] = IntBits(g.rng());
    c.in.xmm[0][1] = IntBits(g.rng());
  }
  uint64_t src[2] = {0, 0};
  Fill(g, f, src, word);
  switch (f.kind) {
    case Kind::kExtract:
    case Kind::kInsert: {
      const int x = PickXmm(g);
      Fill(g, f, c.in.xmm[x], word);
      const int reg_bits = f.mem == 8 ? 64 : (g.mode() == 64 && g.rng().Chance(25) ? 64 : 32);
      if (reg_bits == 64 && f.mem != 8 && f.kind == Kind::kExtract && f.opcode != 0x16)
        in.op_bits = 64;  // REX.W: still the byte/word/dword lane, zero-extended
      std::string rm;
      if (g.rng().Chance(40)) {
        uint64_t off =
            !g.sequence() && g.rng().Chance(4)
                ? kDataSize - 1 - g.rng().Below(static_cast<uint64_t>(f.mem > 1 ? f.mem - 1 : 1))
                : g.PickOffset(f.mem);
        in.rm.is_mem = true;
        in.rm.mem = g.MemAt(off);
        if (off + f.mem <= kDataSize) g.WriteData(off, src[0], f.mem);
        rm = MemText(in.rm.mem, f.mem);
      } else {
        in.rm.reg = g.PickReg();
        if (f.kind == Kind::kInsert) g.SetReg(in.rm.reg, src[0]);
        rm = RegName(in.rm.reg, f.mem == 8 ? 64 : 32);
      }
      in.reg = x;
      text += f.kind == Kind::kExtract ? rm + ", " + Xmm(x) : Xmm(x) + ", " + rm;
      break;
    }
    case Kind::kCrc: {
      const int bits = f.mem * 8;
      in.op_bits = bits == 16 ? 16 : 32;
      const bool wide_dst = bits == 64 || (bits == 8 && g.mode() == 64 && g.rng().Chance(30));
      if (wide_dst) in.op_bits = 64;
      in.reg = g.PickReg();
      g.SetEdge(in.reg, 32);
      in.rm = g.PickRmEdge(bits, 40);
      in.rm_byte = bits == 8;
      text += RegName(in.reg, wide_dst ? 64 : 32) + ", " + RmText(in.rm, bits);
      break;
    }
    default: {
      const int x = mmx ? static_cast<int>(g.rng().Below(8)) : PickXmm(g);
      if (mmx) {
        c.in.mm[x] = IntBits(g.rng());
      } else {
        Fill(g, f, c.in.xmm[x], word);
        // Float sources are often neighbours of the destination (rounding, cancellation).
        if (f.kind == Kind::kFloat) simd::FillXmm(g, src, f.dbl, c.in.xmm[x]);
      }
      in.reg = x;
      std::string src_text;
      const bool mem_only = f.opcode == 0x2A && f.map == 0x38;  // MOVNTDQA
      if (mem_only || g.rng().Chance(35)) {
        uint64_t off;
        in.rm.is_mem = true;
        in.rm.mem = PickSseMem(g, f.mem, f.aligned && f.mem == 16, &off);
        if (off + f.mem <= kDataSize) {
          g.WriteData(off, src[0], f.mem >= 8 ? 8 : f.mem);
          if (f.mem == 16) g.WriteData(off + 8, src[1], 8);
        }
        src_text = MemText(in.rm.mem, f.mem);
      } else if (mmx) {
        in.rm.reg = static_cast<int>(g.rng().Below(8));
        if (in.rm.reg != x) c.in.mm[in.rm.reg] = src[0];
        src_text = Mm(in.rm.reg);
      } else {
        in.rm.reg = PickXmm(g);
        if (in.rm.reg != x) {
          c.in.xmm[in.rm.reg][0] = src[0];
          c.in.xmm[in.rm.reg][1] = src[1];
        }
        src_text = Xmm(in.rm.reg);
      }
      text += (mmx ? Mm(x) : Xmm(x)) + ", " + src_text;
      break;
    }
  }
  if (f.imm || f.kind == Kind::kExtract || f.kind == Kind::kInsert) {
    in.imm_bytes = 1;
    in.imm = imm;
    text += ", " + HexText(imm);
  }
  if (!g.sequence() && g.rng().Chance(2)) {
    in.prefixes.insert(in.prefixes.begin(), 0xF0);  // LOCK: #UD (SDM Vol. 2A 2.1.1)
    text = "lock " + text;
  }
  if (!g.Emit(in)) return false;
  g.Text(text);
  if (f.kind == Kind::kStr) {
    static constexpr FlagRule kStrRule = {"pcmpstr", 0, 0x8D5, 0,
                                          "PCMPxSTRx: CF/ZF/SF/OF per result, AF/PF 0"};
    g.Flags(kStrRule);
  } else if (f.kind == Kind::kInt && f.opcode == 0x17 && f.map == 0x38) {
    static constexpr FlagRule kPtestRule = {"ptest", 0, 0x8D5, 0,
                                            "PTEST: ZF/CF per result, AF/OF/PF/SF 0"};
    g.Flags(kPtestRule);
  } else {
    g.Flags("none");
  }
  return true;
}

template <size_t I>
bool EmitForm(Gen& g) {
  return Emit4(g, kForms[I]);
}

template <size_t... I>
constexpr std::array<GeneratorDef, sizeof...(I)> MakeDefs(std::index_sequence<I...>) {
  // Sequence steps: the integer forms that choose no registers or MXCSR.
  return {{GeneratorDef{kForms[I].name, kForms[I].modes, CpuFeature::kNone,
                        kForms[I].kind == Kind::kInt || kForms[I].kind == Kind::kMmx, EmitForm<I>,
                        1}...}};
}

constexpr auto kDefs = MakeDefs(std::make_index_sequence<std::size(kForms)>());

}  // namespace

std::span<const GeneratorDef> Sse4Generators() { return kDefs; }

}  // namespace vireo::diff
