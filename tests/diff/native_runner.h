// The native side of the oracle: runs cases on the host CPU in a forked child process.
//
// One persistent child runs all cases, a chunk at a time, through shared memory (forking per
// chunk would copy the parent's page tables each time). Per case it copies the code to
// kCodeAddress followed by a jump to the capture stub of the case's mode (native_stubs.S), loads
// the data page, all GPRs and RFLAGS, runs the code and stores the registers, RFLAGS and data page
// into shared memory. A fault (SIGSEGV/SIGBUS/SIGFPE/SIGILL/SIGTRAP) is recorded from the signal
// context, which holds the registers at the start of the faulting instruction, and the child
// continues with the next case. A case that burns more than kHangCpuSeconds of CPU is stopped and
// reported as "hang"; a child that dies is reported as "crash" for the case it was running and a
// new child goes on after it.
//
// Modes: 64-bit runs natively; 32-bit through a far return to USER32_CS (0x23); 16-bit through a
// far return to a 16-bit code segment created with modify_ldt(2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tests/diff/executor.h"

namespace vireo::diff {

/// Whether this build can run cases natively (x86-64 Linux); if not, `*reason` says why.
bool NativeRunnerAvailable(std::string* reason);

/// Executor backed by the host CPU. Construct it early: it forks its child process at once.
class NativeExecutor : public Executor {
 public:
  /// CPU seconds one case may run before it is reported as a hang.
  static constexpr double kHangCpuSeconds = 1.0;
  /// Cases handed to one child process at most.
  static constexpr size_t kChunk = 2048;

  /// Maps the shared memory and forks the child.
  NativeExecutor();
  /// Stops the child.
  ~NativeExecutor() override;
  NativeExecutor(const NativeExecutor&) = delete;
  NativeExecutor& operator=(const NativeExecutor&) = delete;

  /// Runs one case (forks a child: use RunBatch for speed).
  DiffState Run(const DiffCase& c, std::string* fault) override;
  /// Runs cases in chunks of up to kChunk through shared memory.
  void RunBatch(std::span<const DiffCase> cases, std::vector<DiffOutcome>* out) override;
  /// "native".
  std::string_view Name() const override { return "native"; }
  /// 64-bit always; 32-bit and 16-bit after a probe run (16-bit needs modify_ldt).
  bool SupportsMode(int mode, std::string* reason) const override;

 private:
  struct Child;

  size_t RunChunk(std::span<const DiffCase> cases, DiffOutcome* out);
  void Probe() const;
  void StartChild();
  void StopChild();
  bool RunInChild();

  std::unique_ptr<Child> child_;
  void* shared_ = nullptr;
  size_t shared_size_ = 0;
  mutable bool probed_ = false;
  mutable std::string mode_error_[3];
};

}  // namespace vireo::diff
