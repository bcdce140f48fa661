#include "jit/llvm/tier1.h"

#include <algorithm>
#include <unordered_set>

namespace vireo::jit {

bool ParseTierMode(const std::string& text, TierMode* mode) {
  if (text == "interp") {
    *mode = TierMode::kInterp;
  } else if (text == "llvm") {
    *mode = TierMode::kLlvm;
  } else if (text == "tiered") {
    *mode = TierMode::kTiered;
  } else {
    return false;
  }
  return true;
}

Tier1::Tier1(const TierOptions& options, LowerConfig config, BlockCache& cache)
    : options_(options), cache_(cache), compiler_(std::make_shared<Compiler>(std::move(config))) {}

Tier1::~Tier1() = default;

CachedBlock* Tier1::Find(const Member& m) const {
  CachedBlock* b = cache_.Lookup(m.phys_pc, m.mode);
  return b != nullptr && b->valid && b->serial == m.serial ? b : nullptr;
}

Region Tier1::Form(CachedBlock* head, uint64_t cs_base, bool wide, std::vector<Member>* members) {
  // Breadth-first along constant exits, staying in the head's virtual page: the same rule as
  // tier 0's chaining, so a remapped page never leaves a region running stale code (leaving
  // the page goes through the dispatcher's page walk). Blocks that rarely ran stay out.
  auto linear = [&](uint64_t pc) { return wide ? cs_base + pc : (cs_base + pc) & 0xFFFFFFFF; };
  const uint64_t page = linear(head->guest_pc) >> kPageBits;
  const uint64_t phys_page = head->phys_pc & kPageMask;
  const uint64_t min_runs = options_.mode == TierMode::kLlvm ? 0 : options_.threshold / 16;
  Region region;
  std::unordered_set<uint64_t> seen{head->guest_pc};
  std::deque<CachedBlock*> work{head};
  size_t insts = 0;
  while (!work.empty() && region.blocks.size() < options_.max_region_blocks) {
    CachedBlock* b = work.front();
    work.pop_front();
    if (b != head && insts + b->ir->insts.size() > options_.max_region_insts) continue;
    insts += b->ir->insts.size();
    region.blocks.push_back(b->ir);
    members->push_back({b->phys_pc, b->mode, b->serial});
    const ir::Terminal& t = b->ir->terminal;
    int targets = t.kind == ir::Terminal::Kind::kJump     ? 1
                  : t.kind == ir::Terminal::Kind::kBranch ? 2
                                                          : 0;
    for (int i = 0; i < targets; ++i) {
      uint64_t pc = t.target[i];
      if (seen.count(pc) != 0 || (linear(pc) >> kPageBits) != page) continue;
      CachedBlock* next = cache_.Lookup(phys_page | (linear(pc) & ~kPageMask), head->mode);
      if (next == nullptr || !next->valid || next->guest_pc != pc || next->ir == nullptr ||
          next->exec_count < min_runs)
        continue;
      seen.insert(pc);
      work.push_back(next);
    }
  }
  return region;
}

void Tier1::Queue(CachedBlock* head, uint64_t cs_base, bool wide) {
  head->queued = true;
  if (head->ir == nullptr) return;
  CompileJob job;
  job.id = next_job_++;
  Pending p;
  job.region = Form(head, cs_base, wide, &p.members);
  pending_.emplace(job.id, std::move(p));
  ++stats_.regions_queued;
  compiler_->Submit(std::move(job));
}

void Tier1::CompileNow(CachedBlock* head, uint64_t cs_base, bool wide) {
  if (head->native != nullptr || head->queued || head->ir == nullptr || stats_.stopped) return;
  head->queued = true;
  try {
    CompileJob job;
    job.id = next_job_++;
    std::vector<Member> members;
    job.region = Form(head, cs_base, wide, &members);
    ++stats_.regions_queued;
    CompileResult result = compiler_->CompileNow(job);
    Install(result, members);
  } catch (const std::exception& e) {
    Stop(e.what());
  }
}

void Tier1::Poll() {
  if (compiler_->Pending() == 0 && pending_.empty()) return;
  try {
    compiler_->TakeResults(&results_);
    for (CompileResult& r : results_) {
      auto it = pending_.find(r.id);
      if (it == pending_.end()) continue;
      Install(r, it->second.members);
      pending_.erase(it);
    }
  } catch (const std::exception& e) {
    Stop(e.what());
  }
  results_.clear();
}

void Tier1::Stop(const std::string& why) {
  if (stats_.stopped) return;
  stats_.stopped = true;
  if (stats_.first_error.empty()) stats_.first_error = why;
}

bool Tier1::Install(CompileResult& result, const std::vector<Member>& members) {
  if (result.entry == nullptr) {
    if (stats_.first_error.empty()) stats_.first_error = result.error;
    return false;
  }
  // Any block the region was built from that has been invalidated (self-modifying code, a
  // flush) or retranslated since makes the code stale: drop it.
  std::vector<CachedBlock*> blocks;
  for (const Member& m : members) {
    CachedBlock* b = Find(m);
    if (b == nullptr) {
      compiler_->Release(result.code_key);
      ++stats_.regions_discarded;
      return false;
    }
    blocks.push_back(b);
  }
  CachedBlock* head = blocks.front();
  auto code = std::make_unique<NativeCode>();
  code->entry = result.entry;
  code->exits = static_cast<uint32_t>(result.exit_targets.size());
  code->blocks = static_cast<uint32_t>(blocks.size());
  code->bytes = result.bytes;
  code->release = [compiler = compiler_, key = result.code_key] { compiler->Release(key); };
  head->native = std::move(code);
  cache_.ResetLinks(head, std::max<size_t>(result.exit_targets.size(), 1));
  // A store into any member's code must now also invalidate the head.
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  for (size_t i = 1; i < blocks.size(); ++i)
    for (auto range : blocks[i]->phys_ranges)
      if (std::find(head->phys_ranges.begin(), head->phys_ranges.end(), range) ==
          head->phys_ranges.end())
        ranges.push_back(range);
  cache_.AddRanges(head, ranges);
  ++stats_.regions_installed;
  stats_.blocks_compiled += blocks.size();
  installed_.push_back(members.front());
  // Heads that died since (invalidated, retranslated) leave stale entries; prune now and then
  // so the list stays as long as the live regions.
  if (installed_.size() >= 1024 && (installed_.size() & 1023) == 0)
    std::erase_if(installed_, [&](const Member& m) {
      const CachedBlock* b = Find(m);
      return b == nullptr || b->native == nullptr;
    });
  Evict();
  return true;
}

void Tier1::Evict() {
  // Oldest first, as QEMU's tb-size bounds its code buffer; the evicted block keeps its tier 0
  // form and counts up again from zero.
  auto live = [&] {
    const CompilerStats& k = compiler_->stats();
    return k.compiled.load() - k.released.load();
  };
  while ((code_bytes() > options_.code_limit || live() > options_.max_regions) &&
         !installed_.empty()) {
    Member m = installed_.front();
    installed_.pop_front();
    CachedBlock* b = Find(m);
    if (b == nullptr || b->native == nullptr) continue;
    b->native.reset();
    cache_.ResetLinks(b, 2);
    b->exec_count = 0;
    b->queued = false;
    ++stats_.regions_evicted;
  }
}

}  // namespace vireo::jit
