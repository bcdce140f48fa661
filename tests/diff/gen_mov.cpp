// Data movement: MOV (all forms), MOVZX/MOVSX/MOVSXD, LEA, XCHG, BSWAP, CBW/CWDE/CDQE,
// CWD/CDQ/CQO, XLAT and the NOP forms. None of them changes flags.
#include "tests/diff/gen_registry.h"

namespace vireo::diff {
namespace {

// MOV r/m, reg (88/89), reg, r/m (8A/8B), r/m, imm (C6/C7 /0), reg, imm (B0+r / B8+r, with a
// 64-bit immediate under REX.W), and AL/eAX <-> moffs (A0-A3).
bool Mov(Gen& g) {
  int bits = g.OpBits(true);
  Insn in;
  in.op_bits = bits;
  std::string text;
  switch (g.rng().Below(5)) {
    case 0:
    case 1: {
      bool to_reg = g.rng().Chance(50);
      in.rm = g.PickRmEdge(bits);
      in.reg = g.PickSized(bits);
      g.SetEdge(in.reg, bits);
      in.reg_byte = in.rm_byte = bits == 8;
      in.opcode = {static_cast<uint8_t>((bits == 8 ? 0x88 : 0x89) + (to_reg ? 2 : 0))};
      std::string a = RmText(in.rm, bits), b = RegName(in.reg, bits);
      text = "mov " + (to_reg ? b + ", " + a : a + ", " + b);
      break;
    }
    case 2: {
      in.rm = g.PickRmEdge(bits);
      in.rm_byte = bits == 8;
      in.reg = 0;
      in.opcode = {static_cast<uint8_t>(bits == 8 ? 0xC6 : 0xC7)};
      in.imm_bytes = ImmBytes(bits);
      in.imm = EdgeValue(g.rng(), in.imm_bytes * 8);
      text = "mov " + RmText(in.rm, bits) + ", " + HexText(in.imm);
      break;
    }
    case 3: {
      in.opreg = g.PickSized(bits);
      in.opreg_byte = bits == 8;
      in.opcode = {static_cast<uint8_t>(bits == 8 ? 0xB0 : 0xB8)};
      in.imm_bytes = bits / 8;
      in.imm = EdgeValue(g.rng(), bits);
      text = "mov " + RegName(in.opreg, bits) + ", " + HexText(in.imm);
      break;
    }
    default: {
      // moffs: the offset has the address size (8 bytes in 64-bit mode without 67h).
      if (!g.Claim(kRax)) return false;
      g.SetEdge(kRax, bits);
      bool store = g.rng().Chance(50);
      int addr_bits = g.PickAddrBits();
      uint64_t off = g.PickOffset(bits / 8);
      in.addr_bits = addr_bits;
      in.opcode = {static_cast<uint8_t>((store ? 0xA2 : 0xA0) + (bits == 8 ? 0 : 1))};
      in.imm_bytes = addr_bits / 8;
      in.imm = g.mode() == 16 ? off : kDataAddress + off;
      std::string mem = "[" + HexText(in.imm) + "]";
      text = "mov " + (store ? mem + ", " + RegName(kRax, bits) : RegName(kRax, bits) + ", " + mem);
      break;
    }
  }
  if (!g.Emit(in)) return false;
  g.Text(text);
  g.Flags("none");
  return true;
}

// MOVZX/MOVSX reg, r/m8 (0F B6/BE) or r/m16 (0F B7/BF); MOVSXD r64, r/m32 (REX.W 63).
bool MovExtend(Gen& g) {
  Insn in;
  std::string text;
  if (g.mode() == 64 && g.rng().Chance(25)) {
    in.op_bits = 64;
    in.opcode = {0x63};
    in.rm = g.PickRmEdge(32);
    in.reg = g.PickReg();
    text = "movsxd " + RegName(in.reg, 64) + ", " + RmText(in.rm, 32);
  } else {
    bool sign = g.rng().Chance(50);
    int src_bits = g.rng().Chance(50) ? 8 : 16;
    in.op_bits = g.OpBits(false);
    if (src_bits == 16 && in.op_bits == 16 && g.rng().Chance(70)) in.op_bits = 32;
    in.rm = g.PickRmEdge(src_bits);
    in.rm_byte = src_bits == 8;
    in.reg = g.PickReg();
    in.opcode = {0x0F, static_cast<uint8_t>((sign ? 0xBE : 0xB6) + (src_bits == 16 ? 1 : 0))};
    text = std::string(sign ? "movsx " : "movzx ") + RegName(in.reg, in.op_bits) + ", " +
           RmText(in.rm, src_bits);
  }
  if (!g.Emit(in)) return false;
  g.Text(text);
  g.Flags("none");
  return true;
}

// LEA reg, m (8D): any address form, any operand size; the address is computed, not accessed,
// and truncated or zero-extended to the operand size (SDM Vol. 2A LEA Table 3-54).
bool Lea(Gen& g) {
  int bits = g.OpBits(false);
  Insn in;
  in.op_bits = bits;
  in.opcode = {0x8D};
  in.rm.is_mem = true;
  in.rm.mem = g.PickMem(1);
  in.reg = g.PickReg();
  if (!g.Emit(in)) return false;
  g.Text("lea " + RegName(in.reg, bits) + ", " + MemText(in.rm.mem, 0));
  g.Flags("none");
  return true;
}

// XCHG r/m, reg (86/87, implicitly locked with memory) and XCHG eAX, reg (90+r; 87 C0 is the
// zero-extending 32-bit form of "xchg eax, eax" in 64-bit mode, 90 is NOP).
bool Xchg(Gen& g) {
  int bits = g.OpBits(true);
  Insn in;
  in.op_bits = bits;
  std::string text;
  if (bits != 8 && g.rng().Chance(30)) {
    if (!g.Claim(kRax)) return false;
    g.SetEdge(kRax, bits);
    in.opreg = g.PickReg();
    g.SetEdge(in.opreg, bits);
    if (in.opreg == kRax && bits == 16) return false;  // 66 90 is a NOP form: see Nop
    in.opcode = {0x90};
    if (in.opreg == kRax) in.opreg = -1;  // plain 90: NOP (xchg eax, eax keeps upper bits)
    text = "xchg " + RegName(kRax, bits) + ", " + RegName(in.opreg < 0 ? kRax : in.opreg, bits) +
           (in.opreg < 0 ? " (nop)" : "");
  } else {
    in.rm = g.PickRmEdge(bits);
    in.reg = g.PickSized(bits);
    g.SetEdge(in.reg, bits);
    in.reg_byte = in.rm_byte = bits == 8;
    in.opcode = {static_cast<uint8_t>(bits == 8 ? 0x86 : 0x87)};
    if (in.rm.is_mem && g.rng().Chance(20)) in.prefixes.push_back(0xF0);
    text = "xchg " + RmText(in.rm, bits) + ", " + RegName(in.reg, bits);
  }
  if (!g.Emit(in)) return false;
  g.Text(text);
  g.Flags("none");
  return true;
}

// BSWAP reg (0F C8+r), 32 and 64-bit (SDM: the 16-bit form's result is undefined).
bool Bswap(Gen& g) {
  int bits = g.mode() == 64 && g.rng().Chance(50) ? 64 : 32;
  Insn in;
  in.op_bits = bits;
  in.opcode = {0x0F, 0xC8};
  in.opreg = g.PickReg();
  g.SetEdge(in.opreg, bits);
  if (!g.Emit(in)) return false;
  g.Text("bswap " + RegName(in.opreg, bits));
  g.Flags("none");
  return true;
}

// CBW/CWDE/CDQE (98) and CWD/CDQ/CQO (99).
bool SignExtendAcc(Gen& g) {
  bool widen_into_dx = g.rng().Chance(50);
  int bits = g.OpBits(false);
  if (!g.Claim(kRax) || (widen_into_dx && !g.Claim(kRdx))) return false;
  g.SetEdge(kRax, bits);
  Insn in;
  in.op_bits = bits;
  in.opcode = {static_cast<uint8_t>(widen_into_dx ? 0x99 : 0x98)};
  if (!g.Emit(in)) return false;
  static constexpr const char* k98[] = {"cbw", "cwde", "cdqe"};
  static constexpr const char* k99[] = {"cwd", "cdq", "cqo"};
  int i = bits == 16 ? 0 : bits == 32 ? 1 : 2;
  g.Text(widen_into_dx ? k99[i] : k98[i]);
  g.Flags("none");
  return true;
}

// XLAT (D7): AL = [rBX + zero-extended AL] in the address size.
bool Xlat(Gen& g) {
  if (!g.Claim(kRax) || !g.Claim(kRbx)) return false;
  int addr_bits = g.PickAddrBits();
  uint64_t table = g.rng().Below(kStackAreaOffset - 256);
  g.SetReg(kRbx, g.AddressValue(table, addr_bits));
  g.SetEdge(kRax, 8);
  Insn in;
  in.op_bits = 8;
  in.addr_bits = addr_bits;
  in.opcode = {0xD7};
  if (g.rng().Chance(20)) in.prefixes.push_back(g.mode() == 64 ? 0x2E : 0x26);
  if (!g.Emit(in)) return false;
  g.Text("xlat (addr" + std::to_string(addr_bits) + ")");
  g.Flags("none");
  return true;
}

// NOP forms: 90, 66 90, F3 90 (PAUSE), 0F 1F /0 with any r/m (not accessed), 0F 18-1E hint
// space is left out (reserved-NOP behaviour differs between models).
bool Nop(Gen& g) {
  switch (g.rng().Below(4)) {
    case 0:
      g.EmitBytes({0x90});
      g.Text("nop");
      break;
    case 1:
      g.EmitBytes({0x66, 0x90});
      g.Text("xchg ax, ax (nop)");
      break;
    case 2:
      g.EmitBytes({0xF3, 0x90});
      g.Text("pause");
      break;
    default: {
      Insn in;
      in.op_bits = g.mode() == 16 ? 16 : (g.rng().Chance(30) ? 16 : 32);
      in.opcode = {0x0F, 0x1F};
      in.reg = 0;
      if (g.rng().Chance(70)) {
        in.rm.is_mem = true;
        in.rm.mem.addr_bits =
            g.mode() == 16 ? 16 : (g.mode() == 64 && g.rng().Chance(20) ? 32 : g.mode());
        // The operand is never accessed: any registers and displacement will do.
        if (in.rm.mem.addr_bits == 16) {
          in.rm.mem.base = kRbx;
          in.rm.mem.index = kRsi;
        } else {
          in.rm.mem.base = g.PickReg(true);
          in.rm.mem.index = g.rng().Chance(50) ? -1 : g.PickReg();
          in.rm.mem.scale = 1 << g.rng().Below(4);
        }
        in.rm.mem.disp = SignExtend(g.rng().Next(), g.rng().Chance(50) ? 8 : 16);
      } else {
        in.rm.reg = g.PickReg();
      }
      if (!g.Emit(in)) return false;
      g.Text("nop " + RmText(in.rm, in.op_bits));
      break;
    }
  }
  g.Flags("none");
  return true;
}

constexpr GeneratorDef kDefs[] = {
    {"mov.mov", kAllModes, CpuFeature::kNone, true, Mov, 20},
    {"mov.extend", kAllModes, CpuFeature::kNone, true, MovExtend, 10},
    {"mov.lea", kAllModes, CpuFeature::kNone, true, Lea, 10},
    {"mov.xchg", kAllModes, CpuFeature::kNone, true, Xchg, 8},
    {"mov.bswap", kAllModes, CpuFeature::kNone, true, Bswap, 4},
    {"mov.cbw", kAllModes, CpuFeature::kNone, true, SignExtendAcc, 6},
    {"mov.xlat", kAllModes, CpuFeature::kNone, false, Xlat, 4},
    {"mov.nop", kAllModes, CpuFeature::kNone, true, Nop, 4},
};

}  // namespace

std::span<const GeneratorDef> MovGenerators() { return kDefs; }

}  // namespace vireo::diff
