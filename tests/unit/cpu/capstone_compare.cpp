// Normalised comparison of our decoding with Capstone 4's (detail API): register names,
// immediates masked by operand size, memory operand parts, and mnemonic spelling.

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <span>
#include <vector>

#include "cpu/x86/decoder.h"
#include "tests/unit/cpu/capstone_known_diffs.h"

namespace vireo::x86::difftest {
namespace {

uint64_t Mask(int bytes) { return bytes >= 8 ? ~0ull : (1ull << (bytes * 8)) - 1; }

// One operand in a form both sides can produce.
struct NormOp {
  char kind = 0;  // 'r' register, 'i' immediate, 'm' memory
  std::string reg;
  uint64_t value = 0;
  uint64_t mask = ~0ull;  // bits of `value` that are significant (from our operand size)
  std::string seg, base, index;
  int scale = 1;
  int size = 0;
};

std::string Describe(const NormOp& o) {
  char buf[128];
  switch (o.kind) {
    case 'r':
      return o.reg;
    case 'i':
      std::snprintf(buf, sizeof buf, "imm 0x%" PRIx64, o.value & o.mask);
      return buf;
    default:
      std::snprintf(buf, sizeof buf, "mem %s:[%s+%s*%d+0x%" PRIx64 "] size %d", o.seg.c_str(),
                    o.base.c_str(), o.index.c_str(), o.scale, o.value & o.mask, o.size);
      return buf;
  }
}

std::vector<NormOp> OurOperands(const DecodedInst& inst) {
  std::vector<NormOp> ops;
  for (int i = 0; i < inst.num_operands; ++i) {
    const Operand& op = inst.operands[i];
    NormOp n;
    switch (op.kind) {
      case OperandKind::kGpr:
        n = {'r', x86::GprName(op.reg, op.size)};
        break;
      case OperandKind::kSeg:
        n = {'r', x86::SegmentName(op.reg % 6)};
        break;
      case OperandKind::kCr:
        n = {'r', "cr" + std::to_string(op.reg)};
        break;
      case OperandKind::kDr:
        n = {'r', "dr" + std::to_string(op.reg)};
        break;
      case OperandKind::kMmx:
        n = {'r', "mm" + std::to_string(op.reg)};
        break;
      case OperandKind::kXmm:
        n = {'r', "xmm" + std::to_string(op.reg)};
        break;
      case OperandKind::kSt:
        n = {'r', "st(" + std::to_string(op.reg) + ")"};
        break;
      case OperandKind::kImm:
        n.kind = 'i';
        n.value = static_cast<uint64_t>(inst.imm[op.reg & 1]);
        n.mask = Mask(op.size);
        break;
      case OperandKind::kRel:
        n.kind = 'i';
        n.value = 0x1000 + inst.length + static_cast<uint64_t>(inst.imm[0]);
        n.mask = Mask(op.size);
        break;
      case OperandKind::kFarPtr: {
        NormOp sel;
        sel.kind = 'i';
        sel.value = static_cast<uint64_t>(inst.imm[1]);
        sel.mask = 0xFFFF;
        ops.push_back(sel);
        n.kind = 'i';
        n.value = static_cast<uint64_t>(inst.imm[0]);
        n.mask = Mask(op.size - 2);
        break;
      }
      case OperandKind::kMem: {
        const MemOperand& m = inst.mem;
        n.kind = 'm';
        if (inst.segment_override != Seg::kNone) {
          n.seg = x86::SegmentName(static_cast<uint8_t>(inst.segment_override));
        }
        if (m.base == kRegRip) {
          n.base = m.address_size == 4 ? "eip" : "rip";
        } else if (m.base != kRegNone) {
          n.base = x86::GprName(m.base, m.address_size);
        }
        if (m.index != kRegNone) {
          n.index = x86::GprName(m.index, m.address_size);
          n.scale = m.scale;
        }
        n.value = static_cast<uint64_t>(m.disp);
        n.mask = Mask(m.address_size);
        n.size = op.size;
        break;
      }
      case OperandKind::kNone:
        break;
    }
    ops.push_back(n);
  }
  return ops;
}

std::vector<NormOp> CapstoneOperands(csh handle, const cs_insn* insn) {
  std::vector<NormOp> ops;
  const cs_x86& x = insn->detail->x86;
  for (int i = 0; i < x.op_count; ++i) {
    const cs_x86_op& op = x.operands[i];
    NormOp n;
    switch (op.type) {
      case X86_OP_REG:
        n = {'r', cs_reg_name(handle, op.reg)};
        break;
      case X86_OP_IMM:
        n.kind = 'i';
        n.value = static_cast<uint64_t>(op.imm);
        break;
      case X86_OP_MEM:
        n.kind = 'm';
        if (op.mem.segment != X86_REG_INVALID) n.seg = cs_reg_name(handle, op.mem.segment);
        if (op.mem.base != X86_REG_INVALID) n.base = cs_reg_name(handle, op.mem.base);
        if (op.mem.index != X86_REG_INVALID) {
          n.index = cs_reg_name(handle, op.mem.index);
          n.scale = op.mem.scale;
        }
        n.value = static_cast<uint64_t>(op.mem.disp);
        n.size = op.size;
        break;
      default:
        n.kind = '?';
        break;
    }
    ops.push_back(n);
  }
  return ops;
}

// Instructions whose implicit memory/register operands Capstone lists (string operations,
// XLAT, ...): operands are not compared, the mnemonic identifies them.
bool HasImplicitCapstoneOperands(const DecodedInst& inst) {
  if (inst.attributes & (kAttrRep | kAttrRepCond)) return true;
  switch (inst.mnemonic) {
    case Mnemonic::kXLATB:
    case Mnemonic::kMASKMOVQ:
    case Mnemonic::kMASKMOVDQU:
    case Mnemonic::kINVLPGA:  // AMD "INVLPGA rAX, ECX": both implicit
    case Mnemonic::kSKINIT:   // "SKINIT EAX"
    case Mnemonic::kVMRUN:    // "VMRUN rAX"
    case Mnemonic::kVMLOAD:
    case Mnemonic::kVMSAVE:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::string CapstoneMnemonic(const char* text) {
  std::string s = text;
  static const char* const kPrefixWords[] = {"lock ",     "rep ",      "repe ",  "repne ",
                                             "repz ",     "repnz ",    "bnd ",   "notrack ",
                                             "xacquire ", "xrelease ", "data16 "};
  for (bool again = true; again;) {
    again = false;
    for (const char* w : kPrefixWords) {
      const size_t n = std::strlen(w);
      if (s.compare(0, n, w) == 0) {
        s.erase(0, n);
        again = true;
      }
    }
  }
  // AT&T-style spelling Capstone uses for some MOV forms (moffs64, imm64); it is MOV.
  if (s == "movabs") s = "mov";
  return s;
}

// Our mnemonic spelled as Capstone 4 spells it (names that differ only in spelling).
std::string VireoCapstoneName(CodeSize mode, const DecodedInst& inst) {
  const Mnemonic mn = inst.mnemonic;
  if ((mn == Mnemonic::kCMPPS || mn == Mnemonic::kCMPPD || mn == Mnemonic::kCMPSS ||
       mn == Mnemonic::kCMPSD_SSE) &&
      static_cast<uint64_t>(inst.imm[0]) < 8) {
    static const char* const kPred[8] = {"eq", "lt", "le", "unord", "neq", "nlt", "nle", "ord"};
    return std::string("cmp") + kPred[inst.imm[0]] + (MnemonicName(mn) + 3);
  }
  switch (mn) {
    case Mnemonic::kCALLF:
      return "lcall";
    case Mnemonic::kJMPF:
      return "ljmp";
    case Mnemonic::kPUSHAD:
      return "pushal";
    case Mnemonic::kPOPAD:
      return "popal";
    case Mnemonic::kPUSHA:
      return "pushaw";
    case Mnemonic::kPOPA:
      return "popaw";
    case Mnemonic::kRETF:
      return inst.operand_size == 8 ? "retfq" : "retf";
    case Mnemonic::kFENI:
      return "feni8087_nop";
    case Mnemonic::kFDISI:
      return "fdisi8087_nop";
    case Mnemonic::kXSTORE:
      return "xstorerng";
    case Mnemonic::kUD1:
      return "ud2b";
    case Mnemonic::kFSTP:
      if (inst.opcode == 0xD9 && inst.Mod() == 3) return "fstpnce";
      break;
    default:
      break;
  }
  return MnemonicName(mn);
}

namespace {

// Opcode class of a byte sequence: map and opcode after the prefixes ("1B:8E", "0F:0D").
std::string OpcodeClass(CodeSize mode, const uint8_t* b) {
  int pos = 0;
  while (pos < kMaxInstructionLength) {
    const uint8_t c = b[pos];
    const bool legacy = c == 0xF0 || c == 0xF2 || c == 0xF3 || c == 0x66 || c == 0x67 ||
                        c == 0x26 || c == 0x2E || c == 0x36 || c == 0x3E || c == 0x64 || c == 0x65;
    const bool rex = mode == CodeSize::k64 && (c & 0xF0) == 0x40;
    if (!legacy && !rex) break;
    ++pos;
  }
  if (pos >= kMaxInstructionLength - 3) return "prefixes";
  char buf[32];
  const uint8_t op = b[pos];
  const bool m64 = mode == CodeSize::k64;
  if (op == 0x0F) {
    if (b[pos + 1] == 0x38 || b[pos + 1] == 0x3A) {
      std::snprintf(buf, sizeof buf, "0F%02X:%02X", b[pos + 1], b[pos + 2]);
    } else {
      std::snprintf(buf, sizeof buf, "0F:%02X", b[pos + 1]);
    }
  } else if ((op == 0xC4 || op == 0xC5) && (m64 || (b[pos + 1] & 0xC0) == 0xC0)) {
    std::snprintf(buf, sizeof buf, "VEX");
  } else if (op == 0x62 && (m64 || (b[pos + 1] & 0xC0) == 0xC0)) {
    std::snprintf(buf, sizeof buf, "EVEX");
  } else if (op == 0x8F && (b[pos + 1] & 0x1F) >= 8) {
    std::snprintf(buf, sizeof buf, "XOP");
  } else {
    std::snprintf(buf, sizeof buf, "1B:%02X", op);
  }
  return buf;
}

}  // namespace

Comparison Compare(csh handle, CodeSize mode, const uint8_t* bytes, DecodeStatus status,
                   const DecodedInst& inst, const cs_insn* insn) {
  Comparison c;
  c.opcode_class = OpcodeClass(mode, bytes);
  if (insn != nullptr) c.capstone_name = CapstoneMnemonic(insn->mnemonic);
  if (status == DecodeStatus::kOk) c.vireo_name = VireoCapstoneName(mode, inst);
  if (status != DecodeStatus::kOk || insn == nullptr) {
    c.what = insn == nullptr ? "capstone rejects" : "vireo rejects";
    return c;
  }
  c.length_ok = inst.length == insn->size;
  c.mnemonic_ok = c.vireo_name == c.capstone_name;
  if (!c.length_ok) {
    c.what = "length " + std::to_string(inst.length) + " vs " + std::to_string(insn->size);
    return c;
  }
  if (!c.mnemonic_ok) {
    c.what = "mnemonic " + c.vireo_name + " vs " + c.capstone_name;
    return c;
  }
  if (HasImplicitCapstoneOperands(inst)) {
    c.operands_ok = true;
    c.agree = true;
    return c;
  }
  std::vector<NormOp> ours = OurOperands(inst);
  std::vector<NormOp> theirs = CapstoneOperands(handle, insn);
  // x87: Capstone lists ST(0) inconsistently (FADD ST(i) vs FADD ST(0),ST(i)); drop it.
  auto drop_st0 = [](std::vector<NormOp>& v) {
    std::erase_if(v, [](const NormOp& o) { return o.kind == 'r' && o.reg == "st(0)"; });
  };
  drop_st0(ours);
  drop_st0(theirs);
  // CMPPS-style pseudo-ops carry the predicate in the name.
  if (c.vireo_name != MnemonicName(inst.mnemonic) && c.vireo_name.compare(0, 3, "cmp") == 0 &&
      !ours.empty() && ours.back().kind == 'i') {
    ours.pop_back();
  }
  // AAD/AAM with the default base 10 are printed without the immediate.
  if ((inst.mnemonic == Mnemonic::kAAD || inst.mnemonic == Mnemonic::kAAM) && theirs.empty() &&
      ours.size() == 1 && ours[0].value == 10) {
    ours.clear();
  }
  if (ours.size() != theirs.size()) {
    c.what =
        "operand count " + std::to_string(ours.size()) + " vs " + std::to_string(theirs.size());
    return c;
  }
  bool mem_size_differs = false;
  for (size_t i = 0; i < ours.size(); ++i) {
    const NormOp& a = ours[i];
    const NormOp& b = theirs[i];
    bool same = a.kind == b.kind;
    if (same && a.kind == 'r') same = a.reg == b.reg;
    if (same && a.kind == 'i') same = (a.value & a.mask) == (b.value & a.mask);
    if (same && a.kind == 'm') {
      same = a.seg == b.seg && a.base == b.base && a.index == b.index &&
             (a.index.empty() || a.scale == b.scale) && (a.value & a.mask) == (b.value & a.mask);
      if (same && a.size != b.size) mem_size_differs = true;
    }
    if (!same) {
      c.what = "operand " + std::to_string(i) + ": " + Describe(a) + " vs " + Describe(b);
      return c;
    }
  }
  if (mem_size_differs) {
    c.only_mem_size = true;
    for (size_t i = 0; i < ours.size(); ++i) {
      if (ours[i].kind == 'm') {
        c.what =
            "memory size " + std::to_string(ours[i].size) + " vs " + std::to_string(theirs[i].size);
      }
    }
    return c;
  }
  c.operands_ok = true;
  c.agree = true;
  return c;
}

}  // namespace vireo::x86::difftest
