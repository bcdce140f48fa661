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
  kE,         ///< ModRM rm: GPR or memory
  kM,         ///< ModRM rm: memory only
  kR,         ///< ModRM rm: GPR only (mod = 11b)
  kG,         ///< ModRM reg: GPR
  kV,         ///< ModRM reg: XMM
  kW,         ///< ModRM rm: XMM or memory
  kU,         ///< ModRM rm: XMM only
  kP,         ///< ModRM reg: MMX
  kQ,         ///< ModRM rm: MMX or memory
  kN,         ///< ModRM rm: MMX only
  kS,         ///< ModRM reg: segment register
  kC,         ///< ModRM reg: control register
  kD,         ///< ModRM reg: debug register
  kB,         ///< VEX.vvvv: GPR
  kZ,         ///< low 3 opcode bits (+REX.B): GPR
  kI,         ///< immediate, zero-extended
  kIs,        ///< imm8 sign-extended to the operand size (83, 6A, 6B)
  kJ,         ///< relative offset, sign-extended
  kA,         ///< direct far pointer ptr16:16 / ptr16:32
  kO,         ///< moffs: address-size offset, no ModRM
  kX,         ///< DS:rSI string source (implicit, not emitted)
  kY,         ///< ES:rDI string destination (implicit, not emitted)
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

// The operand tokens, spelled as in the SDM opcode maps (they must read like Table A-2).
// General-purpose register or memory (E), register (G), memory only (M), register only (R).
inline constexpr OperandSpec Eb = Spec(Method::kE, Sz::kB);
inline constexpr OperandSpec Ew = Spec(Method::kE, Sz::kW);
inline constexpr OperandSpec Ed = Spec(Method::kE, Sz::kD);
inline constexpr OperandSpec Eq = Spec(Method::kE, Sz::kQ);
inline constexpr OperandSpec Ev = Spec(Method::kE, Sz::kV);
inline constexpr OperandSpec Ey = Spec(Method::kE, Sz::kY);
inline constexpr OperandSpec Gb = Spec(Method::kG, Sz::kB);
inline constexpr OperandSpec Gw = Spec(Method::kG, Sz::kW);
inline constexpr OperandSpec Gd = Spec(Method::kG, Sz::kD);
inline constexpr OperandSpec Gq = Spec(Method::kG, Sz::kQ);
inline constexpr OperandSpec Gv = Spec(Method::kG, Sz::kV);
inline constexpr OperandSpec Gy = Spec(Method::kG, Sz::kY);
inline constexpr OperandSpec Gz = Spec(Method::kG, Sz::kZ);
inline constexpr OperandSpec M = Spec(Method::kM, Sz::kNone);
inline constexpr OperandSpec Mb = Spec(Method::kM, Sz::kB);
inline constexpr OperandSpec Mw = Spec(Method::kM, Sz::kW);
inline constexpr OperandSpec Md = Spec(Method::kM, Sz::kD);
inline constexpr OperandSpec Mq = Spec(Method::kM, Sz::kQ);
inline constexpr OperandSpec Mdq = Spec(Method::kM, Sz::kDq);
inline constexpr OperandSpec Mv = Spec(Method::kM, Sz::kV);
inline constexpr OperandSpec My = Spec(Method::kM, Sz::kY);
inline constexpr OperandSpec Mp = Spec(Method::kM, Sz::kP);
inline constexpr OperandSpec Ms = Spec(Method::kM, Sz::kS);
inline constexpr OperandSpec Ma = Spec(Method::kM, Sz::kA);
inline constexpr OperandSpec Mps = Spec(Method::kM, Sz::kDq);
inline constexpr OperandSpec Mpd = Spec(Method::kM, Sz::kDq);
inline constexpr OperandSpec Mx = Spec(Method::kM, Sz::kDq);
inline constexpr OperandSpec Mss = Spec(Method::kM, Sz::kD);
inline constexpr OperandSpec Msd = Spec(Method::kM, Sz::kQ);
inline constexpr OperandSpec M512byte = Spec(Method::kM, Sz::kFx512);
inline constexpr OperandSpec Rd = Spec(Method::kR, Sz::kD);
inline constexpr OperandSpec Rq = Spec(Method::kR, Sz::kQ);
inline constexpr OperandSpec Ry = Spec(Method::kR, Sz::kY);
inline constexpr OperandSpec Rv = Spec(Method::kR, Sz::kV);
inline constexpr OperandSpec RvMw = Dual(Method::kE, Sz::kV, Sz::kW);
inline constexpr OperandSpec RdMb = Dual(Method::kE, Sz::kD, Sz::kB);
inline constexpr OperandSpec RdMw = Dual(Method::kE, Sz::kD, Sz::kW);
inline constexpr OperandSpec RyMb = Dual(Method::kE, Sz::kY, Sz::kB);
inline constexpr OperandSpec RyMw = Dual(Method::kE, Sz::kY, Sz::kW);
inline constexpr OperandSpec RzMw = Dual(Method::kE, Sz::kZ, Sz::kW);
// Registers named by the opcode (SDM A.2.3: AL, eAX = 16/32, rAX = 16/32/64), Z = opcode
// low bits + REX.B, and the constant 1 of the D0/D1 shifts.
inline constexpr OperandSpec AL = Spec(Method::kFixedGpr, Sz::kB, 0);
inline constexpr OperandSpec CL = Spec(Method::kFixedGpr, Sz::kB, 1);
inline constexpr OperandSpec AX = Spec(Method::kFixedGpr, Sz::kW, 0);
inline constexpr OperandSpec DX = Spec(Method::kFixedGpr, Sz::kW, 2);
inline constexpr OperandSpec eAX = Spec(Method::kFixedGpr, Sz::kZ, 0);
inline constexpr OperandSpec rAX = Spec(Method::kFixedGpr, Sz::kV, 0);
inline constexpr OperandSpec ES = Spec(Method::kFixedSeg, Sz::kW, 0);
inline constexpr OperandSpec CS = Spec(Method::kFixedSeg, Sz::kW, 1);
inline constexpr OperandSpec SS = Spec(Method::kFixedSeg, Sz::kW, 2);
inline constexpr OperandSpec DS = Spec(Method::kFixedSeg, Sz::kW, 3);
inline constexpr OperandSpec FS = Spec(Method::kFixedSeg, Sz::kW, 4);
inline constexpr OperandSpec GS = Spec(Method::kFixedSeg, Sz::kW, 5);
inline constexpr OperandSpec Zb = Spec(Method::kZ, Sz::kB);
inline constexpr OperandSpec Zv = Spec(Method::kZ, Sz::kV);
inline constexpr OperandSpec One = Spec(Method::kOne, Sz::kB);
// Immediates, relative offsets, far pointers, memory offsets, string operands.
inline constexpr OperandSpec Ib = Spec(Method::kI, Sz::kB);
inline constexpr OperandSpec Iw = Spec(Method::kI, Sz::kW);
inline constexpr OperandSpec Iz = Spec(Method::kI, Sz::kZ);
inline constexpr OperandSpec Iv = Spec(Method::kI, Sz::kV);
inline constexpr OperandSpec Ibs = Spec(Method::kIs, Sz::kB);
inline constexpr OperandSpec Jb = Spec(Method::kJ, Sz::kB);
inline constexpr OperandSpec Jz = Spec(Method::kJ, Sz::kZ);
inline constexpr OperandSpec Ap = Spec(Method::kA, Sz::kP);
inline constexpr OperandSpec Ob = Spec(Method::kO, Sz::kB);
inline constexpr OperandSpec Ov = Spec(Method::kO, Sz::kV);
inline constexpr OperandSpec Xb = Spec(Method::kX, Sz::kB);
inline constexpr OperandSpec Xv = Spec(Method::kX, Sz::kV);
inline constexpr OperandSpec Xz = Spec(Method::kX, Sz::kZ);
inline constexpr OperandSpec Yb = Spec(Method::kY, Sz::kB);
inline constexpr OperandSpec Yv = Spec(Method::kY, Sz::kV);
inline constexpr OperandSpec Yz = Spec(Method::kY, Sz::kZ);
// Segment, control, debug registers (ModRM.reg).
inline constexpr OperandSpec Sw = Spec(Method::kS, Sz::kW);
inline constexpr OperandSpec Cy = Spec(Method::kC, Sz::kY);
inline constexpr OperandSpec Dy = Spec(Method::kD, Sz::kY);
// XMM (V reg, W reg/mem, U reg only); the size is what a memory form accesses.
inline constexpr OperandSpec Vps = Spec(Method::kV, Sz::kDq);
inline constexpr OperandSpec Vpd = Spec(Method::kV, Sz::kDq);
inline constexpr OperandSpec Vss = Spec(Method::kV, Sz::kD);
inline constexpr OperandSpec Vsd = Spec(Method::kV, Sz::kQ);
inline constexpr OperandSpec Vdq = Spec(Method::kV, Sz::kDq);
inline constexpr OperandSpec Vx = Spec(Method::kV, Sz::kDq);
inline constexpr OperandSpec Vq = Spec(Method::kV, Sz::kQ);
inline constexpr OperandSpec Vd = Spec(Method::kV, Sz::kD);
inline constexpr OperandSpec Vy = Spec(Method::kV, Sz::kY);
inline constexpr OperandSpec Wps = Spec(Method::kW, Sz::kDq);
inline constexpr OperandSpec Wpd = Spec(Method::kW, Sz::kDq);
inline constexpr OperandSpec Wss = Spec(Method::kW, Sz::kD);
inline constexpr OperandSpec Wsd = Spec(Method::kW, Sz::kQ);
inline constexpr OperandSpec Wdq = Spec(Method::kW, Sz::kDq);
inline constexpr OperandSpec Wx = Spec(Method::kW, Sz::kDq);
inline constexpr OperandSpec Wq = Spec(Method::kW, Sz::kQ);
inline constexpr OperandSpec Wd = Spec(Method::kW, Sz::kD);
inline constexpr OperandSpec Ww = Spec(Method::kW, Sz::kW);
inline constexpr OperandSpec Ups = Spec(Method::kU, Sz::kDq);
inline constexpr OperandSpec Upd = Spec(Method::kU, Sz::kDq);
inline constexpr OperandSpec Udq = Spec(Method::kU, Sz::kDq);
inline constexpr OperandSpec Ux = Spec(Method::kU, Sz::kDq);
inline constexpr OperandSpec Uq = Spec(Method::kU, Sz::kQ);
inline constexpr OperandSpec UdqMd = Dual(Method::kW, Sz::kDq, Sz::kD);
inline constexpr OperandSpec XMM0 = Spec(Method::kImplicit, Sz::kDq);
// MMX (P reg, Q reg/mem, N reg only).
inline constexpr OperandSpec Pq = Spec(Method::kP, Sz::kQ);
inline constexpr OperandSpec Pd = Spec(Method::kP, Sz::kD);
inline constexpr OperandSpec Ppi = Spec(Method::kP, Sz::kQ);
inline constexpr OperandSpec Qq = Spec(Method::kQ, Sz::kQ);
inline constexpr OperandSpec Qd = Spec(Method::kQ, Sz::kD);
inline constexpr OperandSpec Qpi = Spec(Method::kQ, Sz::kQ);
inline constexpr OperandSpec Nq = Spec(Method::kN, Sz::kQ);
// VEX.vvvv general register (BMI1/BMI2, SDM Vol. 2A 2.3.5.6).
inline constexpr OperandSpec By = Spec(Method::kB, Sz::kY);
// x87 (SDM Vol. 2 A.5 and the instruction pages' m32fp/m16int/... notation).
inline constexpr OperandSpec ST0 = Spec(Method::kSt0, Sz::kT);
inline constexpr OperandSpec STi = Spec(Method::kSti, Sz::kT);
inline constexpr OperandSpec M16int = Spec(Method::kM, Sz::kW);
inline constexpr OperandSpec M32int = Spec(Method::kM, Sz::kD);
inline constexpr OperandSpec M64int = Spec(Method::kM, Sz::kQ);
inline constexpr OperandSpec M32fp = Spec(Method::kM, Sz::kD);
inline constexpr OperandSpec M64fp = Spec(Method::kM, Sz::kQ);
inline constexpr OperandSpec M80fp = Spec(Method::kM, Sz::kT);
inline constexpr OperandSpec M80bcd = Spec(Method::kM, Sz::kT);
inline constexpr OperandSpec M2byte = Spec(Method::kM, Sz::kW);
inline constexpr OperandSpec M14_28byte = Spec(Method::kM, Sz::kEnv);
inline constexpr OperandSpec M94_108byte = Spec(Method::kM, Sz::kFsave);

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
// /digit forms: A = any mod, M = memory form only, R = register form only.
inline constexpr uint16_t A0 = ModrmRule(0, 0, -1);
inline constexpr uint16_t M0 = ModrmRule(1, 0, -1);
inline constexpr uint16_t R0 = ModrmRule(2, 0, -1);
inline constexpr uint16_t A1 = ModrmRule(0, 1, -1);
inline constexpr uint16_t M1 = ModrmRule(1, 1, -1);
inline constexpr uint16_t R1 = ModrmRule(2, 1, -1);
inline constexpr uint16_t A2 = ModrmRule(0, 2, -1);
inline constexpr uint16_t M2 = ModrmRule(1, 2, -1);
inline constexpr uint16_t R2 = ModrmRule(2, 2, -1);
inline constexpr uint16_t A3 = ModrmRule(0, 3, -1);
inline constexpr uint16_t M3 = ModrmRule(1, 3, -1);
inline constexpr uint16_t R3 = ModrmRule(2, 3, -1);
inline constexpr uint16_t A4 = ModrmRule(0, 4, -1);
inline constexpr uint16_t M4 = ModrmRule(1, 4, -1);
inline constexpr uint16_t R4 = ModrmRule(2, 4, -1);
inline constexpr uint16_t A5 = ModrmRule(0, 5, -1);
inline constexpr uint16_t M5 = ModrmRule(1, 5, -1);
inline constexpr uint16_t R5 = ModrmRule(2, 5, -1);
inline constexpr uint16_t A6 = ModrmRule(0, 6, -1);
inline constexpr uint16_t M6 = ModrmRule(1, 6, -1);
inline constexpr uint16_t R6 = ModrmRule(2, 6, -1);
inline constexpr uint16_t A7 = ModrmRule(0, 7, -1);
inline constexpr uint16_t M7 = ModrmRule(1, 7, -1);
inline constexpr uint16_t R7 = ModrmRule(2, 7, -1);
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
  uint8_t prefix;  ///< PrefixRule
  uint16_t modrm;  ///< ModrmRule
  Isa isa;
  uint64_t flags;
  OperandSpec ops[4];
};

}  // namespace vireo::x86::table
