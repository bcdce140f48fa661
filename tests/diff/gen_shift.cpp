// Shifts and rotates (C0/C1 ib, D0/D1 by 1, D2/D3 by CL; /0 ROL /1 ROR /2 RCL /3 RCR /4 SHL
// /5 SHR /7 SAR) and SHLD/SHRD (0F A4/A5, 0F AC/AD). Counts include 0, 1, width-1, width and
// over-width values; the undefined flags depend on the masked count (flag_table.cpp ShiftRule).
#include "tests/diff/gen_registry.h"

namespace vireo::diff {
namespace {

constexpr std::string_view kShiftNames[8] = {"rol", "ror", "rcl", "rcr", "shl", "shr", "", "sar"};

// A memory operand addressed through RCX cannot also hold a chosen CL count.
bool UsesRcx(const RmOperand& rm) {
  return rm.is_mem && (rm.mem.base == kRcx || rm.mem.index == kRcx);
}

bool ShiftRotate(Gen& g) {
  static constexpr int kOps[] = {0, 1, 2, 3, 4, 5, 7};
  int op = g.rng().Pick(kOps);
  int bits = g.OpBits(true);
  int form = static_cast<int>(g.rng().Below(3));  // 0: by 1, 1: by CL, 2: by imm8
  Insn in;
  in.op_bits = bits;
  in.rm = g.PickRmEdge(bits);
  in.rm_byte = bits == 8;
  in.reg = op;
  std::optional<uint64_t> count;
  std::string count_text;
  if (form == 0) {
    in.opcode = {static_cast<uint8_t>(bits == 8 ? 0xD0 : 0xD1)};
    count = 1;
    count_text = "1";
  } else if (form == 1) {
    if (UsesRcx(in.rm)) return false;
    in.opcode = {static_cast<uint8_t>(bits == 8 ? 0xD2 : 0xD3)};
    g.SetPart(kRcx, 8, EdgeCount(g.rng(), bits));
    count = g.KnownPart(kRcx, 8);
    count_text = "cl";
  } else {
    in.opcode = {static_cast<uint8_t>(bits == 8 ? 0xC0 : 0xC1)};
    in.imm_bytes = 1;
    in.imm = EdgeCount(g.rng(), bits);
    count = in.imm;
    count_text = HexText(in.imm);
  }
  if (!g.Emit(in)) return false;
  g.Text(std::string(kShiftNames[op]) + " " + RmText(in.rm, bits) + ", " + count_text);
  g.Flags(ShiftRule(kShiftNames[op], bits, count));
  return true;
}

// SHLD/SHRD r/m, reg, imm8/CL. SDM Vol. 2B: a 16-bit operand shifted by more than 16 has an
// undefined result, so such counts are not generated.
bool DoubleShift(Gen& g) {
  bool left = g.rng().Chance(50);
  bool by_cl = g.rng().Chance(50);
  int bits = g.OpBits(false);
  if (by_cl && bits == 16 && g.sequence()) return false;  // count unknown: result may be undefined
  uint64_t count = EdgeCount(g.rng(), bits);
  while (bits == 16 && (count & 31) > 16) count = EdgeCount(g.rng(), bits);
  Insn in;
  in.op_bits = bits;
  in.rm = g.PickRmEdge(bits);
  in.reg = g.PickReg();
  g.SetEdge(in.reg, bits);
  std::optional<uint64_t> known = count;
  std::string name = left ? "shld" : "shrd";
  std::string text = name + " " + RmText(in.rm, bits) + ", " + RegName(in.reg, bits) + ", ";
  if (by_cl) {
    if (UsesRcx(in.rm)) return false;
    in.opcode = {0x0F, static_cast<uint8_t>(left ? 0xA5 : 0xAD)};
    g.SetPart(kRcx, 8, count);
    known = g.KnownPart(kRcx, 8);
    text += "cl";
  } else {
    in.opcode = {0x0F, static_cast<uint8_t>(left ? 0xA4 : 0xAC)};
    in.imm_bytes = 1;
    in.imm = count;
    text += HexText(count);
  }
  if (!g.Emit(in)) return false;
  g.Text(text);
  g.Flags(ShiftRule(name, bits, known));
  return true;
}

constexpr GeneratorDef kDefs[] = {
    {"shift.rot", kAllModes, CpuFeature::kNone, true, ShiftRotate, 40},
    {"shift.double", kAllModes, CpuFeature::kNone, true, DoubleShift, 15},
};

}  // namespace

std::span<const GeneratorDef> ShiftGenerators() { return kDefs; }

}  // namespace vireo::diff
