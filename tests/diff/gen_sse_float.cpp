// SSE/SSE2 floating-point arithmetic, MIN/MAX, compares (generators "ssef.*"). Operands are
// drawn from special values (both NaN kinds, denormals, infinities, zeros, extremes) and from
// pairs close enough to exercise rounding, cancellation, overflow and underflow; MXCSR gets
// random flags, rounding control, DAZ and FZ, usually with all exceptions masked (sometimes
// IE/DE/ZE/PE unmasked: #XM, destination unchanged).
#include <array>
#include <utility>

#include "tests/diff/gen_registry.h"
#include "tests/diff/gen_simd.h"

namespace vireo::diff {
namespace {

using simd::FillXmm;
using simd::PickSseMem;
using simd::PickXmm;
using simd::RandomMxcsr;
using simd::Xmm;

enum class Kind { kArith, kCmp, kComi };

struct FloatForm {
  std::string_view name;
  const char* mnemonic;
  uint8_t prefix;  // none: PS, 66: PD, F3: SS, F2: SD (COMIS: none SS, 66 SD)
  uint8_t opcode;
  Kind kind = Kind::kArith;
};

constexpr FloatForm kForms[] = {
    {"ssef.addps", "addps", 0, 0x58},
    {"ssef.addpd", "addpd", 0x66, 0x58},
    {"ssef.addss", "addss", 0xF3, 0x58},
    {"ssef.addsd", "addsd", 0xF2, 0x58},
    {"ssef.subps", "subps", 0, 0x5C},
    {"ssef.subpd", "subpd", 0x66, 0x5C},
    {"ssef.subss", "subss", 0xF3, 0x5C},
    {"ssef.subsd", "subsd", 0xF2, 0x5C},
    {"ssef.mulps", "mulps", 0, 0x59},
    {"ssef.mulpd", "mulpd", 0x66, 0x59},
    {"ssef.mulss", "mulss", 0xF3, 0x59},
    {"ssef.mulsd", "mulsd", 0xF2, 0x59},
    {"ssef.divps", "divps", 0, 0x5E},
    {"ssef.divpd", "divpd", 0x66, 0x5E},
    {"ssef.divss", "divss", 0xF3, 0x5E},
    {"ssef.divsd", "divsd", 0xF2, 0x5E},
    {"ssef.sqrtps", "sqrtps", 0, 0x51},
    {"ssef.sqrtpd", "sqrtpd", 0x66, 0x51},
    {"ssef.sqrtss", "sqrtss", 0xF3, 0x51},
    {"ssef.sqrtsd", "sqrtsd", 0xF2, 0x51},
    {"ssef.minps", "minps", 0, 0x5D},
    {"ssef.minpd", "minpd", 0x66, 0x5D},
    {"ssef.minss", "minss", 0xF3, 0x5D},
    {"ssef.minsd", "minsd", 0xF2, 0x5D},
    {"ssef.maxps", "maxps", 0, 0x5F},
    {"ssef.maxpd", "maxpd", 0x66, 0x5F},
    {"ssef.maxss", "maxss", 0xF3, 0x5F},
    {"ssef.maxsd", "maxsd", 0xF2, 0x5F},
    {"ssef.cmpps", "cmpps", 0, 0xC2, Kind::kCmp},
    {"ssef.cmppd", "cmppd", 0x66, 0xC2, Kind::kCmp},
    {"ssef.cmpss", "cmpss", 0xF3, 0xC2, Kind::kCmp},
    {"ssef.cmpsd", "cmpsd", 0xF2, 0xC2, Kind::kCmp},
    {"ssef.comiss", "comiss", 0, 0x2F, Kind::kComi},
    {"ssef.comisd", "comisd", 0x66, 0x2F, Kind::kComi},
    {"ssef.ucomiss", "ucomiss", 0, 0x2E, Kind::kComi},
    {"ssef.ucomisd", "ucomisd", 0x66, 0x2E, Kind::kComi},
};

constexpr FlagRule kComiRule = {"comiss", 0, 0x8D5, 0, "COMISS: ZF/PF/CF per result, OF/SF/AF 0"};

bool EmitFloat(Gen& g, const FloatForm& f) {
  Insn in;
  in.op_bits = g.mode() == 16 ? 16 : 32;
  if (f.prefix) in.mandatory = {f.prefix};
  in.opcode = {0x0F, f.opcode};
  const bool scalar = f.prefix == 0xF3 || f.prefix == 0xF2 || f.kind == Kind::kComi;
  const bool dbl = f.prefix == 0x66 || f.prefix == 0xF2;
  const int size = scalar ? (dbl ? 8 : 4) : 16;
  const int x = PickXmm(g);
  DiffCase& c = g.Case();
  c.in.mxcsr = RandomMxcsr(g);
  uint64_t zero[2] = {0, 0};
  FillXmm(g, c.in.xmm[x], dbl, zero);
  uint64_t src[2];
  FillXmm(g, src, dbl, c.in.xmm[x]);
  in.reg = x;
  std::string text = std::string(f.mnemonic) + " " + Xmm(x) + ", ";
  if (g.rng().Chance(35)) {
    uint64_t off;
    in.rm.is_mem = true;
    in.rm.mem = PickSseMem(g, size, !scalar, &off);
    if (off + size <= kDataSize) {
      g.WriteData(off, src[0], size >= 8 ? 8 : 4);
      if (size == 16) g.WriteData(off + 8, src[1], 8);
    }
    text += MemText(in.rm.mem, size);
  } else {
    in.rm.reg = PickXmm(g);
    if (in.rm.reg != x) {
      c.in.xmm[in.rm.reg][0] = src[0];
      c.in.xmm[in.rm.reg][1] = src[1];
    }
    text += Xmm(in.rm.reg);
  }
  if (f.kind == Kind::kCmp) {
    in.imm_bytes = 1;
    in.imm = g.rng().Below(8);
    text += ", " + HexText(in.imm);
  }
  if (!g.Emit(in)) return false;
  g.Text(text);
  if (f.kind == Kind::kComi) {
    g.Flags(kComiRule);
  } else {
    g.Flags("none");
  }
  return true;
}

enum class Cvt { kI2F, kF2I, kXmm, kFromMm, kToMm };

struct CvtForm {
  std::string_view name;
  const char* mnemonic;
  uint8_t prefix, opcode;
  Cvt kind;
  bool src_dbl;  // source lanes are doubles (else singles, or int32 lanes for DQ2*)
  bool src_int;  // source lanes are int32
  int src_size;  // memory source size
};

constexpr CvtForm kCvtForms[] = {
    {"ssef.cvtsi2ss", "cvtsi2ss", 0xF3, 0x2A, Cvt::kI2F, false, true, 4},
    {"ssef.cvtsi2sd", "cvtsi2sd", 0xF2, 0x2A, Cvt::kI2F, false, true, 4},
    {"ssef.cvtss2si", "cvtss2si", 0xF3, 0x2D, Cvt::kF2I, false, false, 4},
    {"ssef.cvttss2si", "cvttss2si", 0xF3, 0x2C, Cvt::kF2I, false, false, 4},
    {"ssef.cvtsd2si", "cvtsd2si", 0xF2, 0x2D, Cvt::kF2I, true, false, 8},
    {"ssef.cvttsd2si", "cvttsd2si", 0xF2, 0x2C, Cvt::kF2I, true, false, 8},
    {"ssef.cvtss2sd", "cvtss2sd", 0xF3, 0x5A, Cvt::kXmm, false, false, 4},
    {"ssef.cvtsd2ss", "cvtsd2ss", 0xF2, 0x5A, Cvt::kXmm, true, false, 8},
    {"ssef.cvtps2pd", "cvtps2pd", 0, 0x5A, Cvt::kXmm, false, false, 8},
    {"ssef.cvtpd2ps", "cvtpd2ps", 0x66, 0x5A, Cvt::kXmm, true, false, 16},
    {"ssef.cvtdq2ps", "cvtdq2ps", 0, 0x5B, Cvt::kXmm, false, true, 16},
    {"ssef.cvtps2dq", "cvtps2dq", 0x66, 0x5B, Cvt::kXmm, false, false, 16},
    {"ssef.cvttps2dq", "cvttps2dq", 0xF3, 0x5B, Cvt::kXmm, false, false, 16},
    {"ssef.cvtdq2pd", "cvtdq2pd", 0xF3, 0xE6, Cvt::kXmm, false, true, 8},
    {"ssef.cvtpd2dq", "cvtpd2dq", 0xF2, 0xE6, Cvt::kXmm, true, false, 16},
    {"ssef.cvttpd2dq", "cvttpd2dq", 0x66, 0xE6, Cvt::kXmm, true, false, 16},
    {"ssef.cvtpi2ps", "cvtpi2ps", 0, 0x2A, Cvt::kFromMm, false, true, 8},
    {"ssef.cvtpi2pd", "cvtpi2pd", 0x66, 0x2A, Cvt::kFromMm, false, true, 8},
    {"ssef.cvtps2pi", "cvtps2pi", 0, 0x2D, Cvt::kToMm, false, false, 8},
    {"ssef.cvttps2pi", "cvttps2pi", 0, 0x2C, Cvt::kToMm, false, false, 8},
    {"ssef.cvtpd2pi", "cvtpd2pi", 0x66, 0x2D, Cvt::kToMm, true, false, 16},
    {"ssef.cvttpd2pi", "cvttpd2pi", 0x66, 0x2C, Cvt::kToMm, true, false, 16},
};

uint64_t IntLanes(Gen& g) {
  Rng& r = g.rng();
  auto lane = [&]() -> uint64_t {
    if (r.Chance(40)) return EdgeValue(r, 32) & 0xFFFFFFFF;
    return (r.Next() >> r.Below(32)) & 0xFFFFFFFF;
  };
  return lane() | (lane() << 32);
}

bool EmitCvt(Gen& g, const CvtForm& f) {
  Insn in;
  in.op_bits = g.mode() == 16 ? 16 : 32;
  if (f.prefix) in.mandatory = {f.prefix};
  in.opcode = {0x0F, f.opcode};
  DiffCase& c = g.Case();
  c.in.mxcsr = RandomMxcsr(g);
  const int x = PickXmm(g);
  uint64_t zero[2] = {0, 0};
  FillXmm(g, c.in.xmm[x], g.rng().Chance(50), zero);
  std::string text = std::string(f.mnemonic) + " ";
  const bool wide = g.mode() == 64 && g.rng().Chance(50);
  if (f.kind == Cvt::kI2F) {
    if (wide) in.op_bits = 64;
    const int bits = wide ? 64 : 32;
    in.reg = x;
    in.rm = g.PickRmEdge(bits, 40);
    text +=
        Xmm(x) + ", " + (in.rm.is_mem ? MemText(in.rm.mem, bits / 8) : RegName(in.rm.reg, bits));
  } else {
    uint64_t src[2];
    if (f.src_int) {
      src[0] = IntLanes(g);
      src[1] = IntLanes(g);
    } else {
      FillXmm(g, src, f.src_dbl, zero);
    }
    std::string dst_text;
    if (f.kind == Cvt::kF2I) {
      if (wide) in.op_bits = 64;
      in.reg = g.PickReg();
      dst_text = RegName(in.reg, wide ? 64 : 32);
    } else if (f.kind == Cvt::kToMm) {
      in.reg = static_cast<int>(g.rng().Below(8));
      dst_text = simd::Mm(in.reg);
    } else {
      in.reg = x;
      dst_text = Xmm(x);
    }
    std::string src_text;
    if (g.rng().Chance(35)) {
      uint64_t off;
      in.rm.is_mem = true;
      in.rm.mem = PickSseMem(g, f.src_size, f.src_size == 16, &off);
      if (off + f.src_size <= kDataSize) {
        g.WriteData(off, src[0], f.src_size >= 8 ? 8 : 4);
        if (f.src_size == 16) g.WriteData(off + 8, src[1], 8);
      }
      src_text = MemText(in.rm.mem, f.src_size);
    } else if (f.kind == Cvt::kFromMm) {
      in.rm.reg = static_cast<int>(g.rng().Below(8));
      c.in.mm[in.rm.reg] = src[0];
      src_text = simd::Mm(in.rm.reg);
    } else {
      in.rm.reg = PickXmm(g);
      if (in.rm.reg != x) {
        c.in.xmm[in.rm.reg][0] = src[0];
        c.in.xmm[in.rm.reg][1] = src[1];
      }
      src_text = Xmm(in.rm.reg);
    }
    text += dst_text + ", " + src_text;
  }
  if (!g.Emit(in)) return false;
  g.Text(text);
  g.Flags("none");
  return true;
}

template <size_t I>
bool EmitForm(Gen& g) {
  if constexpr (I < std::size(kForms)) {
    return EmitFloat(g, kForms[I]);
  } else {
    return EmitCvt(g, kCvtForms[I - std::size(kForms)]);
  }
}

constexpr std::string_view NameOf(size_t i) {
  return i < std::size(kForms) ? kForms[i].name : kCvtForms[i - std::size(kForms)].name;
}

template <size_t... I>
constexpr std::array<GeneratorDef, sizeof...(I)> MakeDefs(std::index_sequence<I...>) {
  // Not sequence steps: each case chooses MXCSR.
  return {{GeneratorDef{NameOf(I), kAllModes, CpuFeature::kNone, false, EmitForm<I>, 2}...}};
}

constexpr auto kDefs =
    MakeDefs(std::make_index_sequence<std::size(kForms) + std::size(kCvtForms)>());

}  // namespace

std::span<const GeneratorDef> SseFloatGenerators() { return kDefs; }

}  // namespace vireo::diff
