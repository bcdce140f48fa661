// vireo-diff: runs generated x86 instruction sequences on two executors and compares registers,
// defined flags, the data page and faults. Until Vireo's executor is linked in, --self-check
// runs the known-answer tests and compares the native CPU with itself (two processes).
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/diff/executor.h"
#include "tests/diff/flag_table.h"
#include "tests/diff/generators.h"
#include "tests/diff/known_answers.h"
#include "tests/diff/native_runner.h"

namespace vireo::diff {
namespace {

// meson's "skipped" exit status.
constexpr int kExitSkip = 77;
// Cases generated and run per batch.
constexpr uint64_t kBatch = 4096;

struct Options {
  uint64_t count = 20000;
  uint64_t seed = 1;
  unsigned modes = 7;
  std::string filter;
  bool self_check = false;
  std::string a = "native";
  std::string b = "vireo";
  int64_t only_case = -1;
  uint64_t first = 0;
  int max_reports = 10;
  bool verbose = false;
  bool list = false;
  bool flags = false;
};

void Usage(FILE* out) {
  std::fprintf(
      out,
      "usage: vireo-diff [options]\n"
      "  --count N        cases to run (default 20000)\n"
      "  --seed S         run seed (default 1)\n"
      "  --mode M         16, 32, 64 or all (default all)\n"
      "  --filter A,B     generators whose name contains A or B; ^A: starts with A (see --list)\n"
      "  --self-check     known answers, then native vs native (determinism)\n"
      "  --a NAME --b NAME  executors to compare: native, vireo (tier 0), vireo-llvm (tier 1)\n"
      "                   (default native vs vireo)\n"
      "  --case I         run only case I (same seed/mode/filter), print it in full\n"
      "  --first I        start at case I\n"
      "  --max-reports K  mismatches printed in full (default 10)\n"
      "  --verbose        print every known answer\n"
      "  --list           list the generators\n"
      "  --flags          print the undefined-flags table\n");
}

bool ParseArgs(int argc, char** argv, Options* o) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    const char* v = nullptr;
    if (arg == "--self-check") {
      o->self_check = true;
    } else if (arg == "--verbose") {
      o->verbose = true;
    } else if (arg == "--list") {
      o->list = true;
    } else if (arg == "--flags") {
      o->flags = true;
    } else if (arg == "--help" || arg == "-h") {
      Usage(stdout);
      std::exit(0);
    } else if ((v = value()) == nullptr) {
      std::fprintf(stderr, "vireo-diff: %s needs a value\n", arg.c_str());
      return false;
    } else if (arg == "--count") {
      o->count = std::strtoull(v, nullptr, 0);
    } else if (arg == "--seed") {
      o->seed = std::strtoull(v, nullptr, 0);
    } else if (arg == "--mode") {
      std::string m = v;
      o->modes = m == "16" ? 1 : m == "32" ? 2 : m == "64" ? 4 : m == "all" ? 7 : 0;
      if (o->modes == 0) {
        std::fprintf(stderr, "vireo-diff: --mode takes 16, 32, 64 or all\n");
        return false;
      }
    } else if (arg == "--filter") {
      o->filter = v;
    } else if (arg == "--a") {
      o->a = v;
    } else if (arg == "--b") {
      o->b = v;
    } else if (arg == "--case") {
      o->only_case = std::strtoll(v, nullptr, 0);
    } else if (arg == "--first") {
      o->first = std::strtoull(v, nullptr, 0);
    } else if (arg == "--max-reports") {
      o->max_reports = std::atoi(v);
    } else {
      std::fprintf(stderr, "vireo-diff: unknown option %s\n", arg.c_str());
      return false;
    }
  }
  return true;
}

void PrintCase(const Options& o, uint64_t index, const DiffCase& c, const DiffOutcome& a,
               const DiffOutcome& b, const std::string& diff, const std::string& a_name,
               const std::string& b_name) {
  std::printf("case %" PRIu64 " [%s] %d-bit: %s\n", index, c.generator.c_str(), c.mode,
              c.description.c_str());
  std::printf("  code: %s\n", HexBytes(c.code).c_str());
  std::printf("  input:\n%s", DumpRegisters(c.in, c.mode).c_str());
  std::printf("  %s: fault [%s]\n%s", a_name.c_str(), a.fault.empty() ? "none" : a.fault.c_str(),
              DumpRegisters(a.state, c.mode).c_str());
  // What the code changed (as "expected input, got output"), data bytes included.
  DiffCase all_flags = c;
  all_flags.undefined_flags_mask = 0;
  std::printf("  changes by %s:\n%s", a_name.c_str(), DiffStates(all_flags, c.in, a.state).c_str());
  std::printf("  %s: fault [%s]\n%s", b_name.c_str(), b.fault.empty() ? "none" : b.fault.c_str(),
              DumpRegisters(b.state, c.mode).c_str());
  if (!diff.empty()) std::printf("  %s differs:\n%s", b_name.c_str(), diff.c_str());
  std::printf("  undefined flags: [%s]\n", FlagNames(c.undefined_flags_mask).c_str());
  std::string mode = c.mode == 16 ? "16" : c.mode == 32 ? "32" : "64";
  // The executors too when they are not the defaults: the same case may pass in another tier.
  std::string executors;
  if (!o.self_check && (o.a != "native" || o.b != "vireo"))
    executors = " --a " + o.a + " --b " + o.b;
  std::printf("  reproduce: vireo-diff%s%s --seed %" PRIu64 " --case %" PRIu64 "%s%s\n",
              o.self_check ? " --self-check" : "", executors.c_str(), o.seed, index,
              o.filter.empty() ? "" : (" --filter " + o.filter).c_str(),
              o.modes == 7 ? "" : (" --mode " + mode).c_str());
}

struct Counts {
  uint64_t cases = 0;
  uint64_t mismatches = 0;
  uint64_t faults = 0;
};

int Main(int argc, char** argv) {
  Options o;
  if (!ParseArgs(argc, argv, &o)) {
    Usage(stderr);
    return 2;
  }
  if (o.list) {
    for (const GeneratorInfo& g : ListGenerators()) {
      std::printf("%-20s modes %-9s cpu %s\n", g.name.c_str(), g.modes.c_str(),
                  std::string(FeatureName(g.feature)).c_str());
    }
    return 0;
  }
  if (o.flags) {
    std::printf("%-11s %-17s %-17s %-17s %s\n", "mnemonic", "reads", "defines", "undefined", "SDM");
    for (const FlagRule& r : AllFlagRules()) {
      std::printf("%-11s %-17s %-17s %-17s %s\n", std::string(r.mnemonic).c_str(),
                  FlagNames(r.read).c_str(), FlagNames(r.defined).c_str(),
                  FlagNames(r.undefined).c_str(), std::string(r.sdm).c_str());
    }
    std::printf("shifts/rotates: see ShiftRule (count-dependent), e.g. shl 8-bit by 9: %s\n",
                FlagNames(ShiftRule("shl", 8, 9).undefined).c_str());
    return 0;
  }
  std::string reason;
  if (!NativeRunnerAvailable(&reason)) {
    std::printf("%s\n", reason.c_str());
    return kExitSkip;
  }
  // Executors first: the native one forks its child while this process is still small.
  std::string error;
  std::unique_ptr<Executor> a = MakeExecutor(o.a, &error);
  std::unique_ptr<Executor> b = MakeExecutor(o.self_check ? "native" : o.b, &error);
  if (!a || !b) {
    std::fprintf(stderr, "vireo-diff: %s\n", error.c_str());
    return 2;
  }
  std::string a_name(a->Name()), b_name(b->Name());
  if (o.self_check) b_name += " (second process)";
  for (int m : {16, 32, 64}) {
    unsigned bit = m == 16 ? 1 : m == 32 ? 2 : 4;
    if ((o.modes & bit) == 0) continue;
    for (Executor* ex : {a.get(), b.get()}) {
      if ((o.modes & bit) && !ex->SupportsMode(m, &reason)) {
        std::printf("note: %d-bit cases skipped: %s: %s\n", m, std::string(ex->Name()).c_str(),
                    reason.c_str());
        o.modes &= ~bit;
      }
    }
  }
  if (o.modes == 0) {
    std::printf("skipped: no mode can run\n");
    return kExitSkip;
  }

  int failures = 0;
  if (o.self_check && o.only_case < 0) {
    int known = 0;
    failures = RunKnownAnswers(*a, o.modes, o.verbose, &known, stdout);
    std::printf("%d known answers, %d failed\n", known, failures);
  }

  CaseFactory::Options fo;
  fo.seed = o.seed;
  fo.filter = o.filter;
  fo.modes = o.modes;
  CaseFactory factory(fo);
  for (const std::string& note : factory.Notes()) std::printf("note: %s\n", note.c_str());
  if (factory.Empty()) {
    std::fprintf(stderr, "vireo-diff: no generator matches --filter '%s'\n", o.filter.c_str());
    return 2;
  }

  uint64_t first = o.only_case >= 0 ? static_cast<uint64_t>(o.only_case) : o.first;
  uint64_t count = o.only_case >= 0 ? 1 : o.count;
  std::map<std::string, Counts> per_generator;
  uint64_t mismatches = 0;
  int reports = 0;
  auto start = std::chrono::steady_clock::now();
  std::vector<DiffCase> cases;
  std::vector<DiffOutcome> out_a, out_b;
  for (uint64_t done = 0; done < count;) {
    uint64_t n = std::min(kBatch, count - done);
    cases.resize(n);
    for (uint64_t i = 0; i < n; ++i) cases[i] = factory.Make(first + done + i);
    a->RunBatch(cases, &out_a);
    b->RunBatch(cases, &out_b);
    for (uint64_t i = 0; i < n; ++i) {
      const DiffCase& c = cases[i];
      std::string diff = CompareOutcomes(c, out_a[i], out_b[i]);
      Counts& pc = per_generator[c.generator];
      ++pc.cases;
      if (!out_a[i].fault.empty()) ++pc.faults;
      if (!diff.empty()) {
        ++pc.mismatches;
        ++mismatches;
      }
      if ((!diff.empty() && reports++ < o.max_reports) || o.only_case >= 0) {
        PrintCase(o, first + done + i, c, out_a[i], out_b[i], diff, a_name, b_name);
      }
    }
    done += n;
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::printf("%-20s %9s %9s %10s\n", "generator", "cases", "faults", "mismatches");
  for (const auto& [name, pc] : per_generator) {
    std::printf("%-20s %9" PRIu64 " %9" PRIu64 " %10" PRIu64 "\n", name.c_str(), pc.cases,
                pc.faults, pc.mismatches);
  }
  std::printf("%s vs %s: %.0f cases/s\n", a_name.c_str(), b_name.c_str(), count / seconds);
  std::printf("%" PRIu64 " cases, %" PRIu64 " mismatches\n", count, mismatches);
  return (mismatches != 0 || failures != 0) ? 1 : 0;
}

}  // namespace
}  // namespace vireo::diff

int main(int argc, char** argv) {
  try {
    return vireo::diff::Main(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vireo-diff: %s\n", e.what());
    return 1;
  }
}
