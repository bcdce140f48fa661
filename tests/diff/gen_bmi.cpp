// BMI1 (ANDN, BEXTR, BLSI, BLSMSK, BLSR), BMI2 (BZHI, PDEP, PEXT, RORX, SARX, SHLX, SHRX, MULX)
// and ADX (ADCX, ADOX). VEX forms are 32-bit outside 64-bit mode (SDM Vol. 2A 2.5: VEX.W is
// ignored there, so W0 is used); generated only when the host CPU has the feature.
#include "tests/diff/gen_registry.h"

namespace vireo::diff {
namespace {

int VexBits(Gen& g) { return g.mode() == 64 && g.rng().Chance(50) ? 64 : 32; }

// Implied-prefix field values (SDM Vol. 2A 2.3.5.5, VEX.pp).
constexpr int kPpNone = 0, kPp66 = 1, kPpF3 = 2, kPpF2 = 3;

// An r/m source holding `value` (register or memory).
RmOperand SourceWith(Gen& g, int bits, uint64_t value) {
  RmOperand rm;
  if (g.rng().Chance(35)) {
    uint64_t off = g.PickOffset(bits / 8);
    g.WriteData(off, value, bits / 8);
    rm.is_mem = true;
    rm.mem = g.MemAt(off);
  } else {
    rm.reg = g.PickReg();
    g.SetPart(rm.reg, bits, value);
  }
  return rm;
}

// A start/length or index control value: small fields matter most (SDM BEXTR/BZHI).
uint64_t ControlValue(Rng& rng, int bits) {
  if (rng.Chance(30)) return EdgeValue(rng, bits);
  uint64_t start = rng.Chance(80) ? rng.Below(72) : rng.Below(256);
  uint64_t len = rng.Chance(80) ? rng.Below(72) : rng.Below(256);
  uint64_t upper = rng.Chance(50) ? (rng.Next() & Mask(bits) & ~0xFFFFull) : 0;
  return upper | len << 8 | start;
}

// dest = reg field, vvvv and r/m sources as the instruction defines them.
bool EmitVexRvm(Gen& g, std::string_view name, int map, int pp, uint8_t opcode, int bits,
                bool vvvv_is_source_first, uint64_t vvvv_value, uint64_t rm_value) {
  VexInsn v;
  v.map = map;
  v.pp = pp;
  v.opcode = opcode;
  v.w = bits == 64;
  v.rm = SourceWith(g, bits, rm_value);
  v.vvvv = g.PickReg();
  g.SetPart(v.vvvv, bits, vvvv_value);
  v.reg = g.PickReg();
  if (v.reg != v.vvvv && (v.rm.is_mem || v.reg != v.rm.reg)) g.SetEdge(v.reg, bits);
  if (!g.EmitVex(v)) return false;
  std::string d = RegName(v.reg, bits), s = RmText(v.rm, bits), c = RegName(v.vvvv, bits);
  g.Text(std::string(name) + " " + d + ", " + (vvvv_is_source_first ? c + ", " + s : s + ", " + c));
  g.Flags(name);
  return true;
}

bool Andn(Gen& g) {
  int bits = VexBits(g);
  return EmitVexRvm(g, "andn", 2, kPpNone, 0xF2, bits, true, EdgeValue(g.rng(), bits),
                    EdgeValue(g.rng(), bits));
}

bool Bextr(Gen& g) {
  int bits = VexBits(g);
  return EmitVexRvm(g, "bextr", 2, kPpNone, 0xF7, bits, false, ControlValue(g.rng(), bits),
                    EdgeValue(g.rng(), bits));
}

// BLSR /1, BLSMSK /2, BLSI /3 (VEX.0F38 F3): vvvv is the destination.
bool Blsx(Gen& g) {
  static constexpr std::string_view kNames[3] = {"blsr", "blsmsk", "blsi"};
  int which = static_cast<int>(g.rng().Below(3));
  int bits = VexBits(g);
  VexInsn v;
  v.map = 2;
  v.opcode = 0xF3;
  v.reg = which + 1;
  v.w = bits == 64;
  v.rm = SourceWith(g, bits, EdgeValue(g.rng(), bits));
  v.vvvv = g.PickReg();
  if (v.rm.is_mem || v.vvvv != v.rm.reg) g.SetEdge(v.vvvv, bits);
  if (!g.EmitVex(v)) return false;
  g.Text(std::string(kNames[which]) + " " + RegName(v.vvvv, bits) + ", " + RmText(v.rm, bits));
  g.Flags(kNames[which]);
  return true;
}

bool Bzhi(Gen& g) {
  int bits = VexBits(g);
  return EmitVexRvm(g, "bzhi", 2, kPpNone, 0xF5, bits, false, ControlValue(g.rng(), bits),
                    EdgeValue(g.rng(), bits));
}

bool PdepPext(Gen& g) {
  bool dep = g.rng().Chance(50);
  int bits = VexBits(g);
  return EmitVexRvm(g, dep ? "pdep" : "pext", 2, dep ? kPpF2 : kPpF3, 0xF5, bits, true,
                    EdgeValue(g.rng(), bits), EdgeValue(g.rng(), bits));
}

// SARX (F3), SHLX (66), SHRX (F2): VEX.0F38 F7, count in vvvv (masked to 5/6 bits).
bool ShiftX(Gen& g) {
  static constexpr std::string_view kNames[3] = {"sarx", "shlx", "shrx"};
  static constexpr int kPp[3] = {kPpF3, kPp66, kPpF2};
  int which = static_cast<int>(g.rng().Below(3));
  int bits = VexBits(g);
  return EmitVexRvm(g, kNames[which], 2, kPp[which], 0xF7, bits, false,
                    EdgeCount(g.rng(), bits) | (g.rng().Chance(20) ? g.rng().Next() << 8 : 0),
                    EdgeValue(g.rng(), bits));
}

bool Rorx(Gen& g) {
  int bits = VexBits(g);
  VexInsn v;
  v.map = 3;
  v.pp = kPpF2;
  v.opcode = 0xF0;
  v.w = bits == 64;
  v.rm = SourceWith(g, bits, EdgeValue(g.rng(), bits));
  v.reg = g.PickReg();
  if (v.rm.is_mem || v.reg != v.rm.reg) g.SetEdge(v.reg, bits);
  v.imm_bytes = 1;
  v.imm = EdgeCount(g.rng(), bits);
  if (!g.EmitVex(v)) return false;
  g.Text("rorx " + RegName(v.reg, bits) + ", " + RmText(v.rm, bits) + ", " + HexText(v.imm));
  g.Flags("rorx");
  return true;
}

// MULX hi, lo, r/m: rDX * r/m unsigned; hi = reg, lo = vvvv (equal: hi wins, SDM MULX).
bool Mulx(Gen& g) {
  int bits = VexBits(g);
  if (g.Reserved(kRdx)) return false;
  g.SetEdge(kRdx, bits);
  g.Reserve(kRdx);
  VexInsn v;
  v.map = 2;
  v.pp = kPpF2;
  v.opcode = 0xF6;
  v.w = bits == 64;
  v.rm = SourceWith(g, bits, EdgeValue(g.rng(), bits));
  v.reg = g.PickReg();
  v.vvvv = g.rng().Chance(10) ? v.reg : g.PickReg();
  // The destinations may overwrite RDX in reality; RDX stays reserved only for the setup.
  if (!g.EmitVex(v)) return false;
  g.Text("mulx " + RegName(v.reg, bits) + ", " + RegName(v.vvvv, bits) + ", " + RmText(v.rm, bits));
  g.Flags("mulx");
  return true;
}

// ADCX (66 0F 38 F6) / ADOX (F3 0F 38 F6) reg, r/m.
bool Adx(Gen& g) {
  bool adox = g.rng().Chance(50);
  int bits = g.mode() == 64 && g.rng().Chance(50) ? 64 : 32;
  Insn in;
  in.op_bits = bits;
  in.mandatory = {static_cast<uint8_t>(adox ? 0xF3 : 0x66)};
  in.opcode = {0x0F, 0x38, 0xF6};
  in.rm = g.PickRmEdge(bits);
  in.reg = g.PickReg();
  g.SetEdge(in.reg, bits);
  if (!g.Emit(in)) return false;
  std::string name = adox ? "adox" : "adcx";
  g.Text(name + " " + RegName(in.reg, bits) + ", " + RmText(in.rm, bits));
  g.Flags(name);
  return true;
}

constexpr GeneratorDef kDefs[] = {
    {"bmi1.andn", kAllModes, CpuFeature::kBmi1, true, Andn, 5},
    {"bmi1.bextr", kAllModes, CpuFeature::kBmi1, true, Bextr, 6},
    {"bmi1.blsx", kAllModes, CpuFeature::kBmi1, true, Blsx, 6},
    {"bmi2.bzhi", kAllModes, CpuFeature::kBmi2, true, Bzhi, 6},
    {"bmi2.pdep", kAllModes, CpuFeature::kBmi2, true, PdepPext, 6},
    {"bmi2.shiftx", kAllModes, CpuFeature::kBmi2, true, ShiftX, 6},
    {"bmi2.rorx", kAllModes, CpuFeature::kBmi2, true, Rorx, 4},
    {"bmi2.mulx", kAllModes, CpuFeature::kBmi2, true, Mulx, 5},
    {"adx.adcx", kAllModes, CpuFeature::kAdx, true, Adx, 6},
};

}  // namespace

std::span<const GeneratorDef> BmiGenerators() { return kDefs; }

}  // namespace vireo::diff
