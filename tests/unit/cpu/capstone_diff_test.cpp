// Differential test of the x86 decoder against Capstone 4: random (but biased towards valid)
// instructions in 16/32/64-bit code. Wherever Capstone decodes, length, mnemonic and operands
// must match; every disagreement must be one of the known, SDM-justified Capstone 4
// differences in capstone_known_diffs.h, or the test fails. Counts are printed per mode.
//
// VIREO_DIFF_COUNT (sequences per mode, default 1000000) and VIREO_DIFF_SEED override the run.

#include <capstone/capstone.h>
#include <doctest/doctest.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "cpu/x86/decoder.h"
#include "tests/support/test_random.h"
#include "tests/unit/cpu/capstone_known_diffs.h"

namespace vireo::x86::difftest {
namespace {

using vireo::test::EnvOr;
using vireo::test::Rng;

constexpr uint8_t kLegacyPrefixes[] = {0x66, 0x66, 0x66, 0xF2, 0xF2, 0xF3, 0xF3, 0x67,
                                       0xF0, 0x2E, 0x36, 0x3E, 0x26, 0x64, 0x65};

// One random instruction of kMaxInstructionLength bytes: a few legacy prefixes, sometimes REX
// (occasionally followed by another prefix, which cancels it), an opcode from one of the maps
// (or a VEX/EVEX/XOP escape) and random ModRM/SIB/displacement/immediate bytes.
void Generate(Rng& rng, CodeSize mode, uint8_t* buf) {
  for (int i = 0; i < kMaxInstructionLength; ++i) buf[i] = static_cast<uint8_t>(rng.Next() >> 56);
  int pos = 0;
  const uint32_t prefix_roll = rng.Below(16);
  const int num_prefixes = prefix_roll < 7 ? 0 : prefix_roll < 12 ? 1 : prefix_roll < 15 ? 2 : 4;
  for (int i = 0; i < num_prefixes; ++i) {
    buf[pos++] = kLegacyPrefixes[rng.Below(sizeof kLegacyPrefixes)];
  }
  if (mode == CodeSize::k64 && rng.Below(2) == 0) {
    buf[pos++] = static_cast<uint8_t>(0x40 | rng.Below(16));
    if (rng.Below(16) == 0) buf[pos++] = kLegacyPrefixes[rng.Below(sizeof kLegacyPrefixes)];
  }
  const uint32_t map_roll = rng.Below(100);
  if (map_roll < 45) {
    buf[pos++] = static_cast<uint8_t>(rng.Below(256));
  } else if (map_roll < 78) {
    buf[pos++] = 0x0F;
    buf[pos++] = static_cast<uint8_t>(rng.Below(256));
  } else if (map_roll < 88) {
    buf[pos++] = 0x0F;
    buf[pos++] = 0x38;
    // Bias towards the populated rows (00-41, 80-82, C8-CD, DB-DF, F0-F7).
    constexpr uint8_t kRows[] = {0x00, 0x10, 0x20, 0x30, 0x40, 0x80, 0xC8, 0xD8, 0xF0};
    buf[pos++] = static_cast<uint8_t>(kRows[rng.Below(sizeof kRows)] + rng.Below(16));
  } else if (map_roll < 95) {
    buf[pos++] = 0x0F;
    buf[pos++] = 0x3A;
    constexpr uint8_t kRows[] = {0x00, 0x10, 0x20, 0x40, 0x60, 0xC0, 0xD0};
    buf[pos++] = static_cast<uint8_t>(kRows[rng.Below(sizeof kRows)] + rng.Below(16));
  } else {
    // VEX (C4/C5), EVEX (62), XOP (8F); the BMI rows get extra weight.
    constexpr uint8_t kEscapes[] = {0xC4, 0xC4, 0xC4, 0xC5, 0x62, 0x8F};
    const uint8_t esc = kEscapes[rng.Below(sizeof kEscapes)];
    buf[pos++] = esc;
    if (esc == 0xC4 && rng.Below(2) == 0) {
      buf[pos++] = static_cast<uint8_t>(0xE0 | (rng.Below(2) ? 2 : 3));
      buf[pos++] = static_cast<uint8_t>(rng.Below(256) & ~4u);
      buf[pos++] = static_cast<uint8_t>(0xF0 + rng.Below(8));
    }
  }
  (void)pos;
}

struct ModeResult {
  uint64_t tested = 0;
  uint64_t capstone_decoded = 0;
  uint64_t we_decoded = 0;
  uint64_t agreed = 0;                            // both decoded, everything matched
  uint64_t both_rejected = 0;                     // neither decoded
  std::map<std::string, uint64_t> known;          // reason id -> count
  std::map<std::string, uint64_t> unexplained;    // opcode class -> count
  std::map<std::string, uint64_t> capstone_only;  // opcode class -> Capstone-only decodes
  std::map<std::string, uint64_t> vireo_only;     // opcode class -> Vireo-only decodes
  std::vector<std::string> examples;              // first unexplained disagreements
};

std::string Hex(const uint8_t* b, int n) {
  std::string s;
  char buf[4];
  for (int i = 0; i < n; ++i) {
    std::snprintf(buf, sizeof buf, "%02x ", b[i]);
    s += buf;
  }
  if (!s.empty()) s.pop_back();
  return s;
}

// Compares one 15-byte sequence with Capstone and records the outcome in `r`.
void CompareOne(csh handle, cs_insn* insn, CodeSize mode, const uint8_t* buf, ModeResult& r) {
  {
    DecodedInst inst;
    const DecodeStatus st =
        Decode(std::span<const uint8_t>(buf, kMaxInstructionLength), mode, inst);
    const uint8_t* code = buf;
    size_t code_size = kMaxInstructionLength;
    uint64_t address = 0x1000;
    const bool cs_ok = cs_disasm_iter(handle, &code, &code_size, &address, insn);
    ++r.tested;
    r.capstone_decoded += cs_ok;
    r.we_decoded += st == DecodeStatus::kOk;
    if (!cs_ok && st != DecodeStatus::kOk) {
      ++r.both_rejected;
      return;
    }
    Comparison cmp = Compare(handle, mode, buf, st, inst, cs_ok ? insn : nullptr);
    if (cmp.agree) {
      ++r.agreed;
      return;
    }
    // One-sided decodes, per opcode class (explained or not).
    if (cs_ok && st != DecodeStatus::kOk) ++r.capstone_only[cmp.opcode_class];
    if (!cs_ok && st == DecodeStatus::kOk) ++r.vireo_only[cmp.opcode_class];
    const char* reason =
        ClassifyKnownDifference(handle, mode, buf, st, inst, cs_ok ? insn : nullptr, cmp);
    if (reason != nullptr) {
      ++r.known[reason];
      return;
    }
    ++r.unexplained[cmp.opcode_class];
    if (r.examples.size() < EnvOr("VIREO_DIFF_EXAMPLES", 40)) {
      std::string e = std::string(mode == CodeSize::k16   ? "16"
                                  : mode == CodeSize::k32 ? "32"
                                                          : "64") +
                      "-bit  " + Hex(buf, cs_ok ? insn->size : 8) + "\n    vireo:    ";
      e += st == DecodeStatus::kOk
               ? Format(inst, 0x1000) + " (len " + std::to_string(inst.length) + ")"
               : "status " + std::to_string(static_cast<int>(st));
      e += "\n    capstone: ";
      e += cs_ok ? std::string(insn->mnemonic) + " " + insn->op_str + " (len " +
                       std::to_string(insn->size) + ")"
                 : "invalid";
      e += "\n    why:      " + cmp.what;
      r.examples.push_back(e);
    }
  }
}

csh OpenCapstone(CodeSize mode) {
  csh handle = 0;
  const cs_mode cs_mode_value = mode == CodeSize::k16   ? CS_MODE_16
                                : mode == CodeSize::k32 ? CS_MODE_32
                                                        : CS_MODE_64;
  REQUIRE(cs_open(CS_ARCH_X86, cs_mode_value, &handle) == CS_ERR_OK);
  cs_option(handle, CS_OPT_DETAIL, CS_OPT_ON);
  return handle;
}

ModeResult RunMode(CodeSize mode, uint64_t count, uint64_t seed) {
  ModeResult r;
  csh handle = OpenCapstone(mode);
  cs_insn* insn = cs_malloc(handle);
  Rng rng{seed * 0x9E3779B97F4A7C15ull + static_cast<uint64_t>(mode) + 1};
  uint8_t buf[kMaxInstructionLength];
  for (uint64_t i = 0; i < count; ++i) {
    Generate(rng, mode, buf);
    CompareOne(handle, insn, mode, buf, r);
  }
  cs_free(insn, 1);
  cs_close(&handle);
  return r;
}

// Every opcode of every map, with no prefix, 66, F3, F2 (and REX.W in 64-bit mode), with all
// 256 ModRM values and two fillings of the following bytes: a deterministic complement to the
// random run that reaches every group and x87 register form.
ModeResult RunSweep(CodeSize mode) {
  ModeResult r;
  csh handle = OpenCapstone(mode);
  cs_insn* insn = cs_malloc(handle);
  const uint8_t prefixes[] = {0, 0x66, 0xF3, 0xF2, 0x48};
  for (int map = 0; map < 4; ++map) {
    for (int op = 0; op < 256; ++op) {
      for (uint8_t prefix : prefixes) {
        if (prefix == 0x48 && mode != CodeSize::k64) continue;
        for (int modrm = 0; modrm < 256; ++modrm) {
          for (uint8_t fill : {0x00, 0xFF}) {
            uint8_t buf[kMaxInstructionLength];
            std::memset(buf, fill, sizeof buf);
            int pos = 0;
            if (prefix != 0) buf[pos++] = prefix;
            if (map != 0) buf[pos++] = 0x0F;
            if (map == 2) buf[pos++] = 0x38;
            if (map == 3) buf[pos++] = 0x3A;
            buf[pos++] = static_cast<uint8_t>(op);
            buf[pos++] = static_cast<uint8_t>(modrm);
            CompareOne(handle, insn, mode, buf, r);
          }
        }
      }
    }
  }
  cs_free(insn, 1);
  cs_close(&handle);
  return r;
}

void Report(const char* name, const ModeResult& r) {
  std::printf("capstone diff %s: tested %" PRIu64 ", capstone decoded %" PRIu64
              ", vireo decoded %" PRIu64 ", agreed %" PRIu64 ", both rejected %" PRIu64 "\n",
              name, r.tested, r.capstone_decoded, r.we_decoded, r.agreed, r.both_rejected);
  for (const auto& [reason, n] : r.known) {
    std::printf("  known difference %-28s %8" PRIu64 "\n", reason.c_str(), n);
  }
  // The opcode classes where only one side decodes most often (all explained above).
  for (const auto* side : {&r.capstone_only, &r.vireo_only}) {
    std::vector<std::pair<uint64_t, std::string>> top;
    for (const auto& [cls, n] : *side) top.emplace_back(n, cls);
    std::sort(top.rbegin(), top.rend());
    std::string line =
        side == &r.capstone_only ? "  only Capstone decodes:" : "  only Vireo decodes:";
    for (size_t i = 0; i < top.size() && i < 8; ++i) {
      line += " " + top[i].second + "=" + std::to_string(top[i].first);
    }
    std::printf("%s\n", line.c_str());
  }
  for (const auto& [cls, n] : r.unexplained) {
    std::printf("  UNEXPLAINED %-20s %8" PRIu64 "\n", cls.c_str(), n);
  }
  for (const std::string& e : r.examples) std::printf("  %s\n", e.c_str());
}

void RunAndCheck(CodeSize mode, const char* name) {
  const uint64_t count = EnvOr("VIREO_DIFF_COUNT", 1000000);
  const uint64_t seed = EnvOr("VIREO_DIFF_SEED", 20240601);
  const ModeResult r = RunMode(mode, count, seed);
  Report(name, r);
  CHECK(r.tested == count);
  const ModeResult sweep = RunSweep(mode);
  Report((std::string(name) + " sweep").c_str(), sweep);
  uint64_t sweep_unexplained = 0;
  for (const auto& [cls, n] : sweep.unexplained) sweep_unexplained += n;
  CHECK_MESSAGE(sweep_unexplained == 0, "unexplained disagreements in the ", name, " sweep");
  // The generator must actually produce mostly-valid code for the comparison to mean much.
  CHECK(r.capstone_decoded * 2 > r.tested);
  CHECK(r.agreed * 10 > r.capstone_decoded * 7);
  uint64_t unexplained = 0;
  for (const auto& [cls, n] : r.unexplained) unexplained += n;
  CHECK_MESSAGE(unexplained == 0, "unexplained Capstone disagreements in ", name, " mode");
}

TEST_CASE("x86 decoder agrees with Capstone 4 in 16-bit code") {
  RunAndCheck(CodeSize::k16, "16-bit");
}
TEST_CASE("x86 decoder agrees with Capstone 4 in 32-bit code") {
  RunAndCheck(CodeSize::k32, "32-bit");
}
TEST_CASE("x86 decoder agrees with Capstone 4 in 64-bit code") {
  RunAndCheck(CodeSize::k64, "64-bit");
}

}  // namespace
}  // namespace vireo::x86::difftest
