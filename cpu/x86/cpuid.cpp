// What this vCPU reports through CPUID (SDM Vol. 2A CPUID, Tables 3-8 .. 3-12). The rule: a
// feature bit is set only when every instruction and behaviour behind it is implemented and
// covered by the differential tests. Cache leaves are real values, because glibc 2.36 derives
// its memcpy non-temporal threshold from them and faults when they are zero.

#include <cstring>

#include "cpu/x86/helpers.h"

namespace vireo::x86 {

namespace {

constexpr uint32_t kMaxBasicLeaf = 0xD;
constexpr uint32_t kMaxExtendedLeaf = 0x80000008;

// Leaf 1 EDX (Table 3-11).
constexpr uint32_t kEdxFpu = 1 << 0, kEdxMmx = 1 << 23, kEdxFxsr = 1 << 24, kEdxSse = 1 << 25,
                   kEdxSse2 = 1 << 26;
constexpr uint32_t kEdxDe = 1 << 2, kEdxPse = 1 << 3, kEdxTsc = 1 << 4, kEdxMsr = 1 << 5,
                   kEdxPae = 1 << 6, kEdxCx8 = 1 << 8, kEdxSep = 1 << 11, kEdxMtrr = 1 << 12,
                   kEdxPge = 1 << 13, kEdxCmov = 1 << 15, kEdxPat = 1 << 16;
// Leaf 1 ECX (Table 3-10).
constexpr uint32_t kEcxXsave = 1 << 26;  // OSXSAVE (bit 27) mirrors CR4 in CpuidHelper
constexpr uint32_t kEcxSse3 = 1 << 0, kEcxSsse3 = 1 << 9, kEcxSse41 = 1 << 19, kEcxSse42 = 1 << 20;
constexpr uint32_t kEcxPcid = 1 << 17;  // a CR3 write keeps only global translations (allowed)
constexpr uint32_t kEcxCx16 = 1 << 13, kEcxMovbe = 1 << 22, kEcxPopcnt = 1 << 23,
                   kEcxHypervisor = 1u << 31;
// Leaf 7.0 EBX.
constexpr uint32_t kBmi1 = 1 << 3, kSmep = 1 << 7, kBmi2 = 1 << 8, kAdx = 1 << 19;
// Leaf 0x80000001.
constexpr uint32_t kExtEcxLahf = 1 << 0, kExtEcxAbm = 1 << 5;  // ABM: LZCNT
constexpr uint32_t kExtEdxSyscall = 1 << 11, kExtEdxNx = 1 << 20, kExtEdxPage1Gb = 1 << 26,
                   kExtEdxRdtscp = 1 << 27, kExtEdxLm = 1 << 29;

uint32_t Chars(const char* four) {
  uint32_t v;
  std::memcpy(&v, four, 4);
  return v;
}

/// Leaf 4 subleaves: {type, level, ways, sets, sharing} for L1d 32K, L1i 32K, L2 256K, L3 8M,
/// all with 64-byte lines (SDM Table 3-8, leaf 04H).
struct CacheLevel {
  uint32_t type, level, ways, sets;
};
constexpr CacheLevel kCaches[] = {{1, 1, 8, 64}, {2, 1, 8, 64}, {3, 2, 8, 512}, {3, 3, 16, 8192}};

}  // namespace

CpuidResult Cpuid(uint32_t leaf, uint32_t subleaf) {
  // Leaves above the maximum report the highest basic leaf, as Intel processors do.
  if ((leaf < 0x80000000 && leaf > kMaxBasicLeaf) || leaf > kMaxExtendedLeaf) leaf = kMaxBasicLeaf;
  switch (leaf) {
    case 0:
      return {kMaxBasicLeaf, Chars("Genu"), Chars("ntel"), Chars("ineI")};
    case 1:
      // Family 6, model 0x3A, stepping 9; CLFLUSH line 8*8 = 64 bytes; one logical processor.
      return {0x000306A9, (8u << 8) | (1u << 16),
              kEcxSse3 | kEcxSsse3 | kEcxPcid | kEcxCx16 | kEcxSse41 | kEcxSse42 | kEcxMovbe |
                  kEcxPopcnt | kEcxXsave | kEcxHypervisor,
              kEdxFpu | kEdxDe | kEdxPse | kEdxTsc | kEdxMsr | kEdxPae | kEdxCx8 | kEdxSep |
                  kEdxMtrr | kEdxPge | kEdxCmov | kEdxPat | kEdxMmx | kEdxFxsr | kEdxSse |
                  kEdxSse2};
    case 2:
      // Descriptor 0xFF: "no cache descriptors here, use leaf 4"; AL = 1 (one call).
      return {0x0000FF01, 0, 0, 0};
    case 4: {
      if (subleaf >= sizeof(kCaches) / sizeof(kCaches[0])) return {0, 0, 0, 0};
      const CacheLevel& c = kCaches[subleaf];
      uint32_t eax = c.type | (c.level << 5) | (1u << 8);     // self-initialising
      uint32_t ebx = ((c.ways - 1) << 22) | 63;               // one partition, 64-byte lines
      return {eax, ebx, c.sets - 1, c.level == 3 ? 2u : 0u};  // L3 inclusive
    }
    case 7:
      if (subleaf != 0) return {0, 0, 0, 0};
      // SMEP is checked on every instruction fetch walk (fetches never hit the soft TLB).
      return {0, kBmi1 | kSmep | kBmi2 | kAdx, 0, 0};
    case 0xD:
      // XSAVE (Table 3-8, leaf 0DH): x87 and SSE in XCR0; 512-byte legacy region plus the
      // 64-byte header for every XCR0 this vCPU allows; no XSAVEOPT/XSAVEC/XGETBV(1)/XSAVES.
      if (subleaf == 0) return {3, 576, 576, 0};
      return {0, 0, 0, 0};
    case 0x80000000:
      return {kMaxExtendedLeaf, 0, 0, 0};
    case 0x80000001:
      return {0, 0, kExtEcxLahf | kExtEcxAbm,
              kExtEdxSyscall | kExtEdxNx | kExtEdxPage1Gb | kExtEdxRdtscp | kExtEdxLm};
    case 0x80000002:
      return {Chars("Vire"), Chars("o Vi"), Chars("rtua"), Chars("l CP")};
    case 0x80000003:
      return {Chars("U @ "), Chars("1.00"), Chars("GHz\0"), 0};
    case 0x80000004:
      return {0, 0, 0, 0};
    case 0x80000005:
      // Reserved on Intel; AMD's layout (APM Vol. 3 E.4.4) for guests that read it anyway:
      // L1d and L1i 32 KiB, 8-way, one line per tag, 64-byte lines.
      return {0, 0, (32u << 24) | (8u << 16) | (1u << 8) | 64,
              (32u << 24) | (8u << 16) | (1u << 8) | 64};
    case 0x80000006:
      // L2: 256 KiB, 8-way (encoding 6), 64-byte lines.
      return {0, 0, (256u << 16) | (6u << 12) | 64, 0};
    case 0x80000008:
      return {40 | (48 << 8), 0, 0, 0};  // physical / linear address bits
    default:
      return {0, 0, 0, 0};
  }
}

}  // namespace vireo::x86
