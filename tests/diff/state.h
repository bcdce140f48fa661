// Register/memory state compared by the differential oracle, and one test case.
//
// Execution environment every executor must reproduce (the native runner does; Vireo's executor
// must map the same things at the same addresses so that CALL return addresses, PUSHF images and
// #PF addresses agree):
//   * data page: kDataAddress .. +4 KiB, read/write; DiffState::data is its content. Offsets
//     0x000..0xBFF hold memory operands, 0xC00..0xFFF the stack (initial rSP: kStackOffset).
//   * code: the case's bytes at linear kCodeAddress followed by a jump out; the case ends when
//     execution reaches offset code.size(). Nothing else is mapped (faults are #PF).
//   * 64-bit mode: flat 64-bit code segment, CPL 3.
//   * 32-bit mode: flat 32-bit code segment (base 0, EIP = kCodeAddress), DS=ES=SS flat 32-bit
//     data (B=1). Only EAX..EDI exist; R8..R15 must come back unchanged.
//   * 16-bit mode (protected mode, not real mode): CS = 16-bit code segment base kCodeAddress,
//     limit 0xFFFF (IP starts at 0); DS=ES=SS = 16-bit data segment base kDataAddress, limit
//     0xFFFF, B=0 (SP-based stack). gpr values are register values (offsets), not linear
//     addresses. R8..R15 must come back unchanged.
//   * RFLAGS in: the case's status flags and DF, plus IF=1 and bit 1 (kFixedFlags). IOPL=0,
//     TF=AC=NT=0. Compared bits: kComparedFlags minus the case's undefined flags.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "tests/diff/layout_defs.h"

namespace vireo::diff {

/// Linear address of the data page.
inline constexpr uint64_t kDataAddress = VIREO_DIFF_DATA_ADDR;
/// Linear address where the case's code starts.
inline constexpr uint64_t kCodeAddress = VIREO_DIFF_CODE_ADDR;
/// Longest code a case may have.
inline constexpr size_t kMaxCodeSize = VIREO_DIFF_CODE_MAX - 16;
/// Size of the data page.
inline constexpr size_t kDataSize = 4096;
/// Data-page offset where the stack area starts (pushes must stay at or above it).
inline constexpr uint64_t kStackAreaOffset = 0xC00;
/// Data-page offset of the initial stack pointer (room above it for POP/RET/LEAVE).
inline constexpr uint64_t kStackOffset = 0xF00;

/// GPR indices in x86 encoding order.
enum Gpr : int {
  kRax,
  kRcx,
  kRdx,
  kRbx,
  kRsp,
  kRbp,
  kRsi,
  kRdi,
  kR8,
  kR9,
  kR10,
  kR11,
  kR12,
  kR13,
  kR14,
  kR15,
};

// RFLAGS bits (SDM Vol. 1 3.4.3).
/// Carry flag.
inline constexpr uint64_t kCf = 1u << 0;
/// Parity flag.
inline constexpr uint64_t kPf = 1u << 2;
/// Auxiliary carry flag.
inline constexpr uint64_t kAf = 1u << 4;
/// Zero flag.
inline constexpr uint64_t kZf = 1u << 6;
/// Sign flag.
inline constexpr uint64_t kSf = 1u << 7;
/// Trap flag.
inline constexpr uint64_t kTf = 1u << 8;
/// Interrupt enable flag.
inline constexpr uint64_t kIf = 1u << 9;
/// Direction flag.
inline constexpr uint64_t kDf = 1u << 10;
/// Overflow flag.
inline constexpr uint64_t kOf = 1u << 11;
/// The six arithmetic status flags.
inline constexpr uint64_t kStatusFlags = kCf | kPf | kAf | kZf | kSf | kOf;
/// Bits a case may choose in its input RFLAGS.
inline constexpr uint64_t kInputFlags = kStatusFlags | kDf;
/// Bits always set in the input RFLAGS: reserved bit 1 and IF (user mode keeps IF=1).
inline constexpr uint64_t kFixedFlags = 0x2 | kIf;
/// Bits compared after a run: status flags, DF, bit 1 and IF. TF/AC/NT/IOPL/ID/RF/VM are never
/// changed by generated code and a CPL-3 process cannot change IOPL or IF anyway.
inline constexpr uint64_t kComparedFlags = kInputFlags | kFixedFlags;

/// MXCSR after reset: all SIMD exceptions masked, round to nearest (SDM Vol. 1 10.2.3).
inline constexpr uint32_t kDefaultMxcsr = 0x1F80;

/// Architectural state before and after a case.
struct DiffState {
  /// RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8..R15.
  uint64_t gpr[16] = {};
  /// RFLAGS.
  uint64_t rflags = kFixedFlags;
  /// The data page (operands and stack).
  std::array<uint8_t, kDataSize> data = {};
  /// XMM0-XMM15 as {low, high} quadwords. Outside 64-bit mode only XMM0-7 exist; XMM8-15 must
  /// come back unchanged.
  uint64_t xmm[16][2] = {};
  /// MXCSR (SDM Vol. 1 10.2.3); compared in full.
  uint32_t mxcsr = kDefaultMxcsr;
  /// x87 physical registers R0-R7: 64-bit significands (= MM0-MM7, SDM Vol. 1 9.5.1) and
  /// sign/exponent words (an MMX write sets them to all ones).
  uint64_t mm[8] = {};
  uint16_t st_exp[8] = {};
  /// Abridged x87 tag word as FXSAVE stores it: bit i set = physical register i is not empty.
  uint8_t fpu_tags = 0;
  /// x87 TOP (FSW bits 13:11); MMX instructions set it to 0.
  uint8_t fpu_top = 0;
};

/// One generated test: code, mode and input state.
struct DiffCase {
  /// 16, 32 or 64.
  int mode = 64;
  /// Instruction bytes; execution ends at offset code.size().
  std::vector<uint8_t> code;
  /// State loaded before the code runs.
  DiffState in;
  /// RFLAGS bits the SDM leaves undefined for this code (not compared).
  uint64_t undefined_flags_mask = 0;
  /// Assembly text or generator name, for reports.
  std::string description;
  /// Generator that made the case (for per-generator counts).
  std::string generator;
};

/// Names of the set bits of `flags` among kComparedFlags, e.g. "CF ZF IF".
std::string FlagNames(uint64_t flags);

/// Name of a GPR as seen in `mode` ("rax" in 64-bit mode, "eax" otherwise).
std::string GprName(int index, int mode);

/// Masks a state's GPRs to what exists in `mode` (low 32 bits of GPR 0-7 outside 64-bit mode).
uint64_t GprCompareMask(int index, int mode);

/// Compares `got` with `expected` for a case. Returns an empty string when equal, else one line
/// per difference ("rax: expected 0x.. got 0x..", "flags: ...", "data[0x10..0x13]: ...").
std::string DiffStates(const DiffCase& c, const DiffState& expected, const DiffState& got);

/// Multi-line dump of the registers and flags of a state.
std::string DumpRegisters(const DiffState& s, int mode);

/// Hex string of bytes, space separated.
std::string HexBytes(const std::vector<uint8_t>& bytes);

/// Exception vectors the oracle distinguishes (SDM Vol. 3A 6.3.1), plus pseudo-vectors.
enum FaultVector : int {
  kFaultDe = 0,
  kFaultDb = 1,
  kFaultBp = 3,
  kFaultOf = 4,
  kFaultBr = 5,
  kFaultUd = 6,
  kFaultNp = 11,
  kFaultSs = 12,
  kFaultGp = 13,
  kFaultPf = 14,
  kFaultMf = 16,
  kFaultAc = 17,
  kFaultXm = 19,
  /// The case did not finish within the hang guard's time.
  kFaultHang = 256,
  /// The executor itself failed (e.g. the native child died).
  kFaultCrash = 257,
};

/// The canonical fault text both executors must produce: "#PF addr=0x10001000 ip=+0x3",
/// "#DE ip=+0x0". ip is the offset of the faulting instruction from the code start.
std::string FormatFault(int vector, uint64_t ip_offset, uint64_t pf_address);

}  // namespace vireo::diff
