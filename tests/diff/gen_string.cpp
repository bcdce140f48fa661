// String instructions MOVS/CMPS/STOS/LODS/SCAS in every element size, with and without
// REP/REPE/REPNE, DF = 0 and 1, counts 0..40, in each address size that reaches the data page
// (64/32 in 64-bit mode, 32 in 32-bit mode, 16/32 in 16-bit mode). All accessed bytes stay in
// the operand area of the data page.
#include "tests/diff/gen_registry.h"

namespace vireo::diff {
namespace {

enum StringOp { kMovs, kCmps, kStos, kLods, kScas };
constexpr uint8_t kBaseOpcode[] = {0xA4, 0xA6, 0xAA, 0xAC, 0xAE};
constexpr std::string_view kNames[] = {"movs", "cmps", "stos", "lods", "scas"};

// Start offset of a run of `count` elements of `size` bytes walked up (DF=0) or down (DF=1).
uint64_t RunStart(Gen& g, uint64_t count, int size, bool down) {
  uint64_t span = std::max<uint64_t>(count, 1) * static_cast<uint64_t>(size);
  uint64_t room = kStackAreaOffset - span;
  uint64_t low = g.rng().Below(room + 1);  // lowest byte of the run
  return down ? low + span - static_cast<uint64_t>(size) : low;
}

uint64_t RunLow(uint64_t start, uint64_t count, int size, bool down) {
  uint64_t n = std::max<uint64_t>(count, 1);
  return down ? start - (n - 1) * static_cast<uint64_t>(size) : start;
}

bool StringInsn(Gen& g) {
  auto op = static_cast<StringOp>(g.rng().Below(5));
  int bits = g.OpBits(true);
  int size = bits / 8;
  int addr_bits = g.PickAddrBits();
  bool down = (g.Case().in.rflags & kDf) != 0;
  int rep = static_cast<int>(g.rng().Below(3));  // 0 none, 1 REP/REPE (F3), 2 REPNE (F2)
  if (rep == 2 && op != kCmps && op != kScas) rep = 1;
  uint64_t count = 1;
  if (rep != 0) {
    count = g.rng().Chance(15) ? 0 : 1 + g.rng().Below(g.rng().Chance(80) ? 16 : 40);
  }
  bool uses_si = op == kMovs || op == kCmps || op == kLods;
  bool uses_di = op != kLods;
  if ((uses_si && !g.Claim(kRsi)) || (uses_di && !g.Claim(kRdi))) return false;
  if (rep != 0 && !g.Claim(kRcx)) return false;
  if ((op == kStos || op == kLods || op == kScas) && !g.Claim(kRax)) return false;

  uint64_t si = RunStart(g, count, size, down);
  uint64_t di = RunStart(g, count, size, down);
  uint64_t n = std::max<uint64_t>(count, 1);
  uint64_t span = n * static_cast<uint64_t>(size);
  if (op == kMovs && g.rng().Chance(30)) {
    // Overlapping copy: the destination trails or leads the source by a few bytes.
    uint64_t delta = 1 + g.rng().Below(8);
    uint64_t cand = g.rng().Chance(50) ? si + delta : si - delta;
    uint64_t below = (n - 1) * static_cast<uint64_t>(size);
    bool underflow = cand > kStackAreaOffset || (down && cand < below);
    if (!underflow && RunLow(cand, count, size, down) + span <= kStackAreaOffset) di = cand;
  }
  if (uses_si) g.SetReg(kRsi, g.AddressValue(si, addr_bits));
  if (uses_di) g.SetReg(kRdi, g.AddressValue(di, addr_bits));
  if (rep != 0) g.SetPart(kRcx, addr_bits, count);
  if (op == kStos || op == kScas) g.SetEdge(kRax, bits);

  if ((op == kCmps || op == kScas) && g.rng().Chance(60)) {
    // Make the compared runs (mostly) equal so REPE/REPNE run to a chosen element.
    uint64_t di_low = RunLow(di, count, size, down);
    uint64_t si_low = RunLow(si, count, size, down);
    for (uint64_t i = 0; i < n; ++i) {
      uint64_t v =
          op == kCmps ? g.ReadData(si_low + i * size, size) : g.KnownPart(kRax, bits).value_or(0);
      g.WriteData(di_low + i * size, v, size);
    }
    if (g.rng().Chance(50)) {
      uint64_t k = g.rng().Below(n);
      g.WriteData(di_low + k * size, g.ReadData(di_low + k * size, size) ^ 1, 1);
    }
  }

  Insn in;
  in.op_bits = bits;
  in.addr_bits = addr_bits;
  in.opcode = {static_cast<uint8_t>(kBaseOpcode[op] + (bits == 8 ? 0 : 1))};
  if (rep == 1) in.prefixes.push_back(0xF3);
  if (rep == 2) in.prefixes.push_back(0xF2);
  uint8_t segment = 0;
  if (uses_si && g.rng().Chance(20)) {
    // Only the rSI operand can be overridden; ES/SS/DS share the base here.
    static constexpr uint8_t k64[] = {0x26, 0x2E, 0x36, 0x3E};
    static constexpr uint8_t kLegacy[] = {0x26, 0x36, 0x3E};
    segment = g.mode() == 64 ? g.rng().Pick(k64) : g.rng().Pick(kLegacy);
    in.prefixes.push_back(segment);
  }
  if (!g.Emit(in)) return false;
  static constexpr std::string_view kSuffix[] = {"", "b", "w", "", "d", "", "", "", "q"};
  std::string text = rep == 0                       ? ""
                     : rep == 2                     ? "repne "
                     : (op == kCmps || op == kScas) ? "repe "
                                                    : "rep ";
  text += std::string(kNames[op]) + std::string(kSuffix[size]) + " (a" + std::to_string(addr_bits) +
          ", DF=" + (down ? "1" : "0") + (rep ? ", count " + std::to_string(count) : "") +
          (segment ? ", seg " + HexText(segment) : "") + ")";
  g.Text(text);
  bool compares = op == kCmps || op == kScas;
  g.Flags(compares && count > 0 ? kNames[op] : std::string_view("movs"));
  return true;
}

constexpr GeneratorDef kDefs[] = {
    {"string.ops", kAllModes, CpuFeature::kNone, false, StringInsn, 35},
};

}  // namespace

std::span<const GeneratorDef> StringGenerators() { return kDefs; }

}  // namespace vireo::diff
