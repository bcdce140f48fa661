// Vireo's side of the differential oracle: runs a DiffCase on an x86::Cpu set up to mirror the
// native runner's environment (same linear addresses, CPL 3, only the data and code pages
// mapped).
#pragma once

#include <memory>

#include "jit/llvm/tier1.h"
#include "tests/diff/executor.h"

namespace vireo::diff {

/// Creates the executor running cases on Vireo in `tiers`: "vireo" (tier 0, the interpreter)
/// for kInterp, "vireo-llvm" (every block compiled by LLVM before it runs) for kLlvm. Throws
/// std::runtime_error when the tier cannot be set up (LLVM does not target the host).
std::unique_ptr<Executor> MakeVireoExecutor(jit::TierMode tiers);

}  // namespace vireo::diff
