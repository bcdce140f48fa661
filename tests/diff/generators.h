// Seeded, deterministic generators of DiffCases for the integer instruction set.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tests/diff/state.h"

namespace vireo::diff {

/// CPUID features some generators need on the host.
enum class CpuFeature { kNone, kBmi1, kBmi2, kAdx, kLzcnt, kPopcnt, kCx16, kLahf64 };

/// Whether the host CPU has `f` (CPUID); false on non-x86 hosts.
bool HostHas(CpuFeature f);

/// Printable feature name ("bmi2").
std::string_view FeatureName(CpuFeature f);

/// A generator as listed by --list.
struct GeneratorInfo {
  /// "family.form".
  std::string name;
  /// Supported modes, e.g. "16 32 64".
  std::string modes;
  /// Required CPU feature.
  CpuFeature feature;
};

/// All generators.
std::vector<GeneratorInfo> ListGenerators();

/// Makes case number N of a run: the same seed, filter and modes give the same cases.
class CaseFactory {
 public:
  /// What to generate.
  struct Options {
    /// Run seed.
    uint64_t seed = 1;
    /// Comma-separated substrings of generator names; empty selects all.
    std::string filter;
    /// Allowed modes as a bit mask: 1 = 16-bit, 2 = 32-bit, 4 = 64-bit.
    unsigned modes = 7;
    /// Leave out generators whose CPU feature the host lacks.
    bool host_features_only = true;
  };

  /// Selects the generators.
  explicit CaseFactory(const Options& options);

  /// Notes about generators left out (CPU features).
  const std::vector<std::string>& Notes() const { return notes_; }
  /// Whether any generator is selected.
  bool Empty() const { return active_.empty(); }
  /// Names of the selected generators.
  std::vector<std::string> ActiveNames() const;
  /// Case number `index`.
  DiffCase Make(uint64_t index) const;

 private:
  Options options_;
  std::vector<int> active_;  // indices into the registry
  std::vector<int> cumulative_weight_;
  std::vector<std::string> notes_;
};

}  // namespace vireo::diff
