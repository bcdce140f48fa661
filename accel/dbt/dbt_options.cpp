#include "accel/dbt/dbt_options.h"

#include <cinttypes>
#include <cstdio>

#include "machine/error.h"

namespace vireo::accel {

namespace {

uint64_t Number(const std::string& key, const std::string& value, uint64_t min, uint64_t max) {
  uint64_t n = 0;
  bool ok = !value.empty() && value.size() <= 12;
  for (char c : value) {
    if (c < '0' || c > '9') ok = false;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  if (!ok || n < min || n > max) {
    throw Error("-accel dbt: " + key + "=" + value + " is not a number from " +
                std::to_string(min) + " to " + std::to_string(max));
  }
  return n;
}

const char* TierName(jit::TierMode m) {
  switch (m) {
    case jit::TierMode::kInterp:
      return "interp";
    case jit::TierMode::kLlvm:
      return "llvm";
    case jit::TierMode::kTiered:
      return "tiered";
  }
  return "?";
}

}  // namespace

DbtOptions ParseDbtOptions(const std::vector<std::string>& props) {
  DbtOptions o;
  for (const std::string& prop : props) {
    size_t eq = prop.find('=');
    std::string key = prop.substr(0, eq);
    std::string value = eq == std::string::npos ? "" : prop.substr(eq + 1);
    if (key == "tier") {
      if (!jit::ParseTierMode(value, &o.tiers.mode))
        throw Error("-accel dbt: unknown tier '" + value + "' (use interp, llvm or tiered)");
    } else if (key == "stats") {
      if (value != "on" && value != "off")
        throw Error("-accel dbt: stats=" + value + " (use stats=on or stats=off)");
      o.stats = value == "on";
    } else if (key == "tb-size") {
      o.tiers.code_limit = Number(key, value, 1, 65536) << 20;
    } else if (key == "threshold") {
      o.tiers.threshold = Number(key, value, 1, 1'000'000'000);
    } else if (key == "thread") {
      // QEMU's tcg,thread=single|multi: one vCPU thread either way here.
      if (value != "single" && value != "multi")
        throw Error("-accel dbt: thread=" + value + " (use single or multi)");
    } else {
      throw Error("-accel dbt: unknown property '" + key +
                  "' (use tier, stats, tb-size, threshold or thread)");
    }
  }
  return o;
}

std::string StatsReport(const x86::Cpu& cpu, const DbtOptions& options, double seconds) {
  const x86::CpuStats& c = cpu.stats();
  const jit::BlockCacheStats& cache = cpu.cache().stats();
  char buf[2048];
  const double samples = static_cast<double>(c.samples[0] + c.samples[1] + c.samples[2]);
  auto share = [&](int i) {
    return samples > 0 ? seconds * static_cast<double>(c.samples[i]) / samples : 0.0;
  };
  int n = std::snprintf(
      buf, sizeof buf,
      "vireo: dbt statistics (tier=%s)\n"
      "  guest instructions     %" PRIu64 " (%" PRIu64 " in tier 1)\n"
      "  blocks run             %" PRIu64 " (%" PRIu64 " tier 1 region runs, %" PRIu64
      " dispatcher lookups, %" PRIu64 " jump cache hits)\n"
      "  blocks translated      %" PRIu64 " (%" PRIu64 " invalidated, %" PRIu64
      " of them with tier 1 code; %" PRIu64 " flushes)\n"
      "  time in tier 0         %.1f s (sampled each millisecond)\n"
      "  time in tier 1         %.1f s\n"
      "  time elsewhere         %.1f s (dispatcher, translator, devices, idle)\n",
      TierName(options.tiers.mode), c.guest_insts, c.native_insts, c.blocks_run, c.native_runs,
      c.dispatches, c.jump_cache_hits, cache.translated, cache.invalidated, cache.native_invalidated, cache.flushes,
      share(x86::Cpu::kInTier0), share(x86::Cpu::kInTier1), share(x86::Cpu::kInDispatcher));
  std::string out(buf, static_cast<size_t>(n));
  if (const jit::Tier1* t = cpu.tier1()) {
    const jit::TierStats& s = t->stats();
    const jit::CompilerStats& k = t->compiler_stats();
    const double seconds = static_cast<double>(k.nanoseconds.load()) * 1e-9;
    n = std::snprintf(
        buf, sizeof buf,
        "  regions compiled       %" PRIu64 " (%" PRIu64 " installed with %" PRIu64
        " blocks, %" PRIu64 " discarded as stale, %" PRIu64 " failed)\n"
        "  compile time           %.3f s (%.2f ms a region)\n"
        "  code cache             %.1f KiB live, limit %" PRIu64 " MiB, %" PRIu64
        " regions evicted, %" PRIu64 " freed\n",
        s.regions_queued, s.regions_installed, s.blocks_compiled, s.regions_discarded,
        k.failed.load(), seconds,
        k.compiled + k.failed > 0 ? 1e3 * seconds / static_cast<double>(k.compiled + k.failed)
                                  : 0.0,
        static_cast<double>(k.bytes_live.load()) / 1024.0, options.tiers.code_limit >> 20,
        s.regions_evicted, k.released.load());
    out.append(buf, static_cast<size_t>(n));
    if (!s.first_error.empty()) out += "  first compile error    " + s.first_error + "\n";
    if (s.stopped) out += "  tier 1 stopped         after that error; tier 0 ran the rest\n";
  }
  return out;
}

}  // namespace vireo::accel
