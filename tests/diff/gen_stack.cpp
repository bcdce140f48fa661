// Stack instructions: PUSH/POP (register, immediate, memory), PUSHF/POPF, ENTER/LEAVE. The stack
// is the top of the data page, so every push is compared. Segment registers are not pushed or
// popped (their selector values differ between executors).
#include "tests/diff/gen_registry.h"

namespace vireo::diff {
namespace {

// Stack operand size: the mode's default or the 66h alternative (64-bit mode: 64 or 16).
int StackBits(Gen& g) {
  bool alt = g.rng().Chance(25);
  if (g.mode() == 64) return alt ? 16 : 64;
  if (g.mode() == 32) return alt ? 16 : 32;
  return alt ? 32 : 16;
}

// Data-page offset of the stack top.
uint64_t StackTopOffset(Gen& g) {
  uint64_t sp = g.StackPointer();
  return g.mode() == 16 ? (sp & 0xFFFF) : sp - kDataAddress;
}

bool Push(Gen& g) {
  int bits = StackBits(g);
  Insn in;
  in.op_bits = bits;
  in.default64 = true;
  std::string text;
  switch (g.rng().Below(4)) {
    case 0:  // PUSH reg (50+r); RSP itself pushes its value before the decrement
      in.opcode = {0x50};
      in.opreg = g.rng().Chance(10) ? kRsp : g.PickReg();
      if (in.opreg != kRsp) g.SetEdge(in.opreg, bits);
      text = "push " + RegName(in.opreg, bits);
      break;
    case 1:  // PUSH imm8 (6A), sign-extended to the operand size
      in.opcode = {0x6A};
      in.imm_bytes = 1;
      in.imm = EdgeValue(g.rng(), 8);
      text = "push byte " + HexText(in.imm);
      break;
    case 2:  // PUSH imm16/imm32 (68)
      in.opcode = {0x68};
      in.imm_bytes = ImmBytes(bits);
      in.imm = EdgeValue(g.rng(), in.imm_bytes * 8);
      text = "push " + HexText(in.imm);
      break;
    default:  // PUSH r/m (FF /6)
      in.opcode = {0xFF};
      in.reg = 6;
      in.rm = g.PickRmEdge(bits, 70);
      text = "push " + RmText(in.rm, bits);
      break;
  }
  if (!g.Emit(in)) return false;
  g.Text(text);
  g.Flags("none");
  return true;
}

bool Pop(Gen& g) {
  int bits = StackBits(g);
  Insn in;
  in.op_bits = bits;
  in.default64 = true;
  std::string text;
  if (g.rng().Chance(60)) {  // POP reg (58+r); POP rSP loads the popped value into rSP
    in.opcode = {0x58};
    in.opreg = !g.sequence() && g.rng().Chance(8) ? kRsp : g.PickReg();
    text = "pop " + RegName(in.opreg, bits);
  } else {  // POP r/m (8F /0): an rSP-based address is computed after the increment
    in.opcode = {0x8F};
    in.reg = 0;
    in.rm = g.PickRm(bits, 60);
    text = "pop " + RmText(in.rm, bits);
  }
  if (!g.Emit(in)) return false;
  g.Text(text);
  g.Flags("none");
  return true;
}

// A RFLAGS image POPF may load: status flags and DF random; IF=1, bit 1 set; TF, NT, AC, IOPL,
// ID, RF, VM clear (a CPL-3 POPF could set TF/NT/AC, which would trap or change later accesses).
uint64_t SafeFlagsImage(Rng& rng) { return (rng.Next() & kInputFlags) | kFixedFlags; }

// PUSHF (9C) and POPF (9D); in sequences POPF pops a value pushed just before ("push imm").
bool PushfPopf(Gen& g) {
  int bits = StackBits(g);
  bool pop = g.rng().Chance(55);
  if (!pop) {
    Insn in;
    in.op_bits = bits;
    in.default64 = true;
    in.opcode = {0x9C};
    if (!g.Emit(in)) return false;
    g.Text(bits == 16 ? "pushf" : bits == 32 ? "pushfd" : "pushfq");
    g.Flags("pushf");
    return true;
  }
  uint64_t image = SafeFlagsImage(g.rng());
  if (g.sequence() || g.rng().Chance(40)) {
    Insn push;
    push.op_bits = bits;
    push.default64 = true;
    push.opcode = {0x68};
    push.imm_bytes = ImmBytes(bits);
    push.imm = image;
    if (!g.Emit(push)) return false;
    g.Text("push " + HexText(image));
  } else {
    g.WriteData(StackTopOffset(g), image, bits / 8);
  }
  Insn in;
  in.op_bits = bits;
  in.default64 = true;
  in.opcode = {0x9D};
  if (!g.Emit(in)) return false;
  g.Text(bits == 16 ? "popf" : bits == 32 ? "popfd" : "popfq");
  g.Flags("popf");
  return true;
}

// ENTER size, level (C8 iw ib): level is taken modulo 32; level > 0 copies frame pointers from
// [rBP - k*width], so rBP points into the data page.
bool Enter(Gen& g) {
  int bits = StackBits(g);
  if (!g.Claim(kRbp)) return false;
  uint64_t bp_offset = 0x200 + g.rng().Below(0xDF0);
  g.SetReg(kRbp, g.AddressValue(bp_offset, g.mode() == 16 ? 16 : g.mode()));
  Insn in;
  in.op_bits = bits;
  in.default64 = true;
  in.opcode = {0xC8};
  in.imm_bytes = 2;
  in.imm = g.rng().Chance(30) ? 0 : g.rng().Below(0x81);
  in.imm2_bytes = 1;
  static constexpr uint64_t kLevels[] = {0, 0, 1, 1, 2, 3, 5, 31, 32, 33};
  in.imm2 = g.rng().Chance(80) ? g.rng().Pick(kLevels) : g.rng().Below(32);
  if (!g.Emit(in)) return false;
  g.Text("enter " + HexText(in.imm) + ", " + HexText(in.imm2) + " (o" + std::to_string(bits) + ")");
  g.Flags("none");
  return true;
}

// LEAVE (C9): rSP = rBP, then POP rBP; rBP points into the stack area.
bool Leave(Gen& g) {
  int bits = StackBits(g);
  if (!g.Claim(kRbp)) return false;
  uint64_t bp_offset = kStackAreaOffset + g.rng().Below(0x3F0);
  g.SetReg(kRbp, g.AddressValue(bp_offset, g.mode() == 16 ? 16 : g.mode()));
  Insn in;
  in.op_bits = bits;
  in.default64 = true;
  in.opcode = {0xC9};
  if (!g.Emit(in)) return false;
  g.Text(std::string("leave (o") + std::to_string(bits) + ")");
  g.Flags("none");
  return true;
}

constexpr GeneratorDef kDefs[] = {
    {"stack.push", kAllModes, CpuFeature::kNone, true, Push, 12},
    {"stack.pop", kAllModes, CpuFeature::kNone, true, Pop, 12},
    {"stack.flags", kAllModes, CpuFeature::kNone, true, PushfPopf, 10},
    {"stack.enter", kAllModes, CpuFeature::kNone, false, Enter, 8},
    {"stack.leave", kAllModes, CpuFeature::kNone, false, Leave, 5},
};

}  // namespace

std::span<const GeneratorDef> StackGenerators() { return kDefs; }

}  // namespace vireo::diff
