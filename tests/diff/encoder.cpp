#include "tests/diff/encoder.h"

#include <cinttypes>
#include <cstdio>

namespace vireo::diff {
namespace {

bool FitsInt8(int64_t v) { return v >= -128 && v <= 127; }
bool FitsInt32(int64_t v) { return v >= INT32_MIN && v <= INT32_MAX; }

void PutLe(std::vector<uint8_t>* out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<uint8_t>(v >> (8 * i)));
}

// REX bits needed by the operands, and whether REX is required/forbidden for byte registers.
struct RexNeeds {
  uint8_t bits = 0;  // W R X B as 8 4 2 1
  bool required = false;
  bool forbidden = false;
};

void NoteByteReg(int id, RexNeeds* r) {
  if (id >= kAh) r->forbidden = true;
  if (id >= 4 && id <= 7) r->required = true;
}

// Low 3 bits of a register field (byte ids 16-19 map to 4-7).
int Low3(int id) { return id >= kAh ? (id - kAh + 4) : (id & 7); }

// Appends the ModRM/SIB/displacement bytes of an r/m operand. `disp_at` receives the offset of a
// RIP-relative displacement within `tail` (or -1).
bool ModRmBytes(int mode, int reg_field, const RmOperand& rm, std::vector<uint8_t>* tail,
                int* disp_at) {
  *disp_at = -1;
  if (!rm.is_mem) {
    tail->push_back(static_cast<uint8_t>(0xC0 | (reg_field & 7) << 3 | Low3(rm.reg)));
    return true;
  }
  const MemOperand& m = rm.mem;
  if (m.addr_bits == 16) {
    if (mode == 64) return false;
    // SDM Vol. 2A Table 2-1: BX+SI, BX+DI, BP+SI, BP+DI, SI, DI, BP/disp16, BX.
    int b = m.base, x = m.index;
    if ((b == 6 || b == 7) && x < 0) {
      x = b;
      b = -1;
    }
    if (b == 6 || b == 7) std::swap(b, x);
    int rmf;
    if (b == 3 && x == 6)
      rmf = 0;
    else if (b == 3 && x == 7)
      rmf = 1;
    else if (b == 5 && x == 6)
      rmf = 2;
    else if (b == 5 && x == 7)
      rmf = 3;
    else if (b < 0 && x == 6)
      rmf = 4;
    else if (b < 0 && x == 7)
      rmf = 5;
    else if (b == 5 && x < 0)
      rmf = 6;
    else if (b == 3 && x < 0)
      rmf = 7;
    else if (b < 0 && x < 0)
      rmf = -1;
    else
      return false;
    if (m.scale != 1) return false;
    int64_t d = m.disp;
    if (rmf < 0) {
      tail->push_back(static_cast<uint8_t>((reg_field & 7) << 3 | 6));
      PutLe(tail, static_cast<uint64_t>(d), 2);
      return true;
    }
    int size = m.disp_bytes;
    if (size < 0) size = (d == 0 && rmf != 6) ? 0 : FitsInt8(d) ? 1 : 2;
    if (size == 0 && (d != 0 || rmf == 6)) return false;
    if (size == 1 && !FitsInt8(d)) return false;
    if (size == 4) size = 2;
    int mod = size == 0 ? 0 : size == 1 ? 1 : 2;
    tail->push_back(static_cast<uint8_t>(mod << 6 | (reg_field & 7) << 3 | rmf));
    PutLe(tail, static_cast<uint64_t>(d), size);
    return true;
  }
  if (m.addr_bits == 64 && mode != 64) return false;
  if (m.addr_bits != 32 && m.addr_bits != 64) return false;
  int scale_bits = m.scale == 1 ? 0 : m.scale == 2 ? 1 : m.scale == 4 ? 2 : m.scale == 8 ? 3 : -1;
  if (scale_bits < 0 || m.index == 4) return false;
  if (m.rip_relative) {
    if (mode != 64) return false;
    tail->push_back(static_cast<uint8_t>((reg_field & 7) << 3 | 5));
    *disp_at = static_cast<int>(tail->size());
    PutLe(tail, 0, 4);
    return true;
  }
  int64_t d = m.disp;
  if (m.base < 0) {
    if (!FitsInt32(d) && !(d >= 0 && d <= UINT32_MAX)) return false;
    if (m.index < 0 && mode != 64 && !m.sib_absolute) {
      tail->push_back(static_cast<uint8_t>((reg_field & 7) << 3 | 5));
    } else {
      tail->push_back(static_cast<uint8_t>((reg_field & 7) << 3 | 4));
      int idx = m.index < 0 ? 4 : (m.index & 7);
      tail->push_back(static_cast<uint8_t>(scale_bits << 6 | idx << 3 | 5));
    }
    PutLe(tail, static_cast<uint64_t>(d), 4);
    return true;
  }
  int size = m.disp_bytes;
  bool bp_like = (m.base & 7) == 5;
  if (size < 0) size = (d == 0 && !bp_like) ? 0 : FitsInt8(d) ? 1 : 4;
  if (size == 0 && (d != 0 || bp_like)) return false;
  if (size == 1 && !FitsInt8(d)) return false;
  if (size == 2) size = 4;
  if (size == 4 && !FitsInt32(d) && !(d >= 0 && d <= UINT32_MAX)) return false;
  int mod = size == 0 ? 0 : size == 1 ? 1 : 2;
  bool sib = m.index >= 0 || (m.base & 7) == 4;
  if (!sib) {
    tail->push_back(static_cast<uint8_t>(mod << 6 | (reg_field & 7) << 3 | (m.base & 7)));
  } else {
    tail->push_back(static_cast<uint8_t>(mod << 6 | (reg_field & 7) << 3 | 4));
    int idx = m.index < 0 ? 4 : (m.index & 7);
    tail->push_back(static_cast<uint8_t>(scale_bits << 6 | idx << 3 | (m.base & 7)));
  }
  PutLe(tail, static_cast<uint64_t>(d), size);
  return true;
}

int DefaultAddrBits(int mode) { return mode; }

// Appends 67h if `addr_bits` differs from the mode's default; false if impossible.
bool AddrPrefix(int mode, int addr_bits, std::vector<uint8_t>* out) {
  if (addr_bits == 0 || addr_bits == DefaultAddrBits(mode)) return true;
  if (mode == 64 && addr_bits == 32)
    out->push_back(0x67);
  else if (mode == 32 && addr_bits == 16)
    out->push_back(0x67);
  else if (mode == 16 && addr_bits == 32)
    out->push_back(0x67);
  else
    return false;
  return true;
}

// Patches a RIP-relative displacement once the instruction length is known.
// `disp_pos` is the displacement's offset in `out`; the instruction ends at out->size().
void PatchRip(const RmOperand& rm, uint64_t code_base, size_t disp_pos, std::vector<uint8_t>* out) {
  uint64_t next = code_base + out->size();
  uint32_t d = static_cast<uint32_t>(rm.mem.rip_target - next);
  for (int i = 0; i < 4; ++i) (*out)[disp_pos + i] = static_cast<uint8_t>(d >> (8 * i));
}

}  // namespace

bool Encode(int mode, const Insn& insn, uint64_t code_base, std::vector<uint8_t>* out) {
  size_t start = out->size();
  std::vector<uint8_t> bytes(insn.prefixes);
  if (insn.reg >= 0 && insn.rm.is_mem && insn.rm.mem.segment) bytes.push_back(insn.rm.mem.segment);
  // Operand size (SDM Vol. 1 3.6.1).
  switch (insn.op_bits) {
    case 8:
      break;
    case 16:
      if (mode != 16) bytes.push_back(0x66);
      break;
    case 32:
      if (mode == 16) bytes.push_back(0x66);
      if (mode == 64 && insn.default64) return false;
      break;
    case 64:
      if (mode != 64) return false;
      break;
    default:
      return false;
  }
  int addr_bits = insn.reg >= 0 && insn.rm.is_mem ? insn.rm.mem.addr_bits : insn.addr_bits;
  if (!AddrPrefix(mode, addr_bits, &bytes)) return false;
  bytes.insert(bytes.end(), insn.mandatory.begin(), insn.mandatory.end());

  RexNeeds rex;
  if (insn.op_bits == 64 && !insn.default64) rex.bits |= 8;
  if (insn.reg >= 0) {
    if (insn.reg_byte)
      NoteByteReg(insn.reg, &rex);
    else if (insn.reg >= 8)
      rex.bits |= 4;
    if (insn.reg_byte && insn.reg >= 8 && insn.reg < kAh) rex.bits |= 4;
    if (insn.rm.is_mem) {
      if (insn.rm.mem.index >= 8) rex.bits |= 2;
      if (insn.rm.mem.base >= 8 && insn.rm.mem.addr_bits != 16) rex.bits |= 1;
    } else {
      if (insn.rm_byte) NoteByteReg(insn.rm.reg, &rex);
      if (insn.rm.reg >= 8 && insn.rm.reg < kAh) rex.bits |= 1;
    }
  }
  if (insn.opreg >= 0) {
    if (insn.opreg_byte) NoteByteReg(insn.opreg, &rex);
    if (insn.opreg >= 8 && insn.opreg < kAh) rex.bits |= 1;
  }
  bool emit_rex = rex.bits != 0 || rex.required || insn.force_rex;
  if (emit_rex && (mode != 64 || rex.forbidden)) return false;
  if (emit_rex) bytes.push_back(static_cast<uint8_t>(0x40 | rex.bits));

  bytes.insert(bytes.end(), insn.opcode.begin(), insn.opcode.end());
  if (insn.opreg >= 0) bytes.back() = static_cast<uint8_t>(bytes.back() + Low3(insn.opreg));

  int disp_at = -1;
  if (insn.reg >= 0) {
    int reg_field = insn.reg_byte ? Low3(insn.reg) : (insn.reg & 7);
    if (!ModRmBytes(mode, reg_field, insn.rm, &bytes, &disp_at)) return false;
  }
  PutLe(&bytes, insn.imm, insn.imm_bytes);
  PutLe(&bytes, insn.imm2, insn.imm2_bytes);
  out->insert(out->end(), bytes.begin(), bytes.end());
  if (disp_at >= 0) {
    PatchRip(insn.rm, code_base, start + static_cast<size_t>(disp_at), out);
  }
  return true;
}

bool EncodeVex(int mode, const VexInsn& insn, uint64_t code_base, std::vector<uint8_t>* out) {
  size_t start = out->size();
  std::vector<uint8_t> bytes;
  if (insn.rm.is_mem && insn.rm.mem.segment) bytes.push_back(insn.rm.mem.segment);
  if (insn.rm.is_mem && !AddrPrefix(mode, insn.rm.mem.addr_bits, &bytes)) return false;
  bool r = insn.reg >= 8;
  bool x = insn.rm.is_mem && insn.rm.mem.index >= 8;
  bool b =
      insn.rm.is_mem ? (insn.rm.mem.base >= 8 && insn.rm.mem.addr_bits != 16) : insn.rm.reg >= 8;
  if (mode != 64 && (r || x || b || insn.w || insn.vvvv >= 8)) return false;
  int vvvv = insn.vvvv < 0 ? 0 : insn.vvvv;
  // SDM Vol. 2A 2.3.5: R, X, B and vvvv are stored inverted.
  bytes.push_back(0xC4);
  bytes.push_back(
      static_cast<uint8_t>((r ? 0 : 0x80) | (x ? 0 : 0x40) | (b ? 0 : 0x20) | insn.map));
  bytes.push_back(static_cast<uint8_t>((insn.w ? 0x80 : 0) | ((~vvvv & 15) << 3) | insn.pp));
  bytes.push_back(insn.opcode);
  int disp_at = -1;
  if (!ModRmBytes(mode, insn.reg & 7, insn.rm, &bytes, &disp_at)) return false;
  PutLe(&bytes, insn.imm, insn.imm_bytes);
  out->insert(out->end(), bytes.begin(), bytes.end());
  if (disp_at >= 0) {
    PatchRip(insn.rm, code_base, start + static_cast<size_t>(disp_at), out);
  }
  return true;
}

std::string HexText(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%" PRIx64, v);
  return buf;
}

std::string RegName(int reg, int bits) {
  static constexpr const char* k64[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                          "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};
  static constexpr const char* k32[16] = {"eax",  "ecx",  "edx",  "ebx", "esp",  "ebp",
                                          "esi",  "edi",  "r8d",  "r9d", "r10d", "r11d",
                                          "r12d", "r13d", "r14d", "r15d"};
  static constexpr const char* k16[16] = {"ax",   "cx",   "dx",   "bx",  "sp",   "bp",
                                          "si",   "di",   "r8w",  "r9w", "r10w", "r11w",
                                          "r12w", "r13w", "r14w", "r15w"};
  static constexpr const char* k8[20] = {"al",   "cl",   "dl",  "bl",   "spl",  "bpl",  "sil",
                                         "dil",  "r8b",  "r9b", "r10b", "r11b", "r12b", "r13b",
                                         "r14b", "r15b", "ah",  "ch",   "dh",   "bh"};
  if (reg < 0) return "?";
  switch (bits) {
    case 8:
      return reg < 20 ? k8[reg] : "?";
    case 16:
      return k16[reg & 15];
    case 32:
      return k32[reg & 15];
    default:
      return k64[reg & 15];
  }
}

std::string MemText(const MemOperand& m, int size_bytes) {
  std::string out;
  switch (size_bytes) {
    case 1:
      out = "byte ";
      break;
    case 2:
      out = "word ";
      break;
    case 4:
      out = "dword ";
      break;
    case 8:
      out = "qword ";
      break;
    case 16:
      out = "xmmword ";
      break;
    default:
      break;
  }
  if (m.segment) {
    static constexpr const char* kSeg[] = {"es:", "cs:", "ss:", "ds:"};
    if (m.segment == 0x64)
      out += "fs:";
    else if (m.segment == 0x65)
      out += "gs:";
    else
      out += kSeg[(m.segment >> 3) & 3];
  }
  out += "[";
  if (m.rip_relative) {
    out += (m.addr_bits == 32 ? "eip" : "rip");
    out += "->" + HexText(m.rip_target) + "]";
    return out;
  }
  bool first = true;
  if (m.base >= 0) {
    out += RegName(m.base, m.addr_bits);
    first = false;
  }
  if (m.index >= 0) {
    if (!first) out += "+";
    out += RegName(m.index, m.addr_bits);
    if (m.scale != 1) out += "*" + std::to_string(m.scale);
    first = false;
  }
  if (m.disp != 0 || first) {
    if (!first) out += m.disp < 0 ? "-" : "+";
    out += HexText(first || m.disp >= 0 ? static_cast<uint64_t>(m.disp)
                                        : static_cast<uint64_t>(-m.disp));
  }
  return out + "]";
}

std::string RmText(const RmOperand& rm, int bits) {
  return rm.is_mem ? MemText(rm.mem, bits / 8) : RegName(rm.reg, bits);
}

}  // namespace vireo::diff
