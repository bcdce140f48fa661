#pragma once
// The result of decoding one x86 instruction: a compact POD the translator reads. Everything
// needed to execute the instruction is here: mnemonic, effective operand/address size, the
// prefixes seen, up to four explicit operands (with sizes) and the single memory operand.
// Implicit operands (all operands of string instructions, rDX:rAX of MUL/DIV, the stack,
// flags, XMM0 of BLENDV*) are not listed; the mnemonic identifies them. SDM Vol. 2A ch. 2 describes
// the encoding.

#include <cstdint>

namespace vireo::x86 {

/// Default code size of the segment being decoded: CS.D for 16/32-bit code, CS.L for 64-bit
/// (SDM Vol. 3A 5.2). k64 also selects the 64-bit-mode decoding rules (REX, RIP-relative).
enum class CodeSize : uint8_t { k16, k32, k64 };

/// Outcome of Decode(). kTruncated means the buffer ended before the instruction did (fetch
/// more bytes and retry); kUndefined is #UD; kTooLong is #GP(0) for more than 15 bytes
/// (SDM Vol. 2A 2.3.11).
enum class DecodeStatus : uint8_t { kOk, kTruncated, kUndefined, kTooLong };

/// Opcode map the final opcode byte belongs to (SDM Vol. 2 Appendix A, Tables A-2..A-5).
/// k3DNow is 0F 0F whose real opcode is the trailing imm8 (AMD 3DNow! Technology Manual).
enum class OpcodeMap : uint8_t {
  kOneByte,
  k0F,
  k0F38,
  k0F3A,
  kVex0F,
  kVex0F38,
  kVex0F3A,
  k3DNow,
};

/// Mnemonics, generated from the opcode tables (see mnemonics.inc and gen_mnemonics.cpp).
/// Names are the SDM's, with a suffix after '_' only where one SDM name covers two
/// instructions (MOVSD string vs MOVSD_SSE); MnemonicName() gives the printed name.
enum class Mnemonic : uint16_t {
  kInvalid,
#define X86_MNEMONIC(name) k##name,
#include "cpu/x86/mnemonics.inc"
#undef X86_MNEMONIC
  kCount,
};

/// What an explicit operand is.
enum class OperandKind : uint8_t {
  kNone,
  kGpr,     ///< general register; reg 0-15, or kRegAH..kRegBH for a legacy high-byte register
  kSeg,     ///< segment register, reg = Seg value
  kCr,      ///< control register CR0-CR15
  kDr,      ///< debug register DR0-DR7
  kMmx,     ///< MM0-MM7
  kXmm,     ///< XMM0-XMM15
  kSt,      ///< x87 ST(i), reg = i
  kMem,     ///< the memory operand described by DecodedInst::mem
  kImm,     ///< immediate: DecodedInst::imm[reg] after the SDM's extension to Operand::size
            ///< bytes (Iz sign-extended with a 64-bit operand, imm8 of 83/6A/6B sign-extended
            ///< to the operand size), zero above that size
  kRel,     ///< relative branch: imm[0] is the sign-extended displacement; the target is
            ///< (next instruction's address + imm[0]) truncated to Operand::size bytes
  kFarPtr,  ///< direct far pointer (ptr16:16/ptr16:32): imm[0] offset, imm[1] selector
};

/// Segment registers in their ModRM.reg encoding order (SDM Vol. 2A 3.1.1.3 Sreg).
enum class Seg : uint8_t { kES, kCS, kSS, kDS, kFS, kGS, kNone = 0xFF };

/// GPR numbers 0-15 are RAX..R15 in encoding order; these name the rest of the numbering.
inline constexpr uint8_t kRegAH = 16;      ///< AH; CH, DH, BH follow (17..19), only without REX
inline constexpr uint8_t kRegRip = 32;     ///< base register of a RIP/EIP-relative operand
inline constexpr uint8_t kRegNone = 0xFF;  ///< no base / no index

/// Legacy prefix bits in DecodedInst::prefixes (SDM Vol. 2A 2.1.1). They record what was
/// seen, including prefixes that acted as mandatory prefixes or were ignored; of F2 and F3
/// only the last one is recorded, since that is the one that takes effect.
enum PrefixBits : uint8_t {
  kPrefixLock = 1,       ///< F0
  kPrefixRep = 2,        ///< F3 (REP/REPE)
  kPrefixRepne = 4,      ///< F2 (REPNE)
  kPrefixOpSize = 8,     ///< 66
  kPrefixAddrSize = 16,  ///< 67
  kPrefixVex = 32,       ///< instruction was VEX-encoded (fields in DecodedInst::vex_*)
};

/// Per-instruction attributes, from the opcode table's flag column.
enum AttrBits : uint32_t {
  kAttrLockable = 1u << 0,      ///< LOCK allowed (with a memory destination)
  kAttrBranch = 1u << 1,        ///< transfers control (jmp/jcc/call/ret/int/iret/loop/syscall..)
  kAttrConditional = 1u << 2,   ///< branch taken only on a condition (jcc, loop, jrcxz, into)
  kAttrCall = 1u << 3,          ///< pushes a return address
  kAttrReturn = 1u << 4,        ///< pops a return address (ret, retf, iret, sysret, sysexit)
  kAttrFar = 1u << 5,           ///< far transfer / loads CS
  kAttrPrivileged = 1u << 6,    ///< #GP unless CPL 0 (hint; some depend on CR4/IOPL bits)
  kAttrEndsBlock = 1u << 7,     ///< translator should end a block after it (branches, HLT,
                                ///< state changes such as MOV CR, POPF, STI, MOV SS)
  kAttrRep = 1u << 8,           ///< string op honouring F3 as REP
  kAttrRepCond = 1u << 9,       ///< string op honouring F3/F2 as REPE/REPNE (CMPS, SCAS)
  kAttrDefault64 = 1u << 10,    ///< d64: 64-bit default operand size in 64-bit mode
  kAttrForce64 = 1u << 11,      ///< f64: operand size forced to 64 in 64-bit mode (66 ignored)
  kAttrInvalid64 = 1u << 12,    ///< i64: invalid in 64-bit mode
  kAttrOnly64 = 1u << 13,       ///< o64: only valid in 64-bit mode
  kAttrIo = 1u << 14,           ///< port I/O (IOPL / I/O bitmap checks)
  kAttrInterrupt = 1u << 15,    ///< software interrupt / system call (INT n, INT3, INTO, INT1,
                                ///< SYSCALL, SYSENTER)
  kAttrSerializing = 1u << 16,  ///< architecturally serializing (SDM Vol. 3A 9.3)
  kAttrUndefinedOp = 1u << 17,  ///< decodes but always raises #UD (UD0/UD1/UD2)
  kAttrStack = 1u << 18,        ///< implicitly uses the stack (push/pop/call/ret/enter/leave)
  kAttrModIgnored = 1u << 19,   ///< ModRM.mod ignored, rm always a register (MOV CR/DR)
  kAttrOpSize32 = 1u << 20,     ///< operand size 32 outside 64-bit mode, 64 in it, prefixes
                                ///< ignored (MOV CR/DR, INVPCID, VMREAD..)
};

/// Instruction-set extension an instruction belongs to, so the translator can raise #UD for
/// ones the emulated CPU does not advertise (CPUID feature flags).
enum class Isa : uint8_t {
  kBASE,
  kX87,
  kCMOV,
  kCX8,
  kCX16,
  kMMX,
  kSSE,
  kSSE2,
  kSSE3,
  kSSSE3,
  kSSE41,
  kSSE42,
  kSSE4A,
  kAES,
  kPCLMUL,
  kSHA,
  kPOPCNT,
  kLZCNT,
  kBMI1,
  kBMI2,
  kADX,
  kMOVBE,
  kRDRAND,
  kRDSEED,
  kAMD3DNOW,
  kPREFETCHW,
  kPREFETCHWT1,
  kVMX,
  kSVM,
  kSMX,
  kRTM,
  kFXSR,
  kXSAVE,
  kXSAVEOPT,
  kXSAVEC,
  kXSAVES,
  kMONITOR,
  kRDTSCP,
  kFSGSBASE,
  kINVPCID,
  kCLFSH,
  kCLFLUSHOPT,
  kCLWB,
  kPCOMMIT,
  kSMAP,
  kSGX,
  kSEP,
  kSYSCALL,
  kCET,
  kPADLOCK,
  kVMFUNC,
};

/// The memory operand (an instruction has at most one explicit one). The effective address
/// is (base + index * scale + disp) truncated to address_size bytes; a RIP-relative base means
/// the address of the next instruction (EIP when address_size is 4).
struct MemOperand {
  int64_t disp;          ///< sign-extended displacement; moffs (A0-A3) zero-extended address
  uint8_t base;          ///< GPR 0-15, kRegRip, or kRegNone
  uint8_t index;         ///< GPR 0-15 or kRegNone
  uint8_t scale;         ///< 1, 2, 4 or 8
  Seg segment;           ///< effective segment: override (64-bit mode: FS/GS only), else SS
                         ///< for an rBP/rSP base, else DS
  uint8_t address_size;  ///< 2, 4 or 8
};

/// One explicit operand, in SDM (Intel) order: destination first.
struct Operand {
  OperandKind kind;
  uint8_t reg;    ///< register number, or imm[] index for kImm
  uint16_t size;  ///< bytes: register width; bytes accessed for memory (m80 = 10, m16:32 = 6,
                  ///< FXSAVE = 512, 0 for LEA/INVLPG/XSAVE*); kRel: branch operand size
};

/// A decoded instruction. Layout is stable POD so it can be cached by the translator.
struct DecodedInst {
  Mnemonic mnemonic;         ///< kInvalid unless Decode() returned kOk
  uint8_t length;            ///< total bytes, 1..15
  OpcodeMap map;             ///< opcode map of `opcode`
  uint8_t opcode;            ///< final opcode byte (for k3DNow: the trailing suffix byte)
  uint8_t modrm;             ///< ModRM byte if has_modrm
  uint8_t sib;               ///< SIB byte if has_sib
  bool has_modrm;            ///< instruction has a ModRM byte
  bool has_sib;              ///< instruction has a SIB byte
  uint8_t operand_size;      ///< effective operand size 1/2/4/8 (1 for byte forms)
  uint8_t address_size;      ///< effective address size 2/4/8
  uint8_t prefixes;          ///< PrefixBits
  Seg segment_override;      ///< last segment prefix seen, or kNone (raw; in 64-bit mode only
                             ///< FS/GS affect mem.segment)
  uint8_t rex;               ///< effective REX byte (0x40-0x4F) or 0
  uint8_t mandatory_prefix;  ///< 0x66/0xF2/0xF3 consumed as opcode selector, else 0
  uint8_t vex_vvvv;          ///< VEX.vvvv as a register number (un-inverted), if kPrefixVex
  uint8_t vex_l_w;           ///< VEX: bit0 = L, bit1 = W
  Isa isa;                   ///< extension the instruction belongs to
  uint8_t num_operands;      ///< explicit operands in operands[]
  Operand operands[4];
  MemOperand mem;       ///< valid when an operand has kind kMem
  int64_t imm[2];       ///< immediates / branch displacement / far pointer
  uint32_t attributes;  ///< AttrBits

  /// ModRM.mod (SDM Vol. 2A 2.1.5).
  uint8_t Mod() const { return modrm >> 6; }
  /// ModRM.reg without REX.R.
  uint8_t RegField() const { return (modrm >> 3) & 7; }
  /// ModRM.rm without REX.B.
  uint8_t RmField() const { return modrm & 7; }
  /// True when any attribute bit in `mask` is set.
  bool Has(uint32_t mask) const { return (attributes & mask) != 0; }
};

}  // namespace vireo::x86
