#pragma once
// Translated blocks keyed by (physical address of the first instruction, mode bits). Blocks chain
// directly to their successors, and stores to physical memory that holds translated code
// invalidate what was translated from it. Code is tracked per physical page in 64-byte pieces
// (as 86Box/PCem do), so data that merely shares a page with code costs a slow-path store but no
// invalidation.

#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

#include "jit/interp/interpreter.h"

namespace vireo::jit {

/// Tier 1 code installed on a block (the head of a compiled region). Destroying it releases
/// the machine code (the compiler removes it through its ResourceTracker).
struct NativeCode {
  /// Runs the region; returns the exit slot taken (>= 0, for chaining), -1 for an exit that
  /// does not chain (indirect, helper exit, loop budget or interrupt), -2 after a fault. The
  /// guest PC is in the state in every case.
  using Entry = int64_t (*)(ExecEnv* env);
  Entry entry = nullptr;
  uint32_t exits = 0;   ///< chainable exit slots
  uint32_t blocks = 0;  ///< guest blocks in the region
  uint64_t bytes = 0;   ///< machine code and data size
  std::function<void()> release;
  NativeCode() = default;
  NativeCode(const NativeCode&) = delete;
  NativeCode& operator=(const NativeCode&) = delete;
  ~NativeCode() {
    if (release) release();
  }
};

/// One translated block and its links.
struct CachedBlock {
  uint64_t phys_pc = 0;
  uint64_t mode = 0;      ///< ISA mode bits the translation depends on
  uint64_t guest_pc = 0;  ///< virtual PC at translation time
  /// Physical byte ranges the code came from (two when it crosses into another page); set by
  /// BlockCache::Insert.
  std::vector<std::pair<uint64_t, uint64_t>> phys_ranges;
  uint32_t guest_size = 0;
  uint64_t serial = 0;                  ///< unique per translation (set by Insert)
  std::shared_ptr<const ir::Block> ir;  ///< the optimised IR, for region formation (tier 1)
  InterpBlock code;
  std::unique_ptr<NativeCode> native;  ///< tier 1 code, once compiled and installed
  /// Chained successors by exit slot: target[0]/target[1] for tier 0; the region's exit slots
  /// once tier 1 code is installed.
  std::vector<CachedBlock*> next = {nullptr, nullptr};
  std::vector<CachedBlock*> incoming;  ///< blocks whose next[] points here
  uint64_t exec_count = 0;             ///< tier 0 runs (the hot counter)
  bool queued = false;                 ///< a region headed here is being compiled
  bool valid = true;
};

/// Statistics for --stats style reporting.
struct BlockCacheStats {
  uint64_t translated = 0;
  uint64_t invalidated = 0;
  uint64_t flushes = 0;
  uint64_t native_invalidated = 0;  ///< of the invalidated, blocks that held tier 1 code
};

/// The cache of translated blocks for one address space.
class BlockCache {
 public:
  /// The block for (phys_pc, mode), or nullptr.
  CachedBlock* Lookup(uint64_t phys_pc, uint64_t mode) const;
  /// Takes ownership of a new block and marks its code pieces. `phys_ranges` are the physical
  /// byte ranges its code came from (one, or two for a page-crossing block).
  CachedBlock* Insert(std::unique_ptr<CachedBlock> block,
                      const std::vector<std::pair<uint64_t, uint64_t>>& phys_ranges);
  /// Chains from->next[slot] = to (to must stay valid; invalidation unlinks both directions).
  void Link(CachedBlock* from, int slot, CachedBlock* to);
  /// Drops from's outgoing links and gives it `slots` empty ones (tier 1 code changes the
  /// exits a block has).
  void ResetLinks(CachedBlock* from, size_t slots);
  /// Makes `b` also cover `ranges` (the code of the blocks a region compiled into it), so a
  /// store to any of them invalidates it.
  void AddRanges(CachedBlock* b, const std::vector<std::pair<uint64_t, uint64_t>>& ranges);

  /// True if any translated code lies in [addr, addr+len) (the store slow path's question).
  bool HasCode(uint64_t phys_addr, uint64_t len) const;
  /// True if the physical page holds any translated code (the TLB fill's question).
  bool IsCodePage(uint64_t phys_page) const;
  /// Invalidates every block with code in [begin, end); returns how many.
  size_t InvalidateRange(uint64_t begin, uint64_t end);
  /// Drops everything (e.g. after a reset).
  void Flush();
  /// Frees invalidated blocks; call only when no block is executing. True if any were freed
  /// (pointers to them held elsewhere are now dangling).
  bool CollectGarbage() {
    if (graveyard_.empty()) return false;
    graveyard_.clear();
    return true;
  }

  const BlockCacheStats& stats() const { return stats_; }
  size_t size() const { return blocks_.size(); }

 private:
  struct Key {
    uint64_t phys_pc, mode;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const { return k.phys_pc * 0x9E3779B97F4A7C15ull ^ k.mode; }
  };
  struct Page {
    uint64_t piece_mask = 0;  ///< bit i: bytes [64i, 64i+64) hold code
    std::vector<CachedBlock*> blocks;
  };
  void Invalidate(CachedBlock* b);
  void RecomputePage(uint64_t page_number);

  std::unordered_map<Key, std::unique_ptr<CachedBlock>, KeyHash> blocks_;
  std::unordered_map<uint64_t, Page> pages_;  // by physical page number
  std::vector<std::unique_ptr<CachedBlock>> graveyard_;
  BlockCacheStats stats_;
  uint64_t next_serial_ = 1;
};

}  // namespace vireo::jit
