// x87 instructions ("x87.*"): one generator per encoding form. Each case loads a random control
// word (rounding and precision control; exceptions masked) with FLDCW, runs the instruction on
// a random stack of 0-8 values biased to special encodings (zeros, denormals, infinities, NaNs,
// unsupported), and ends with FNSTSW AX so the oracle compares the status word too (it
// compares R0-R7, TOP and the tags itself). SDM Vol. 1 ch. 8.
#include <array>
#include <string>
#include <utility>

#include "tests/diff/gen_fpu.h"
#include "tests/diff/gen_registry.h"

namespace vireo::diff {
namespace {

enum class Form { kFixed, kSti, kMem };
enum class MemKind { kNone, kF32, kF64, kF80, kI16, kI32, kI64, kCw, kOut, kBcd, kEnv, kEnvOut };

struct X87Def {
  std::string_view name;
  const char* mnemonic;
  uint8_t opcode;
  int digit;
  Form form;
  int rm = 0;  // kFixed: ModRM.rm
  MemKind mem = MemKind::kNone;
  int mem_size = 0;
};

constexpr X87Def kX87Forms[] = {
    {"x87.fninit", "fninit", 0xDB, 4, Form::kFixed, 3},
    {"x87.fnclex", "fnclex", 0xDB, 4, Form::kFixed, 2},
    {"x87.fld1", "fld1", 0xD9, 5, Form::kFixed, 0},
    {"x87.fldl2t", "fldl2t", 0xD9, 5, Form::kFixed, 1},
    {"x87.fldl2e", "fldl2e", 0xD9, 5, Form::kFixed, 2},
    {"x87.fldpi", "fldpi", 0xD9, 5, Form::kFixed, 3},
    {"x87.fldlg2", "fldlg2", 0xD9, 5, Form::kFixed, 4},
    {"x87.fldln2", "fldln2", 0xD9, 5, Form::kFixed, 5},
    {"x87.fldz", "fldz", 0xD9, 5, Form::kFixed, 6},
    {"x87.fld.st", "fld", 0xD9, 0, Form::kSti},
    {"x87.fst.st", "fst", 0xDD, 2, Form::kSti},
    {"x87.fstp.st", "fstp", 0xDD, 3, Form::kSti},
    {"x87.fld.m32", "fld", 0xD9, 0, Form::kMem, 0, MemKind::kF32, 4},
    {"x87.fld.m64", "fld", 0xDD, 0, Form::kMem, 0, MemKind::kF64, 8},
    {"x87.fld.m80", "fld", 0xDB, 5, Form::kMem, 0, MemKind::kF80, 10},
    {"x87.fst.m32", "fst", 0xD9, 2, Form::kMem, 0, MemKind::kOut, 4},
    {"x87.fst.m64", "fst", 0xDD, 2, Form::kMem, 0, MemKind::kOut, 8},
    {"x87.fstp.m32", "fstp", 0xD9, 3, Form::kMem, 0, MemKind::kOut, 4},
    {"x87.fstp.m64", "fstp", 0xDD, 3, Form::kMem, 0, MemKind::kOut, 8},
    {"x87.fstp.m80", "fstp", 0xDB, 7, Form::kMem, 0, MemKind::kOut, 10},
    {"x87.fild.m16", "fild", 0xDF, 0, Form::kMem, 0, MemKind::kI16, 2},
    {"x87.fild.m32", "fild", 0xDB, 0, Form::kMem, 0, MemKind::kI32, 4},
    {"x87.fild.m64", "fild", 0xDF, 5, Form::kMem, 0, MemKind::kI64, 8},
    {"x87.fist.m16", "fist", 0xDF, 2, Form::kMem, 0, MemKind::kOut, 2},
    {"x87.fist.m32", "fist", 0xDB, 2, Form::kMem, 0, MemKind::kOut, 4},
    {"x87.fistp.m16", "fistp", 0xDF, 3, Form::kMem, 0, MemKind::kOut, 2},
    {"x87.fistp.m32", "fistp", 0xDB, 3, Form::kMem, 0, MemKind::kOut, 4},
    {"x87.fistp.m64", "fistp", 0xDF, 7, Form::kMem, 0, MemKind::kOut, 8},
    {"x87.fisttp.m16", "fisttp", 0xDF, 1, Form::kMem, 0, MemKind::kOut, 2},
    {"x87.fisttp.m32", "fisttp", 0xDB, 1, Form::kMem, 0, MemKind::kOut, 4},
    {"x87.fisttp.m64", "fisttp", 0xDD, 1, Form::kMem, 0, MemKind::kOut, 8},
    {"x87.fnstenv", "fnstenv", 0xD9, 6, Form::kMem, 0, MemKind::kEnvOut, 28},
    {"x87.fldenv", "fldenv", 0xD9, 4, Form::kMem, 0, MemKind::kEnv, 28},
    {"x87.fnsave", "fnsave", 0xDD, 6, Form::kMem, 0, MemKind::kEnvOut, 108},
    {"x87.frstor", "frstor", 0xDD, 4, Form::kMem, 0, MemKind::kEnv, 108},
    {"x87.fbld", "fbld", 0xDF, 4, Form::kMem, 0, MemKind::kBcd, 10},
    {"x87.fbstp", "fbstp", 0xDF, 6, Form::kMem, 0, MemKind::kOut, 10},
    {"x87.fxch", "fxch", 0xD9, 1, Form::kSti},
    {"x87.fchs", "fchs", 0xD9, 4, Form::kFixed, 0},
    {"x87.fabs", "fabs", 0xD9, 4, Form::kFixed, 1},
    {"x87.fincstp", "fincstp", 0xD9, 6, Form::kFixed, 7},
    {"x87.fdecstp", "fdecstp", 0xD9, 6, Form::kFixed, 6},
    {"x87.ffree", "ffree", 0xDD, 0, Form::kSti},
    {"x87.ffreep", "ffreep", 0xDF, 0, Form::kSti},
    {"x87.fnstsw.m16", "fnstsw", 0xDD, 7, Form::kMem, 0, MemKind::kOut, 2},
    {"x87.fnstcw", "fnstcw", 0xD9, 7, Form::kMem, 0, MemKind::kOut, 2},
    {"x87.fldcw", "fldcw", 0xD9, 5, Form::kMem, 0, MemKind::kCw, 2},
    {"x87.fwait", "fwait", 0x9B, -1, Form::kFixed},
    {"x87.fnop", "fnop", 0xD9, 2, Form::kFixed, 0},
    // Arithmetic.
    {"x87.fadd.m32", "fadd", 0xD8, 0, Form::kMem, 0, MemKind::kF32, 4},
    {"x87.fmul.m32", "fmul", 0xD8, 1, Form::kMem, 0, MemKind::kF32, 4},
    {"x87.fsub.m32", "fsub", 0xD8, 4, Form::kMem, 0, MemKind::kF32, 4},
    {"x87.fsubr.m32", "fsubr", 0xD8, 5, Form::kMem, 0, MemKind::kF32, 4},
    {"x87.fdiv.m32", "fdiv", 0xD8, 6, Form::kMem, 0, MemKind::kF32, 4},
    {"x87.fdivr.m32", "fdivr", 0xD8, 7, Form::kMem, 0, MemKind::kF32, 4},
    {"x87.fadd.m64", "fadd", 0xDC, 0, Form::kMem, 0, MemKind::kF64, 8},
    {"x87.fmul.m64", "fmul", 0xDC, 1, Form::kMem, 0, MemKind::kF64, 8},
    {"x87.fsub.m64", "fsub", 0xDC, 4, Form::kMem, 0, MemKind::kF64, 8},
    {"x87.fsubr.m64", "fsubr", 0xDC, 5, Form::kMem, 0, MemKind::kF64, 8},
    {"x87.fdiv.m64", "fdiv", 0xDC, 6, Form::kMem, 0, MemKind::kF64, 8},
    {"x87.fdivr.m64", "fdivr", 0xDC, 7, Form::kMem, 0, MemKind::kF64, 8},
    {"x87.fadd.st0sti", "fadd", 0xD8, 0, Form::kSti},
    {"x87.fmul.st0sti", "fmul", 0xD8, 1, Form::kSti},
    {"x87.fsub.st0sti", "fsub", 0xD8, 4, Form::kSti},
    {"x87.fsubr.st0sti", "fsubr", 0xD8, 5, Form::kSti},
    {"x87.fdiv.st0sti", "fdiv", 0xD8, 6, Form::kSti},
    {"x87.fdivr.st0sti", "fdivr", 0xD8, 7, Form::kSti},
    {"x87.fadd.stist0", "fadd", 0xDC, 0, Form::kSti},
    {"x87.fmul.stist0", "fmul", 0xDC, 1, Form::kSti},
    {"x87.fsubr.stist0", "fsubr", 0xDC, 4, Form::kSti},
    {"x87.fsub.stist0", "fsub", 0xDC, 5, Form::kSti},
    {"x87.fdivr.stist0", "fdivr", 0xDC, 6, Form::kSti},
    {"x87.fdiv.stist0", "fdiv", 0xDC, 7, Form::kSti},
    {"x87.faddp", "faddp", 0xDE, 0, Form::kSti},
    {"x87.fmulp", "fmulp", 0xDE, 1, Form::kSti},
    {"x87.fsubrp", "fsubrp", 0xDE, 4, Form::kSti},
    {"x87.fsubp", "fsubp", 0xDE, 5, Form::kSti},
    {"x87.fdivrp", "fdivrp", 0xDE, 6, Form::kSti},
    {"x87.fdivp", "fdivp", 0xDE, 7, Form::kSti},
    {"x87.fiadd.m16", "fiadd", 0xDE, 0, Form::kMem, 0, MemKind::kI16, 2},
    {"x87.fimul.m16", "fimul", 0xDE, 1, Form::kMem, 0, MemKind::kI16, 2},
    {"x87.fisub.m16", "fisub", 0xDE, 4, Form::kMem, 0, MemKind::kI16, 2},
    {"x87.fisubr.m16", "fisubr", 0xDE, 5, Form::kMem, 0, MemKind::kI16, 2},
    {"x87.fidiv.m16", "fidiv", 0xDE, 6, Form::kMem, 0, MemKind::kI16, 2},
    {"x87.fidivr.m16", "fidivr", 0xDE, 7, Form::kMem, 0, MemKind::kI16, 2},
    {"x87.fiadd.m32", "fiadd", 0xDA, 0, Form::kMem, 0, MemKind::kI32, 4},
    {"x87.fimul.m32", "fimul", 0xDA, 1, Form::kMem, 0, MemKind::kI32, 4},
    {"x87.fisub.m32", "fisub", 0xDA, 4, Form::kMem, 0, MemKind::kI32, 4},
    {"x87.fisubr.m32", "fisubr", 0xDA, 5, Form::kMem, 0, MemKind::kI32, 4},
    {"x87.fidiv.m32", "fidiv", 0xDA, 6, Form::kMem, 0, MemKind::kI32, 4},
    {"x87.fidivr.m32", "fidivr", 0xDA, 7, Form::kMem, 0, MemKind::kI32, 4},
    {"x87.fsqrt", "fsqrt", 0xD9, 7, Form::kFixed, 2},
    {"x87.frndint", "frndint", 0xD9, 7, Form::kFixed, 4},
    {"x87.fscale", "fscale", 0xD9, 7, Form::kFixed, 5},
    {"x87.fxtract", "fxtract", 0xD9, 6, Form::kFixed, 4},
    {"x87.fsin", "fsin", 0xD9, 7, Form::kFixed, 6},
    {"x87.fcos", "fcos", 0xD9, 7, Form::kFixed, 7},
    {"x87.fsincos", "fsincos", 0xD9, 7, Form::kFixed, 3},
    {"x87.fptan", "fptan", 0xD9, 6, Form::kFixed, 2},
    {"x87.fpatan", "fpatan", 0xD9, 6, Form::kFixed, 3},
    {"x87.f2xm1", "f2xm1", 0xD9, 6, Form::kFixed, 0},
    {"x87.fyl2x", "fyl2x", 0xD9, 6, Form::kFixed, 1},
    {"x87.fyl2xp1", "fyl2xp1", 0xD9, 7, Form::kFixed, 1},
    {"x87.fprem", "fprem", 0xD9, 7, Form::kFixed, 0},
    {"x87.fprem1", "fprem1", 0xD9, 6, Form::kFixed, 5},
    // Comparisons.
    {"x87.fcom.st", "fcom", 0xD8, 2, Form::kSti},
    {"x87.fcomp.st", "fcomp", 0xD8, 3, Form::kSti},
    {"x87.fcom.m32", "fcom", 0xD8, 2, Form::kMem, 0, MemKind::kF32, 4},
    {"x87.fcomp.m32", "fcomp", 0xD8, 3, Form::kMem, 0, MemKind::kF32, 4},
    {"x87.fcom.m64", "fcom", 0xDC, 2, Form::kMem, 0, MemKind::kF64, 8},
    {"x87.fcomp.m64", "fcomp", 0xDC, 3, Form::kMem, 0, MemKind::kF64, 8},
    {"x87.fcompp", "fcompp", 0xDE, 3, Form::kFixed, 1},
    {"x87.fucom", "fucom", 0xDD, 4, Form::kSti},
    {"x87.fucomp", "fucomp", 0xDD, 5, Form::kSti},
    {"x87.fucompp", "fucompp", 0xDA, 5, Form::kFixed, 1},
    {"x87.ficom.m16", "ficom", 0xDE, 2, Form::kMem, 0, MemKind::kI16, 2},
    {"x87.ficomp.m16", "ficomp", 0xDE, 3, Form::kMem, 0, MemKind::kI16, 2},
    {"x87.ficom.m32", "ficom", 0xDA, 2, Form::kMem, 0, MemKind::kI32, 4},
    {"x87.ficomp.m32", "ficomp", 0xDA, 3, Form::kMem, 0, MemKind::kI32, 4},
    {"x87.fcomi", "fcomi", 0xDB, 6, Form::kSti},
    {"x87.fcomip", "fcomip", 0xDF, 6, Form::kSti},
    {"x87.fucomi", "fucomi", 0xDB, 5, Form::kSti},
    {"x87.fucomip", "fucomip", 0xDF, 5, Form::kSti},
    {"x87.ftst", "ftst", 0xD9, 4, Form::kFixed, 4},
    {"x87.fxam", "fxam", 0xD9, 4, Form::kFixed, 5},
    {"x87.fcmovb", "fcmovb", 0xDA, 0, Form::kSti},
    {"x87.fcmove", "fcmove", 0xDA, 1, Form::kSti},
    {"x87.fcmovbe", "fcmovbe", 0xDA, 2, Form::kSti},
    {"x87.fcmovu", "fcmovu", 0xDA, 3, Form::kSti},
    {"x87.fcmovnb", "fcmovnb", 0xDB, 0, Form::kSti},
    {"x87.fcmovne", "fcmovne", 0xDB, 1, Form::kSti},
    {"x87.fcmovnbe", "fcmovnbe", 0xDB, 2, Form::kSti},
    {"x87.fcmovnu", "fcmovnu", 0xDB, 3, Form::kSti},
};

uint64_t RandomFloat(Rng& r, int bits) {
  const int exp_bits = bits == 32 ? 8 : 11, frac = bits - 1 - exp_bits;
  const uint64_t emax = (1ull << exp_bits) - 1;
  uint64_t f = r.Next() & ((1ull << frac) - 1), e;
  switch (r.Below(10)) {
    case 0:
      f = 0;
      e = 0;
      break;
    case 1:
      e = 0;
      break;
    case 2:
      f = 0;
      e = emax;
      break;
    case 3:
      e = emax;
      if (!f) f = 1;
      break;
    case 4:
      e = r.Chance(50) ? 1 + r.Below(5) : emax - 1 - r.Below(5);
      break;
    default:
      e = (emax >> 1) - 20 + r.Below(40);
      break;
  }
  return (r.Chance(50) ? 1ull << (bits - 1) : 0) | (e << frac) | f;
}

bool EmitX87(Gen& g, const X87Def& f) {
  Rng& r = g.rng();
  DiffCase& c = g.Case();
  // The stack: ST(0)..ST(depth-1) in use (sometimes empty or full: stack faults).
  int depth = r.Chance(5)    ? 0
              : r.Chance(10) ? 5 + static_cast<int>(r.Below(4))
                             : 1 + static_cast<int>(r.Below(4));
  c.in.fpu_top = static_cast<uint8_t>(r.Below(8));
  c.in.fpu_tags = 0;
  for (int p = 0; p < 8; ++p) RandomF80(r, &c.in.mm[p], &c.in.st_exp[p]);
  for (int j = 0; j < depth; ++j)
    c.in.fpu_tags |= static_cast<uint8_t>(1 << ((c.in.fpu_top + j) & 7));
  // FLDCW first: random precision and rounding control, exceptions masked (SDM Vol. 1 8.1.5).
  const uint64_t cw_off = g.PickOffset(2, 2);
  g.WriteData(cw_off, 0x007F | (r.Below(4) << 8) | (r.Below(4) << 10), 2);
  Insn ld;
  ld.op_bits = g.mode() == 16 ? 16 : 32;
  ld.opcode = {0xD9};
  ld.reg = 5;
  ld.rm.is_mem = true;
  ld.rm.mem = g.MemAt(cw_off);
  if (!g.Emit(ld)) return false;

  Insn in;
  in.op_bits = ld.op_bits;
  in.opcode = {f.opcode};
  in.reg = f.digit;
  std::string text = std::string("fldcw ") + MemText(ld.rm.mem, 2) + "; " + f.mnemonic;
  switch (f.form) {
    case Form::kFixed:
      in.rm.reg = f.rm;
      break;
    case Form::kSti:
      in.rm.reg = static_cast<int>(r.Below(8));
      text += " st(" + std::to_string(in.rm.reg) + ")";
      break;
    case Form::kMem: {
      // FNSTENV/FLDENV: 14- or 28-byte image by operand size.
      int mem_size = f.mem_size;
      if (f.mem == MemKind::kEnv || f.mem == MemKind::kEnvOut) {
        if (r.Chance(50)) in.op_bits = in.op_bits == 16 ? 32 : 16;
        mem_size = (in.op_bits == 16 ? 14 : 28) + (f.mem_size > 28 ? 80 : 0);
      }
      uint64_t off = 0;
      for (int tries = 0;; ++tries) {
        off = g.PickOffset(mem_size);
        if (off + static_cast<uint64_t>(mem_size) <= cw_off || off >= cw_off + 2) break;
        if (tries > 20) return false;
      }
      in.rm.is_mem = true;
      in.rm.mem = g.MemAt(off);
      text += " " + MemText(in.rm.mem, mem_size);
      switch (f.mem) {
        case MemKind::kF32:
          g.WriteData(off, RandomFloat(r, 32), 4);
          break;
        case MemKind::kF64:
          g.WriteData(off, RandomFloat(r, 64), 8);
          break;
        case MemKind::kF80: {
          uint64_t sig;
          uint16_t se;
          RandomF80(r, &sig, &se);
          g.WriteData(off, sig, 8);
          g.WriteData(off + 8, se, 2);
          break;
        }
        case MemKind::kI16:
          g.WriteData(off, EdgeValue(r, 16), 2);
          break;
        case MemKind::kI32:
          g.WriteData(off, EdgeValue(r, 32), 4);
          break;
        case MemKind::kI64:
          g.WriteData(off, EdgeValue(r, 64), 8);
          break;
        case MemKind::kBcd: {  // 18 valid digits (invalid digits are undefined) and a sign
          uint64_t lo = 0;
          for (int d = 0; d < 16; ++d) lo |= r.Below(r.Chance(30) ? 2 : 10) << (4 * d);
          g.WriteData(off, lo, 8);
          g.WriteData(off + 8, r.Below(100) / 10 * 16 + r.Below(10), 1);
          g.WriteData(off + 9, r.Chance(50) ? 0x80 : 0, 1);
          break;
        }
        case MemKind::kEnv: {
          const bool small = mem_size == 14;
          const int w = small ? 2 : 4;
          uint64_t fsw = r.Next() & 0x7F7F;  // ES and B clear: no pending #MF
          uint64_t cw = 0x007F | (r.Below(4) << 8) | (r.Below(4) << 10);
          g.WriteData(off, small ? cw : cw | (r.Next() << 16), w);
          g.WriteData(off + w, small ? fsw : fsw | (r.Next() << 16), w);
          g.WriteData(off + 2 * w, r.Next(), w);
          for (int k = 3; k < 7; ++k) g.WriteData(off + k * w, r.Next(), w);
          for (int k = 0; k < 80 && 7 * w + k < mem_size; k += 10) {  // FRSTOR: ST(0)..ST(7)
            uint64_t sig;
            uint16_t se;
            RandomF80(r, &sig, &se);
            g.WriteData(off + 7 * w + k, sig, 8);
            g.WriteData(off + 7 * w + k + 8, se, 2);
          }
          break;
        }
        case MemKind::kCw:
          g.WriteData(off, 0x007F | (r.Below(4) << 8) | (r.Below(4) << 10), 2);
          break;
        default:
          break;
      }
      break;
    }
  }
  if (f.digit < 0) {
    g.EmitBytes({f.opcode});
  } else if (!g.Emit(in)) {
    return false;
  }
  // The instruction and data pointers of an FNSTENV image are host addresses and selectors:
  // clear them (MOV m, 0) so the rest of the image can be compared.
  if (f.mem == MemKind::kEnvOut) {
    const int w = in.op_bits == 16 ? 2 : 4;
    for (int k = 3; k < 7; ++k)
      if (!EmitClear(g, in.rm.mem, k * w, w)) return false;
    text += "; (pointers cleared)";
  }
  // FNSTSW AX: the status word (exception flags, C0-C3, TOP) becomes comparable.
  g.EmitBytes({0xDF, 0xE0});
  g.Text(text + "; fnstsw ax");
  g.Flags("none");
  return true;
}

template <size_t I>
bool EmitX87Form(Gen& g) {
  return EmitX87(g, kX87Forms[I]);
}

template <size_t... I>
constexpr std::array<GeneratorDef, sizeof...(I)> MakeDefs(std::index_sequence<I...>) {
  return {
      {GeneratorDef{kX87Forms[I].name, kAllModes, CpuFeature::kNone, false, EmitX87Form<I>, 1}...}};
}

constexpr auto kDefs = MakeDefs(std::make_index_sequence<std::size(kX87Forms)>());

}  // namespace

/// A random 80-bit value biased to the classes of SDM Vol. 1 Table 8-3 / 4-3.
void RandomF80(Rng& r, uint64_t* sig, uint16_t* se) {
  uint64_t m = r.Next();
  uint16_t sign = r.Chance(50) ? 0x8000 : 0;
  uint16_t e;
  switch (r.Below(16)) {
    case 0:
      m = 0;
      e = 0;
      break;  // zero
    case 1:
      m >>= 1 + r.Below(63);
      e = 0;
      break;  // denormal
    case 2:
      m |= 1ull << 63;
      e = 0;
      break;  // pseudo-denormal
    case 3:
      m = 1ull << 63;
      e = 0x7FFF;
      break;  // infinity
    case 4:
      m |= 3ull << 62;
      e = 0x7FFF;
      break;  // QNaN
    case 5:
      m = (m | 1ull << 63) & ~(1ull << 62);
      m |= m ? 1 : 1;
      e = 0x7FFF;
      break;  // SNaN
    case 6:
      m &= ~(1ull << 63);
      e = static_cast<uint16_t>(r.Below(0x8000));
      break;  // unnormal..
    case 7:
      m |= 1ull << 63;
      e = static_cast<uint16_t>(r.Chance(50) ? 1 + r.Below(70) : 0x7FFE - r.Below(70));
      break;
    case 8: {  // a small integer or half-integer
      uint64_t n = 1 + r.Below(1000);
      int lz = __builtin_clzll(n);
      m = n << lz;
      e = static_cast<uint16_t>(0x3FFF + 63 - lz - (r.Chance(30) ? 1 : 0));
      break;
    }
    case 9:
      m = (m | 1ull << 63) & ~0xFFFull;
      e = static_cast<uint16_t>(0x3FFF + r.Below(66));
      break;
    default:
      m |= 1ull << 63;
      e = static_cast<uint16_t>(0x3FFF - 40 + r.Below(80));
      break;
  }
  *sig = m;
  *se = static_cast<uint16_t>(sign | e);
}

bool EmitClear(Gen& g, const MemOperand& base, int at, int bytes) {
  Insn mov;
  mov.op_bits = bytes * 8;
  mov.opcode = {0xC7};
  mov.reg = 0;
  mov.rm.is_mem = true;
  // The operand's own addressing plus `at`: the same registers, so no new register values.
  mov.rm.mem = base;
  mov.rm.mem.disp += at;
  mov.rm.mem.rip_target += static_cast<uint64_t>(at);
  mov.rm.mem.disp_bytes = -1;
  mov.imm_bytes = bytes;
  mov.imm = 0;
  return g.Emit(mov);
}

std::span<const GeneratorDef> X87Generators() { return kDefs; }

}  // namespace vireo::diff
