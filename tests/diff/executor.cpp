#include "tests/diff/executor.h"

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
  if (name == "vireo") return MakeVireoExecutor();
  *error = "unknown executor '" + std::string(name) + "' (available: native, vireo)";
  return nullptr;
}

}  // namespace vireo::diff
