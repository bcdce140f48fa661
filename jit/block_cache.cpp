#include "jit/block_cache.h"

#include <algorithm>

namespace vireo::jit {

namespace {
constexpr unsigned kPieceBits = 6;  // 64-byte pieces: 64 per 4 KiB page, one uint64_t mask

uint64_t PieceMask(uint64_t begin, uint64_t end) {
  // Pieces of page (begin >> 12) covered by [begin, end), end within the same page (or its end).
  unsigned first = static_cast<unsigned>((begin & 0xFFF) >> kPieceBits);
  unsigned last = static_cast<unsigned>(((end - 1) & 0xFFF) >> kPieceBits);
  uint64_t hi = last == 63 ? ~uint64_t{0} : (uint64_t{1} << (last + 1)) - 1;
  return hi & ~((uint64_t{1} << first) - 1);
}
}  // namespace

CachedBlock* BlockCache::Lookup(uint64_t phys_pc, uint64_t mode) const {
  auto it = blocks_.find({phys_pc, mode});
  return it == blocks_.end() ? nullptr : it->second.get();
}

CachedBlock* BlockCache::Insert(std::unique_ptr<CachedBlock> block,
                                const std::vector<std::pair<uint64_t, uint64_t>>& phys_ranges) {
  CachedBlock* b = block.get();
  Key key{b->phys_pc, b->mode};
  if (auto old = blocks_.find(key); old != blocks_.end()) Invalidate(old->second.get());
  blocks_[key] = std::move(block);
  b->serial = next_serial_++;
  b->phys_ranges.clear();
  AddRanges(b, phys_ranges);
  ++stats_.translated;
  return b;
}

void BlockCache::AddRanges(CachedBlock* b,
                           const std::vector<std::pair<uint64_t, uint64_t>>& phys_ranges) {
  for (auto [begin, end] : phys_ranges) {
    // Split at page boundaries so each page's mask only covers its own bytes.
    for (uint64_t a = begin; a < end;) {
      uint64_t e = std::min(end, (a | 0xFFF) + 1);
      b->phys_ranges.emplace_back(a, e);
      Page& p = pages_[a >> 12];
      p.piece_mask |= PieceMask(a, e);
      if (std::find(p.blocks.begin(), p.blocks.end(), b) == p.blocks.end()) p.blocks.push_back(b);
      a = e;
    }
  }
}

void BlockCache::Link(CachedBlock* from, int slot, CachedBlock* to) {
  if (!from->valid || !to->valid || from->next[slot] == to) return;
  from->next[slot] = to;
  to->incoming.push_back(from);
}

void BlockCache::ResetLinks(CachedBlock* from, size_t slots) {
  for (CachedBlock* succ : from->next)
    if (succ != nullptr) {
      auto it = std::find(succ->incoming.begin(), succ->incoming.end(), from);
      if (it != succ->incoming.end()) succ->incoming.erase(it);
    }
  from->next.assign(slots, nullptr);
}

bool BlockCache::HasCode(uint64_t phys_addr, uint64_t len) const {
  for (uint64_t a = phys_addr; a < phys_addr + len;) {
    uint64_t page_end = (a | 0xFFF) + 1;
    uint64_t e = std::min(phys_addr + len, page_end);
    auto it = pages_.find(a >> 12);
    if (it != pages_.end() && (it->second.piece_mask & PieceMask(a, e)) != 0) return true;
    a = e;
  }
  return false;
}

bool BlockCache::IsCodePage(uint64_t phys_page) const {
  auto it = pages_.find(phys_page >> 12);
  return it != pages_.end() && it->second.piece_mask != 0;
}

void BlockCache::Invalidate(CachedBlock* b) {
  if (!b->valid) return;
  b->valid = false;
  ++stats_.invalidated;
  if (b->native) ++stats_.native_invalidated;
  // Unchain: nobody may jump into this block any more, and it jumps nowhere.
  for (CachedBlock* pred : b->incoming)
    for (CachedBlock*& n : pred->next)
      if (n == b) n = nullptr;
  b->incoming.clear();
  ResetLinks(b, b->next.size());
  // Off its pages' lists (once per page: a region head has many ranges on one page), so no
  // list keeps a pointer to it after CollectGarbage() frees it.
  std::vector<uint64_t> pages;
  for (auto [rb, re] : b->phys_ranges)
    if (std::find(pages.begin(), pages.end(), rb >> 12) == pages.end()) pages.push_back(rb >> 12);
  for (uint64_t page : pages) {
    auto pit = pages_.find(page);
    if (pit == pages_.end()) continue;
    std::erase(pit->second.blocks, b);
    RecomputePage(page);
  }
  auto it = blocks_.find({b->phys_pc, b->mode});
  if (it != blocks_.end() && it->second.get() == b) {
    // The block may be running right now (a store inside it modified its own code), so it is
    // parked, not freed, until the dispatcher calls CollectGarbage().
    graveyard_.push_back(std::move(it->second));
    blocks_.erase(it);
  }
}

void BlockCache::RecomputePage(uint64_t page_number) {
  auto it = pages_.find(page_number);
  if (it == pages_.end()) return;
  Page& pg = it->second;
  pg.piece_mask = 0;
  for (CachedBlock* b : pg.blocks)
    for (auto [rb, re] : b->phys_ranges)
      if ((rb >> 12) == page_number) pg.piece_mask |= PieceMask(rb, re);
  if (pg.blocks.empty()) pages_.erase(it);
}

size_t BlockCache::InvalidateRange(uint64_t begin, uint64_t end) {
  size_t count = 0;
  for (uint64_t page = begin >> 12; page <= (end - 1) >> 12; ++page) {
    auto it = pages_.find(page);
    if (it == pages_.end()) continue;
    uint64_t pb = std::max(begin, page << 12), pe = std::min(end, (page + 1) << 12);
    if ((it->second.piece_mask & PieceMask(pb, pe)) == 0) continue;
    // The piece mask is coarse; the blocks' own ranges decide exactly.
    std::vector<CachedBlock*> victims;
    for (CachedBlock* b : it->second.blocks)
      for (auto [rb, re] : b->phys_ranges)
        if (pb < re && rb < pe) {
          victims.push_back(b);
          break;
        }
    for (CachedBlock* b : victims) {
      Invalidate(b);
      ++count;
    }
  }
  return count;
}

void BlockCache::Flush() {
  for (auto& [key, b] : blocks_) {
    b->valid = false;
    graveyard_.push_back(std::move(b));
  }
  blocks_.clear();
  pages_.clear();
  ++stats_.flushes;
}

}  // namespace vireo::jit
