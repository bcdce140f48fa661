// FXSAVE/FXRSTOR and XSAVE/XRSTOR (the x87 and SSE components) against the host. A save
// images random x87/SSE state into the data page; the pointer fields (FIP/FCS/FDP/FDS: host
// addresses and selectors) and MXCSR_MASK (the host's may include AMD's MM bit 17) are then
// cleared with MOVs so the rest of the image compares byte for byte. A restore loads a random
// image (sometimes with reserved MXCSR bits or a bad XSAVE header: #GP) and the harness
// compares the registers, plus FCW through FNSTCW and FSW through FNSTSW AX.
#include <string>

#include "tests/diff/gen_fpu.h"
#include "tests/diff/gen_registry.h"

namespace vireo::diff {
namespace {

enum class Kind { kFxsave, kFxrstor, kXsave, kXrstor };

struct Form {
  std::string_view name;
  const char* mnemonic;
  int digit;  // 0F AE /digit
  Kind kind;
  bool wide;  // REX.W (64-bit mode only)
};

constexpr Form kForms[] = {
    {"fpst.fxsave", "fxsave", 0, Kind::kFxsave, false},
    {"fpst.fxsave64", "fxsave64", 0, Kind::kFxsave, true},
    {"fpst.fxrstor", "fxrstor", 1, Kind::kFxrstor, false},
    {"fpst.fxrstor64", "fxrstor64", 1, Kind::kFxrstor, true},
    {"fpst.xsave", "xsave", 4, Kind::kXsave, false},
    {"fpst.xsave64", "xsave64", 4, Kind::kXsave, true},
    {"fpst.xrstor", "xrstor", 5, Kind::kXrstor, false},
    {"fpst.xrstor64", "xrstor64", 5, Kind::kXrstor, true},
};

/// A random legacy image at `off`: x87 control words with all exceptions masked (no #MF
/// from later waiting instructions), random registers, MXCSR valid unless `bad_mxcsr`.
void WriteImage(Gen& g, uint64_t off, bool bad_mxcsr) {
  Rng& r = g.rng();
  g.WriteData(off + 0, 0x007F | (r.Below(4) << 8) | (r.Below(4) << 10), 2);  // FCW
  g.WriteData(off + 2, r.Next() & 0x387F & ~0x80ull, 2);  // FSW: TOP, C0-C3, flags; no ES/B
  g.WriteData(off + 4, r.Below(256), 1);                  // abridged tags
  g.WriteData(off + 6, r.Below(0x800), 2);                // FOP
  g.WriteData(off + 8, r.Next(), 8);                      // FIP (FCS)
  g.WriteData(off + 16, r.Next(), 8);                     // FDP (FDS)
  uint64_t mxcsr = r.Next() & 0xFFFF;
  // Bit 17 is AMD's misaligned-exception mask (MXCSR_MASK 0x2FFFF on AMD hosts); Vireo reports
  // Intel's 0xFFFF, so a reserved bit is picked from the others.
  if (bad_mxcsr) mxcsr |= 1ull << (r.Chance(10) ? 16 : 18 + r.Below(14));
  g.WriteData(off + 24, mxcsr, 4);
  for (int i = 0; i < 8; ++i) {
    uint64_t sig;
    uint16_t se;
    RandomF80(r, &sig, &se);
    g.WriteData(off + 32 + 16 * i, sig, 8);
    g.WriteData(off + 40 + 16 * i, se, 2);
  }
  for (int i = 0; i < 32; ++i) g.WriteData(off + 160 + 8 * i, r.Next(), 8);
}

bool EmitForm(Gen& g, const Form& f) {
  Rng& r = g.rng();
  DiffCase& c = g.Case();
  if (f.wide && g.mode() != 64) return false;
  const bool xsave = f.kind == Kind::kXsave || f.kind == Kind::kXrstor;
  const int size = xsave ? 576 : 512, align = xsave ? 64 : 16;
  // Random x87 state in use (the XMM registers and MXCSR are random already).
  c.in.fpu_top = static_cast<uint8_t>(r.Below(8));
  c.in.fpu_tags = static_cast<uint8_t>(r.Below(256));
  for (int p = 0; p < 8; ++p) RandomF80(r, &c.in.mm[p], &c.in.st_exp[p]);
  if (xsave) {
    // EDX:EAX: only the x87 and SSE bits, which the host's XCR0 has too, so the requested-
    // feature bitmaps agree (the host also has AVX state, which Vireo does not report).
    if (!g.Claim(kRax) || !g.Claim(kRdx)) return false;
    g.SetReg(kRax, (r.Next() & ~uint64_t{0xFFFFFFFF}) | r.Below(4));
    g.SetReg(kRdx, r.Next() & ~uint64_t{0xFFFFFFFF});
  }
  uint64_t off = g.PickOffset(size, align);
  bool misaligned = r.Chance(6);
  if (misaligned) off += 1 + r.Below(static_cast<uint64_t>(align - 1));
  if (off + static_cast<uint64_t>(size) > kStackAreaOffset) off -= align;
  const bool restore = f.kind == Kind::kFxrstor || f.kind == Kind::kXrstor;
  if (restore) WriteImage(g, off, r.Chance(5));
  if (xsave) {
    // The header: XSTATE_BV within x87|SSE; for XRSTOR sometimes a nonzero reserved field.
    g.WriteData(off + 512, r.Below(4), 8);
    g.WriteData(off + 520, restore && r.Chance(5) ? 1ull << r.Below(62) : 0, 8);
    g.WriteData(off + 528, restore && r.Chance(3) ? r.Next() : 0, 8);
  }
  Insn in;
  in.op_bits = f.wide ? 64 : g.mode() == 16 ? 16 : 32;
  in.opcode = {0x0F, 0xAE};
  in.reg = f.digit;
  in.rm.is_mem = true;
  in.rm.mem = g.MemAt(off);
  if (!g.Emit(in)) return false;
  std::string text = std::string(f.mnemonic) + " " + MemText(in.rm.mem, size);
  if (!restore) {
    for (int at : {8, 12, 16, 20, 28})
      if (!EmitClear(g, in.rm.mem, at, 4)) return false;
    text += "; (pointers, MXCSR_MASK cleared)";
  } else {
    // FCW into the image's first word (already compared as memory), FSW into AX.
    Insn st;
    st.op_bits = in.op_bits == 64 ? 32 : in.op_bits;
    st.opcode = {0xD9};
    st.reg = 7;
    st.rm.is_mem = true;
    st.rm.mem = in.rm.mem;
    if (!g.Emit(st)) return false;
    g.EmitBytes({0xDF, 0xE0});
    text += "; fnstcw; fnstsw ax";
  }
  g.Text(text);
  g.Flags("none");
  return true;
}

template <size_t I>
bool EmitFormAt(Gen& g) {
  return EmitForm(g, kForms[I]);
}

template <size_t... I>
constexpr auto MakeDefs(std::index_sequence<I...>) {
  return std::array<GeneratorDef, sizeof...(I)>{
      {GeneratorDef{kForms[I].name, kForms[I].wide ? kMode64 : kAllModes, CpuFeature::kNone, false,
                    EmitFormAt<I>, 1}...}};
}

constexpr auto kDefs = MakeDefs(std::make_index_sequence<std::size(kForms)>{});

}  // namespace

std::span<const GeneratorDef> FpuStateGenerators() { return kDefs; }

}  // namespace vireo::diff
