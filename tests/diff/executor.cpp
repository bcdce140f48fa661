#include "tests/diff/executor.h"

#include <exception>

#include "tests/diff/native_runner.h"
#include "tests/diff/vireo_executor.h"

namespace vireo::diff {

void Executor::RunBatch(std::span<const DiffCase> cases, std::vector<DiffOutcome>* out) {
  out->resize(cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    (*out)[i].state = Run(cases[i], &(*out)[i].fault);
  }
}

bool Executor::SupportsMode(int mode, std::string* reason) const {
  (void)mode;
  (void)reason;
  return true;
}

std::string CompareOutcomes(const DiffCase& c, const DiffOutcome& a, const DiffOutcome& b) {
  std::string out;
  if (a.fault != b.fault) {
    out += "  fault: expected [" + (a.fault.empty() ? std::string("none") : a.fault) + "] got [" +
           (b.fault.empty() ? std::string("none") : b.fault) + "]\n";
  }
  out += DiffStates(c, a.state, b.state);
  return out;
}

std::unique_ptr<Executor> MakeExecutor(std::string_view name, std::string* error) {
  if (name == "native") return std::make_unique<NativeExecutor>();
  // Vireo in each tier it can be forced into; `--a vireo --b vireo-llvm` checks tier 1
  // against tier 0 on the same cases.
  static constexpr struct {
    std::string_view name;
    jit::TierMode tiers;
  } kVireo[] = {{"vireo", jit::TierMode::kInterp}, {"vireo-llvm", jit::TierMode::kLlvm}};
  for (const auto& v : kVireo) {
    if (name != v.name) continue;
    try {
      return MakeVireoExecutor(v.tiers);
    } catch (const std::exception& e) {
      *error = std::string(name) + ": " + e.what();
      return nullptr;
    }
  }
  *error = "unknown executor '" + std::string(name) + "' (available: native, vireo, vireo-llvm)";
  return nullptr;
}

}  // namespace vireo::diff
