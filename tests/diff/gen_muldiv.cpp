// MUL/IMUL (one-, two- and three-operand forms), DIV/IDIV with operands chosen so the quotient
// fits (SDM Vol. 2A DIV/IDIV: #DE otherwise; the fault cases are in gen_fault.cpp).
#include "tests/diff/gen_registry.h"

namespace vireo::diff {
namespace {

// MUL/IMUL r/m (F6/F7 /4 /5): rDX:rAX (or AX) = rAX * r/m.
bool MulOne(Gen& g) {
  bool signed_mul = g.rng().Chance(50);
  int bits = g.OpBits(true);
  Insn in;
  in.op_bits = bits;
  if (!g.Claim(kRax) || (bits != 8 && !g.Claim(kRdx))) return false;
  g.SetEdge(kRax, bits);
  in.rm = g.PickRmEdge(bits);
  in.rm_byte = bits == 8;
  in.reg = signed_mul ? 5 : 4;
  in.opcode = {static_cast<uint8_t>(bits == 8 ? 0xF6 : 0xF7)};
  if (!g.Emit(in)) return false;
  const char* name = signed_mul ? "imul" : "mul";
  g.Text(std::string(name) + " " + RmText(in.rm, bits));
  g.Flags(name);
  return true;
}

// IMUL reg, r/m (0F AF) and IMUL reg, r/m, imm (6B ib / 69 iz).
bool ImulMulti(Gen& g) {
  int bits = g.OpBits(false);
  Insn in;
  in.op_bits = bits;
  in.rm = g.PickRmEdge(bits);
  in.reg = g.PickReg();
  g.SetEdge(in.reg, bits);
  int form = static_cast<int>(g.rng().Below(3));
  std::string text = "imul " + RegName(in.reg, bits) + ", " + RmText(in.rm, bits);
  if (form == 0) {
    in.opcode = {0x0F, 0xAF};
  } else {
    in.opcode = {static_cast<uint8_t>(form == 1 ? 0x6B : 0x69)};
    in.imm_bytes = form == 1 ? 1 : ImmBytes(bits);
    in.imm = EdgeValue(g.rng(), in.imm_bytes * 8);
    text += ", " + HexText(in.imm);
  }
  if (!g.Emit(in)) return false;
  g.Text(text);
  g.Flags("imul");
  return true;
}

// Unsigned or signed double-width division operands that do not fault.
struct DivOperands {
  __uint128_t dividend;  // rDX:rAX (AX for byte division), `2 * bits` wide
  uint64_t divisor;
};

DivOperands PickDivOperands(Rng& rng, int bits, bool is_signed) {
  const __uint128_t wide_mask = bits == 64 ? ~__uint128_t{0} : ((__uint128_t{1} << (2 * bits)) - 1);
  for (;;) {
    uint64_t d = EdgeValue(rng, bits);
    if (d == 0) continue;
    if (!is_signed) {
      // Quotient fits iff the high half is below the divisor (SDM DIV: temp > FFH.. -> #DE).
      uint64_t high = rng.Below(d);
      if (rng.Chance(30)) high = d - 1;
      uint64_t low = EdgeValue(rng, bits);
      return {(__uint128_t{high} << bits | low) & wide_mask, d};
    }
    // Signed: pick quotient q and remainder r with |r| < |d| and sign(r) = sign(dividend).
    __int128 sd = SignExtend(d, bits);
    __int128 qmax = (__int128{1} << (bits - 1)) - 1;
    __int128 qmin = -(__int128{1} << (bits - 1));
    __int128 q = SignExtend(EdgeValue(rng, bits), bits);
    if (q > qmax || q < qmin) continue;
    __int128 abs_d = sd < 0 ? -sd : sd;
    __int128 r = static_cast<__int128>(rng.Next() % static_cast<uint64_t>(abs_d));
    __int128 dividend = q * sd;
    if (dividend < 0 || (dividend == 0 && rng.Chance(50))) r = -r;
    dividend += r;
    // The dividend must fit in 2*bits signed and truncate back to q (sign of r may disagree
    // with the product when q*d is 0: then the dividend's sign decides, which it does).
    __int128 lim = bits == 64 ? (static_cast<__int128>(~__uint128_t{0} >> 1))
                              : ((__int128{1} << (2 * bits - 1)) - 1);
    if (dividend > lim || dividend < -lim - 1) continue;
    if (dividend / sd != q) continue;
    return {static_cast<__uint128_t>(dividend) & wide_mask, d};
  }
}

// DIV/IDIV r/m (F6/F7 /6 /7).
bool Div(Gen& g) {
  bool is_signed = g.rng().Chance(50);
  int bits = g.OpBits(true);
  DivOperands ops = PickDivOperands(g.rng(), bits, is_signed);
  Insn in;
  in.op_bits = bits;
  if (!g.Claim(kRax) || !g.Claim(kRdx)) return false;
  if (bits == 8) {
    g.SetPart(kRax, 16, static_cast<uint64_t>(ops.dividend));
  } else {
    g.SetPart(kRax, bits, static_cast<uint64_t>(ops.dividend));
    g.SetPart(kRdx, bits, static_cast<uint64_t>(ops.dividend >> bits));
  }
  in.rm_byte = bits == 8;
  if (g.rng().Chance(50)) {
    uint64_t off = g.PickOffset(bits / 8);
    g.WriteData(off, ops.divisor, bits / 8);
    in.rm.is_mem = true;
    in.rm.mem = g.MemAt(off);
  } else {
    // AL/AH/rAX/rDX hold the dividend: the divisor goes elsewhere.
    in.rm.reg = bits == 8 ? g.PickByteReg(true, true) : g.PickReg();
    if (bits == 8 && (in.rm.reg == kAh || in.rm.reg == kRax)) return false;
    g.SetPart(in.rm.reg, bits, ops.divisor);
  }
  in.reg = is_signed ? 7 : 6;
  in.opcode = {static_cast<uint8_t>(bits == 8 ? 0xF6 : 0xF7)};
  if (!g.Emit(in)) return false;
  const char* name = is_signed ? "idiv" : "div";
  g.Text(std::string(name) + " " + RmText(in.rm, bits));
  g.Flags(name);
  return true;
}

constexpr GeneratorDef kDefs[] = {
    {"mul.one", kAllModes, CpuFeature::kNone, true, MulOne, 15},
    {"mul.imul", kAllModes, CpuFeature::kNone, true, ImulMulti, 15},
    {"mul.div", kAllModes, CpuFeature::kNone, false, Div, 20},
};

}  // namespace

std::span<const GeneratorDef> MulDivGenerators() { return kDefs; }

}  // namespace vireo::diff
