#pragma once
// The contract between generated/interpreted code and the guest ISA. jit/ sees guest state only
// as an opaque block addressed by byte offsets, guest memory only through the soft TLB and two
// slow-path callbacks, and guest semantics too complex for IR only as numbered helpers.

#include <atomic>
#include <cstdint>

namespace vireo::jit {

/// One soft-TLB entry (ARCHITECTURE.md section 2.4): a hit is a tag compare and an add.
/// A tag is the page-aligned linear address, or kInvalidTag. Pages that must take the slow path
/// (MMIO, translated code for writes, watchpoints) simply get no tag for that access kind.
struct TlbEntry {
  uint64_t read_tag;
  uint64_t write_tag;
  uint64_t addend;  ///< host address = linear address + addend
  uint64_t phys;    ///< physical page address (to drop write tags when code appears there)
};

inline constexpr uint64_t kInvalidTag = ~uint64_t{0};
inline constexpr unsigned kTlbBits = 8;
inline constexpr unsigned kTlbEntries = 1u << kTlbBits;
inline constexpr unsigned kPageBits = 12;
inline constexpr uint64_t kPageMask = ~uint64_t{(1u << kPageBits) - 1};

/// A direct-mapped TLB for one MMU mode.
struct SoftTlb {
  TlbEntry entries[kTlbEntries];
  /// Which entries translate global pages (x86 PTE.G under CR4.PGE): FlushNonGlobal keeps them.
  bool global[kTlbEntries];
  void Flush() {
    for (unsigned i = 0; i < kTlbEntries; ++i) Invalidate(i);
  }
  /// Drops every entry except the global ones (an address-space switch).
  void FlushNonGlobal() {
    for (unsigned i = 0; i < kTlbEntries; ++i)
      if (!global[i]) Invalidate(i);
  }
  void Invalidate(unsigned i) {
    entries[i] = {kInvalidTag, kInvalidTag, 0, 0};
    global[i] = false;
  }
};

struct ExecEnv;

/// A helper the IR can call (CallHelper's Imm is an index into the table).
struct HelperInfo {
  const char* name;
  uint64_t (*fn)(ExecEnv* env, uint64_t a, uint64_t b);
  bool may_fault;  ///< sets env->fault (after recording the guest exception) to leave the block
  /// May change what translations assume (mode, CPL, segments), halt, or set TF: tier 1 asks
  /// ExecEnv::should_exit before it follows an edge out of a block that calls it.
  bool changes_mode = false;
};

/// Everything a tier needs to run a block for one vCPU.
struct ExecEnv {
  void* state = nullptr;                ///< the guest state block (x86::CpuState)
  SoftTlb* tlb = nullptr;               ///< the TLB of the current MMU mode
  const HelperInfo* helpers = nullptr;  ///< indexed by CallHelper ids
  /// TLB-miss paths: fill the TLB or access MMIO; return false after recording a guest fault.
  bool (*load_slow)(ExecEnv* env, uint64_t addr, unsigned size, uint64_t* value) = nullptr;
  bool (*store_slow)(ExecEnv* env, uint64_t addr, unsigned size, uint64_t value) = nullptr;
  /// Records the guest exception `code` of a Trap op (the block then exits).
  void (*raise)(ExecEnv* env, uint64_t code) = nullptr;
  uint32_t pc_offset = 0;  ///< where the guest program counter lives in `state`
  bool fault = false;      ///< set by a slow path or helper: leave the block now
  std::atomic<uint32_t>* interrupt_request = nullptr;  ///< nonzero: stop chaining blocks
  void* cpu = nullptr;                                 ///< the ISA's CPU object, for helpers
  /// Tier 1's loop checks: compiled code asks this (only when *interrupt_request is nonzero)
  /// whether a pending request must end the region now (the ISA knows about masking).
  bool (*should_exit)(ExecEnv* env) = nullptr;
  /// Guest instructions a compiled region may run before it returns (checked at back-edges),
  /// and the count it ran, which it adds to `insts` on return.
  uint64_t budget = 0;
  uint64_t insts = 0;
};

/// LOCK-prefixed read-modify-write on guest memory (ir::AtomicRmw / AtomicCmpXchg), shared by
/// both tiers: a host atomic where the page is RAM in the TLB and the access is aligned, else a
/// read-modify-write through the slow paths. `bytes` is 1, 2, 4 or 8; `op` an ir::AtomicOp.
/// The old memory value goes to *old; false after a guest fault.
bool AtomicRmw(ExecEnv* env, uint32_t op, uint64_t addr, uint64_t value, uint32_t bytes,
               uint64_t* old);
bool AtomicCmpXchg(ExecEnv* env, uint64_t addr, uint64_t expected, uint64_t desired,
                   uint32_t bytes, uint64_t* old);

}  // namespace vireo::jit
