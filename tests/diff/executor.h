// The interface an implementation under test plugs into the differential oracle.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tests/diff/state.h"

namespace vireo::diff {

/// Result of running one case: the final state and the fault text ("" when none).
struct DiffOutcome {
  /// State at the end of the code, or at the start of the faulting instruction.
  DiffState state;
  /// "" or FormatFault(...) text, e.g. "#DE ip=+0x0" or "#PF addr=0x10001000 ip=+0x3".
  std::string fault;
};

/// Runs DiffCases. Implementations: the native CPU (native_runner.h) and Vireo (vireo_executor.h).
class Executor {
 public:
  virtual ~Executor() = default;

  /// Runs one case and returns the final state. On a fault, `*fault` receives the FormatFault
  /// text and the result is the state at the start of the faulting instruction (registers,
  /// flags and data page, as the SDM's precise exceptions define it); otherwise it is cleared.
  virtual DiffState Run(const DiffCase& c, std::string* fault) = 0;

  /// Runs many cases; `out` is resized to cases.size(). The default calls Run for each.
  virtual void RunBatch(std::span<const DiffCase> cases, std::vector<DiffOutcome>* out);

  /// Short name for reports ("native", "vireo", "vireo-llvm"), as MakeExecutor takes it.
  virtual std::string_view Name() const = 0;

  /// Whether cases of `mode` (16, 32, 64) can run; if not, `*reason` says why.
  virtual bool SupportsMode(int mode, std::string* reason) const;
};

/// Compares two outcomes of the same case. Returns "" when they agree, else a report of the
/// differences (fault text, registers, defined flags, data bytes).
std::string CompareOutcomes(const DiffCase& c, const DiffOutcome& a, const DiffOutcome& b);

/// Creates an executor by name: "native" (the host CPU), "vireo" (tier 0) or "vireo-llvm" (every
/// block compiled by tier 1). nullptr with `*error` set for an unknown name or a tier that
/// cannot run here.
std::unique_ptr<Executor> MakeExecutor(std::string_view name, std::string* error);

}  // namespace vireo::diff
