// Control flow inside the code buffer: Jcc/JMP (short and near) over a marker instruction,
// LOOP/LOOPE/LOOPNE/JrCXZ (forward over a marker, and backward loops), DEC+JNZ loops, near
// CALL (relative and indirect) with RET / RET imm16. The marker is "mov reg, imm": the final
// state shows whether the branch was taken.
#include "tests/diff/gen_registry.h"

namespace vireo::diff {
namespace {

// Encodes into a scratch buffer (for length computations).
std::vector<uint8_t> Assemble(Gen& g, const Insn& insn) {
  std::vector<uint8_t> out;
  Encode(g.mode(), insn, 0, &out);
  return out;
}

void Append(Gen& g, const std::vector<uint8_t>& bytes) {
  g.Case().code.insert(g.Case().code.end(), bytes.begin(), bytes.end());
}

void PutLe(std::vector<uint8_t>* out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<uint8_t>(v >> (8 * i)));
}

// "mov reg, imm" (B8+r) whose effect marks that it ran.
Insn Marker(Gen& g, std::string* text) {
  Insn in;
  in.op_bits = g.mode() == 16 ? 16 : 32;
  in.opreg = g.PickReg();
  in.opcode = {0xB8};
  in.imm_bytes = in.op_bits / 8;
  in.imm = 0x1111 * (1 + g.rng().Below(14));
  *text = "mov " + RegName(in.opreg, in.op_bits) + ", " + HexText(in.imm) + " (marker)";
  return in;
}

// Near displacement width of the mode (16-bit mode may use 66h for rel32).
int NearRelBytes(Gen& g, bool* osize) {
  *osize = false;
  if (g.mode() != 16) return 4;
  if (g.rng().Chance(30)) {
    *osize = true;
    return 4;
  }
  return 2;
}

// Jcc/JMP over a marker; cc = 16 means JMP.
bool JccOver(Gen& g) {
  int cc = static_cast<int>(g.rng().Below(18));
  if (cc > 16) cc = 16;
  bool near_form = g.rng().Chance(40);
  std::string marker_text;
  std::vector<uint8_t> marker = Assemble(g, Marker(g, &marker_text));
  if (marker.empty()) return false;
  std::vector<uint8_t> jump;
  std::string name = cc == 16 ? "jmp" : "j" + std::string(ConditionName(cc));
  if (!near_form) {
    jump = {static_cast<uint8_t>(cc == 16 ? 0xEB : 0x70 + cc), static_cast<uint8_t>(marker.size())};
  } else {
    bool osize;
    int rel = NearRelBytes(g, &osize);
    if (osize) jump.push_back(0x66);
    if (cc == 16)
      jump.push_back(0xE9);
    else
      jump.insert(jump.end(), {0x0F, static_cast<uint8_t>(0x80 + cc)});
    PutLe(&jump, marker.size(), rel);
    name += rel == 2 ? " near16" : " near32";
  }
  Append(g, jump);
  Append(g, marker);
  g.Text(name + " +" + std::to_string(marker.size()));
  g.Text(marker_text);
  if (cc != 16) g.Flags({"jcc", ConditionFlags(cc), 0, 0, "condition read"});
  g.Flags("none");
  return true;
}

// LOOP (E2), LOOPE (E1), LOOPNE (E0), JrCXZ (E3) over a marker; the counter is rCX of the
// address size (SDM Vol. 2A LOOP/Jcc).
bool LoopOver(Gen& g) {
  static constexpr uint8_t kOps[] = {0xE2, 0xE1, 0xE0, 0xE3};
  static constexpr std::string_view kNames[] = {"loop", "loope", "loopne", "jrcxz"};
  int k = static_cast<int>(g.rng().Below(4));
  if (!g.Claim(kRcx)) return false;
  int addr_bits = g.PickAddrBits();
  uint64_t count = g.rng().Chance(40) ? g.rng().Below(3) : EdgeValue(g.rng(), addr_bits);
  g.SetPart(kRcx, addr_bits, count);
  std::string marker_text;
  std::vector<uint8_t> marker = Assemble(g, Marker(g, &marker_text));
  Insn in;
  in.op_bits = 8;
  in.addr_bits = addr_bits;
  in.opcode = {kOps[k]};
  in.imm_bytes = 1;
  in.imm = marker.size();
  if (!g.Emit(in)) return false;
  Append(g, marker);
  g.Text(std::string(kNames[k]) + " +" + std::to_string(marker.size()) + " (addr" +
         std::to_string(addr_bits) + ")");
  g.Text(marker_text);
  if (k == 1 || k == 2) g.Flags({"loopcc", kZf, 0, 0, "LOOPcc reads ZF"});
  g.Flags("none");
  return true;
}

// One loop-body instruction: defines ZF, reads no flags.
bool LoopBody(Gen& g) {
  int reg = g.PickReg();
  int bits = g.mode() == 16 ? 16 : 32;
  Insn in;
  in.op_bits = bits;
  switch (g.rng().Below(4)) {
    case 0:  // add reg, reg2
      in.opcode = {0x01};
      in.reg = g.PickReg();
      in.rm.reg = reg;
      break;
    case 1:  // sub reg, imm8
      in.opcode = {0x83};
      in.reg = 5;
      in.rm.reg = reg;
      in.imm_bytes = 1;
      in.imm = g.rng().Below(256);
      break;
    case 2:  // inc reg
      in.opcode = {0xFF};
      in.reg = 0;
      in.rm.reg = reg;
      break;
    default:  // xor reg, reg2
      in.opcode = {0x31};
      in.reg = g.PickReg();
      in.rm.reg = reg;
      break;
  }
  return g.Emit(in);
}

// Backward loops: "L: body; loop[cc] L" or "L: body; dec rCX; jnz L" with a small count.
bool LoopBack(Gen& g) {
  if (!g.Claim(kRcx)) return false;
  bool dec_jnz = g.rng().Chance(35);
  int addr_bits = dec_jnz ? (g.mode() == 16 ? 16 : 32) : g.PickAddrBits();
  uint64_t count = 1 + g.rng().Below(20);
  g.SetPart(kRcx, addr_bits, count);
  size_t start = g.Offset();
  int body = 1 + static_cast<int>(g.rng().Below(3));
  for (int i = 0; i < body; ++i) {
    if (!LoopBody(g)) return false;
  }
  std::string text;
  if (dec_jnz) {
    Insn dec;
    dec.op_bits = addr_bits;
    dec.opcode = {0xFF};
    dec.reg = 1;
    dec.rm.reg = kRcx;
    if (!g.Emit(dec)) return false;
    int64_t rel = static_cast<int64_t>(start) - static_cast<int64_t>(g.Offset() + 2);
    g.EmitBytes({0x75, static_cast<uint8_t>(rel)});
    text = "L: " + std::to_string(body) + " body insns; dec " + RegName(kRcx, addr_bits) +
           "; jnz L (count " + std::to_string(count) + ")";
  } else {
    static constexpr uint8_t kOps[] = {0xE2, 0xE1, 0xE0};
    static constexpr std::string_view kNames[] = {"loop", "loope", "loopne"};
    int k = static_cast<int>(g.rng().Below(3));
    Insn in;
    in.op_bits = 8;
    in.addr_bits = addr_bits;
    in.opcode = {kOps[k]};
    in.imm_bytes = 1;
    size_t len = Assemble(g, in).size();
    in.imm = static_cast<uint64_t>(static_cast<int64_t>(start) -
                                   static_cast<int64_t>(g.Offset() + len)) &
             0xFF;
    if (!g.Emit(in)) return false;
    text = "L: " + std::to_string(body) + " body insns; " + std::string(kNames[k]) + " L (addr" +
           std::to_string(addr_bits) + ", count " + std::to_string(count) + ")";
  }
  g.Text(text);
  // Body flags are defined by the body itself each iteration; only AF may be left by XOR.
  g.Flags({"loopbody", 0, kStatusFlags & ~kAf, kAf, "ADD/SUB/INC/XOR body"});
  return true;
}

// CALL F; JMP End; F: marker; RET [imm16]; End:  (relative or indirect call).
bool CallRet(Gen& g) {
  bool indirect = !g.sequence() && g.rng().Chance(35);
  bool osize32 = g.mode() == 16 && g.rng().Chance(30);  // 66h: 32-bit CALL/RET in 16-bit code
  int width = g.mode() == 64 ? 8 : (g.mode() == 32 || osize32) ? 4 : 2;
  int op_bits = width * 8;
  uint64_t ret_imm = g.rng().Chance(40) ? (g.rng().Below(9) * 2) : 0;
  // RET imm16 releases stack: keep sequences (several calls) well inside the stack area.
  if (g.rng().Chance(10) && !g.sequence()) ret_imm = g.rng().Below(0x40);
  std::string marker_text;
  std::vector<uint8_t> marker = Assemble(g, Marker(g, &marker_text));
  std::vector<uint8_t> ret;
  if (osize32) ret.push_back(0x66);
  if (ret_imm) {
    ret.push_back(0xC2);
    PutLe(&ret, ret_imm, 2);
  } else {
    ret.push_back(0xC3);
  }
  std::vector<uint8_t> jmp_end = {0xEB, static_cast<uint8_t>(marker.size() + ret.size())};
  std::string text;
  RmOperand target;
  if (!indirect) {
    std::vector<uint8_t> call;
    if (osize32) call.push_back(0x66);
    call.push_back(0xE8);
    PutLe(&call, jmp_end.size(), width == 2 ? 2 : 4);
    Append(g, call);
    text = "call F";
  } else {
    Insn in;
    in.op_bits = op_bits;
    in.default64 = true;
    in.opcode = {0xFF};
    in.reg = 2;
    uint64_t off = 0;
    if (g.rng().Chance(50)) {
      off = g.PickOffset(width);
      in.rm.is_mem = true;
      in.rm.mem = g.MemAt(off);
    } else {
      in.rm.reg = g.PickReg();
      g.Reserve(in.rm.reg);
    }
    if (!g.Emit(in)) return false;
    target = in.rm;
    size_t f_offset = g.Offset() + jmp_end.size();
    uint64_t f_value = g.mode() == 16 ? f_offset : kCodeAddress + f_offset;
    if (target.is_mem)
      g.WriteData(off, f_value, width);
    else
      g.SetPart(target.reg, op_bits, f_value);
    text = "call " + RmText(target, op_bits) + " (-> F)";
  }
  Append(g, jmp_end);
  Append(g, marker);
  Append(g, ret);
  g.Text(text + "; jmp End; F: " + marker_text + "; ret" + (ret_imm ? " " + HexText(ret_imm) : "") +
         (osize32 ? " (o32)" : "") + "; End:");
  g.Flags("none");
  return true;
}

// JMP r/m (FF /4) to a forward target, skipping a marker.
bool JmpIndirect(Gen& g) {
  int width = g.mode() == 64 ? 8 : g.mode() == 32 ? 4 : 2;
  int op_bits = width * 8;
  std::string marker_text;
  std::vector<uint8_t> marker = Assemble(g, Marker(g, &marker_text));
  Insn in;
  in.op_bits = op_bits;
  in.default64 = true;
  in.opcode = {0xFF};
  in.reg = 4;
  uint64_t off = 0;
  if (g.rng().Chance(50)) {
    off = g.PickOffset(width);
    in.rm.is_mem = true;
    in.rm.mem = g.MemAt(off);
  } else {
    in.rm.reg = g.PickReg();
    g.Reserve(in.rm.reg);
  }
  if (!g.Emit(in)) return false;
  size_t target = g.Offset() + marker.size();
  uint64_t value = g.mode() == 16 ? target : kCodeAddress + target;
  if (in.rm.is_mem)
    g.WriteData(off, value, width);
  else
    g.SetPart(in.rm.reg, op_bits, value);
  Append(g, marker);
  g.Text("jmp " + RmText(in.rm, op_bits) + " (skips marker)");
  g.Text(marker_text);
  g.Flags("none");
  return true;
}

constexpr GeneratorDef kDefs[] = {
    {"branch.jcc", kAllModes, CpuFeature::kNone, true, JccOver, 25},
    {"branch.loop", kAllModes, CpuFeature::kNone, true, LoopOver, 10},
    {"branch.loopback", kAllModes, CpuFeature::kNone, false, LoopBack, 8},
    {"branch.call", kAllModes, CpuFeature::kNone, true, CallRet, 12},
    {"branch.jmpind", kAllModes, CpuFeature::kNone, false, JmpIndirect, 5},
};

}  // namespace

std::span<const GeneratorDef> BranchGenerators() { return kDefs; }

}  // namespace vireo::diff
