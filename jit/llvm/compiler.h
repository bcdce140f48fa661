#pragma once
// Tier 1's back half: optimises lowered regions and turns them into machine code with LLVM ORC
// (LLJIT), on a background thread so the guest never waits for LLVM. Results come back through
// a queue the vCPU thread polls between blocks; installing them is the vCPU's job (it owns the
// block cache). Code is freed through its ResourceTracker when the block holding it dies.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "jit/block_cache.h"
#include "jit/llvm/lower.h"

namespace vireo::jit {

/// A region to compile. `id` comes back in the result.
struct CompileJob {
  uint64_t id = 0;
  Region region;
};

/// A finished job: the entry point, or an error (the region then stays in tier 0).
struct CompileResult {
  uint64_t id = 0;
  NativeCode::Entry entry = nullptr;
  std::vector<uint64_t> exit_targets;
  uint64_t bytes = 0;
  uint64_t code_key = 0;  ///< for Release()
  double seconds = 0;     ///< lowering, optimisation and code generation
  std::string error;
};

/// Compiler statistics (read from any thread).
struct CompilerStats {
  std::atomic<uint64_t> compiled{0};
  std::atomic<uint64_t> failed{0};
  std::atomic<uint64_t> released{0};
  std::atomic<uint64_t> nanoseconds{0};
  std::atomic<uint64_t> bytes_live{0};
};

class Compiler {
 public:
  /// Sets up LLJIT for the host; throws std::runtime_error if LLVM cannot target it.
  explicit Compiler(LowerConfig config);
  ~Compiler();
  Compiler(const Compiler&) = delete;
  Compiler& operator=(const Compiler&) = delete;

  /// Queues a job for the background thread.
  void Submit(CompileJob job);
  /// Moves finished jobs into `out`; cheap when there are none.
  void TakeResults(std::vector<CompileResult>* out);
  /// Compiles on the calling thread (tier=llvm: every block before it first runs).
  CompileResult CompileNow(const CompileJob& job);
  /// Frees the code of a result (any thread; the code must not be running or reachable).
  void Release(uint64_t code_key);
  /// Jobs queued or being compiled.
  size_t Pending() const { return pending_.load(std::memory_order_relaxed); }

  const CompilerStats& stats() const { return stats_; }

 private:
  struct Impl;
  void Worker();

  std::unique_ptr<Impl> impl_;
  CompilerStats stats_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<CompileJob> jobs_;
  std::vector<uint64_t> releases_;
  std::vector<CompileResult> done_;
  std::atomic<bool> has_done_{false};
  std::atomic<size_t> pending_{0};
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace vireo::jit
