// Debug text for decoded instructions: Intel syntax, lowercase, in the style of Capstone
// ("add dword ptr [ebp - 8], 0x10"). Not used on any fast path.

#include <array>
#include <cinttypes>
#include <cstdio>
#include <string>

#include "cpu/x86/decoder.h"

namespace vireo::x86 {
namespace {

constexpr int kNameLength = 24;
constexpr int kNumMnemonics = static_cast<int>(Mnemonic::kCount);

constexpr const char* kTableNames[] = {
    "(bad)",
#define X86_MNEMONIC(name) #name,
#include "cpu/x86/mnemonics.inc"
#undef X86_MNEMONIC
};

// Printed names: the table name lowercased, up to the first '_' (MOVSD_SSE -> "movsd").
constexpr std::array<std::array<char, kNameLength>, kNumMnemonics> MakeNames() {
  std::array<std::array<char, kNameLength>, kNumMnemonics> names{};
  for (int m = 0; m < kNumMnemonics; ++m) {
    const char* src = kTableNames[m];
    int i = 0;
    for (; src[i] != '\0' && (src[i] != '_' || m == 0) && i < kNameLength - 1; ++i) {
      const char c = src[i];
      names[m][i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    if (src[i] != '\0' && src[i] != '_') throw "format: raise kNameLength";
  }
  return names;
}
constexpr auto kNames = MakeNames();

constexpr const char* kGpr64[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                    "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};
constexpr const char* kGpr32[16] = {"eax", "ecx", "edx",  "ebx",  "esp",  "ebp",  "esi",  "edi",
                                    "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d"};
constexpr const char* kGpr16[16] = {"ax",  "cx",  "dx",   "bx",   "sp",   "bp",   "si",   "di",
                                    "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w"};
constexpr const char* kGpr8[20] = {"al",   "cl",   "dl",  "bl",   "spl",  "bpl",  "sil",
                                   "dil",  "r8b",  "r9b", "r10b", "r11b", "r12b", "r13b",
                                   "r14b", "r15b", "ah",  "ch",   "dh",   "bh"};
constexpr const char* kSegNames[6] = {"es", "cs", "ss", "ds", "fs", "gs"};
// CMPPS/CMPPD/CMPSS/CMPSD predicates 0-7 (SDM CMPPS Table 3-1), printed as pseudo-ops.
constexpr const char* kCmpPredicates[8] = {"eq", "lt", "le", "unord", "neq", "nlt", "nle", "ord"};

const char* AddressRegName(uint8_t reg, int address_size) {
  if (reg == kRegRip) return address_size == 4 ? "eip" : "rip";
  return GprName(reg, address_size);
}

void AppendNumber(std::string& s, uint64_t v) {
  char buf[24];
  if (v < 10) {
    std::snprintf(buf, sizeof buf, "%" PRIu64, v);
  } else {
    std::snprintf(buf, sizeof buf, "0x%" PRIx64, v);
  }
  s += buf;
}

const char* PtrName(int size) {
  switch (size) {
    case 1:
      return "byte ptr ";
    case 2:
      return "word ptr ";
    case 4:
      return "dword ptr ";
    case 6:
      return "fword ptr ";
    case 8:
      return "qword ptr ";
    case 10:
      return "tbyte ptr ";
    case 16:
      return "xmmword ptr ";
    default:
      return "";
  }
}

void AppendMemory(std::string& s, const DecodedInst& inst, int size) {
  const MemOperand& m = inst.mem;
  s += PtrName(size);
  if (inst.segment_override != Seg::kNone) {
    s += SegmentName(static_cast<uint8_t>(inst.segment_override));
    s += ':';
  }
  s += '[';
  bool any = false;
  if (m.base != kRegNone) {
    s += AddressRegName(m.base, m.address_size);
    any = true;
  }
  if (m.index != kRegNone) {
    if (any) s += " + ";
    s += GprName(m.index, m.address_size);
    if (m.scale != 1) {
      s += '*';
      s += static_cast<char>('0' + m.scale);
    }
    any = true;
  }
  const uint64_t mask = m.address_size == 8 ? ~0ull : (1ull << (m.address_size * 8)) - 1;
  if (!any) {
    AppendNumber(s, static_cast<uint64_t>(m.disp) & mask);
  } else if (m.disp != 0) {
    s += m.disp < 0 ? " - " : " + ";
    AppendNumber(s,
                 m.disp < 0 ? (0 - static_cast<uint64_t>(m.disp)) : static_cast<uint64_t>(m.disp));
  }
  s += ']';
}

}  // namespace

const char* MnemonicName(Mnemonic mnemonic) {
  const int m = static_cast<int>(mnemonic);
  return (m > 0 && m < kNumMnemonics) ? kNames[m].data() : kNames[0].data();
}

std::string Format(const DecodedInst& inst, uint64_t address) {
  std::string s;
  if (inst.prefixes & kPrefixLock) s += "lock ";
  if (inst.attributes & kAttrRep) {
    if (inst.prefixes & (kPrefixRep | kPrefixRepne)) s += "rep ";
  } else if (inst.attributes & kAttrRepCond) {
    if (inst.prefixes & kPrefixRep) s += "repe ";
    if (inst.prefixes & kPrefixRepne) s += "repne ";
  }
  int num_ops = inst.num_operands;
  const Mnemonic mn = inst.mnemonic;
  const bool cmp_pseudo = (mn == Mnemonic::kCMPPS || mn == Mnemonic::kCMPPD ||
                           mn == Mnemonic::kCMPSS || mn == Mnemonic::kCMPSD_SSE) &&
                          num_ops == 3 && static_cast<uint64_t>(inst.imm[0]) < 8;
  if (cmp_pseudo) {
    const char* name = MnemonicName(mn);  // "cmpps" -> "cmp" + predicate + "ps"
    s += "cmp";
    s += kCmpPredicates[inst.imm[0]];
    s += name + 3;
    num_ops = 2;
  } else {
    s += MnemonicName(mn);
  }
  for (int i = 0; i < num_ops; ++i) {
    s += i == 0 ? " " : ", ";
    const Operand& op = inst.operands[i];
    switch (op.kind) {
      case OperandKind::kGpr:
        s += GprName(op.reg, op.size);
        break;
      case OperandKind::kSeg:
        s += SegmentName(op.reg);
        break;
      case OperandKind::kCr:
        s += "cr" + std::to_string(op.reg);
        break;
      case OperandKind::kDr:
        s += "dr" + std::to_string(op.reg);
        break;
      case OperandKind::kMmx:
        s += "mm" + std::to_string(op.reg);
        break;
      case OperandKind::kXmm:
        s += "xmm" + std::to_string(op.reg);
        break;
      case OperandKind::kSt:
        s += "st(" + std::to_string(op.reg) + ")";
        break;
      case OperandKind::kMem:
        AppendMemory(s, inst, op.size);
        break;
      case OperandKind::kImm: {
        const uint64_t mask = op.size >= 8 ? ~0ull : (1ull << (op.size * 8)) - 1;
        AppendNumber(s, static_cast<uint64_t>(inst.imm[op.reg & 1]) & mask);
        break;
      }
      case OperandKind::kRel: {
        const uint64_t mask = op.size >= 8 ? ~0ull : (1ull << (op.size * 8)) - 1;
        AppendNumber(s, (address + inst.length + static_cast<uint64_t>(inst.imm[0])) & mask);
        break;
      }
      case OperandKind::kFarPtr:
        AppendNumber(s, static_cast<uint64_t>(inst.imm[1]));
        s += ':';
        AppendNumber(s, static_cast<uint64_t>(inst.imm[0]));
        break;
      case OperandKind::kNone:
        break;
    }
  }
  return s;
}

const char* GprName(uint8_t reg, int size) {
  switch (size) {
    case 1:
      return reg < 20 ? kGpr8[reg] : "?";
    case 2:
      return reg < 16 ? kGpr16[reg] : "?";
    case 4:
      return reg < 16 ? kGpr32[reg] : "?";
    default:
      return reg < 16 ? kGpr64[reg] : "?";
  }
}

const char* SegmentName(uint8_t seg) { return seg < 6 ? kSegNames[seg] : "?"; }

}  // namespace vireo::x86
