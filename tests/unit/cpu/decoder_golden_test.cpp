// Per-opcode decoder tests from hand-written golden lists (decoder_golden_*.inc): every opcode
// of the one-byte, 0F, 0F 38 and 0F 3A maps, with each mandatory-prefix column and group
// extension, decoded in 16-, 32- and 64-bit code. The expected length is derived from the
// encoding shape written in the list, not from the decoder.

#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "cpu/x86/decoder.h"

namespace vireo::x86 {
namespace {

enum class Imm { N, B, W, Z, V, WB, O, P, J1, JZ, BB };
enum GoldenMap { k1B, k0F, k38, k3A };

struct Golden {
  GoldenMap map;
  int prefix;  // 0 or the mandatory prefix byte
  int opcode;
  int modrm;  // -1: none
  Imm imm;
  const char* name[3];  // per mode 16/32/64; "" = #UD, "REX" = is a REX prefix there
  int line;
};

constexpr int NO = -1;
constexpr int NP = 0;
constexpr int P66 = 0x66;
constexpr int PF3 = 0xF3;
constexpr int PF2 = 0xF2;

const Golden kGolden[] = {
#define A(map, pfx, opc, modrm, imm, n) {k##map, pfx, opc, modrm, Imm::imm, {n, n, n}, __LINE__},
#define G(map, pfx, opc, modrm, imm, n16, n32, n64) \
  {k##map, pfx, opc, modrm, Imm::imm, {n16, n32, n64}, __LINE__},
#include "tests/unit/cpu/decoder_golden_0f.inc"
#include "tests/unit/cpu/decoder_golden_0f38_0f3a.inc"
#include "tests/unit/cpu/decoder_golden_onebyte.inc"
#undef A
#undef G
};

// Immediate bytes for an encoding shape in code of size `mode` (SDM A.2.2 b/w/z/v, moffs by
// address size, ptr16:16/ptr16:32 by operand size).
int ImmSize(Imm imm, CodeSize mode) {
  const bool m16 = mode == CodeSize::k16;
  switch (imm) {
    case Imm::N:
      return 0;
    case Imm::B:
    case Imm::J1:
      return 1;
    case Imm::W:
    case Imm::BB:
      return 2;
    case Imm::WB:
      return 3;
    case Imm::Z:
    case Imm::V:
    case Imm::JZ:
      return m16 ? 2 : 4;
    case Imm::O:
      return m16 ? 2 : mode == CodeSize::k32 ? 4 : 8;
    case Imm::P:
      return m16 ? 4 : 6;
  }
  return 0;
}

std::vector<uint8_t> Encode(const Golden& g, CodeSize mode) {
  std::vector<uint8_t> b;
  if (g.prefix != 0) b.push_back(static_cast<uint8_t>(g.prefix));
  if (g.map != k1B) b.push_back(0x0F);
  if (g.map == k38) b.push_back(0x38);
  if (g.map == k3A) b.push_back(0x3A);
  b.push_back(static_cast<uint8_t>(g.opcode));
  if (g.modrm >= 0) b.push_back(static_cast<uint8_t>(g.modrm));
  for (int i = 0; i < ImmSize(g.imm, mode); ++i) b.push_back(0x11);
  return b;
}

constexpr CodeSize kModes[3] = {CodeSize::k16, CodeSize::k32, CodeSize::k64};
constexpr const char* kModeNames[3] = {"16", "32", "64"};

TEST_CASE("golden opcode list: every entry decodes with the expected length and mnemonic") {
  int checked = 0;
  for (const Golden& g : kGolden) {
    for (int m = 0; m < 3; ++m) {
      const std::string expected = g.name[m];
      if (expected == "REX") continue;
      const std::vector<uint8_t> bytes = Encode(g, kModes[m]);
      CAPTURE(g.line);
      CAPTURE(kModeNames[m]);
      DecodedInst inst;
      if (expected.empty()) {
        std::vector<uint8_t> padded = bytes;
        padded.resize(kMaxInstructionLength, 0);
        CHECK(Decode(padded, kModes[m], inst) == DecodeStatus::kUndefined);
      } else {
        const DecodeStatus status = Decode(bytes, kModes[m], inst);
        CHECK(status == DecodeStatus::kOk);
        if (status != DecodeStatus::kOk) continue;
        CHECK(inst.length == bytes.size());
        CHECK(std::string(MnemonicName(inst.mnemonic)) == expected);
        // One byte short is "need more bytes", never #UD.
        const std::span<const uint8_t> shorter(bytes.data(), bytes.size() - 1);
        CHECK(Decode(shorter, kModes[m], inst) == DecodeStatus::kTruncated);
      }
      ++checked;
    }
  }
  CHECK(checked > 2000);
}

// The golden list covers every opcode byte of the one-byte and 0F maps (prefixes and escapes
// aside); opcode bytes of 0F 38 / 0F 3A it does not mention are blank in Tables and
// must be #UD with any mandatory prefix and either ModRM form.
TEST_CASE("golden opcode list: coverage of every opcode byte; unlisted 0F38/0F3A bytes are #UD") {
  std::set<int> seen[4];
  for (const Golden& g : kGolden) seen[g.map].insert(g.opcode);
  const std::set<int> one_byte_special = {0x0F, 0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65,
                                          0x66, 0x67, 0xF0, 0xF2, 0xF3, 0x8F};
  for (int op = 0; op < 256; ++op) {
    CAPTURE(op);
    if (!one_byte_special.contains(op)) CHECK(seen[k1B].contains(op));
    // 0F 0F is 3DNow!, 0F 38 / 0F 3A escape (tested separately).
    if (op != 0x0F && op != 0x38 && op != 0x3A) CHECK(seen[k0F].contains(op));
  }
  for (int map : {k38, k3A}) {
    for (int op = 0; op < 256; ++op) {
      if (seen[map].contains(op)) continue;
      for (int prefix : {NP, P66, PF3, PF2}) {
        for (int modrm : {0x00, 0xC0}) {
          for (CodeSize mode : kModes) {
            std::vector<uint8_t> b;
            if (prefix) b.push_back(static_cast<uint8_t>(prefix));
            b.insert(b.end(), {0x0F, static_cast<uint8_t>(map == k38 ? 0x38 : 0x3A),
                               static_cast<uint8_t>(op), static_cast<uint8_t>(modrm)});
            b.resize(kMaxInstructionLength, 0);
            DecodedInst inst;
            CAPTURE(map);
            CAPTURE(op);
            CHECK(Decode(b, mode, inst) == DecodeStatus::kUndefined);
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace vireo::x86
