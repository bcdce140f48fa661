// BT/BTS/BTR/BTC (register and immediate bit offsets, incl. memory bit strings addressed beyond
// the operand), BSF/BSR, TZCNT/LZCNT, POPCNT.
#include "tests/diff/gen_registry.h"

namespace vireo::diff {
namespace {

constexpr std::string_view kBtNames[4] = {"bt", "bts", "btr", "btc"};

// BT* r/m, reg (0F A3/AB/B3/BB) with a register destination or an in-word memory offset, and
// BT* r/m, imm8 (0F BA /4-/7): the offset is taken modulo the operand size.
bool BitTest(Gen& g) {
  int kind = static_cast<int>(g.rng().Below(4));
  int bits = g.OpBits(false);
  bool imm = g.rng().Chance(50);
  Insn in;
  in.op_bits = bits;
  // Register offsets only with a register destination here (memory: BitString below).
  in.rm = imm ? g.PickRmEdge(bits) : g.PickRmEdge(bits, 0);
  std::string text = std::string(kBtNames[kind]) + " " + RmText(in.rm, bits) + ", ";
  if (imm) {
    in.opcode = {0x0F, 0xBA};
    in.reg = 4 + kind;
    in.imm_bytes = 1;
    in.imm = g.rng().Chance(70) ? g.rng().Below(static_cast<uint64_t>(bits)) : g.rng().Below(256);
    text += HexText(in.imm);
  } else {
    static constexpr uint8_t kOpcodes[4] = {0xA3, 0xAB, 0xB3, 0xBB};
    in.opcode = {0x0F, kOpcodes[kind]};
    in.reg = g.PickReg();
    g.SetEdge(in.reg, bits);
    text += RegName(in.reg, bits);
  }
  if (kind != 0 && in.rm.is_mem && g.rng().Chance(25)) {
    in.prefixes.push_back(0xF0);
    text = "lock " + text;
  }
  if (!g.Emit(in)) return false;
  g.Text(text);
  g.Flags(kBtNames[kind]);
  return true;
}

// BT* m, reg: SDM Vol. 2A BT: the register offset is signed and selects a bit anywhere in the bit
// string starting at the operand; the accessed word stays inside the data page here.
bool BitString(Gen& g) {
  int kind = static_cast<int>(g.rng().Below(4));
  int bits = g.OpBits(false);
  int bytes = bits / 8;
  int64_t ea = 8 + static_cast<int64_t>(g.rng().Below(0xBE0));
  int64_t low = -(ea - 8) / bytes;
  int64_t high = (0xBF0 - 8 - ea) / bytes;
  int64_t words = low + static_cast<int64_t>(g.rng().Below(static_cast<uint64_t>(high - low + 1)));
  if (g.rng().Chance(30)) words = static_cast<int64_t>(g.rng().Below(3)) - 1;
  int64_t bit_offset =
      words * bits + static_cast<int64_t>(g.rng().Below(static_cast<uint64_t>(bits)));
  Insn in;
  in.op_bits = bits;
  in.reg = g.PickReg();
  g.Reserve(in.reg);
  in.rm.is_mem = true;
  in.rm.mem = g.MemAt(static_cast<uint64_t>(ea));
  g.SetPart(in.reg, bits, static_cast<uint64_t>(bit_offset));
  static constexpr uint8_t kOpcodes[4] = {0xA3, 0xAB, 0xB3, 0xBB};
  in.opcode = {0x0F, kOpcodes[kind]};
  std::string text =
      std::string(kBtNames[kind]) + " " + RmText(in.rm, bits) + ", " + RegName(in.reg, bits);
  if (kind != 0 && g.rng().Chance(25)) {
    in.prefixes.push_back(0xF0);
    text = "lock " + text;
  }
  if (!g.Emit(in)) return false;
  g.Text(text + " (bit " + std::to_string(bit_offset) + ")");
  g.Flags(kBtNames[kind]);
  return true;
}

// A source value for the scan/count instructions: zero, single bits, edges.
uint64_t ScanValue(Rng& rng, int bits) {
  if (rng.Chance(15)) return 0;
  if (rng.Chance(25)) return 1ull << rng.Below(static_cast<uint64_t>(bits));
  return EdgeValue(rng, bits);
}

// BSF/BSR (0F BC/BD), TZCNT/LZCNT (F3 0F BC/BD), POPCNT (F3 0F B8): reg, r/m.
bool ScanCount(Gen& g, std::string_view name) {
  int bits = g.OpBits(false);
  bool scan = name == "bsf" || name == "bsr";
  // BSF/BSR with a zero source leave the destination unchanged on AMD (documented) and Intel
  // (observed; SDM: undefined). Intel writes the 32-bit form's destination zero-extended, so in
  // 64-bit mode the 32-bit form gets a destination with a zero upper half, and is left out of
  // sequences where that cannot be arranged.
  if (scan && bits == 32 && g.mode() == 64 && g.sequence()) bits = 64;
  Insn in;
  in.op_bits = bits;
  RmOperand rm;
  if (g.rng().Chance(40)) {
    uint64_t off = g.PickOffset(bits / 8);
    g.WriteData(off, ScanValue(g.rng(), bits), bits / 8);
    rm.is_mem = true;
    rm.mem = g.MemAt(off);
  } else {
    rm.reg = g.PickReg();
    g.SetPart(rm.reg, bits, ScanValue(g.rng(), bits));
  }
  in.rm = rm;
  in.reg = g.PickReg();
  if (in.reg != rm.reg || rm.is_mem) g.SetEdge(in.reg, bits);
  if (scan && bits == 32 && g.mode() == 64) {
    if (auto v = g.Known(in.reg)) g.SetReg(in.reg, *v & 0xFFFFFFFFu);
  }
  if (name == "popcnt") {
    in.mandatory = {0xF3};
    in.opcode = {0x0F, 0xB8};
  } else {
    if (!scan) in.mandatory = {0xF3};
    in.opcode = {0x0F, static_cast<uint8_t>(name == "bsf" || name == "tzcnt" ? 0xBC : 0xBD)};
  }
  if (!g.Emit(in)) return false;
  g.Text(std::string(name) + " " + RegName(in.reg, bits) + ", " + RmText(in.rm, bits));
  g.Flags(name);
  return true;
}

bool Bsf(Gen& g) { return ScanCount(g, g.rng().Chance(50) ? "bsf" : "bsr"); }
bool Tzcnt(Gen& g) { return ScanCount(g, "tzcnt"); }
bool Lzcnt(Gen& g) { return ScanCount(g, "lzcnt"); }
bool Popcnt(Gen& g) { return ScanCount(g, "popcnt"); }

constexpr GeneratorDef kDefs[] = {
    {"bit.bt", kAllModes, CpuFeature::kNone, true, BitTest, 20},
    {"bit.string", kAllModes, CpuFeature::kNone, false, BitString, 12},
    {"bit.scan", kAllModes, CpuFeature::kNone, true, Bsf, 12},
    {"bit.tzcnt", kAllModes, CpuFeature::kBmi1, true, Tzcnt, 6},
    {"bit.lzcnt", kAllModes, CpuFeature::kLzcnt, true, Lzcnt, 6},
    {"bit.popcnt", kAllModes, CpuFeature::kPopcnt, true, Popcnt, 6},
};

}  // namespace

std::span<const GeneratorDef> BitGenerators() { return kDefs; }

}  // namespace vireo::diff
