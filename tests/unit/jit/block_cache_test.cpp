#include "jit/block_cache.h"

#include <doctest/doctest.h>

using vireo::jit::BlockCache;
using vireo::jit::CachedBlock;

namespace {
CachedBlock* Add(BlockCache& cache, uint64_t pc, uint64_t end, uint64_t mode = 0) {
  auto b = std::make_unique<CachedBlock>();
  b->phys_pc = pc;
  b->mode = mode;
  return cache.Insert(std::move(b), {{pc, end}});
}
}  // namespace

TEST_CASE("lookup is by physical pc and mode") {
  BlockCache cache;
  CachedBlock* a = Add(cache, 0x1000, 0x1010, 1);
  CachedBlock* b = Add(cache, 0x1000, 0x1010, 2);
  CHECK(cache.Lookup(0x1000, 1) == a);
  CHECK(cache.Lookup(0x1000, 2) == b);
  CHECK(cache.Lookup(0x1004, 1) == nullptr);
  CHECK(cache.size() == 2);
}

TEST_CASE("code pieces: a store next to code does not invalidate it, a store into it does") {
  BlockCache cache;
  CachedBlock* a = Add(cache, 0x1000, 0x1010);
  CachedBlock* b = Add(cache, 0x1080, 0x10A0);
  CHECK(cache.IsCodePage(0x1000));
  CHECK_FALSE(cache.IsCodePage(0x2000));
  CHECK(cache.HasCode(0x100F, 1));
  CHECK_FALSE(cache.HasCode(0x1040, 0x40));  // a different 64-byte piece
  CHECK(cache.HasCode(0x1030, 0x10));        // same piece as a, past its end: coarse answer
  CHECK(cache.InvalidateRange(0x1030, 0x1040) == 0);  // but invalidation is exact
  CHECK(a->valid);
  CHECK(cache.InvalidateRange(0x1008, 0x1009) == 1);
  CHECK_FALSE(a->valid);
  CHECK(b->valid);
  CHECK(cache.Lookup(0x1000, 0) == nullptr);
  CHECK_FALSE(cache.HasCode(0x1000, 0x40));  // the page mask was recomputed
  CHECK(cache.HasCode(0x1080, 1));
  CHECK(cache.stats().invalidated == 1);
  cache.CollectGarbage();
}

TEST_CASE("invalidation unchains predecessors and successors") {
  BlockCache cache;
  CachedBlock* a = Add(cache, 0x1000, 0x1010);
  CachedBlock* b = Add(cache, 0x2000, 0x2010);
  CachedBlock* c = Add(cache, 0x3000, 0x3010);
  cache.Link(a, 0, b);
  cache.Link(b, 1, c);
  cache.InvalidateRange(0x2000, 0x2001);
  CHECK(a->next[0] == nullptr);
  CHECK(b->next[1] == nullptr);
  CHECK(c->incoming.empty());
  cache.Link(a, 0, b);  // linking to an invalid block is refused
  CHECK(a->next[0] == nullptr);
}

TEST_CASE("a block crossing a page is found from either page") {
  BlockCache cache;
  CachedBlock* x = Add(cache, 0x1FF8, 0x2008);
  CHECK(cache.HasCode(0x2004, 1));
  CHECK(cache.InvalidateRange(0x2004, 0x2005) == 1);
  CHECK_FALSE(x->valid);
  CHECK_FALSE(cache.IsCodePage(0x1000));
  CHECK_FALSE(cache.IsCodePage(0x2000));
}

TEST_CASE("flush drops everything") {
  BlockCache cache;
  Add(cache, 0x1000, 0x1010);
  cache.Flush();
  CHECK(cache.size() == 0);
  CHECK_FALSE(cache.IsCodePage(0x1000));
}
