#pragma once
// Translated blocks keyed by (physical address of the first instruction, mode bits). Blocks chain
// directly to their successors, and stores to physical memory that holds translated code
// invalidate what was translated from it. Code is tracked per physical page in 64-byte pieces
// (as 86Box/PCem do), so data that merely shares a page with code costs a slow-path store but no
// invalidation.

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "jit/interp/interpreter.h"

namespace vireo::jit {

/// One translated block and its links.
struct CachedBlock {
  uint64_t phys_pc = 0;
  uint64_t mode = 0;      ///< ISA mode bits the translation depends on
  uint64_t guest_pc = 0;  ///< virtual PC at translation time
  /// Physical byte ranges the code came from (two when it crosses into another page); set by
  /// BlockCache::Insert.
  std::vector<std::pair<uint64_t, uint64_t>> phys_ranges;
  uint32_t guest_size = 0;
  InterpBlock code;
  CachedBlock* next[2] = {nullptr, nullptr};  ///< chained successors for target[0]/target[1]
  std::vector<CachedBlock*> incoming;         ///< blocks whose next[] points here
  uint64_t exec_count = 0;
  bool valid = true;
};

/// Statistics for --stats style reporting.
struct BlockCacheStats {
  uint64_t translated = 0;
  uint64_t invalidated = 0;
  uint64_t flushes = 0;
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

  /// True if any translated code lies in [addr, addr+len) (the store slow path's question).
  bool HasCode(uint64_t phys_addr, uint64_t len) const;
  /// True if the physical page holds any translated code (the TLB fill's question).
  bool IsCodePage(uint64_t phys_page) const;
  /// Invalidates every block with code in [begin, end); returns how many.
  size_t InvalidateRange(uint64_t begin, uint64_t end);
  /// Drops everything (e.g. after a reset).
  void Flush();
  /// Frees invalidated blocks; call only when no block is executing.
  void CollectGarbage() { graveyard_.clear(); }

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
};

}  // namespace vireo::jit
