#pragma once
// x86 -> IR. The translator is the only place that defines what an x86 instruction does: both
// tiers run the IR it produces. Per-family translation lives in translate_*.cpp files, each
// registering its mnemonics in the handler table (translate_table.cpp).

#include <cstdint>
#include <functional>
#include <string>

#include "cpu/x86/cpu_state.h"
#include "cpu/x86/decoded_inst.h"
#include "cpu/x86/flags.h"
#include "jit/ir/emitter.h"

namespace vireo::x86 {

/// What the translation of a block depends on besides the code bytes (part of the cache key).
struct TranslationMode {
  CodeSize code = CodeSize::k64;  ///< CS.L / CS.D
  bool stack32 = true;            ///< SS.B: 32-bit stack pointer outside 64-bit mode
  bool protected_mode = true;     ///< CR0.PE (real mode: segment base = selector << 4)
  bool v86 = false;               ///< RFLAGS.VM
  uint8_t cpl = 3;

  /// Per segment register (SegReg order), what translated accesses through it may assume
  /// (outside 64-bit mode). Usability comes from the cached descriptor (SDM Vol. 3A 5.4-5.5);
  /// the limit itself is read at run time unless the segment is flat.
  enum SegBits : uint8_t {
    kSegReadable = 1,    ///< data, or readable code
    kSegWritable = 2,    ///< writable data
    kSegExpandDown = 4,  ///< expand-down data segment
    kSegBig = 8,         ///< D/B set: an expand-down segment's upper bound is 4 GiB - 1
    kSegFlat = 16,       ///< base 0, limit 4 GiB - 1, expand-up: no base add, no limit check
  };
  uint8_t seg[kSegCount] = {};

  /// CR0/CR4 bits that decide whether x87/MMX/SSE instructions raise #UD, #NM or #MF
  /// (SDM Vol. 3A 2.5, Table 2-2 / 13.1): so those checks cost nothing at run time.
  enum FpuBits : uint8_t {
    kFpuMp = 1,           ///< CR0.MP
    kFpuEm = 2,           ///< CR0.EM: x87 and MMX/SSE raise #NM / #UD
    kFpuTs = 4,           ///< CR0.TS: first FPU/SSE use raises #NM
    kFpuNe = 8,           ///< CR0.NE: native #MF (else IGNNE#/FERR# PC style)
    kFpuOsfxsr = 16,      ///< CR4.OSFXSR: SSE allowed, FXSAVE saves XMM
    kFpuOsxmmexcpt = 32,  ///< CR4.OSXMMEXCPT: unmasked SIMD FP exceptions raise #XM (else #UD)
  };
  uint8_t fpu = 0;

  /// Alignment checking: CPL 3 with CR0.AM and RFLAGS.AC (SDM Vol. 3A 6.15, Interrupt 17).
  bool align_check = false;

  /// Packs the mode into the block cache key.
  uint64_t Key() const;
};

/// Reads guest code bytes at a linear address. Returns how many of `max` bytes are readable
/// (it may stop at a page boundary); 0 means the first byte is not fetchable.
using CodeFetcher = std::function<size_t(uint64_t linear, uint8_t* out, size_t max)>;

/// Helper ids for CallHelper (index into the table built in helpers.cpp).
enum class HelperId : uint32_t {
  kRaiseException,  ///< a = vector | (has_error << 8), b = error code; always faults
  kComputeFlags,    ///< -> the six arithmetic RFLAGS bits from the lazy state
  kEvalCondition,   ///< a = condition code -> 0/1
  kCpuid,           ///< executes CPUID on the state's EAX/ECX, writes EAX..EDX
  kRdtsc,           ///< writes EDX:EAX
  kDivide,          ///< a = divisor, b = size_log2 | signed << 2; may raise #DE
  kHalt,            ///< HLT: the vCPU sleeps until an interrupt
  kPdep,            ///< BMI2 PDEP: a = source, b = mask (translate_bits.cpp)
  kPext,            ///< BMI2 PEXT: a = source, b = mask (translate_bits.cpp)
  kCmpxchg16b,      ///< CMPXCHG8B/16B: a = linear address, b = operand bytes (translate_atomic.cpp)
  kStringOp,     ///< MOVS/STOS/LODS/CMPS/SCAS (REP): a = packed descriptor (translate_string.cpp)
  kLoadSegment,  ///< MOV/POP/Lxx to a segment register: a = selector, b = SegReg (segments.cpp)
  kX87,          ///< x87 operations: a = packed operation, b = operand (translate_x87.cpp)
  kVector,       ///< MMX/SSE operations: a = packed operation, b = operand (translate_sse.cpp)
  kFpuState,     ///< FXSAVE/FXRSTOR/XSAVE/XRSTOR/XSETBV...: a = packed, b = address
                 ///< (translate_sse.cpp)
  kSoftwareInterrupt,  ///< INT n/INT3/INTO/INT1: a = vector | source << 8, b = condition
                       ///< (interrupts.cpp)
  kInterruptReturn,    ///< IRET: a = operand bytes (interrupts.cpp)
  kFarTransfer,        ///< far JMP/CALL/RETF: a = kind | bytes << 8 | selector << 16, b = offset
  kSystem,             ///< system instructions: a = SysOp | parameters << 8, b = operand
                       ///< (translate_system.cpp)
  kCount
};

/// Translates guest code starting at a linear address into an IR block.
class Translator {
 public:
  /// Maximum guest instructions in one block (keeps blocks and their exits small).
  static constexpr unsigned kMaxInsts = 64;

  Translator(TranslationMode mode, CodeFetcher fetch) : mode_(mode), fetch_(std::move(fetch)) {}

  /// Translates the block at `rip` (CS base `cs_base`). Decoding stops at a control transfer,
  /// an instruction that changes translation-relevant state, a page boundary or kMaxInsts.
  /// An undecodable instruction becomes a #UD (or #GP for >15 bytes) raised at its address;
  /// a fetch fault on the first byte is reported through `fetch_fault`.
  ir::Block Translate(uint64_t rip, uint64_t cs_base, bool* fetch_fault = nullptr,
                      unsigned max_insts = kMaxInsts);

  const TranslationMode& mode() const { return mode_; }

 private:
  TranslationMode mode_;
  CodeFetcher fetch_;
};

/// The per-block state while translating (used by the translate_*.cpp families).
class TranslatorContext {
 public:
  using Value = ir::Value;
  using Type = ir::Type;

  TranslatorContext(ir::Block& block, const TranslationMode& mode) : e(block), mode(mode) {}

  ir::IrEmitter e;
  const TranslationMode& mode;
  const DecodedInst* d = nullptr;  ///< the instruction being translated
  uint64_t pc = 0;                 ///< its RIP
  uint64_t next_pc = 0;            ///< RIP of the following instruction
  bool end_block = false;          ///< set by a handler: this instruction ends the block

  // --- operands ---------------------------------------------------------------------------
  /// The IR type of `bytes` (1/2/4/8).
  static Type SizeType(unsigned bytes) { return ir::IntType(bytes * 8); }
  /// Reads explicit operand `i` at its own size (immediates are already extended).
  Value Read(unsigned i);
  /// Reads operand `i` as type `t` (zero-extended/truncated).
  Value ReadAs(unsigned i, Type t);
  /// Writes explicit operand `i` (GPR rules: 32-bit writes zero the upper half, 8/16 merge).
  void Write(unsigned i, Value v);
  /// GPR access by number at a width; high-byte registers (kRegAH..) are handled.
  Value GetReg(unsigned reg, unsigned bytes);
  void SetReg(unsigned reg, unsigned bytes, Value v);
  /// The linear address of the memory operand (segment base included), checked for an access
  /// of `size` bytes (default: the memory operand's size) that reads and, if `write`, writes.
  Value Address(unsigned size = 0, bool write = true);
  /// The effective address (offset) of the memory operand, without the segment base.
  Value EffectiveAddress();
  /// Linear address of `offset` in segment `seg` (adds the base unless it is known to be 0).
  /// With `size` > 0 the access is checked against the segment's rights and limit (#GP(0), or
  /// #SS(0) for SS), as the SDM requires outside 64-bit mode (Vol. 3A 5.3).
  Value Linear(Seg seg, Value offset, unsigned size = 0, bool write = false);
  /// Loads/stores guest memory at a linear address (with #AC when alignment checking is on).
  Value Load(Type t, Value linear) {
    CheckAlignment(t, linear);
    return e.LoadMem(t, linear);
  }
  void Store(Value linear, Value v) {
    CheckAlignment(v.type, linear);
    e.StoreMem(linear, v);
  }
  /// #AC(0) for a 2, 4 or 8-byte access not aligned to its size, if the mode checks alignment.
  void CheckAlignment(Type t, Value linear);

  // --- stack --------------------------------------------------------------------------------
  /// Stack-pointer width in bytes for the current mode (8 in 64-bit mode, else SS.B).
  unsigned StackWidth() const;
  /// Pushes `v` (its width is the push size). Writes memory before RSP, so a fault is precise.
  void Push(Value v);
  /// Loads the top of stack (width `bytes`) without popping; Pop = PeekTop + AdjustSp.
  Value PeekTop(unsigned bytes, unsigned offset = 0);
  void AdjustSp(int64_t delta);

  // --- flags --------------------------------------------------------------------------------
  /// Records a lazy-flag result: stores cc state and remembers the values for later conditions.
  void SetFlags(CcKind kind, unsigned bytes, Value dst, Value src = {}, Value src2 = {});
  /// Condition `cc` as a U1 (from known lazy state, materialised flags, or a helper).
  Value Condition(Cond cc);
  /// The carry flag as U1.
  Value Carry();
  /// The six arithmetic flags as RFLAGS bits (U64).
  Value ArithFlags();
  /// Full RFLAGS (U64) as PUSHF sees it.
  Value Rflags();
  /// Sets the arithmetic flags from explicit RFLAGS bits `arith` (U64, other bits ignored).
  void SetArithFlags(Value arith);

  // --- control ------------------------------------------------------------------------------
  /// Raises exception `vector` at this instruction (ends the block).
  void Raise(uint8_t vector, bool has_error = false, uint32_t error = 0);
  /// Truncates a branch target to the operand size's IP width (16-bit IP wraps).
  Value IpMask(Value target, unsigned op_bytes);
  uint64_t IpMask(uint64_t target, unsigned op_bytes) const;
  /// Loads segment register `seg` with the U16 `selector` (descriptor checks may fault) and
  /// ends the block: what translated code may assume about segments has changed.
  void LoadSegmentAndEnd(Seg seg, Value selector);
  /// Ends the block after this instruction through the dispatcher (the translation mode or
  /// other state the next block depends on may have changed).
  void ExitToNext();

  /// Calls a helper.
  Value Call(HelperId id, Type t, Value a = {}, Value b = {}) {
    return e.CallHelper(t, static_cast<uint32_t>(id), a, b);
  }

 private:
  struct Known {
    bool valid = false;
    CcKind kind = CcKind::kEflags;
    unsigned bytes = 4;
    Value dst, src, src2;
  };
  Known cc_;
};

/// A translation function for one mnemonic family; it emits IR for ctx.d.
using TranslateFn = void (*)(TranslatorContext& ctx);

/// Tells the user (once per mnemonic) that the guest hit a decodable instruction without a
/// translation; the guest gets #UD as from a CPU without that feature.
void ReportUnimplemented(Mnemonic m);

/// The handler for `m`, or nullptr (translated as #UD).
TranslateFn HandlerFor(Mnemonic m);

}  // namespace vireo::x86
