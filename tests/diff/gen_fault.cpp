// Intentional faults: both executors must raise the same exception at the same instruction
// with the same (precise) state. A random ALU instruction may come first so the state at the
// fault differs from the input; it is generated after the faulting instruction's operands, so
// it cannot touch their registers. The faulting instruction itself changes nothing.
#include "tests/diff/gen_registry.h"

namespace vireo::diff {
namespace {

// An optional ALU instruction before the fault (operands of the fault are already reserved).
bool Prologue(Gen& g) {
  if (!g.rng().Chance(50)) return true;
  auto alu = AluGenerators();
  const GeneratorDef& d = alu[g.rng().Below(alu.size())];
  return d.emit(g);
}

// #DE: division by zero, unsigned quotient overflow, INT_MIN / -1 (SDM Vol. 2A DIV/IDIV).
bool DivideError(Gen& g) {
  int bits = g.OpBits(true);
  bool is_signed = g.rng().Chance(50);
  if (!g.Claim(kRax) || !g.Claim(kRdx)) return false;
  uint64_t divisor = 0;
  switch (g.rng().Below(3)) {
    case 0:
      divisor = 0;
      break;
    case 1: {  // the quotient does not fit
      uint64_t high;
      if (!is_signed) {  // high half >= divisor
        divisor = 1 + g.rng().Below(Mask(bits));
        high = divisor + g.rng().Below(Mask(bits) - divisor + 1);
      } else {  // positive dividend >= 2^bits divided by 1, 2 or -1
        static constexpr uint64_t kSmall[] = {1, 2, ~0ull};
        divisor = g.rng().Pick(kSmall) & Mask(bits);
        high = 1 + g.rng().Below(Mask(bits - 1));
      }
      if (bits == 8)
        g.SetPart(kAh, 8, high);
      else
        g.SetPart(kRdx, bits, high);
      break;
    }
    default: {  // most negative dividend / -1 (signed); all-ones / 1 overflow otherwise
      divisor = is_signed ? Mask(bits) : 1;
      if (bits == 8) {
        g.SetPart(kRax, 16, is_signed ? 0x8000 : 0xFF00);
      } else {
        g.SetPart(kRax, bits, is_signed ? 0 : EdgeValue(g.rng(), bits));
        g.SetPart(kRdx, bits, is_signed ? Mask(bits) & ~(Mask(bits) >> 1) : 1);
      }
      break;
    }
  }
  Insn in;
  in.op_bits = bits;
  in.rm_byte = bits == 8;
  if (g.rng().Chance(50)) {
    uint64_t off = g.PickOffset(bits / 8);
    g.WriteData(off, divisor, bits / 8);
    in.rm.is_mem = true;
    in.rm.mem = g.MemAt(off);
  } else {
    in.rm.reg = bits == 8 ? g.PickByteReg() : g.PickReg();
    g.SetPart(in.rm.reg, bits, divisor);
  }
  in.reg = is_signed ? 7 : 6;
  in.opcode = {static_cast<uint8_t>(bits == 8 ? 0xF6 : 0xF7)};
  if (!in.rm.is_mem) g.Reserve(in.rm.reg);
  if (!Prologue(g) || !g.Emit(in)) return false;
  // The prologue may overwrite the divisor in memory; then the divide completes, and DIV/IDIV
  // leave all six status flags undefined (SDM Vol. 2A DIV), so they must not be compared.
  g.Flags("div");
  g.Text(std::string(is_signed ? "idiv " : "div ") + RmText(in.rm, bits) + " (#DE expected)");
  return true;
}

// #UD: UD2, LOCK with a register destination, LOCK on a non-lockable instruction.
bool InvalidOpcode(Gen& g) {
  if (!Prologue(g)) return false;  // the faulting instruction does not depend on registers
  switch (g.rng().Below(3)) {
    case 0:
      g.EmitBytes({0x0F, 0x0B});
      g.Text("ud2");
      break;
    case 1: {
      Insn in;
      in.prefixes = {0xF0};
      in.op_bits = g.mode() == 16 ? 16 : 32;
      in.opcode = {0x01};
      in.reg = g.PickReg();
      in.rm.reg = g.PickReg();
      if (!g.Emit(in)) return false;
      g.Text("lock add " + RegName(in.rm.reg, in.op_bits) + ", " + RegName(in.reg, in.op_bits));
      break;
    }
    default: {
      Insn in;
      in.prefixes = {0xF0};
      in.op_bits = g.mode() == 16 ? 16 : 32;
      in.opcode = {0x8B};  // MOV is not lockable (SDM Vol. 2A LOCK)
      in.reg = g.PickReg();
      in.rm.is_mem = true;
      in.rm.mem = g.PickMem(in.op_bits / 8);
      if (!g.Emit(in)) return false;
      g.Text("lock mov " + RegName(in.reg, in.op_bits) + ", " + MemText(in.rm.mem, 0));
      break;
    }
  }
  return true;
}

// #PF: loads/stores just outside the data page (incl. accesses straddling its end) and string
// moves that run off the page part-way (precise rCX/rSI/rDI at the fault).
bool PageFault(Gen& g) {
  int bits = g.OpBits(true);
  int bytes = bits / 8;
  if (g.rng().Chance(25)) {
    // REP STOS/MOVS walking up into the unmapped page after the data page.
    if (!g.Claim(kRdi) || !g.Claim(kRcx) || !g.Claim(kRsi) || !g.Claim(kRax)) return false;
    int addr_bits = g.mode() == 16 ? 16 : g.mode();
    uint64_t n = 4 + g.rng().Below(12);
    uint64_t start = kDataSize - static_cast<uint64_t>(bytes) * (1 + g.rng().Below(n - 1));
    g.SetReg(kRdi, g.AddressValue(start, addr_bits));
    g.SetReg(kRsi, g.AddressValue(g.rng().Below(0x800), addr_bits));
    g.SetPart(kRcx, addr_bits, n);
    g.Case().in.rflags &= ~kDf;
    bool movs = g.rng().Chance(50);
    Insn in;
    in.prefixes = {0xF3};
    in.op_bits = bits;
    in.opcode = {static_cast<uint8_t>((movs ? 0xA4 : 0xAA) + (bits == 8 ? 0 : 1))};
    if (!Prologue(g) || !g.Emit(in)) return false;
    g.Text(std::string(movs ? "rep movs" : "rep stos") + " off the page end (#PF expected)");
    return true;
  }
  // Offsets straddling or past the page end, or "negative" ones: 32-bit address arithmetic wraps
  // them below the page, 64-bit arithmetic puts them above 4 GiB (unmapped too). 16-bit: inside
  // the segment limit but unmapped (0x8000-0x8FFF is the runner's context page: avoided).
  uint64_t offset;
  switch (g.rng().Below(3)) {
    case 0:
      offset = kDataSize - 1 - g.rng().Below(static_cast<uint64_t>(bytes > 1 ? bytes - 1 : 1));
      if (bytes == 1) offset = kDataSize;
      break;
    case 1:
      offset = kDataSize + g.rng().Below(0x3000);
      break;
    default:
      offset = g.mode() == 16 ? 0x9000 + g.rng().Below(0x6000) : (0 - 8 - g.rng().Below(0x100));
      break;
  }
  if (g.mode() != 16) offset &= 0xFFFFFFFFu;
  bool store = g.rng().Chance(50);
  Insn in;
  in.op_bits = bits;
  in.opcode = {static_cast<uint8_t>((store ? 0x88 : 0x8A) + (bits == 8 ? 0 : 1))};
  in.reg = g.PickSized(bits);
  in.reg_byte = in.rm_byte = bits == 8;
  in.rm.is_mem = true;
  // Offsets below the page are reached with 32/64-bit wrap-around of the address.
  in.rm.mem = g.MemAt(offset, g.mode() == 16 ? 16 : 0);
  if (!Prologue(g) || !g.Emit(in)) return false;
  g.Text(std::string("mov ") +
         (store ? MemText(in.rm.mem, bytes) + ", " + RegName(in.reg, bits)
                : RegName(in.reg, bits) + ", " + MemText(in.rm.mem, bytes)) +
         " (#PF expected)");
  return true;
}

// #GP: non-canonical address (64-bit), misaligned CMPXCHG16B, offset beyond the 64 KiB limit
// with 32-bit addressing in 16-bit code (#SS when the segment is SS).
bool GeneralProtection(Gen& g) {
  Insn in;
  in.op_bits = g.mode() == 16 ? 16 : 32;
  in.opcode = {0x8B};
  in.reg = g.PickReg();
  in.rm.is_mem = true;
  if (g.mode() == 64) {
    if (g.rng().Chance(30)) {
      if (!g.Claim(kRax) || !g.Claim(kRdx) || !g.Claim(kRcx) || !g.Claim(kRbx)) return false;
      Insn c;
      c.op_bits = 64;
      c.opcode = {0x0F, 0xC7};
      c.reg = 1;
      c.rm.is_mem = true;
      c.rm.mem = g.MemAt(g.PickOffset(16, 8) | 8, 64);
      if (!Prologue(g) || !g.Emit(c)) return false;
      g.Text("cmpxchg16b " + MemText(c.rm.mem, 16) + " misaligned (#GP expected)");
      return true;
    }
    int base = g.PickReg();
    g.Reserve(base);
    g.SetReg(base, (g.rng().Chance(50) ? 0x8000000000000000ull : 0x0000800000000000ull) +
                       g.rng().Below(0x1000));
    in.rm.mem.base = base;
    in.rm.mem.addr_bits = 64;
  } else if (g.mode() == 16) {
    int base = g.rng().Chance(70) ? kRbx : kRbp;  // EBP-based addresses use SS: #SS
    if (!g.Claim(base)) return false;
    g.SetReg(base, 0x10000 + g.rng().Below(0x100000));
    in.rm.mem.base = base;
    in.rm.mem.addr_bits = 32;
  } else {
    return false;  // flat 4 GiB segments: no limit faults in 32-bit mode
  }
  if (!Prologue(g) || !g.Emit(in)) return false;
  g.Text("mov " + RegName(in.reg, in.op_bits) + ", " + MemText(in.rm.mem, 0) +
         " (#GP/#SS expected)");
  return true;
}

constexpr GeneratorDef kDefs[] = {
    {"fault.de", kAllModes, CpuFeature::kNone, false, DivideError, 6},
    {"fault.ud", kAllModes, CpuFeature::kNone, false, InvalidOpcode, 3},
    {"fault.pf", kAllModes, CpuFeature::kNone, false, PageFault, 6},
    {"fault.gp", kMode16 | kMode64, CpuFeature::kNone, false, GeneralProtection, 3},
};

}  // namespace

std::span<const GeneratorDef> FaultGenerators() { return kDefs; }

}  // namespace vireo::diff
