// ADD/OR/ADC/SBB/AND/SUB/XOR/CMP, TEST, INC/DEC, NEG/NOT in all their encodings
// (SDM Vol. 2A/2B opcode tables; ALU operation = ModRM.reg / opcode bits 5:3).
#include "tests/diff/gen_registry.h"

namespace vireo::diff {
namespace {

constexpr std::string_view kAluNames[8] = {"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"};

// LOCK is legal on memory destinations of everything but CMP/TEST (SDM Vol. 2A LOCK).
void MaybeLock(Gen& g, Insn* insn, bool lockable) {
  if (lockable && insn->rm.is_mem && g.rng().Chance(25)) insn->prefixes.push_back(0xF0);
}

std::string Prefix(const Insn& insn) {
  for (uint8_t p : insn.prefixes) {
    if (p == 0xF0) return "lock ";
  }
  return "";
}

// op r/m, reg (00-3B, direction bit 1 = reg, r/m).
bool AluRmReg(Gen& g) {
  int op = static_cast<int>(g.rng().Below(8));
  int bits = g.OpBits(true);
  bool to_reg = g.rng().Chance(50);
  Insn in;
  in.op_bits = bits;
  in.rm = g.PickRmEdge(bits);
  in.reg = g.PickSized(bits);
  g.SetEdge(in.reg, bits);
  in.reg_byte = in.rm_byte = bits == 8;
  in.opcode = {static_cast<uint8_t>(op * 8 + (bits == 8 ? 0 : 1) + (to_reg ? 2 : 0))};
  if (!to_reg) MaybeLock(g, &in, op != 7);
  if (!g.Emit(in)) return false;
  std::string a = RmText(in.rm, bits), b = RegName(in.reg, bits);
  g.Text(Prefix(in) + std::string(kAluNames[op]) + " " + (to_reg ? b + ", " + a : a + ", " + b));
  g.Flags(kAluNames[op]);
  return true;
}

// op r/m, imm (80/81/83, and 82 outside 64-bit mode) and op AL/eAX, imm (04/05 + 8*op).
bool AluImm(Gen& g) {
  int op = static_cast<int>(g.rng().Below(8));
  int bits = g.OpBits(true);
  Insn in;
  in.op_bits = bits;
  int form = static_cast<int>(g.rng().Below(4));
  if (form == 0) {
    // Accumulator short form.
    if (!g.Claim(kRax)) return false;
    g.SetEdge(kRax, bits);
    in.opcode = {static_cast<uint8_t>(op * 8 + (bits == 8 ? 4 : 5))};
    in.imm_bytes = ImmBytes(bits);
    in.imm = EdgeValue(g.rng(), in.imm_bytes * 8);
    if (!g.Emit(in)) return false;
    g.Text(std::string(kAluNames[op]) + " " + RegName(kRax, bits) + ", " + HexText(in.imm));
    g.Flags(kAluNames[op]);
    return true;
  }
  in.rm = g.PickRmEdge(bits);
  in.rm_byte = bits == 8;
  in.reg = op;
  if (bits == 8) {
    // 82 is an alias of 80, invalid in 64-bit mode (SDM Vol. 2A Table A-2 note 1B).
    in.opcode = {static_cast<uint8_t>(g.mode() != 64 && g.rng().Chance(25) ? 0x82 : 0x80)};
    in.imm_bytes = 1;
  } else if (form == 1) {
    in.opcode = {0x81};
    in.imm_bytes = ImmBytes(bits);
  } else {
    in.opcode = {0x83};  // imm8 sign-extended
    in.imm_bytes = 1;
  }
  in.imm = EdgeValue(g.rng(), in.imm_bytes * 8);
  MaybeLock(g, &in, op != 7);
  if (!g.Emit(in)) return false;
  // The immediate is sign-extended to the operand size.
  uint64_t imm = static_cast<uint64_t>(SignExtend(in.imm, in.imm_bytes * 8)) & Mask(bits);
  g.Text(Prefix(in) + std::string(kAluNames[op]) + " " + RmText(in.rm, bits) + ", " + HexText(imm));
  g.Flags(kAluNames[op]);
  return true;
}

// TEST r/m, reg (84/85), TEST AL/eAX, imm (A8/A9), TEST r/m, imm (F6/F7 /0).
bool Test(Gen& g) {
  int bits = g.OpBits(true);
  Insn in;
  in.op_bits = bits;
  int form = static_cast<int>(g.rng().Below(3));
  std::string text;
  if (form == 0) {
    in.rm = g.PickRmEdge(bits);
    in.reg = g.PickSized(bits);
    g.SetEdge(in.reg, bits);
    in.reg_byte = in.rm_byte = bits == 8;
    in.opcode = {static_cast<uint8_t>(bits == 8 ? 0x84 : 0x85)};
    text = "test " + RmText(in.rm, bits) + ", " + RegName(in.reg, bits);
  } else if (form == 1) {
    if (!g.Claim(kRax)) return false;
    g.SetEdge(kRax, bits);
    in.opcode = {static_cast<uint8_t>(bits == 8 ? 0xA8 : 0xA9)};
    in.imm_bytes = ImmBytes(bits);
    in.imm = EdgeValue(g.rng(), in.imm_bytes * 8);
    text = "test " + RegName(kRax, bits) + ", " + HexText(in.imm);
  } else {
    in.rm = g.PickRmEdge(bits);
    in.rm_byte = bits == 8;
    in.reg = 0;
    in.opcode = {static_cast<uint8_t>(bits == 8 ? 0xF6 : 0xF7)};
    in.imm_bytes = ImmBytes(bits);
    in.imm = EdgeValue(g.rng(), in.imm_bytes * 8);
    text = "test " + RmText(in.rm, bits) + ", " + HexText(in.imm);
  }
  if (!g.Emit(in)) return false;
  g.Text(text);
  g.Flags("test");
  return true;
}

// INC/DEC r/m (FE/FF /0 /1) and the one-byte 40+r / 48+r forms outside 64-bit mode.
bool IncDec(Gen& g) {
  bool dec = g.rng().Chance(50);
  int bits = g.OpBits(true);
  Insn in;
  in.op_bits = bits;
  std::string name = dec ? "dec" : "inc";
  if (g.mode() != 64 && bits != 8 && g.rng().Chance(40)) {
    in.opreg = g.PickReg();
    g.SetEdge(in.opreg, bits);
    in.opcode = {static_cast<uint8_t>(dec ? 0x48 : 0x40)};
    if (!g.Emit(in)) return false;
    g.Text(name + " " + RegName(in.opreg, bits));
  } else {
    in.rm = g.PickRmEdge(bits);
    in.rm_byte = bits == 8;
    in.reg = dec ? 1 : 0;
    in.opcode = {static_cast<uint8_t>(bits == 8 ? 0xFE : 0xFF)};
    MaybeLock(g, &in, true);
    if (!g.Emit(in)) return false;
    g.Text(Prefix(in) + name + " " + RmText(in.rm, bits));
  }
  g.Flags(name);
  return true;
}

// NEG (F6/F7 /3) and NOT (F6/F7 /2).
bool NegNot(Gen& g) {
  bool neg = g.rng().Chance(60);
  int bits = g.OpBits(true);
  Insn in;
  in.op_bits = bits;
  in.rm = g.PickRmEdge(bits);
  in.rm_byte = bits == 8;
  in.reg = neg ? 3 : 2;
  in.opcode = {static_cast<uint8_t>(bits == 8 ? 0xF6 : 0xF7)};
  MaybeLock(g, &in, true);
  if (!g.Emit(in)) return false;
  g.Text(Prefix(in) + (neg ? "neg " : "not ") + RmText(in.rm, bits));
  g.Flags(neg ? "neg" : "not");
  return true;
}

constexpr GeneratorDef kDefs[] = {
    {"alu.rm", kAllModes, CpuFeature::kNone, true, AluRmReg, 30},
    {"alu.imm", kAllModes, CpuFeature::kNone, true, AluImm, 30},
    {"alu.test", kAllModes, CpuFeature::kNone, true, Test, 10},
    {"alu.incdec", kAllModes, CpuFeature::kNone, true, IncDec, 12},
    {"alu.negnot", kAllModes, CpuFeature::kNone, true, NegNot, 8},
};

}  // namespace

std::span<const GeneratorDef> AluGenerators() { return kDefs; }

}  // namespace vireo::diff
