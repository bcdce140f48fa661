#include "tests/diff/state.h"

#include <cinttypes>
#include <cstdio>

namespace vireo::diff {
namespace {

struct FlagName {
  uint64_t bit;
  const char* name;
};

constexpr FlagName kFlagNames[] = {
    {kCf, "CF"}, {0x2, "1"},  {kPf, "PF"}, {kAf, "AF"}, {kZf, "ZF"},
    {kSf, "SF"}, {kIf, "IF"}, {kDf, "DF"}, {kOf, "OF"},
};

constexpr const char* kGpr64[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                    "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};
constexpr const char* kGpr32[8] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};

std::string Hex(uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%" PRIx64, v);
  return buf;
}

// Appends the differing byte ranges of the data page, at most kMaxRanges of them.
void DiffData(const DiffState& expected, const DiffState& got, std::string* out) {
  constexpr int kMaxRanges = 8;
  constexpr size_t kMaxShown = 16;
  int ranges = 0;
  size_t i = 0;
  while (i < kDataSize) {
    if (expected.data[i] == got.data[i]) {
      ++i;
      continue;
    }
    // Merge differences separated by at most 4 equal bytes into one range.
    size_t end = i;
    for (size_t j = i + 1; j < kDataSize && j <= end + 4; ++j) {
      if (expected.data[j] != got.data[j]) end = j;
    }
    if (++ranges > kMaxRanges) {
      *out += "  data: more differences\n";
      return;
    }
    char head[64];
    std::snprintf(head, sizeof head, "  data[0x%03zx..0x%03zx]: expected", i, end);
    *out += head;
    for (size_t j = i; j <= end && j < i + kMaxShown; ++j) {
      char b[4];
      std::snprintf(b, sizeof b, " %02x", expected.data[j]);
      *out += b;
    }
    *out += " got";
    for (size_t j = i; j <= end && j < i + kMaxShown; ++j) {
      char b[4];
      std::snprintf(b, sizeof b, " %02x", got.data[j]);
      *out += b;
    }
    *out += "\n";
    i = end + 1;
  }
}

}  // namespace

std::string FlagNames(uint64_t flags) {
  std::string out;
  for (const FlagName& f : kFlagNames) {
    if ((flags & f.bit) == 0) continue;
    if (!out.empty()) out += ' ';
    out += f.name;
  }
  return out.empty() ? "-" : out;
}

std::string GprName(int index, int mode) {
  if (mode != 64 && index < 8) return kGpr32[index];
  return kGpr64[index];
}

uint64_t GprCompareMask(int index, int mode) {
  return (mode != 64 && index < 8) ? 0xFFFFFFFFull : ~0ull;
}

std::string DiffStates(const DiffCase& c, const DiffState& expected, const DiffState& got) {
  std::string out;
  for (int i = 0; i < 16; ++i) {
    uint64_t mask = GprCompareMask(i, c.mode);
    if ((expected.gpr[i] & mask) == (got.gpr[i] & mask)) continue;
    out += "  " + GprName(i, c.mode) + ": expected " + Hex(expected.gpr[i] & mask) + " got " +
           Hex(got.gpr[i] & mask) + "\n";
  }
  uint64_t compared = kComparedFlags & ~c.undefined_flags_mask;
  uint64_t fe = expected.rflags & compared;
  uint64_t fg = got.rflags & compared;
  if (fe != fg) {
    out += "  flags: expected [" + FlagNames(fe) + "] got [" + FlagNames(fg) + "] differ [" +
           FlagNames(fe ^ fg) + "] (undefined, not compared: [" +
           FlagNames(c.undefined_flags_mask & kComparedFlags) + "])\n";
  }
  for (int i = 0; i < 16; ++i) {
    if (expected.xmm[i][0] == got.xmm[i][0] && expected.xmm[i][1] == got.xmm[i][1]) continue;
    char buf[128];
    std::snprintf(buf, sizeof buf,
                  "  xmm%d: expected %016" PRIx64 "_%016" PRIx64 " got %016" PRIx64 "_%016" PRIx64
                  "\n",
                  i, expected.xmm[i][1], expected.xmm[i][0], got.xmm[i][1], got.xmm[i][0]);
    out += buf;
  }
  if (expected.mxcsr != got.mxcsr) {
    out += "  mxcsr: expected " + Hex(expected.mxcsr) + " got " + Hex(got.mxcsr) + "\n";
  }
  for (int i = 0; i < 8; ++i) {
    if (expected.mm[i] != got.mm[i] || expected.st_exp[i] != got.st_exp[i]) {
      char buf[128];
      std::snprintf(buf, sizeof buf,
                    "  r%d (mm%d): expected %04x:%016" PRIx64 " got %04x:%016" PRIx64 "\n", i, i,
                    expected.st_exp[i], expected.mm[i], got.st_exp[i], got.mm[i]);
      out += buf;
    }
  }
  if (expected.fpu_tags != got.fpu_tags || expected.fpu_top != got.fpu_top) {
    out += "  x87 tags/top: expected " + Hex(expected.fpu_tags) + "/" + Hex(expected.fpu_top) +
           " got " + Hex(got.fpu_tags) + "/" + Hex(got.fpu_top) + "\n";
  }
  DiffData(expected, got, &out);
  return out;
}

std::string DumpRegisters(const DiffState& s, int mode) {
  std::string out;
  int count = mode == 64 ? 16 : 8;
  for (int i = 0; i < count; ++i) {
    char buf[64];
    uint64_t v = s.gpr[i] & GprCompareMask(i, mode);
    std::snprintf(buf, sizeof buf, "%s=%0*" PRIx64 "%s", GprName(i, mode).c_str(),
                  mode == 64 ? 16 : 8, v, (i % 4 == 3) ? "\n" : " ");
    out += buf;
  }
  out += "flags=" + Hex(s.rflags) + " [" + FlagNames(s.rflags) + "]\n";
  for (int i = 0; i < 16; ++i) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "xmm%d=%016" PRIx64 "_%016" PRIx64 "%s", i, s.xmm[i][1],
                  s.xmm[i][0], (i % 2 == 1) ? "\n" : " ");
    out += buf;
  }
  out += "mxcsr=" + Hex(s.mxcsr) + " x87 tags=" + Hex(s.fpu_tags) + " top=" + Hex(s.fpu_top) + "\n";
  for (int i = 0; i < 8; ++i) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "r%d=%04x:%016" PRIx64 "%s", i, s.st_exp[i], s.mm[i],
                  (i % 4 == 3) ? "\n" : " ");
    out += buf;
  }
  return out;
}

std::string HexBytes(const std::vector<uint8_t>& bytes) {
  std::string out;
  for (uint8_t b : bytes) {
    char buf[4];
    std::snprintf(buf, sizeof buf, out.empty() ? "%02x" : " %02x", b);
    out += buf;
  }
  return out;
}

std::string FormatFault(int vector, uint64_t ip_offset, uint64_t pf_address) {
  static constexpr const char* kNames[20] = {"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD",
                                             "#NM", "#DF", "#09", "#TS", "#NP", "#SS", "#GP",
                                             "#PF", "#15", "#MF", "#AC", "#MC", "#XM"};
  std::string name;
  if (vector >= 0 && vector < 20) {
    name = kNames[vector];
  } else if (vector == kFaultHang) {
    return "hang";
  } else if (vector == kFaultCrash) {
    return "crash";
  } else {
    name = "vector " + std::to_string(vector);
  }
  if (vector == kFaultPf) name += " addr=" + Hex(pf_address);
  return name + " ip=+" + Hex(ip_offset);
}

}  // namespace vireo::diff
