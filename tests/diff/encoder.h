// A small x86 instruction encoder for the generators (legacy/REX and VEX forms).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vireo::diff {

/// Byte-register ids: 0-15 are AL..R15B (4-7 are SPL..DIL and need a REX prefix), 16-19 are
/// AH, CH, DH, BH (encoded as 4-7 without REX). Word and wider registers use 0-15.
inline constexpr int kAh = 16;

/// A memory operand as written in the instruction (the generator chose the register values).
struct MemOperand {
  /// Base GPR or -1.
  int base = -1;
  /// Index GPR (never RSP) or -1.
  int index = -1;
  /// 1, 2, 4 or 8 (32/64-bit addressing only).
  int scale = 1;
  /// Displacement.
  int64_t disp = 0;
  /// Address size: 16, 32 or 64.
  int addr_bits = 64;
  /// Displacement width to force (0, 1, 2 or 4); -1 picks the shortest.
  int disp_bytes = -1;
  /// No base and no index encoded through a SIB byte (32-bit addressing outside 64-bit mode).
  bool sib_absolute = false;
  /// RIP-relative (64-bit mode): the encoder computes disp so the operand is rip_target.
  bool rip_relative = false;
  /// Target linear address of a RIP-relative operand.
  uint64_t rip_target = 0;
  /// Segment-override prefix byte (0x26/0x2E/0x36/0x3E/0x64/0x65) or 0.
  uint8_t segment = 0;
};

/// A ModRM r/m operand.
struct RmOperand {
  /// Memory (mem) or register (reg).
  bool is_mem = false;
  /// Register id (byte ids for byte operands).
  int reg = 0;
  /// The memory operand.
  MemOperand mem;
};

/// One legacy-encoded instruction.
struct Insn {
  /// Prefixes emitted first (LOCK, REP, extra segment overrides).
  std::vector<uint8_t> prefixes;
  /// Operand size 8/16/32/64: selects 66h and REX.W.
  int op_bits = 32;
  /// 64-bit is the default operand size in 64-bit mode (PUSH/POP/near branches): no REX.W.
  bool default64 = false;
  /// Mandatory prefix (66/F2/F3) placed after the other prefixes, before REX.
  std::vector<uint8_t> mandatory;
  /// Opcode bytes.
  std::vector<uint8_t> opcode;
  /// ModRM.reg: a register id or an opcode extension; -1 means no ModRM byte.
  int reg = -1;
  /// ModRM.reg names a byte register (ids 16-19 forbid REX, 4-7 need it).
  bool reg_byte = false;
  /// The r/m operand (when reg >= 0).
  RmOperand rm;
  /// r/m register is a byte register.
  bool rm_byte = false;
  /// Register added to the last opcode byte (50+r, B8+r, ...) or -1.
  int opreg = -1;
  /// opreg names a byte register.
  bool opreg_byte = false;
  /// Address size of instructions without ModRM (string ops, LOOP, XLAT, moffs); 0 = default.
  int addr_bits = 0;
  /// Immediate width in bytes.
  int imm_bytes = 0;
  /// Immediate value.
  uint64_t imm = 0;
  /// Second immediate's width (ENTER's level).
  int imm2_bytes = 0;
  /// Second immediate's value.
  uint64_t imm2 = 0;
  /// Force a REX prefix (e.g. 0x40) even when no bit is needed.
  bool force_rex = false;
};

/// One VEX-encoded instruction (VEX.L = 0 GPR forms: BMI1/BMI2).
struct VexInsn {
  /// Opcode map: 1 = 0F, 2 = 0F38, 3 = 0F3A.
  int map = 2;
  /// Implied prefix: 0 none, 1 = 66, 2 = F3, 3 = F2.
  int pp = 0;
  /// VEX.W.
  bool w = false;
  /// Register in VEX.vvvv or -1 (encoded 1111b).
  int vvvv = -1;
  /// Opcode byte.
  uint8_t opcode = 0;
  /// ModRM.reg: register or opcode extension.
  int reg = 0;
  /// The r/m operand.
  RmOperand rm;
  /// Immediate width (0 or 1).
  int imm_bytes = 0;
  /// Immediate value.
  uint64_t imm = 0;
};

/// Appends the encoding of `insn` for `mode` (16/32/64) to `out`. `code_base` is the linear
/// address of out->front() (for RIP-relative operands). Returns false if not encodable.
bool Encode(int mode, const Insn& insn, uint64_t code_base, std::vector<uint8_t>* out);

/// Appends a VEX-encoded instruction; false if not encodable in `mode`.
bool EncodeVex(int mode, const VexInsn& insn, uint64_t code_base, std::vector<uint8_t>* out);

/// Intel-syntax register name for `bits` (byte ids 16-19 give ah..bh).
std::string RegName(int reg, int bits);

/// Intel-syntax memory operand text, e.g. "dword [rbx+rsi*4+0x10]" (size_bytes 0: no size).
std::string MemText(const MemOperand& m, int size_bytes);

/// Text of an r/m operand of `bits` width.
std::string RmText(const RmOperand& rm, int bits);

/// "0x1f" style hex.
std::string HexText(uint64_t v);

}  // namespace vireo::diff
