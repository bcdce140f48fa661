#pragma once
// Vocabulary of the opcode tables (opcodes_*.inc). The tables are data written in the SDM's
// opcode-map notation (SDM Vol. 2 Appendix A.2: addressing method + operand type, e.g. Ev, Gb,
// Ib, Wps) so every line can be checked against the manual. Each line is
//
//   OP(opcode, modrm, prefix, MNEMONIC, (operands...), ISA, flags)
//
//   modrm   xx: no ModRM constraint; MM / RR: memory form (mod != 11b) / register form only;
//           A0-A7: ModRM.reg = /digit, any mod; M0-M7 / R0-R7: /digit with memory / register
//           form only; B(0xC8): the exact ModRM byte (register form) of Table A-6 / x87 maps.
//   prefix  Pxx: no mandatory prefix (66/F2/F3 keep their legacy meaning); PNP: none of
//           66/F2/F3; P66 / PF3 / PF2: that mandatory prefix (SDM Vol. 2A 2.1.2); PNF: no
//           F2/F3 (66 stays an operand-size prefix).
//   flags   F_* attributes (exported as AttrBits) | K_* decode constraints (operand size,
//           address size, REX.W/VEX.W, REX.B) that select between same-opcode entries.
//
// VEX(map, ...) lines in opcodes_vex.inc take the VEX map (V0F38, V0F3A) first.
// The includer defines OP/VEX; this header only defines the tokens the lines use.

#include <cstdint>

#include "cpu/x86/decoded_inst.h"

namespace vireo::x86::table {

/// Addressing method of an operand (SDM Vol. 2 A.2.1), plus the fixed-operand forms.
enum class Method : uint8_t {
  kNone,
  kE,    ///< ModRM rm: GPR or memory
  kM,    ///< ModRM rm: memory only
  kR,    ///< ModRM rm: GPR only (mod = 11b)
  kG,    ///< ModRM reg: GPR
  kV,    ///< ModRM reg: XMM
  kW,    ///< ModRM rm: XMM or memory
  kU,    ///< ModRM rm: XMM only
  kP,    ///< ModRM reg: MMX
  kQ,    ///< ModRM rm: MMX or memory
  kN,    ///< ModRM rm: MMX only
  kS,    ///< ModRM reg: segment register
  kC,    ///< ModRM reg: control register
  kD,    ///< ModRM reg: debug register
  kB,    ///< VEX.vvvv: GPR
  kZ,    ///< low 3 opcode bits (+REX.B): GPR
  kI,    ///< immediate, zero-extended
  kIs,   ///< imm8 sign-extended to the operand size (83, 6A, 6B)
  kJ,    ///< relative offset, sign-extended
  kA,    ///< direct far pointer ptr16:16 / ptr16:32
  kO,    ///< moffs: address-size offset, no ModRM
  kX,    ///< DS:rSI string source (implicit, not emitted)
  kY,    ///< ES:rDI string destination (implicit, not emitted)
  kImplicit,  ///< other implicit operand (<XMM0>), not emitted
  kFixedGpr,  ///< register named by the opcode (AL, rAX, DX, ...), `reg` holds it
  kFixedSeg,  ///< segment register named by the opcode (PUSH ES)
  kOne,       ///< the constant 1 of D0/D1 shifts
  kSt0,       ///< x87 ST(0)
  kSti,       ///< x87 ST(i), i = ModRM.rm
};

/// Operand type / size code (SDM Vol. 2 A.2.2); the packed/scalar XMM codes map onto the
/// memory size they access (ps/pd/x/dq = 16 bytes, ss = 4, sd = 8, pi = 8).
enum class Sz : uint8_t {
  kNone,   ///< no size (LEA's M, XSAVE area)
  kB,      ///< byte
  kW,      ///< word
  kD,      ///< doubleword
  kQ,      ///< quadword
  kDq,     ///< double quadword (128 bits)
  kT,      ///< ten bytes (m80fp, m80bcd)
  kV,      ///< word/dword/qword by operand size
  kZ,      ///< word for 16-bit operand size, else dword
  kY,      ///< qword for 64-bit operand size, else dword
  kP,      ///< far pointer: 32/48/80 bits by operand size (m16:16, m16:32, m16:64)
  kA,      ///< BOUND pair: m16&16 or m32&32
  kS,      ///< pseudo-descriptor: 6 bytes, 10 in 64-bit mode
  kEnv,    ///< x87 environment: 14 or 28 bytes by operand size
  kFsave,  ///< x87 state: 94 or 108 bytes by operand size
  kFx512,  ///< FXSAVE area: 512 bytes
};

/// One operand of a table line: method, size of the register form, size of the memory form
/// (they differ for e.g. "Rv/Mw" of MOV Ev,Sw and "Rd/Mb" of PEXTRB), fixed register number.
struct OperandSpec {
  Method method = Method::kNone;
  Sz size = Sz::kNone;
  Sz mem_size = Sz::kNone;
  uint8_t reg = 0;
};

/// Builds a spec whose register and memory forms have the same size.
constexpr OperandSpec Spec(Method m, Sz s, uint8_t reg = 0) { return {m, s, s, reg}; }
/// Builds a spec with different register and memory sizes ("Rv/Mw").
constexpr OperandSpec Dual(Method m, Sz reg_size, Sz mem_size) {
  return {m, reg_size, mem_size, 0};
}

// The operand tokens, spelled as in the SDM opcode maps. NOLINT-style short names are the
// point: they must read like Table A-2.
#define X86_T(name, value) inline constexpr OperandSpec name = value;
// General-purpose register or memory (E), register (G), memory only (M), register only (R).
X86_T(Eb, Spec(Method::kE, Sz::kB)) X86_T(Ew, Spec(Method::kE, Sz::kW))
X86_T(Ed, Spec(Method::kE, Sz::kD)) X86_T(Eq, Spec(Method::kE, Sz::kQ))
X86_T(Ev, Spec(Method::kE, Sz::kV)) X86_T(Ey, Spec(Method::kE, Sz::kY))
X86_T(Gb, Spec(Method::kG, Sz::kB)) X86_T(Gw, Spec(Method::kG, Sz::kW))
X86_T(Gd, Spec(Method::kG, Sz::kD)) X86_T(Gq, Spec(Method::kG, Sz::kQ))
X86_T(Gv, Spec(Method::kG, Sz::kV)) X86_T(Gy, Spec(Method::kG, Sz::kY))
X86_T(Gz, Spec(Method::kG, Sz::kZ))
X86_T(M, Spec(Method::kM, Sz::kNone)) X86_T(Mb, Spec(Method::kM, Sz::kB))
X86_T(Mw, Spec(Method::kM, Sz::kW)) X86_T(Md, Spec(Method::kM, Sz::kD))
X86_T(Mq, Spec(Method::kM, Sz::kQ)) X86_T(Mdq, Spec(Method::kM, Sz::kDq))
X86_T(Mv, Spec(Method::kM, Sz::kV)) X86_T(My, Spec(Method::kM, Sz::kY))
X86_T(Mp, Spec(Method::kM, Sz::kP)) X86_T(Ms, Spec(Method::kM, Sz::kS))
X86_T(Ma, Spec(Method::kM, Sz::kA)) X86_T(Mps, Spec(Method::kM, Sz::kDq))
X86_T(Mpd, Spec(Method::kM, Sz::kDq)) X86_T(Mx, Spec(Method::kM, Sz::kDq))
X86_T(Mss, Spec(Method::kM, Sz::kD)) X86_T(Msd, Spec(Method::kM, Sz::kQ))
X86_T(M512byte, Spec(Method::kM, Sz::kFx512))
X86_T(Rd, Spec(Method::kR, Sz::kD)) X86_T(Rq, Spec(Method::kR, Sz::kQ))
X86_T(Ry, Spec(Method::kR, Sz::kY)) X86_T(Rv, Spec(Method::kR, Sz::kV))
X86_T(RvMw, Dual(Method::kE, Sz::kV, Sz::kW)) X86_T(RdMb, Dual(Method::kE, Sz::kD, Sz::kB))
X86_T(RdMw, Dual(Method::kE, Sz::kD, Sz::kW)) X86_T(RyMb, Dual(Method::kE, Sz::kY, Sz::kB))
X86_T(RyMw, Dual(Method::kE, Sz::kY, Sz::kW)) X86_T(RzMw, Dual(Method::kE, Sz::kZ, Sz::kW))
// Registers named by the opcode (SDM A.2.3: AL, eAX = 16/32, rAX = 16/32/64).
X86_T(AL, Spec(Method::kFixedGpr, Sz::kB, 0)) X86_T(CL, Spec(Method::kFixedGpr, Sz::kB, 1))
X86_T(AX, Spec(Method::kFixedGpr, Sz::kW, 0)) X86_T(DX, Spec(Method::kFixedGpr, Sz::kW, 2))
X86_T(eAX, Spec(Method::kFixedGpr, Sz::kZ, 0)) X86_T(rAX, Spec(Method::kFixedGpr, Sz::kV, 0))
X86_T(ES, Spec(Method::kFixedSeg, Sz::kW, 0)) X86_T(CS, Spec(Method::kFixedSeg, Sz::kW, 1))
X86_T(SS, Spec(Method::kFixedSeg, Sz::kW, 2)) X86_T(DS, Spec(Method::kFixedSeg, Sz::kW, 3))
X86_T(FS, Spec(Method::kFixedSeg, Sz::kW, 4)) X86_T(GS, Spec(Method::kFixedSeg, Sz::kW, 5))
X86_T(Zb, Spec(Method::kZ, Sz::kB)) X86_T(Zv, Spec(Method::kZ, Sz::kV))
X86_T(One, Spec(Method::kOne, Sz::kB))
// Immediates, relative offsets, far pointers, memory offsets, string operands.
X86_T(Ib, Spec(Method::kI, Sz::kB)) X86_T(Iw, Spec(Method::kI, Sz::kW))
X86_T(Iz, Spec(Method::kI, Sz::kZ)) X86_T(Iv, Spec(Method::kI, Sz::kV))
X86_T(Ibs, Spec(Method::kIs, Sz::kB))
X86_T(Jb, Spec(Method::kJ, Sz::kB)) X86_T(Jz, Spec(Method::kJ, Sz::kZ))
X86_T(Ap, Spec(Method::kA, Sz::kP))
X86_T(Ob, Spec(Method::kO, Sz::kB)) X86_T(Ov, Spec(Method::kO, Sz::kV))
X86_T(Xb, Spec(Method::kX, Sz::kB)) X86_T(Xv, Spec(Method::kX, Sz::kV))
X86_T(Xz, Spec(Method::kX, Sz::kZ)) X86_T(Yb, Spec(Method::kY, Sz::kB))
X86_T(Yv, Spec(Method::kY, Sz::kV)) X86_T(Yz, Spec(Method::kY, Sz::kZ))
// Segment, control, debug registers (ModRM.reg).
X86_T(Sw, Spec(Method::kS, Sz::kW)) X86_T(Cy, Spec(Method::kC, Sz::kY))
X86_T(Dy, Spec(Method::kD, Sz::kY))
// XMM (V reg, W reg/mem, U reg only); the size is what a memory form accesses.
X86_T(Vps, Spec(Method::kV, Sz::kDq)) X86_T(Vpd, Spec(Method::kV, Sz::kDq))
X86_T(Vss, Spec(Method::kV, Sz::kD)) X86_T(Vsd, Spec(Method::kV, Sz::kQ))
X86_T(Vdq, Spec(Method::kV, Sz::kDq)) X86_T(Vx, Spec(Method::kV, Sz::kDq))
X86_T(Vq, Spec(Method::kV, Sz::kQ)) X86_T(Vd, Spec(Method::kV, Sz::kD))
X86_T(Vy, Spec(Method::kV, Sz::kY))
X86_T(Wps, Spec(Method::kW, Sz::kDq)) X86_T(Wpd, Spec(Method::kW, Sz::kDq))
X86_T(Wss, Spec(Method::kW, Sz::kD)) X86_T(Wsd, Spec(Method::kW, Sz::kQ))
X86_T(Wdq, Spec(Method::kW, Sz::kDq)) X86_T(Wx, Spec(Method::kW, Sz::kDq))
X86_T(Wq, Spec(Method::kW, Sz::kQ)) X86_T(Wd, Spec(Method::kW, Sz::kD))
X86_T(Ww, Spec(Method::kW, Sz::kW))
X86_T(Ups, Spec(Method::kU, Sz::kDq)) X86_T(Upd, Spec(Method::kU, Sz::kDq))
X86_T(Udq, Spec(Method::kU, Sz::kDq)) X86_T(Ux, Spec(Method::kU, Sz::kDq))
X86_T(Uq, Spec(Method::kU, Sz::kQ))
X86_T(UdqMd, Dual(Method::kW, Sz::kDq, Sz::kD))
X86_T(XMM0, Spec(Method::kImplicit, Sz::kDq))
// MMX (P reg, Q reg/mem, N reg only).
X86_T(Pq, Spec(Method::kP, Sz::kQ)) X86_T(Pd, Spec(Method::kP, Sz::kD))
X86_T(Ppi, Spec(Method::kP, Sz::kQ)) X86_T(Qq, Spec(Method::kQ, Sz::kQ))
X86_T(Qd, Spec(Method::kQ, Sz::kD)) X86_T(Qpi, Spec(Method::kQ, Sz::kQ))
X86_T(Nq, Spec(Method::kN, Sz::kQ))
// VEX.vvvv general register (BMI1/BMI2, SDM Vol. 2A 2.3.5.6).
X86_T(By, Spec(Method::kB, Sz::kY))
// x87 (SDM Vol. 2 A.5 and the instruction pages' m32fp/m16int/... notation).
X86_T(ST0, Spec(Method::kSt0, Sz::kT)) X86_T(STi, Spec(Method::kSti, Sz::kT))
X86_T(M16int, Spec(Method::kM, Sz::kW)) X86_T(M32int, Spec(Method::kM, Sz::kD))
X86_T(M64int, Spec(Method::kM, Sz::kQ)) X86_T(M32fp, Spec(Method::kM, Sz::kD))
X86_T(M64fp, Spec(Method::kM, Sz::kQ)) X86_T(M80fp, Spec(Method::kM, Sz::kT))
X86_T(M80bcd, Spec(Method::kM, Sz::kT)) X86_T(M2byte, Spec(Method::kM, Sz::kW))
X86_T(M14_28byte, Spec(Method::kM, Sz::kEnv)) X86_T(M94_108byte, Spec(Method::kM, Sz::kFsave))
#undef X86_T

/// Mandatory-prefix column values.
enum PrefixRule : uint8_t { Pxx, PNP, P66, PF3, PF2, PNF };

/// ModRM column: bits 0-1 mod kind (0 any, 1 memory, 2 register), bits 2-5 reg + 1, bits 6-9
/// rm + 1 (0 = unconstrained), bit 10 "instruction has a ModRM byte".
constexpr uint16_t ModrmRule(int mod_kind, int reg, int rm) {
  return static_cast<uint16_t>((mod_kind & 3) | ((reg + 1) << 2) | ((rm + 1) << 6) | (1 << 10));
}
inline constexpr uint16_t xx = 0;
inline constexpr uint16_t MM = ModrmRule(1, -1, -1);
inline constexpr uint16_t RR = ModrmRule(2, -1, -1);
#define X86_DIGIT(n)                                     \
  inline constexpr uint16_t A##n = ModrmRule(0, n, -1);  \
  inline constexpr uint16_t M##n = ModrmRule(1, n, -1);  \
  inline constexpr uint16_t R##n = ModrmRule(2, n, -1);
X86_DIGIT(0) X86_DIGIT(1) X86_DIGIT(2) X86_DIGIT(3) X86_DIGIT(4) X86_DIGIT(5) X86_DIGIT(6)
X86_DIGIT(7)
#undef X86_DIGIT
/// An exact register-form ModRM byte (C0..FF), as in Table A-6 and the x87 maps.
constexpr uint16_t B(int modrm) { return ModrmRule(2, (modrm >> 3) & 7, modrm & 7); }

/// VEX map column values (opcodes_vex.inc).
inline constexpr OpcodeMap V0F38 = OpcodeMap::kVex0F38;
inline constexpr OpcodeMap V0F3A = OpcodeMap::kVex0F3A;

// Attribute flags (low 32 bits, equal to AttrBits) and decode constraints (high bits).
inline constexpr uint64_t F_LOCK = kAttrLockable;
inline constexpr uint64_t F_BR = kAttrBranch;
inline constexpr uint64_t F_COND = kAttrConditional;
inline constexpr uint64_t F_CALL = kAttrCall;
inline constexpr uint64_t F_RET = kAttrReturn;
inline constexpr uint64_t F_FAR = kAttrFar;
inline constexpr uint64_t F_PRIV = kAttrPrivileged;
inline constexpr uint64_t F_EOB = kAttrEndsBlock;
inline constexpr uint64_t F_REP = kAttrRep;
inline constexpr uint64_t F_REPC = kAttrRepCond;
inline constexpr uint64_t F_D64 = kAttrDefault64;
inline constexpr uint64_t F_F64 = kAttrForce64;
inline constexpr uint64_t F_I64 = kAttrInvalid64;
inline constexpr uint64_t F_O64 = kAttrOnly64;
inline constexpr uint64_t F_IO = kAttrIo;
inline constexpr uint64_t F_INT = kAttrInterrupt;
inline constexpr uint64_t F_SER = kAttrSerializing;
inline constexpr uint64_t F_UD = kAttrUndefinedOp;
inline constexpr uint64_t F_STK = kAttrStack;
inline constexpr uint64_t F_NOMOD = kAttrModIgnored;
inline constexpr uint64_t F_OSZ32 = kAttrOpSize32;
// Shorthands for the common control-flow shapes.
inline constexpr uint64_t F_JCC = F_BR | F_COND | F_EOB | F_F64;
inline constexpr uint64_t F_JMP = F_BR | F_EOB | F_F64;
inline constexpr uint64_t F_CALLN = F_BR | F_CALL | F_EOB | F_F64 | F_STK;
inline constexpr uint64_t F_RETN = F_BR | F_RET | F_EOB | F_F64 | F_STK;
inline constexpr uint64_t F_STR = F_REP;

/// Decode constraints: the entry applies only when the effective operand size (16/32/64,
/// before d64/f64 promotion), address size, REX.W/VEX.W or REX.B matches.
inline constexpr uint64_t K_OS16 = 1ull << 32;
inline constexpr uint64_t K_OS32 = 1ull << 33;
inline constexpr uint64_t K_OS64 = 1ull << 34;
inline constexpr uint64_t K_AS16 = 1ull << 35;
inline constexpr uint64_t K_AS32 = 1ull << 36;
inline constexpr uint64_t K_AS64 = 1ull << 37;
inline constexpr uint64_t K_W0 = 1ull << 38;
inline constexpr uint64_t K_W1 = 1ull << 39;
inline constexpr uint64_t K_B0 = 1ull << 40;
inline constexpr uint64_t K_B1 = 1ull << 41;
inline constexpr uint64_t kConstraintMask = 0xFFFFFFFFull << 32;

/// One table line.
struct InstrDef {
  Mnemonic mnemonic;
  OpcodeMap map;
  uint8_t opcode;
  uint8_t prefix;   ///< PrefixRule
  uint16_t modrm;   ///< ModrmRule
  Isa isa;
  uint64_t flags;
  OperandSpec ops[4];
};

}  // namespace vireo::x86::table
