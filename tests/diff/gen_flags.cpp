// Flag producers and consumers: SETcc, CMOVcc, LAHF/SAHF, CLC/STC/CMC/CLD/STD.
#include "tests/diff/gen_registry.h"

namespace vireo::diff {
namespace {

FlagRule ConditionRule(int cc) { return {"jcc", ConditionFlags(cc), 0, 0, "condition read"}; }

// SETcc r/m8 (0F 90+cc; ModRM.reg is ignored, 0 is used).
bool Setcc(Gen& g) {
  int cc = static_cast<int>(g.rng().Below(16));
  Insn in;
  in.op_bits = 8;
  in.opcode = {0x0F, static_cast<uint8_t>(0x90 + cc)};
  in.reg = 0;
  in.rm = g.PickRmEdge(8);
  in.rm_byte = true;
  if (!g.Emit(in)) return false;
  g.Text("set" + std::string(ConditionName(cc)) + " " + RmText(in.rm, 8));
  g.Flags(ConditionRule(cc));
  return true;
}

// CMOVcc reg, r/m (0F 40+cc). SDM Vol. 2A CMOVcc: the source is read even when the condition
// is false, and in 64-bit mode a 32-bit destination is zero-extended either way.
bool Cmovcc(Gen& g) {
  int cc = static_cast<int>(g.rng().Below(16));
  int bits = g.OpBits(false);
  Insn in;
  in.op_bits = bits;
  in.opcode = {0x0F, static_cast<uint8_t>(0x40 + cc)};
  in.rm = g.PickRmEdge(bits);
  in.reg = g.PickReg();
  g.SetEdge(in.reg, bits);
  if (!g.Emit(in)) return false;
  g.Text("cmov" + std::string(ConditionName(cc)) + " " + RegName(in.reg, bits) + ", " +
         RmText(in.rm, bits));
  g.Flags(ConditionRule(cc));
  return true;
}

// LAHF (9F) / SAHF (9E); 64-bit mode needs CPUID.80000001H:ECX.LAHF-SAHF.
bool LahfSahf(Gen& g) {
  bool sahf = g.rng().Chance(50);
  if (!g.Claim(kRax)) return false;
  if (sahf) g.SetPart(kAh, 8, EdgeValue(g.rng(), 8));
  g.EmitBytes({static_cast<uint8_t>(sahf ? 0x9E : 0x9F)});
  g.Text(sahf ? "sahf" : "lahf");
  g.Flags(sahf ? "sahf" : "lahf");
  return true;
}

// CLC/STC/CMC/CLD/STD.
bool FlagOps(Gen& g) {
  static constexpr uint8_t kOps[] = {0xF8, 0xF9, 0xF5, 0xFC, 0xFD};
  static constexpr std::string_view kNames[] = {"clc", "stc", "cmc", "cld", "std"};
  int i = static_cast<int>(g.rng().Below(5));
  g.EmitBytes({kOps[i]});
  g.Text(kNames[i]);
  g.Flags(kNames[i]);
  return true;
}

constexpr GeneratorDef kDefs[] = {
    {"flags.setcc", kAllModes, CpuFeature::kNone, true, Setcc, 12},
    {"flags.cmovcc", kAllModes, CpuFeature::kNone, true, Cmovcc, 12},
    {"flags.lahf", kAllModes, CpuFeature::kLahf64, true, LahfSahf, 5},
    {"flags.ops", kAllModes, CpuFeature::kNone, true, FlagOps, 5},
};

}  // namespace

std::span<const GeneratorDef> FlagGenerators() { return kDefs; }

}  // namespace vireo::diff
