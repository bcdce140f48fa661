// Vireo's side of the differential oracle: runs a DiffCase on an x86::Cpu set up to mirror the
// native runner's environment (same linear addresses, CPL 3, only the data and code pages
// mapped).
#pragma once

#include <memory>

#include "tests/diff/executor.h"

namespace vireo::diff {

/// Creates the executor running cases on Vireo's tier-0 interpreter.
std::unique_ptr<Executor> MakeVireoExecutor();

}  // namespace vireo::diff
