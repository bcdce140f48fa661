#pragma once
// The x86 vCPU's architectural state in one standard-layout block. The IR reaches it only by
// byte offsets (offsetof below), so the layout is part of the translator's contract: the
// static_asserts at the end keep it from drifting silently.

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "jit/exec_env.h"

namespace vireo::x86 {

/// GPR numbers in encoding order (SDM Vol. 2A 2.1.5 Table 2-2 / 3.1.1.1).
enum Gpr : uint8_t {
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
  kR15
};

/// Segment registers in encoding order (Sreg field, SDM Vol. 2A Table 3-6).
enum SegReg : uint8_t { kEs, kCs, kSs, kDs, kFs, kGs, kSegCount };

/// RFLAGS bits (SDM Vol. 1 3.4.3).
inline constexpr uint64_t kCf = 1 << 0, kPf = 1 << 2, kAf = 1 << 4, kZf = 1 << 6, kSf = 1 << 7,
                          kTf = 1 << 8, kIf = 1 << 9, kDf = 1 << 10, kOf = 1 << 11, kIopl = 3 << 12,
                          kNt = 1 << 14, kRf = 1 << 16, kVm = 1 << 17, kAc = 1 << 18,
                          kVif = 1 << 19, kVip = 1 << 20, kId = 1 << 21;
/// The six arithmetic status flags.
inline constexpr uint64_t kArithFlags = kCf | kPf | kAf | kZf | kSf | kOf;
/// Bit 1 always reads as 1.
inline constexpr uint64_t kFixedOne = 1 << 1;

/// A segment register's hidden part (SDM Vol. 3A 3.4.3): what the CPU cached at load time.
struct SegmentCache {
  uint64_t base;
  uint32_t limit;  ///< effective byte limit (granularity applied)
  uint16_t selector;
  uint16_t attrs;  ///< descriptor bits 40-55 packed: type(0-3) S(4) DPL(5-6) P(7) AVL(12) L(13)
                   ///< D/B(14) G(15)
};

/// GDTR / IDTR.
struct TableRegister {
  uint64_t base;
  uint32_t limit;
  uint32_t pad;
};

/// Lazy-flag kinds (QEMU's cc_op idea). cc_op = kind * 4 + log2(operand bytes).
enum class CcKind : uint32_t {
  kEflags,  ///< the arithmetic flags are materialised in rflags
  kAdd,     ///< dst = result, src = second operand
  kAdc,     ///< as kAdd, src2 = carry in
  kSub,     ///< dst = result, src = second operand (CMP too)
  kSbb,     ///< as kSub, src2 = borrow in
  kLogic,   ///< dst = result; CF = OF = 0
  kInc,     ///< dst = result, src2 = CF before (INC keeps CF)
  kDec,     ///< dst = result, src2 = CF before
  kShl,     ///< dst = result, src = value shifted by count-1 (CF = its top bit)
  kShr,     ///< dst = result, src = value shifted by count-1 (CF = its bit 0)
  kSar,     ///< as kShr, OF = 0
  kMul,     ///< dst = low result, src = nonzero if the product overflowed (CF = OF = 1)
  kCount
};

/// Packs a lazy-flags state tag.
constexpr uint32_t CcOp(CcKind kind, unsigned size_log2) {
  return static_cast<uint32_t>(kind) * 4 + size_log2;
}

/// One x87 physical register: the 80-bit extended value (64-bit significand with explicit
/// integer bit, then sign and 15-bit exponent), as FXSAVE stores it, padded to 16 bytes.
/// MMX register n is the significand of physical register n (SDM Vol. 1 9.5.1).
struct X87Register {
  uint64_t significand;
  uint16_t sign_exponent;
  uint16_t pad[3];
};

/// An XMM register as bytes in memory order.
struct alignas(16) XmmRegister {
  uint64_t lo, hi;
};

/// x87, MMX and SSE state (SDM Vol. 1 chapters 8-11). The fields follow the FXSAVE image's
/// meaning (Vol. 1 Table 10-2): FXSAVE/FXRSTOR and XSAVE convert to and from it.
struct FpuState {
  X87Register st[8];  ///< physical registers R0-R7; ST(i) is R[(TOP + i) & 7]
  uint16_t fcw;       ///< control word (reset 0x037F after FNINIT; 0x0040 at power-up)
  uint16_t fsw;       ///< status word, TOP in bits 13:11
  uint16_t ftw;       ///< full tag word: 2 bits per physical register (11 = empty)
  uint16_t fop;       ///< last instruction opcode (11 bits)
  uint64_t fip, fdp;  ///< last instruction / operand pointers
  uint16_t fcs, fds;  ///< their selectors (16/32-bit forms)
  uint32_t mxcsr;     ///< SSE control/status (reset 0x1F80)
  XmmRegister xmm[16];
  uint64_t xcr0;  ///< XSAVE feature mask (bit 0 x87 always set)
  /// Staging for vector helpers: the translator loads a memory source here (in IR, so a fault
  /// is precise) before calling the helper, and stores a memory result from here after it.
  alignas(16) uint8_t scratch[64];
  /// Staging for FXSAVE/XSAVE images (legacy region + XSAVE header): the translator moves
  /// memory here and back in IR, the helper (fpu_state.cpp) builds or applies the image.
  alignas(16) uint8_t image[576];
};

/// The vCPU's state.
struct CpuState {
  uint64_t gpr[16];
  uint64_t rip;
  uint64_t rflags;  ///< CF/PF/AF/ZF/SF/OF are valid only while cc_op is kEflags
  uint64_t cc_dst;
  uint64_t cc_src;
  uint64_t cc_src2;
  uint32_t cc_op;
  uint32_t cpl;  ///< current privilege level (CS.RPL once protected mode is on)
  SegmentCache seg[kSegCount];
  SegmentCache ldtr;
  SegmentCache tr;
  TableRegister gdtr;
  TableRegister idtr;
  uint64_t cr0, cr2, cr3, cr4, cr8;
  uint64_t efer;
  uint64_t dr[8];
  uint64_t star, lstar, cstar, sfmask, kernel_gs_base;
  uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
  uint64_t tsc_offset;
  uint64_t apic_base, pat, misc_enable;

  /// The guest exception being raised by a helper or a memory slow path (vector < 0: none).
  int32_t exception_vector;
  uint32_t exception_error_code;
  bool exception_has_error_code;

  /// Set by interrupt controllers and the I/O thread; checked between blocks.
  std::atomic<uint32_t> interrupt_request;

  /// One soft TLB for the current MMU mode (flushed on mode changes, CR3 writes, INVLPG).
  jit::SoftTlb tlb;

  FpuState fpu;

  // --- added by the system family (translate_system.cpp, msr.cpp) ---------------------------
  /// MSRs the guest may write and read back but nothing else consumes (TSC_AUX, MTRRs,
  /// FEATURE_CONTROL): msr.cpp's table assigns the slots.
  uint64_t msr_store[32];
  /// STI that set IF: no external interrupt may be delivered before the next instruction has
  /// run (SDM Vol. 2B STI). Set by STI; the interrupt-delivery code must honour and clear it.
  uint8_t interrupt_shadow;
  /// An NMI handler is running: further NMIs wait until the next IRET (SDM Vol. 3A 6.7.1).
  uint8_t nmi_blocked;
};

// The IR addresses these by offset; moving them is an ABI change for translated code.
static_assert(offsetof(CpuState, gpr) == 0);
static_assert(offsetof(CpuState, rip) == 128);
static_assert(offsetof(CpuState, rflags) == 136);
static_assert(offsetof(CpuState, cc_dst) == 144);
static_assert(offsetof(CpuState, cc_op) == 168);
static_assert(offsetof(CpuState, seg) == 176);
static_assert(sizeof(SegmentCache) == 16);
static_assert(std::is_standard_layout_v<CpuState>);

/// MXCSR bits LDMXCSR/FXRSTOR/XRSTOR accept, reported as MXCSR_MASK in FXSAVE images (DAZ
/// supported, bits 31:16 reserved; SDM Vol. 1 11.6.6).
inline constexpr uint32_t kMxcsrMask = 0xFFFF;

/// Byte offsets of FPU/SSE state for the translator.
constexpr uint32_t XmmOffset(unsigned r) {
  return static_cast<uint32_t>(offsetof(CpuState, fpu) + offsetof(FpuState, xmm) +
                               sizeof(XmmRegister) * r);
}
constexpr uint32_t FpuScratchOffset() {
  return static_cast<uint32_t>(offsetof(CpuState, fpu) + offsetof(FpuState, scratch));
}
constexpr uint32_t FpuImageOffset() {
  return static_cast<uint32_t>(offsetof(CpuState, fpu) + offsetof(FpuState, image));
}
constexpr uint32_t MxcsrOffset() {
  return static_cast<uint32_t>(offsetof(CpuState, fpu) + offsetof(FpuState, mxcsr));
}

/// Byte offset of GPR `r` in CpuState.
constexpr uint32_t GprOffset(unsigned r) {
  return static_cast<uint32_t>(offsetof(CpuState, gpr) + 8 * r);
}
/// Byte offset of a segment's base/selector.
constexpr uint32_t SegBaseOffset(unsigned s) {
  return static_cast<uint32_t>(offsetof(CpuState, seg) + sizeof(SegmentCache) * s +
                               offsetof(SegmentCache, base));
}
constexpr uint32_t SegLimitOffset(unsigned s) {
  return static_cast<uint32_t>(offsetof(CpuState, seg) + sizeof(SegmentCache) * s +
                               offsetof(SegmentCache, limit));
}
constexpr uint32_t SegSelectorOffset(unsigned s) {
  return static_cast<uint32_t>(offsetof(CpuState, seg) + sizeof(SegmentCache) * s +
                               offsetof(SegmentCache, selector));
}

}  // namespace vireo::x86
