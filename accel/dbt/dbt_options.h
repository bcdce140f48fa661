#pragma once
// The translator's -accel properties (QEMU's -accel tcg,... spelling where QEMU has one) and
// its statistics report.

#include <string>
#include <vector>

#include "cpu/x86/cpu.h"
#include "jit/llvm/tier1.h"

namespace vireo::accel {

struct DbtOptions {
  jit::TierOptions tiers;
  bool stats = false;  ///< print the statistics report when the run ends
};

/// Parses "key=value" properties: tier=interp|llvm|tiered, stats=on|off, tb-size=MiB (the
/// code-cache limit, as QEMU's tcg accelerator names it), threshold=N (tier-0 runs before a
/// block is hot). Throws vireo::Error naming the bad property.
DbtOptions ParseDbtOptions(const std::vector<std::string>& props);

/// The stats=on report: blocks translated, regions compiled, compile time, time and guest
/// instructions in each tier, invalidations, code-cache use. `seconds` is the wall time the
/// vCPU's tier samples (Cpu::SampleTier) cover.
std::string StatsReport(const x86::Cpu& cpu, const DbtOptions& options, double seconds);

}  // namespace vireo::accel
