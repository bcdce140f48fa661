#include "tests/diff/flag_table.h"

#include <cstdio>
#include <cstdlib>

namespace vireo::diff {
namespace {

constexpr uint64_t kAll = kStatusFlags;
constexpr uint64_t kLogicDefined = kCf | kOf | kSf | kZf | kPf;

// SDM Vol. 2A/2B, "Flags Affected" of each instruction.
constexpr FlagRule kRules[] = {
    {"add", 0, kAll, 0, "ADD: OF SF ZF AF CF PF per result"},
    {"adc", kCf, kAll, 0, "ADC: OF SF ZF AF CF PF per result"},
    {"sub", 0, kAll, 0, "SUB: OF SF ZF AF CF PF per result"},
    {"sbb", kCf, kAll, 0, "SBB: OF SF ZF AF CF PF per result"},
    {"cmp", 0, kAll, 0, "CMP: as SUB"},
    {"neg", 0, kAll, 0, "NEG: CF = (src != 0); others per result"},
    {"and", 0, kLogicDefined, kAf, "AND: OF CF cleared, SF ZF PF per result, AF undefined"},
    {"or", 0, kLogicDefined, kAf, "OR: OF CF cleared, SF ZF PF per result, AF undefined"},
    {"xor", 0, kLogicDefined, kAf, "XOR: OF CF cleared, SF ZF PF per result, AF undefined"},
    {"test", 0, kLogicDefined, kAf, "TEST: OF CF cleared, SF ZF PF per result, AF undefined"},
    {"inc", 0, kAll & ~kCf, 0, "INC: CF not affected, others per result"},
    {"dec", 0, kAll & ~kCf, 0, "DEC: CF not affected, others per result"},
    {"not", 0, 0, 0, "NOT: none"},
    {"mul", 0, kCf | kOf, kSf | kZf | kAf | kPf, "MUL: OF CF defined; SF ZF AF PF undefined"},
    {"imul", 0, kCf | kOf, kSf | kZf | kAf | kPf, "IMUL: OF CF defined; SF ZF AF PF undefined"},
    {"div", 0, 0, kAll, "DIV: CF OF SF ZF AF PF undefined"},
    {"idiv", 0, 0, kAll, "IDIV: CF OF SF ZF AF PF undefined"},
    {"bt", 0, kCf, kOf | kSf | kAf | kPf, "BT: CF = bit; ZF unaffected; OF SF AF PF undefined"},
    {"bts", 0, kCf, kOf | kSf | kAf | kPf, "BTS: CF = bit; ZF unaffected; OF SF AF PF undefined"},
    {"btr", 0, kCf, kOf | kSf | kAf | kPf, "BTR: CF = bit; ZF unaffected; OF SF AF PF undefined"},
    {"btc", 0, kCf, kOf | kSf | kAf | kPf, "BTC: CF = bit; ZF unaffected; OF SF AF PF undefined"},
    {"bsf", 0, kZf, kCf | kOf | kSf | kAf | kPf, "BSF: ZF = (src == 0); CF OF SF AF PF undefined"},
    {"bsr", 0, kZf, kCf | kOf | kSf | kAf | kPf, "BSR: ZF = (src == 0); CF OF SF AF PF undefined"},
    {"tzcnt", 0, kZf | kCf, kOf | kSf | kAf | kPf, "TZCNT: ZF CF defined; OF SF PF AF undefined"},
    {"lzcnt", 0, kZf | kCf, kOf | kSf | kAf | kPf, "LZCNT: ZF CF defined; OF SF PF AF undefined"},
    {"popcnt", 0, kAll, 0, "POPCNT: OF SF AF CF PF cleared, ZF = (src == 0)"},
    {"andn", 0, kSf | kZf | kOf | kCf, kAf | kPf,
     "ANDN: SF ZF per result, OF CF cleared, AF PF undefined"},
    {"bextr", 0, kZf | kCf | kOf, kAf | kSf | kPf,
     "BEXTR: ZF per result, CF OF cleared, AF SF PF undefined"},
    {"blsi", 0, kZf | kSf | kCf | kOf, kAf | kPf,
     "BLSI: ZF SF per result, CF = (src != 0), OF cleared, AF PF undefined"},
    {"blsmsk", 0, kSf | kZf | kCf | kOf, kAf | kPf,
     "BLSMSK: SF per result, CF = (src == 0), ZF OF cleared, AF PF undefined"},
    {"blsr", 0, kZf | kSf | kCf | kOf, kAf | kPf,
     "BLSR: ZF SF per result, CF = (src == 0), OF cleared, AF PF undefined"},
    {"bzhi", 0, kZf | kCf | kSf | kOf, kAf | kPf,
     "BZHI: ZF CF SF defined, OF cleared, AF PF undefined"},
    {"pdep", 0, 0, 0, "PDEP: none"},
    {"pext", 0, 0, 0, "PEXT: none"},
    {"rorx", 0, 0, 0, "RORX: none"},
    {"sarx", 0, 0, 0, "SARX: none"},
    {"shlx", 0, 0, 0, "SHLX: none"},
    {"shrx", 0, 0, 0, "SHRX: none"},
    {"mulx", 0, 0, 0, "MULX: none"},
    {"adcx", kCf, kCf, 0, "ADCX: CF per result, others unaffected"},
    {"adox", kOf, kOf, 0, "ADOX: OF per result, others unaffected"},
    {"xadd", 0, kAll, 0, "XADD: as ADD"},
    {"cmpxchg", 0, kAll, 0, "CMPXCHG: as CMP"},
    {"cmpxchg8b", 0, kZf, 0, "CMPXCHG8B: ZF defined, CF PF AF SF OF unaffected"},
    {"cmpxchg16b", 0, kZf, 0, "CMPXCHG16B: ZF defined, CF PF AF SF OF unaffected"},
    {"sahf", 0, kSf | kZf | kAf | kPf | kCf, 0, "SAHF: SF ZF AF PF CF from AH"},
    {"lahf", kSf | kZf | kAf | kPf | kCf, 0, 0, "LAHF: reads SF ZF AF PF CF"},
    {"clc", 0, kCf, 0, "CLC: CF cleared"},
    {"stc", 0, kCf, 0, "STC: CF set"},
    {"cmc", kCf, kCf, 0, "CMC: CF complemented"},
    {"cld", 0, kDf, 0, "CLD: DF cleared"},
    {"std", 0, kDf, 0, "STD: DF set"},
    {"pushf", kAll | kDf, 0, 0, "PUSHF: reads all flags"},
    {"popf", 0, kAll | kDf, 0, "POPF: all status flags and DF from the stack"},
    {"cmps", kDf, kAll, 0, "CMPS: as CMP"},
    {"scas", kDf, kAll, 0, "SCAS: as CMP"},
    {"movs", kDf, 0, 0, "MOVS: none"},
    {"lods", kDf, 0, 0, "LODS: none"},
    {"stos", kDf, 0, 0, "STOS: none"},
    {"none", 0, 0, 0, "no flags affected"},
};

}  // namespace

const FlagRule& RuleFor(std::string_view mnemonic) {
  for (const FlagRule& r : kRules) {
    if (r.mnemonic == mnemonic) return r;
  }
  std::fprintf(stderr, "vireo-diff: no flag rule for '%.*s'\n", static_cast<int>(mnemonic.size()),
               mnemonic.data());
  std::abort();
}

std::span<const FlagRule> AllFlagRules() { return kRules; }

FlagRule ShiftRule(std::string_view m, int bits, std::optional<uint64_t> count) {
  bool rotate = m == "rol" || m == "ror";
  bool rotate_carry = m == "rcl" || m == "rcr";
  bool double_shift = m == "shld" || m == "shrd";
  // SDM: the count is masked to 5 bits (6 with REX.W).
  uint64_t count_mask = bits == 64 ? 63 : 31;
  // Flags a non-zero count writes (SDM Vol. 2B SAL/SAR/SHL/SHR, RCL/RCR/ROL/ROR, SHLD, SHRD).
  uint64_t writes = (rotate || rotate_carry) ? (kCf | kOf) : kAll;
  uint64_t read = rotate_carry ? kCf : 0;
  if (!count) {
    // Unknown count: it may be 0 (no flags change) or anything else. Nothing becomes defined
    // and everything a non-zero count may leave undefined is undefined.
    uint64_t undefined = kOf;
    if (!rotate && !rotate_carry) undefined |= kAf;
    if ((m == "shl" || m == "shr") && bits < 32) undefined |= kCf;
    if (double_shift && bits == 16) undefined = kAll;  // count > 16: flags undefined
    return {m, read, 0, undefined, "count known only at run time"};
  }
  uint64_t masked = *count & count_mask;
  if (masked == 0) return {m, read, 0, 0, "masked count 0: flags not affected"};
  uint64_t undefined = 0;
  if (masked != 1) undefined |= kOf;               // OF defined only for 1-bit shifts/rotates
  if (!rotate && !rotate_carry) undefined |= kAf;  // shifts: AF undefined for non-zero counts
  // SHL/SHR: CF undefined when the count is >= the operand size (only 8/16-bit reach it).
  if ((m == "shl" || m == "shr") && masked >= static_cast<uint64_t>(bits)) undefined |= kCf;
  // SHLD/SHRD: count > operand size leaves flags (and the result) undefined.
  if (double_shift && masked > static_cast<uint64_t>(bits)) undefined = kAll;
  return {m, read, writes & ~undefined, undefined, "SDM Vol. 2B shift/rotate flags"};
}

uint64_t ConditionFlags(int cc) {
  static constexpr uint64_t kRead[8] = {kOf, kCf, kZf,       kCf | kZf,
                                        kSf, kPf, kSf | kOf, kZf | kSf | kOf};
  return kRead[(cc >> 1) & 7];
}

bool ConditionHolds(int cc, uint64_t f) {
  bool of = f & kOf, cf = f & kCf, zf = f & kZf, sf = f & kSf, pf = f & kPf;
  bool r = false;
  switch ((cc >> 1) & 7) {
    case 0:
      r = of;
      break;
    case 1:
      r = cf;
      break;
    case 2:
      r = zf;
      break;
    case 3:
      r = cf || zf;
      break;
    case 4:
      r = sf;
      break;
    case 5:
      r = pf;
      break;
    case 6:
      r = sf != of;
      break;
    case 7:
      r = zf || sf != of;
      break;
  }
  return (cc & 1) ? !r : r;
}

std::string_view ConditionName(int cc) {
  static constexpr std::string_view kNames[16] = {"o", "no", "b", "ae", "e", "ne", "be", "a",
                                                  "s", "ns", "p", "np", "l", "ge", "le", "g"};
  return kNames[cc & 15];
}

}  // namespace vireo::diff
