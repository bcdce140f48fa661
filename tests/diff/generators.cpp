#include "tests/diff/generators.h"

#include <cstdio>
#include <cstdlib>

#include "tests/diff/gen_registry.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace vireo::diff {
namespace {

constexpr GeneratorDef kSequence = {"seq.mix", kAllModes,    CpuFeature::kNone,
                                    false,     EmitSequence, 40};

const std::vector<GeneratorDef>& Registry() {
  static const std::vector<GeneratorDef> all = [] {
    std::vector<GeneratorDef> v;
    for (auto family :
         {AluGenerators(), MulDivGenerators(), ShiftGenerators(), BitGenerators(), BmiGenerators(),
          MovGenerators(), FlagGenerators(), BranchGenerators(), StackGenerators(),
          StringGenerators(), AtomicGenerators(), FaultGenerators(), SseGenerators(),
          MmxGenerators(), SseFloatGenerators()}) {
      v.insert(v.end(), family.begin(), family.end());
    }
    for (const GeneratorDef& d : X87Generators()) v.push_back(d);
    for (const GeneratorDef& d : Sse4Generators()) v.push_back(d);
    for (const GeneratorDef& d : FpuStateGenerators()) v.push_back(d);
    v.push_back(kSequence);
    return v;
  }();
  return all;
}

bool Matches(std::string_view name, const std::string& filter) {
  if (filter.empty()) return true;
  size_t start = 0;
  while (start <= filter.size()) {
    size_t end = filter.find(',', start);
    if (end == std::string::npos) end = filter.size();
    std::string_view part(filter.data() + start, end - start);
    // "^fam" anchors at the start of the name, so "^mov" keeps sse.movaps out.
    if (part.starts_with('^')) {
      if (part.size() > 1 && name.starts_with(part.substr(1))) return true;
    } else if (!part.empty() && name.find(part) != std::string_view::npos) {
      return true;
    }
    start = end + 1;
  }
  return false;
}

// Sequence steps (filled on first use): all in_sequences generators the host can run, and the
// subset that consumes flags, favoured so lazily computed flags get read.
struct SequencePool {
  std::vector<const GeneratorDef*> all;
  std::vector<const GeneratorDef*> consumers;
};

const SequencePool& SequenceSteps() {
  static const SequencePool pool = [] {
    static constexpr std::string_view kConsumers[] = {"branch.jcc", "flags.setcc", "flags.cmovcc",
                                                      "flags.lahf", "stack.flags", "branch.loop"};
    SequencePool p;
    for (const GeneratorDef& d : Registry()) {
      if (!d.in_sequences || !HostHas(d.feature)) continue;
      p.all.push_back(&d);
      for (std::string_view c : kConsumers) {
        if (d.name == c) p.consumers.push_back(&d);
      }
    }
    return p;
  }();
  return pool;
}

}  // namespace

bool EmitSequence(Gen& g) {
  const SequencePool& pool = SequenceSteps();
  int count = 2 + static_cast<int>(g.rng().Below(7));
  int emitted = 0;
  for (int attempt = 0; attempt < count * 8 && emitted < count; ++attempt) {
    const auto& steps = emitted > 0 && g.rng().Chance(35) ? pool.consumers : pool.all;
    const GeneratorDef* d = steps[g.rng().Below(steps.size())];
    if ((d->modes & ModeBit(g.mode())) == 0) continue;
    Gen::Mark mark = g.Save();
    // A step must not read a flag an earlier step left undefined (SDM: undefined flags may hold
    // any value, so results depending on them are not comparable).
    if (!d->emit(g) || g.Violation() || g.Offset() > 512) {
      g.Restore(mark);
      continue;
    }
    g.EndStep(mark);
    ++emitted;
  }
  return emitted >= 2;
}

bool HostHas(CpuFeature f) {
#if defined(__x86_64__) || defined(__i386__)
  unsigned a, b, c, d;
  switch (f) {
    case CpuFeature::kNone:
      return true;
    case CpuFeature::kBmi1:
      return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 3));
    case CpuFeature::kBmi2:
      return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 8));
    case CpuFeature::kAdx:
      return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 19));
    case CpuFeature::kPopcnt:
      return __get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 23));
    case CpuFeature::kCx16:
      return __get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 13));
    case CpuFeature::kLzcnt:
      return __get_cpuid(0x80000001, &a, &b, &c, &d) && (c & (1u << 5));
    case CpuFeature::kLahf64:
      return __get_cpuid(0x80000001, &a, &b, &c, &d) && (c & 1u);
  }
  return false;
#else
  return f == CpuFeature::kNone;
#endif
}

std::string_view FeatureName(CpuFeature f) {
  switch (f) {
    case CpuFeature::kNone:
      return "-";
    case CpuFeature::kBmi1:
      return "bmi1";
    case CpuFeature::kBmi2:
      return "bmi2";
    case CpuFeature::kAdx:
      return "adx";
    case CpuFeature::kLzcnt:
      return "lzcnt";
    case CpuFeature::kPopcnt:
      return "popcnt";
    case CpuFeature::kCx16:
      return "cx16";
    case CpuFeature::kLahf64:
      return "lahf_lm";
  }
  return "?";
}

std::vector<GeneratorInfo> ListGenerators() {
  std::vector<GeneratorInfo> out;
  for (const GeneratorDef& d : Registry()) {
    std::string modes;
    for (int m : {16, 32, 64}) {
      if (d.modes & ModeBit(m)) modes += (modes.empty() ? "" : " ") + std::to_string(m);
    }
    out.push_back({std::string(d.name), modes, d.feature});
  }
  return out;
}

CaseFactory::CaseFactory(const Options& options) : options_(options) {
  const auto& reg = Registry();
  int total = 0;
  for (size_t i = 0; i < reg.size(); ++i) {
    const GeneratorDef& d = reg[i];
    if (!Matches(d.name, options.filter) || (d.modes & options.modes) == 0) continue;
    if (options.host_features_only && !HostHas(d.feature)) {
      notes_.push_back("skipped " + std::string(d.name) + ": the host CPU lacks " +
                       std::string(FeatureName(d.feature)));
      continue;
    }
    active_.push_back(static_cast<int>(i));
    total += d.weight;
    cumulative_weight_.push_back(total);
  }
}

std::vector<std::string> CaseFactory::ActiveNames() const {
  std::vector<std::string> out;
  for (int i : active_) out.emplace_back(Registry()[static_cast<size_t>(i)].name);
  return out;
}

DiffCase CaseFactory::Make(uint64_t index) const {
  const auto& reg = Registry();
  uint64_t seed = Mix64(options_.seed ^ Mix64(index + 0x5EED));
  Rng pick(seed);
  uint64_t w = pick.Below(static_cast<uint64_t>(cumulative_weight_.back()));
  size_t k = 0;
  while (static_cast<uint64_t>(cumulative_weight_[k]) <= w) ++k;
  const GeneratorDef& d = reg[static_cast<size_t>(active_[k])];
  int modes[3];
  int n = 0;
  for (int m : {16, 32, 64}) {
    if (d.modes & options_.modes & ModeBit(m)) modes[n++] = m;
  }
  int mode = modes[pick.Below(static_cast<uint64_t>(n))];
  DiffCase c;
  for (int attempt = 0; attempt < 200; ++attempt) {
    bool sequence = d.emit == EmitSequence;
    Gen g(Mix64(seed + static_cast<uint64_t>(attempt)), mode, sequence, &c);
    if (d.emit(g) && !g.Violation() && c.code.size() <= kMaxCodeSize) {
      g.Finish();
      c.generator = std::string(d.name);
      return c;
    }
  }
  std::fprintf(stderr, "vireo-diff: generator %.*s cannot make a %d-bit case\n",
               static_cast<int>(d.name.size()), d.name.data(), mode);
  std::abort();
}

}  // namespace vireo::diff
