#pragma once
// Tiering policy: which blocks tier 1 compiles, when, and how the results get into the block
// cache. Tier 0 counts each block's runs; a block that reaches the threshold becomes the head
// of a region (the blocks of its virtual page that run with it, found along its constant exits)
// and goes to the background compiler. Finished code is installed on the head between blocks,
// after checking that nothing it was built from has been invalidated meanwhile. A code-cache
// limit evicts the oldest regions (they fall back to tier 0 and may get hot again).

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>

#include "jit/block_cache.h"
#include "jit/llvm/compiler.h"

namespace vireo::jit {

/// -accel dbt,tier=...
enum class TierMode : uint8_t {
  kInterp,  ///< tier 0 only
  kLlvm,    ///< every block compiled by LLVM before it first runs (the guest waits)
  kTiered,  ///< tier 0, hot regions compiled in the background (the default)
};

/// Parses "interp", "llvm" or "tiered"; false for anything else.
bool ParseTierMode(const std::string& text, TierMode* mode);

struct TierOptions {
  TierMode mode = TierMode::kTiered;
  uint64_t threshold = 1000;             ///< tier 0 runs that make a block hot
  uint64_t code_limit = 64ull << 20;     ///< bytes of compiled code kept (QEMU's tb-size)
  /// Live regions kept: each compiled module is a few host mappings, and Linux allows a
  /// process 65,530 (vm.max_map_count); tier=llvm makes one module per block.
  uint64_t max_regions = 8192;
  unsigned max_region_blocks = 16;
  unsigned max_region_insts = 1500;      ///< IR instructions
};

struct TierStats {
  uint64_t regions_queued = 0;
  uint64_t regions_installed = 0;
  uint64_t regions_discarded = 0;  ///< compiled, but their code had changed meanwhile
  uint64_t regions_evicted = 0;    ///< dropped by the code-cache limit
  uint64_t blocks_compiled = 0;    ///< guest blocks inside installed regions
  std::string first_error;         ///< the first compile failure, for the stats report
  bool stopped = false;            ///< tier 1 gave up (e.g. out of memory); tier 0 runs on
};

class Tier1 {
 public:
  Tier1(const TierOptions& options, LowerConfig config, BlockCache& cache);
  ~Tier1();

  const TierOptions& options() const { return options_; }
  /// After a tier-0 run of `b`: counts it and queues its region when it gets hot. `cs_base`
  /// and `wide` give the linear address of a guest PC (for the same-page rule).
  void Count(CachedBlock* b, uint64_t cs_base, bool wide) {
    if (++b->exec_count >= options_.threshold && !b->queued && !stats_.stopped)
      Queue(b, cs_base, wide);
  }
  /// tier=llvm: compiles `b`'s region on this thread unless it has code or failed before.
  void CompileNow(CachedBlock* b, uint64_t cs_base, bool wide);
  /// Installs finished regions. Call only between blocks (no compiled code running).
  void Poll();

  const TierStats& stats() const { return stats_; }
  const CompilerStats& compiler_stats() const { return compiler_->stats(); }
  uint64_t code_bytes() const { return compiler_->stats().bytes_live.load(); }

 private:
  struct Member {
    uint64_t phys_pc, mode, serial;
  };
  struct Pending {
    std::vector<Member> members;  ///< head first
  };
  /// Collects the region headed by `head`.
  Region Form(CachedBlock* head, uint64_t cs_base, bool wide, std::vector<Member>* members);
  void Queue(CachedBlock* head, uint64_t cs_base, bool wide);
  /// Installs a finished job's code if its blocks are unchanged; false if it was discarded.
  bool Install(CompileResult& result, const std::vector<Member>& members);
  CachedBlock* Find(const Member& m) const;
  void Evict();
  /// Tier 1 failed in a way retrying will not fix: record why, compile nothing more.
  void Stop(const std::string& why);

  TierOptions options_;
  BlockCache& cache_;
  std::shared_ptr<Compiler> compiler_;
  TierStats stats_;
  uint64_t next_job_ = 1;
  std::unordered_map<uint64_t, Pending> pending_;
  std::deque<Member> installed_;  ///< region heads, oldest first (eviction order)
  std::vector<CompileResult> results_;
};

}  // namespace vireo::jit
