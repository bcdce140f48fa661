#pragma once
// One x86 vCPU on the translator (tier 0 for now): the dispatcher that finds or translates the
// block at CS:RIP, runs chains of blocks, fills the soft TLB and serves the memory slow paths
// (page walk, MMIO, ROM, self-modifying code).

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "cpu/x86/cpu_state.h"
#include "cpu/x86/mmu.h"
#include "cpu/x86/translator.h"
#include "jit/block_cache.h"
#include "jit/exec_env.h"
#include "jit/llvm/tier1.h"
#include "machine/address_space.h"
#include "machine/irq.h"

namespace vireo::x86 {

/// Why Run() returned.
enum class StopReason {
  kInstructionLimit,  ///< ran the requested number of guest instructions (at block granularity)
  kHalted,            ///< HLT executed
  kException,         ///< an exception was raised and exceptions are reported, not delivered
  kInterruptRequest,  ///< another thread asked the vCPU to stop (kKick)
  kShutdown,          ///< triple fault: the processor shut down (the machine resets or exits)
};

/// Bits of CpuState::interrupt_request.
enum InterruptRequest : uint32_t {
  kIrqPending = 1,  ///< the interrupt controller's INTR line is high
  kKick = 2,        ///< stop running and return to the caller (monitor, exit, reset)
  kNmiPending = 4,  ///< an NMI arrived (edge-triggered: delivery clears it)
};

/// Exception numbers (SDM Vol. 3A Table 6-1).
enum Vector : uint8_t {
  kDE = 0,
  kDB = 1,
  kNMI = 2,
  kBP = 3,
  kOF = 4,
  kBR = 5,
  kUD = 6,
  kNM = 7,
  kDF = 8,
  kTS = 10,
  kNP = 11,
  kSS = 12,
  kGP = 13,
  kPF = 14,
  kMF = 16,
  kAC = 17,
  kXM = 19
};

/// Pseudo-vector: a store hit the running block's own code; re-run that instruction alone.
inline constexpr int32_t kSmcRestart = -2;

/// Execution statistics.
struct CpuStats {
  uint64_t blocks_run = 0;
  uint64_t guest_insts = 0;
  uint64_t dispatches = 0;    ///< block lookups through the dispatcher (not chained)
  uint64_t jump_cache_hits = 0;  ///< of the dispatches, found in the jump cache
  uint64_t native_runs = 0;   ///< of blocks_run, tier 1 region runs
  uint64_t native_insts = 0;  ///< of guest_insts, run by tier 1 code
  /// Samples of where the vCPU thread was (SampleTier()): the dispatcher and translator,
  /// tier 0, tier 1.
  uint64_t samples[3] = {0, 0, 0};
};

/// An x86 vCPU.
class Cpu {
 public:
  explicit Cpu(machine::AddressSpace& memory);
  ~Cpu();
  Cpu(const Cpu&) = delete;
  Cpu& operator=(const Cpu&) = delete;

  CpuState& state() { return *state_; }
  /// Power-on reset (SDM Vol. 3A 10.1.4, Table 10-1): real mode at F000:FFF0, CS base FFFF0000.
  void Reset();
  /// Runs until one of the stop reasons. With `deliver_exceptions` false (tests), an exception
  /// stops the run with the state as it was at the faulting instruction.
  StopReason Run(uint64_t max_insts);
  /// Deliver exceptions and interrupts through the IVT/IDT as the hardware does. Off in the
  /// differential tests, where an exception stops the run so it can be compared.
  bool deliver_exceptions = false;
  /// Where external interrupts are acknowledged (the 8259 pair), and the lock device models
  /// are entered under (the machine lock); both optional for bare-CPU tests.
  machine::InterruptController* interrupt_controller = nullptr;
  std::recursive_mutex* device_lock = nullptr;
  /// FERR#: a waiting x87 instruction found an unmasked exception pending while CR0.NE is
  /// clear (SDM Vol. 1 8.7, "MS-DOS compatibility"); a PC turns it into IRQ13. Optional.
  std::function<void()> on_fpu_error;

  /// -d trace switches (QEMU's names): in_asm prints each translated block's guest code (Capstone),
  /// op its optimised IR. Lines go to `trace_sink`.
  struct Trace {
    bool in_asm = false;
    bool op = false;
    std::function<void(const std::string&)> sink;
  } trace;

  /// Selects the execution tiers (-accel dbt,tier=...). The default is tier 0 alone until this
  /// is called; tier 1 needs LLVM to target the host (throws std::runtime_error otherwise).
  void SetTiers(const jit::TierOptions& options);
  /// The tier 1 manager, or nullptr in tier=interp.
  const jit::Tier1* tier1() const { return tier1_.get(); }
  /// What the vCPU thread is doing now, for the statistics: 0 dispatcher/translator, 1 tier 0,
  /// 2 tier 1. A relaxed store per block; a sampling thread reads it (timing each block with
  /// clock reads would cost more than a tier-1 block takes).
  enum Where : uint8_t { kInDispatcher, kInTier0, kInTier1 };
  /// Called by a sampling thread: counts one sample where the vCPU is.
  void SampleTier() { ++stats_.samples[where_.load(std::memory_order_relaxed)]; }

  /// Drops all translations (after writing guest code behind the CPU's back, e.g. in tests).
  void FlushTranslations();
  /// Must be called after changing CR0/CR3/CR4/EFER/segments from outside (tests, loaders).
  void StateChanged();
  /// After a MOV to CR3: drops the cached translations except those of global pages, which
  /// an address-space switch keeps (SDM Vol. 3A 4.10.4.1).
  void FlushTlbNonGlobal();

  const CpuStats& stats() const { return stats_; }
  const jit::BlockCache& cache() const { return cache_; }
  machine::AddressSpace& memory() { return memory_; }

  // --- used by helpers and the slow paths -----------------------------------------------------
  /// Raises the NMI pin (any thread): delivered through vector 2 at the next instruction
  /// boundary regardless of IF, and not again until the handler's IRET (SDM Vol. 3A 6.7.1).
  void RequestNmi() { state_->interrupt_request.fetch_or(kNmiPending); }
  /// Whether an interrupt or NMI is waiting that the CPU would take now (ends HLT).
  bool InterruptDeliverable() const;

  /// Records exception `vector` for the running instruction (the block exits).
  void RaiseException(uint8_t vector, bool has_error = false, uint32_t error = 0);
  /// Translates for an access, raising #PF on failure; fills the TLB on success.
  bool TranslateForAccess(uint64_t linear, Access access, uint64_t* phys, bool fill_tlb);
  /// The translation mode implied by the current state.
  TranslationMode CurrentMode() const;
  bool halted() const { return halted_; }
  void set_halted(bool h) { halted_ = h; }

 private:
  jit::CachedBlock* FindOrTranslate(uint64_t* fault_linear);
  jit::CachedBlock* TranslateAt(uint64_t rip, unsigned max_insts, bool cache_it,
                                uint64_t* fault_linear);
  void FlushTlb();
  static bool LoadSlow(jit::ExecEnv* env, uint64_t addr, unsigned size, uint64_t* value);
  static bool StoreSlow(jit::ExecEnv* env, uint64_t addr, unsigned size, uint64_t value);
  /// Tier 1's question at loop back-edges and after mode-changing blocks: must the region
  /// return to the dispatcher (an event to take, a kick, HLT, TF, or a new mode)?
  static bool ShouldExit(jit::ExecEnv* env);
  /// Runs `b` in its best tier; adds the guest instructions it ran to *executed.
  jit::RunResult RunBlock(jit::CachedBlock* b, uint64_t remaining, uint64_t* executed);
  bool AccessPiece(uint64_t addr, unsigned size, bool write, uint64_t* value);
  void ClassifyCanonicalFault();
  /// Decodes the instruction at CS:RIP (for fault classification); false if it does not decode.
  bool DecodeAtRip(DecodedInst* d);
  /// Runs the instruction at RIP alone from an uncached translation and delivers its fault, or
  /// with `single_step` the #DB trap after it. False when Run must return `*stop`.
  bool StepInstruction(bool single_step, uint64_t* executed, StopReason* stop);
  /// Delivers a pending NMI (unless one is being handled), else a pending external interrupt
  /// if RFLAGS.IF allows; false on a triple fault.
  bool ServiceInterrupt();
  /// Delivers the exception recorded in the state; false on a triple fault.
  bool DeliverPendingException();

  machine::AddressSpace& memory_;
  std::unique_ptr<CpuState> state_;
  jit::ExecEnv env_;
  jit::BlockCache cache_;
  CpuStats stats_;
  bool halted_ = false;
  bool canonical_fault_ = false;  ///< the pending #GP came from a non-canonical address
  const jit::CachedBlock* running_ = nullptr;  ///< the block being executed (SMC detection)
  bool running_uncached_ = false;
  std::unique_ptr<jit::CachedBlock> uncached_;  ///< a one-instruction block run outside the cache
  std::unique_ptr<jit::Tier1> tier1_;
  std::atomic<uint8_t> where_{kInDispatcher};
  /// The dispatcher's jump cache (QEMU's tb_jmp_cache): linear PC and mode to block, so an
  /// indirect branch or a page-crossing transfer costs a compare instead of a page walk and a
  /// hash lookup. Entries are valid while `jump_generation_` is unchanged: it moves on every
  /// TLB flush (a mapping may have changed) and whenever blocks are freed.
  struct JumpEntry {
    uint64_t linear = 0, mode = 0, generation = 0;
    jit::CachedBlock* block = nullptr;
  };
  static constexpr unsigned kJumpCacheBits = 12;
  std::vector<JumpEntry> jump_cache_ = std::vector<JumpEntry>(1u << kJumpCacheBits);
  uint64_t jump_generation_ = 1;
};

}  // namespace vireo::x86
