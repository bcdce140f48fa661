// Builds the decode tables from the opcode tables at compile time. The .inc files are included
// here as data under the OP/VEX macros; a table mistake (two lines claiming the same encoding
// with equal specificity, a mnemonic list out of date) fails the build.

#include "cpu/x86/decode_tables.h"

namespace vireo::x86::detail {
namespace {

using namespace table;  // the table vocabulary (Eb, Gv, Pxx, M0, F_LOCK, ...)

// Every table line, in file order. The line index is also the DecodeDef index.
constexpr InstrDef kLines[] = {
#define X86_OPS(...) \
  { __VA_ARGS__ }
#define OP(opc, modrm, pfx, mn, ops, isa, flags) \
  InstrDef{Mnemonic::k##mn, X86_MAP, opc, pfx, modrm, Isa::k##isa, flags, X86_OPS ops},
#define VEX(map, opc, modrm, pfx, mn, ops, isa, flags) \
  InstrDef{Mnemonic::k##mn, map, opc, pfx, modrm, Isa::k##isa, flags, X86_OPS ops},
#define X86_MAP OpcodeMap::kOneByte
#include "cpu/x86/opcodes_onebyte.inc"
#include "cpu/x86/opcodes_x87.inc"
#undef X86_MAP
#define X86_MAP OpcodeMap::k0F
#include "cpu/x86/opcodes_0f.inc"
#undef X86_MAP
#define X86_MAP OpcodeMap::k0F38
#include "cpu/x86/opcodes_0f38.inc"
#undef X86_MAP
#define X86_MAP OpcodeMap::k0F3A
#include "cpu/x86/opcodes_0f3a.inc"
#undef X86_MAP
#define X86_MAP OpcodeMap::k3DNow
#include "cpu/x86/opcodes_3dnow.inc"
#undef X86_MAP
#include "cpu/x86/opcodes_vex.inc"
#undef OP
#undef VEX
#undef X86_OPS
};

constexpr int kNumLines = static_cast<int>(sizeof(kLines) / sizeof(kLines[0]));
static_assert(kNumLines <= kMaxDefs, "raise kMaxDefs");

// Largest number of lines sharing one opcode (x87 D9 has the most).
constexpr int kMaxLinesPerOpcode = 64;

constexpr int ModKind(uint16_t rule) { return rule & 3; }
constexpr int RegOf(uint16_t rule) { return ((rule >> 2) & 15) - 1; }
constexpr int RmOf(uint16_t rule) { return ((rule >> 6) & 15) - 1; }

constexpr bool Constrains(const InstrDef& d, Split s) {
  switch (s) {
    case Split::kMode:
      return (d.flags & (F_I64 | F_O64)) != 0;
    case Split::kPrefix:
      return d.prefix != Pxx;
    case Split::kModReg:
      return ModKind(d.modrm) != 0 || RegOf(d.modrm) >= 0;
    case Split::kRm:
      return RmOf(d.modrm) >= 0;
    case Split::kW:
      return (d.flags & (K_W0 | K_W1)) != 0;
    case Split::kOpSize:
      return (d.flags & (K_OS16 | K_OS32 | K_OS64)) != 0;
    case Split::kAddrSize:
      return (d.flags & (K_AS16 | K_AS32 | K_AS64)) != 0;
    case Split::kRexB:
      return (d.flags & (K_B0 | K_B1)) != 0;
    case Split::kLeaf:
      break;
  }
  return false;
}

// Whether line `d` applies when property `s` has value `v` (unconstrained lines always do).
constexpr bool Matches(const InstrDef& d, Split s, int v) {
  if (!Constrains(d, s)) return true;
  switch (s) {
    case Split::kMode:
      return (d.flags & F_I64) ? v == 0 : v == 1;
    case Split::kPrefix:
      switch (d.prefix) {
        case PNP:
          return v == 0;
        case P66:
          return v == 1;
        case PF3:
          return v == 2;
        case PF2:
          return v == 3;
        case PNF:
          return v <= 1;
        default:
          return true;
      }
    case Split::kModReg: {
      const int kind = ModKind(d.modrm);
      const bool is_reg_form = v >= 8;
      if (kind == 1 && is_reg_form) return false;
      if (kind == 2 && !is_reg_form) return false;
      return RegOf(d.modrm) < 0 || RegOf(d.modrm) == (v & 7);
    }
    case Split::kRm:
      return RmOf(d.modrm) == v;
    case Split::kW:
      return (d.flags & (v ? K_W1 : K_W0)) != 0;
    case Split::kOpSize:
      return (d.flags & (K_OS16 << v)) != 0;
    case Split::kAddrSize:
      return (d.flags & (K_AS16 << v)) != 0;
    case Split::kRexB:
      return (d.flags & (v ? K_B1 : K_B0)) != 0;
    case Split::kLeaf:
      break;
  }
  return true;
}

// When several lines survive every split, the one with the most constraints wins (e.g. TZCNT
// "F3 0F BC" over BSF "0F BC"); a tie is a table error.
constexpr int Specificity(const InstrDef& d) {
  int spec = 0;
  if (d.flags & (F_I64 | F_O64)) spec += 1;
  if (d.prefix == PNF) spec += 1;
  if (d.prefix != Pxx && d.prefix != PNF) spec += 2;
  if (ModKind(d.modrm) != 0) spec += 1;
  if (RegOf(d.modrm) >= 0) spec += 1;
  if (RmOf(d.modrm) >= 0) spec += 1;
  const uint64_t groups[] = {K_W0 | K_W1, K_OS16 | K_OS32 | K_OS64, K_AS16 | K_AS32 | K_AS64,
                             K_B0 | K_B1};
  for (uint64_t k : groups) {
    if (d.flags & k) spec += 1;
  }
  return spec;
}

constexpr Node MakeNode(Split s, uint32_t payload) {
  return (static_cast<uint32_t>(s) << 28) | payload;
}

constexpr Node Build(DecodeTables& t, const int* lines, int n, int first_split) {
  if (n == 0) return MakeNode(Split::kLeaf, 0);
  for (int s = first_split; s <= static_cast<int>(Split::kRexB); ++s) {
    const Split split = static_cast<Split>(s);
    bool any = false;
    for (int i = 0; i < n; ++i) any = any || Constrains(kLines[lines[i]], split);
    if (!any) continue;
    const int width = kSplitWidth[s];
    const int base = t.num_nodes;
    t.num_nodes += width;
    if (t.num_nodes > kMaxNodes) throw "decode_tables: raise kMaxNodes";
    for (int v = 0; v < width; ++v) {
      int sub[kMaxLinesPerOpcode] = {};
      int m = 0;
      for (int i = 0; i < n; ++i) {
        if (Matches(kLines[lines[i]], split, v)) sub[m++] = lines[i];
      }
      t.nodes[base + v] = Build(t, sub, m, s + 1);
    }
    return MakeNode(split, static_cast<uint32_t>(base));
  }
  int best = -1;
  int best_spec = -1;
  bool tie = false;
  for (int i = 0; i < n; ++i) {
    const int spec = Specificity(kLines[lines[i]]);
    if (spec > best_spec) {
      best = lines[i];
      best_spec = spec;
      tie = false;
    } else if (spec == best_spec) {
      tie = true;
    }
  }
  if (tie) throw "decode_tables: two table lines claim the same encoding";
  return MakeNode(Split::kLeaf, static_cast<uint32_t>(best + 1));
}

constexpr bool UsesModrm(const InstrDef& d) {
  if (d.modrm != xx) return true;
  for (const OperandSpec& op : d.ops) {
    switch (op.method) {
      case Method::kE:
      case Method::kM:
      case Method::kR:
      case Method::kG:
      case Method::kV:
      case Method::kW:
      case Method::kU:
      case Method::kP:
      case Method::kQ:
      case Method::kN:
      case Method::kS:
      case Method::kC:
      case Method::kD:
      case Method::kSti:
        return true;
      default:
        break;
    }
  }
  return false;
}

// Byte forms: the first general-register/memory-class operand is byte-sized (ADD Eb,Gb,
// OUT Ib,AL, MOVSB Yb,Xb) so DecodedInst::operand_size reports 1.
constexpr bool IsByteOp(const InstrDef& d) {
  for (const OperandSpec& op : d.ops) {
    switch (op.method) {
      case Method::kE:
      case Method::kG:
      case Method::kZ:
      case Method::kO:
      case Method::kX:
      case Method::kY:
      case Method::kFixedGpr:
        return op.size == Sz::kB;
      default:
        break;
    }
  }
  return false;
}

constexpr DecodeDef MakeDef(const InstrDef& d) {
  DecodeDef r{};
  for (int i = 0; i < 4; ++i) r.ops[i] = d.ops[i];
  r.attributes = static_cast<uint32_t>(d.flags & ~kConstraintMask);
  r.mnemonic = d.mnemonic;
  r.isa = d.isa;
  r.info = 0;
  if (UsesModrm(d)) r.info |= kInfoModrm;
  if (d.prefix == P66) r.info |= kInfoMandatory66;
  if (IsByteOp(d)) r.info |= kInfoByteOp;
  for (const OperandSpec& op : d.ops) {
    if (op.method == Method::kB) r.info |= kInfoUsesVvvv;
  }
  r.mandatory_prefix = d.prefix == P66 ? 0x66 : d.prefix == PF3 ? 0xF3 : d.prefix == PF2 ? 0xF2 : 0;
  return r;
}

constexpr DecodeTables BuildTables() {
  DecodeTables t{};
  // Bucket the lines by (map, opcode) with a counting sort.
  int count[kNumMaps * 256] = {};
  for (const InstrDef& d : kLines) ++count[static_cast<int>(d.map) * 256 + d.opcode];
  int start[kNumMaps * 256 + 1] = {};
  for (int k = 0; k < kNumMaps * 256; ++k) {
    if (count[k] > kMaxLinesPerOpcode) throw "decode_tables: raise kMaxLinesPerOpcode";
    start[k + 1] = start[k] + count[k];
  }
  int order[kNumLines] = {};
  int fill[kNumMaps * 256] = {};
  for (int i = 0; i < kNumLines; ++i) {
    const int k = static_cast<int>(kLines[i].map) * 256 + kLines[i].opcode;
    order[start[k] + fill[k]++] = i;
  }
  for (int k = 0; k < kNumMaps * 256; ++k) {
    t.root[k / 256][k % 256] = Build(t, order + start[k], count[k], 1);
  }
  for (int i = 0; i < kNumLines; ++i) t.defs[i] = MakeDef(kLines[i]);
  t.num_defs = kNumLines;
  return t;
}

// mnemonics.inc must list exactly the mnemonics the tables use: a name missing from it fails
// to compile (Mnemonic::kNAME), and a stale extra name fails here.
constexpr bool EveryMnemonicUsed() {
  bool used[static_cast<int>(Mnemonic::kCount)] = {};
  for (const InstrDef& d : kLines) used[static_cast<int>(d.mnemonic)] = true;
  for (int m = 1; m < static_cast<int>(Mnemonic::kCount); ++m) {
    if (!used[m]) return false;
  }
  return true;
}
static_assert(EveryMnemonicUsed(), "mnemonics.inc is stale: run gen-x86-mnemonics");

}  // namespace

constinit const DecodeTables kTables = BuildTables();

}  // namespace vireo::x86::detail
