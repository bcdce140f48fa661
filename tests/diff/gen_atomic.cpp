// XADD, CMPXCHG, CMPXCHG8B, CMPXCHG16B, with and without LOCK (memory forms only: LOCK with a
// register destination is #UD, covered by gen_fault.cpp).
#include "tests/diff/gen_registry.h"

namespace vireo::diff {
namespace {

std::string MaybeLock(Gen& g, Insn* in) {
  if (!in->rm.is_mem || !g.rng().Chance(50)) return "";
  in->prefixes.push_back(0xF0);
  return "lock ";
}

// XADD r/m, reg (0F C0/C1).
bool Xadd(Gen& g) {
  int bits = g.OpBits(true);
  Insn in;
  in.op_bits = bits;
  in.opcode = {0x0F, static_cast<uint8_t>(bits == 8 ? 0xC0 : 0xC1)};
  in.rm = g.PickRmEdge(bits, 50);
  in.reg = g.PickSized(bits);
  g.SetEdge(in.reg, bits);
  in.reg_byte = in.rm_byte = bits == 8;
  std::string lock = MaybeLock(g, &in);
  if (!g.Emit(in)) return false;
  g.Text(lock + "xadd " + RmText(in.rm, bits) + ", " + RegName(in.reg, bits));
  g.Flags("xadd");
  return true;
}

// CMPXCHG r/m, reg (0F B0/B1): equal -> r/m = reg, else accumulator = r/m.
bool Cmpxchg(Gen& g) {
  int bits = g.OpBits(true);
  if (!g.Claim(kRax)) return false;
  bool equal = g.rng().Chance(50);
  Insn in;
  in.op_bits = bits;
  in.opcode = {0x0F, static_cast<uint8_t>(bits == 8 ? 0xB0 : 0xB1)};
  in.reg_byte = in.rm_byte = bits == 8;
  g.SetEdge(kRax, bits);
  uint64_t acc = g.KnownPart(kRax, bits).value_or(0);
  // 32-bit register forms in 64-bit mode: Intel rewrites the destination (zero-extending it) even
  // when the comparison fails, AMD may not; zero upper halves make both agree.
  bool zero_upper = g.mode() == 64 && bits == 32;
  if (g.rng().Chance(50)) {
    uint64_t off = g.PickOffset(bits / 8);
    g.WriteData(off, equal ? acc : EdgeValue(g.rng(), bits), bits / 8);
    in.rm.is_mem = true;
    in.rm.mem = g.MemAt(off);
  } else {
    if (zero_upper && g.sequence()) return false;
    in.rm.reg = g.PickSized(bits);
    g.SetPart(in.rm.reg, bits, equal ? acc : EdgeValue(g.rng(), bits));
    if (zero_upper) g.SetReg(in.rm.reg, *g.Known(in.rm.reg) & 0xFFFFFFFFu);
  }
  if (zero_upper && !g.sequence()) g.SetReg(kRax, *g.Known(kRax) & 0xFFFFFFFFu);
  in.reg = g.PickSized(bits);
  if (in.reg != in.rm.reg || in.rm.is_mem) g.SetEdge(in.reg, bits);
  std::string lock = MaybeLock(g, &in);
  if (!g.Emit(in)) return false;
  g.Text(lock + "cmpxchg " + RmText(in.rm, bits) + ", " + RegName(in.reg, bits));
  g.Flags("cmpxchg");
  return true;
}

// CMPXCHG8B m64 (0F C7 /1) and CMPXCHG16B m128 (REX.W, 16-byte aligned or #GP).
bool CmpxchgWide(Gen& g, bool wide) {
  for (int r : {kRax, kRdx, kRcx, kRbx}) {
    if (!g.Claim(r)) return false;
  }
  int half = wide ? 64 : 32;
  int bytes = half / 4;
  uint64_t off = g.PickOffset(bytes, wide ? 16 : 1);
  uint64_t lo = EdgeValue(g.rng(), half), hi = EdgeValue(g.rng(), half);
  g.SetPart(kRax, half, lo);
  g.SetPart(kRdx, half, hi);
  g.SetEdge(kRbx, half);
  g.SetEdge(kRcx, half);
  bool equal = g.rng().Chance(50);
  g.WriteData(off, equal ? lo : EdgeValue(g.rng(), half), half / 8);
  g.WriteData(off + static_cast<uint64_t>(half / 8), equal || g.rng().Chance(50) ? hi : ~hi,
              half / 8);
  Insn in;
  in.op_bits = wide ? 64 : 32;
  in.opcode = {0x0F, 0xC7};
  in.reg = 1;
  in.rm.is_mem = true;
  in.rm.mem = g.MemAt(off);
  std::string lock = MaybeLock(g, &in);
  if (!g.Emit(in)) return false;
  g.Text(lock + (wide ? "cmpxchg16b " : "cmpxchg8b ") + MemText(in.rm.mem, bytes));
  g.Flags(wide ? "cmpxchg16b" : "cmpxchg8b");
  return true;
}

bool Cmpxchg8b(Gen& g) { return CmpxchgWide(g, false); }
bool Cmpxchg16b(Gen& g) { return CmpxchgWide(g, true); }

constexpr GeneratorDef kDefs[] = {
    {"atomic.xadd", kAllModes, CpuFeature::kNone, true, Xadd, 8},
    {"atomic.cmpxchg", kAllModes, CpuFeature::kNone, true, Cmpxchg, 10},
    {"atomic.cmpxchg8b", kAllModes, CpuFeature::kNone, true, Cmpxchg8b, 5},
    {"atomic.cmpxchg16b", kMode64, CpuFeature::kCx16, true, Cmpxchg16b, 4},
};

}  // namespace

std::span<const GeneratorDef> AtomicGenerators() { return kDefs; }

}  // namespace vireo::diff
