// The documented list of Capstone 4 disagreements. Every entry in ClassifyKnownDifference()
// names the SDM fact that makes our decoding right; each was found by running the
// differential test and checked against the manual. Where possible an entry is verified
// mechanically (e.g. Capstone agrees once the prefixes are reordered or removed) rather than
// by matching the opcode alone.

#include "tests/unit/cpu/capstone_known_diffs.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <span>
#include <vector>

namespace vireo::x86::difftest {

namespace {

// Index of the first byte after the prefixes (legacy and, in 64-bit mode, REX).
int PrefixEnd(CodeSize mode, const uint8_t* b) {
  int pos = 0;
  while (pos < kMaxInstructionLength) {
    const uint8_t c = b[pos];
    const bool legacy = c == 0xF0 || c == 0xF2 || c == 0xF3 || c == 0x66 || c == 0x67 ||
                        c == 0x26 || c == 0x2E || c == 0x36 || c == 0x3E || c == 0x64 || c == 0x65;
    const bool rex = mode == CodeSize::k64 && (c & 0xF0) == 0x40;
    if (!legacy && !rex) break;
    ++pos;
  }
  return pos;
}

bool IsRex(CodeSize mode, uint8_t c) { return mode == CodeSize::k64 && (c & 0xF0) == 0x40; }

// The same instruction with its prefixes regrouped: cancelled REX bytes, segment and LOCK
// prefixes, then the 66, 67 and F2/F3 blocks in the order given by permutation `variant`
// (0-5), then the effective REX. The relative order of segment prefixes and of F2/F3 is kept
// (the last one wins), so under SDM Vol. 2A 2.1.1 ("placed in any order") and F2/F3
// precedence over 66 the meaning is unchanged.
std::vector<uint8_t> ReorderPrefixes(CodeSize mode, const uint8_t* b, int variant) {
  const int end = PrefixEnd(mode, b);
  std::vector<uint8_t> cancelled, group_a, blocks[3], rex;  // blocks: 66, 67, F2/F3
  for (int i = 0; i < end; ++i) {
    if (IsRex(mode, b[i])) {
      (i == end - 1 ? rex : cancelled).push_back(b[i]);
    } else if (b[i] == 0x66) {
      blocks[0].push_back(b[i]);
    } else if (b[i] == 0x67) {
      blocks[1].push_back(b[i]);
    } else if (b[i] == 0xF2 || b[i] == 0xF3) {
      blocks[2].push_back(b[i]);
    } else {
      group_a.push_back(b[i]);
    }
  }
  // A cancelled REX must stay cancelled: keep it in front of a legacy prefix.
  if (!cancelled.empty() && group_a.empty() && blocks[0].empty() && blocks[1].empty() &&
      blocks[2].empty()) {
    return {};
  }
  static constexpr int kPermutations[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
                                              {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
  std::vector<uint8_t> out = cancelled;
  out.insert(out.end(), group_a.begin(), group_a.end());
  for (int k : kPermutations[variant]) out.insert(out.end(), blocks[k].begin(), blocks[k].end());
  out.insert(out.end(), rex.begin(), rex.end());
  out.insert(out.end(), b + end, b + kMaxInstructionLength);
  return out;
}

// The instruction with the prefix bytes matching `drop` removed (the result is shorter).
template <typename Pred>
std::vector<uint8_t> StripPrefixes(CodeSize mode, const uint8_t* b, Pred drop, int* removed) {
  const int end = PrefixEnd(mode, b);
  std::vector<uint8_t> out;
  *removed = 0;
  for (int i = 0; i < end; ++i) {
    if (drop(b[i])) {
      ++*removed;
    } else {
      out.push_back(b[i]);
    }
  }
  out.insert(out.end(), b + end, b + kMaxInstructionLength);
  return out;
}

bool IsSimd(Isa isa) {
  switch (isa) {
    case Isa::kMMX:
    case Isa::kSSE:
    case Isa::kSSE2:
    case Isa::kSSE3:
    case Isa::kSSSE3:
    case Isa::kSSE41:
    case Isa::kSSE42:
    case Isa::kSSE4A:
    case Isa::kAES:
    case Isa::kPCLMUL:
    case Isa::kSHA:
    case Isa::kAMD3DNOW:
      return true;
    default:
      return false;
  }
}

// Capstone 4 spells MMX MOVQ mm, r/m64 (REX.W 0F 6E / 0F 7E) "movd"; the SDM's MOVD/MOVQ page
// names the REX.W form MOVQ.
bool MovqSpelledMovd(const DecodedInst& inst, const std::string& capstone_name) {
  return inst.mnemonic == Mnemonic::kMOVQ && inst.map == OpcodeMap::k0F &&
         (inst.opcode == 0x6E || inst.opcode == 0x7E) && inst.mandatory_prefix == 0 &&
         capstone_name == "movd";
}

// Decodes `v` with our decoder and checks it is Capstone's instruction `insn` apart from
// `removed` prefix bytes.
bool VariantMatchesCapstone(CodeSize mode, const std::vector<uint8_t>& v, int removed,
                            const cs_insn* insn, DecodedInst* out) {
  if (insn == nullptr) return false;
  const DecodeStatus st = Decode(v, mode, *out);
  return st == DecodeStatus::kOk && out->length + removed == insn->size &&
         (VireoCapstoneName(mode, *out) == CapstoneMnemonic(insn->mnemonic) ||
          MovqSpelledMovd(*out, CapstoneMnemonic(insn->mnemonic)));
}

bool IsBmiName(const std::string& n) {
  static const char* const kNames[] = {"andn", "bextr", "blsi", "blsmsk", "blsr", "bzhi", "mulx",
                                       "pdep", "pext",  "rorx", "sarx",   "shlx", "shrx"};
  for (const char* k : kNames) {
    if (n == k) return true;
  }
  return false;
}

// Whether Capstone's decoding of `v` agrees with our `inst` for `v`, or differs only in a
// known way (one level of recursion deeper).
bool AgreesOrKnown(csh handle, CodeSize mode, const std::vector<uint8_t>& v, DecodeStatus status,
                   const DecodedInst& inst, int depth) {
  cs_insn* again = nullptr;
  const size_t n = cs_disasm(handle, v.data(), v.size(), 0x1000, 1, &again);
  if (n == 0 && status != DecodeStatus::kOk) return true;
  const Comparison c = Compare(handle, mode, v.data(), status, inst, n != 0 ? again : nullptr);
  const bool result =
      c.agree ||
      (depth < 2 && ClassifyKnownDifference(handle, mode, v.data(), status, inst,
                                            n != 0 ? again : nullptr, c, depth + 1) != nullptr);
  if (n != 0) cs_free(again, n);
  return result;
}

// Capstone's mnemonic for `v`, or "" if it does not decode.
std::string CapstoneMnemonicOf(csh handle, const std::vector<uint8_t>& v) {
  cs_insn* again = nullptr;
  const size_t n = cs_disasm(handle, v.data(), v.size(), 0x1000, 1, &again);
  std::string name = n != 0 ? CapstoneMnemonic(again->mnemonic) : "";
  if (n != 0) cs_free(again, n);
  return name;
}

}  // namespace

const char* ClassifyKnownDifference(csh handle, CodeSize mode, const uint8_t* bytes,
                                    DecodeStatus status, const DecodedInst& inst,
                                    const cs_insn* insn, const Comparison& cmp, int depth) {
  const std::string& cls = cmp.opcode_class;
  const bool ok = status == DecodeStatus::kOk;

  // AVX, AVX2, FMA, AVX-512 (EVEX) and XOP are not implemented: by design they decode to
  // #UD (the requirement), while Capstone 4 decodes them.
  if (!ok && insn != nullptr && (cls == "VEX" || cls == "EVEX" || cls == "XOP") &&
      !IsBmiName(cmp.capstone_name)) {
    return "avx-evex-xop-not-implemented";
  }

  // Capstone 4 honours 66/67/F2/F3 only in some positions ("66 64 98" is cwde to Capstone,
  // cbw with the prefixes swapped; "F2 66 0F 58" is addpd to Capstone). SDM Vol. 2A 2.1.1:
  // prefixes may be placed in any order; F2/F3 select the instruction even with 66 present
  // (e.g. the documented POPCNT/TZCNT/LZCNT/CRC32 r16 forms are 66 + F3/F2). Accepted when
  // Capstone agrees with us on the same prefixes in another order.
  for (int variant = 0; variant < 6 && depth < 2; ++variant) {
    const std::vector<uint8_t> reordered = ReorderPrefixes(mode, bytes, variant);
    if (reordered.empty() || std::equal(reordered.begin(), reordered.end(), bytes)) continue;
    DecodedInst inst2;
    const DecodeStatus st2 = Decode(reordered, mode, inst2);
    // Our decoding must not depend on the order (same instruction, same operands).
    if (st2 != status) continue;
    if (ok && (inst2.length != inst.length || inst2.mnemonic != inst.mnemonic ||
               inst2.operand_size != inst.operand_size || inst2.num_operands != inst.num_operands ||
               std::memcmp(inst2.operands, inst.operands, sizeof inst.operands) != 0)) {
      continue;
    }
    if (AgreesOrKnown(handle, mode, reordered, status, inst2, depth)) {
      return "capstone-prefix-order";
    }
  }

  // F2/F3 select the instruction even when 66 is present (the documented POPCNT/TZCNT/LZCNT/
  // CRC32 r16 forms are 66 + F3/F2; XED and hardware treat F2/F3 as the mandatory prefix), so
  // "F3 66 0F 15" has no valid form and is #UD; Capstone 4 falls back to the 66 form.
  if (!ok && insn != nullptr) {
    int removed = 0;
    const std::vector<uint8_t> v = StripPrefixes(
        mode, bytes, [](uint8_t c) { return c == 0xF2 || c == 0xF3; }, &removed);
    DecodedInst inst2;
    if (removed > 0 && VariantMatchesCapstone(mode, v, removed, insn, &inst2) &&
        inst2.mandatory_prefix == 0x66) {
      return "f2-f3-over-66";
    }
  }

  // A 66/F2/F3 prefix on an instruction whose SDM page says "NP" (MMX/SSE rows without an
  // entry for that prefix in Tables A-3..A-5, VMREAD/VMWRITE) is #UD here (SDM Vol. 2A 3.1.1.1
  // "NP": "#UD or a different instruction"); Capstone 4 ignores the prefix.
  // LOCK on an instruction that is not lockable, or whose destination is a register, is #UD
  // (SDM LOCK: "#UD ... if the LOCK prefix is used with an instruction not listed or the
  // destination operand is not memory"); Capstone 4 accepts it.
  // Both are checked by removing the prefixes: Capstone must then decode the same mnemonic
  // with the same length less the removed bytes, and agree with us (or differ only in
  // another known way).
  if (!ok && insn != nullptr && depth < 2) {
    for (int pass = 0; pass < 3; ++pass) {
      // Pass 0 removes 66/F2/F3, pass 1 LOCK, pass 2 both.
      const bool lock_pass = pass != 0;
      int removed = 0;
      const std::vector<uint8_t> v = StripPrefixes(
          mode, bytes,
          [pass](uint8_t c) {
            const bool simd = c == 0x66 || c == 0xF2 || c == 0xF3;
            return pass == 0 ? simd : pass == 1 ? c == 0xF0 : (simd || c == 0xF0);
          },
          &removed);
      if (removed == 0) continue;
      DecodedInst inst2;
      if (Decode(v, mode, inst2) != DecodeStatus::kOk) continue;
      const bool prefix_cause = lock_pass
                                    ? (!(inst2.attributes & kAttrLockable) || inst2.Mod() == 3)
                                    : (IsSimd(inst2.isa) || inst2.isa == Isa::kVMX);
      if (!prefix_cause) continue;
      // Capstone's decoding of the original bytes is our decoding without the prefixes...
      DecodedInst widened = inst2;
      widened.length = static_cast<uint8_t>(inst2.length + removed);
      const Comparison cw = Compare(handle, mode, bytes, DecodeStatus::kOk, widened, insn);
      bool same = cw.agree || (cw.length_ok && cw.mnemonic_ok &&
                               ClassifyKnownDifference(handle, mode, bytes, DecodeStatus::kOk,
                                                       widened, insn, cw, depth + 1) != nullptr);
      // ...or Capstone's decoding of the stripped bytes agrees with ours (or differs only in
      // another known way) and keeps the mnemonic Capstone gave the original.
      if (!same && CapstoneMnemonicOf(handle, v) == cmp.capstone_name) {
        same = AgreesOrKnown(handle, mode, v, DecodeStatus::kOk, inst2, depth);
      }
      if (same) return lock_pass ? "lock-not-allowed" : "np-prefix-not-allowed";
    }
  }

  // VEX after a 66/F2/F3/LOCK or REX prefix is #UD (SDM Vol. 2A 2.3.2 "Any VEX-encoded
  // instruction with a 66H, F2H, F3H, LOCK or REX prefix preceding VEX will #UD").
  if (!ok && insn != nullptr && cls == "VEX" && IsBmiName(cmp.capstone_name)) {
    const int end = PrefixEnd(mode, bytes);
    for (int i = 0; i < end; ++i) {
      const uint8_t c = bytes[i];
      if (c == 0x66 || c == 0xF2 || c == 0xF3 || c == 0xF0 || IsRex(mode, c)) {
        return "vex-after-legacy-prefix";
      }
    }
  }

  // REX.W takes precedence over 66 (SDM Vol. 1 3.6.1 Table 3-4; Vol. 2A 2.2.1.2); Capstone 4
  // lets 66 win for some opcodes (PUSHF, IN/OUT, INS/OUTS, XCHG ...). For instructions without
  // a 64-bit form (IN/OUT/INS/OUTS) the REX.W operand size falls back to 32 bits.
  if (ok && insn != nullptr && (inst.rex & 8) && (inst.prefixes & kPrefixOpSize)) {
    int removed = 0;
    const std::vector<uint8_t> v = StripPrefixes(
        mode, bytes, [](uint8_t c) { return c == 0x66; }, &removed);
    DecodedInst inst2;
    if (depth < 2 && Decode(v, mode, inst2) == DecodeStatus::kOk &&
        inst2.mnemonic == inst.mnemonic && inst2.operand_size == inst.operand_size &&
        AgreesOrKnown(handle, mode, v, DecodeStatus::kOk, inst2, depth)) {
      return "rexw-over-66";
    }
  }

  // In 64-bit mode a 66 prefix on near CALL/JMP/Jcc is ignored on Intel processors (SDM
  // Table A-1 "f64"; the JMP/CALL pages: operand size forced to 64 bits, rel32); Capstone 4
  // decodes AMD's rel16 form. Documented choice: follow Intel.
  if (ok && insn != nullptr && mode == CodeSize::k64 && (inst.prefixes & kPrefixOpSize) &&
      (inst.attributes & kAttrForce64) && inst.operands[0].kind == OperandKind::kRel &&
      insn->size + 2 == inst.length) {
    return "near-branch-66-in-64bit";
  }

  // UD0 (0F FF /r) and UD1 (0F B9 /r) have a ModRM byte (SDM UD page: "UD0 r32, r/m32",
  // "UD1 r32, r/m32"); Capstone 4 decodes both without it.
  // Capstone 4 also rejects UD0 with any prefix.
  if (ok && (inst.mnemonic == Mnemonic::kUD0 || inst.mnemonic == Mnemonic::kUD1) &&
      (insn == nullptr || (cmp.mnemonic_ok && insn->size < inst.length))) {
    return "ud0-ud1-modrm";
  }

  // F3 90 is PAUSE; a REX prefix without REX.B does not change that (REX.W/R/X have nothing to
  // act on, SDM Vol. 2A 2.2.1: "if used when it has no meaning, it is ignored"). Capstone 4
  // turns F3 REX.W 90 into "xchg rax, rax".
  if (ok && insn != nullptr && inst.mnemonic == Mnemonic::kPAUSE && cmp.capstone_name == "xchg") {
    return "pause-with-rex";
  }

  // Capstone 4 applies a 67 prefix followed by REX.W as if it were 66 ("67 48 9C" is pushf,
  // "67 48 0F 10" movupd to Capstone). 67 only changes the address size (SDM Vol. 2A 2.1.1
  // Group 4). Accepted when Capstone agrees after the 67 is replaced by a DS prefix (a null
  // prefix in 64-bit mode).
  if (ok && insn != nullptr && mode == CodeSize::k64 && (inst.prefixes & kPrefixAddrSize) &&
      (inst.rex & 8) && depth < 2) {
    std::vector<uint8_t> v(bytes, bytes + kMaxInstructionLength);
    const int end = PrefixEnd(mode, bytes);
    for (int i = 0; i < end; ++i) {
      if (v[i] == 0x67) v[i] = 0x3E;
    }
    DecodedInst inst2;
    if (Decode(v, mode, inst2) == DecodeStatus::kOk && inst2.mnemonic == inst.mnemonic &&
        AgreesOrKnown(handle, mode, v, DecodeStatus::kOk, inst2, depth)) {
      return "67-with-rexw-as-66";
    }
  }
  // The same bug makes Capstone accept a 66-only instruction given 67 + REX.W (and drop the W):
  // our decoding of the bytes with a real 66 and without REX.W is Capstone's.
  if (!ok && insn != nullptr && mode == CodeSize::k64) {
    const int end = PrefixEnd(mode, bytes);
    bool has67 = false;
    for (int i = 0; i < end; ++i) has67 = has67 || bytes[i] == 0x67;
    if (has67 && end > 0 && IsRex(mode, bytes[end - 1]) && (bytes[end - 1] & 8)) {
      std::vector<uint8_t> v(bytes, bytes + kMaxInstructionLength);
      v[end - 1] = static_cast<uint8_t>(v[end - 1] & ~8);
      v.insert(v.begin(), 0x66);
      v.resize(kMaxInstructionLength);
      DecodedInst inst2;
      if (VariantMatchesCapstone(mode, v, -1, insn, &inst2)) return "67-with-rexw-as-66";
    }
  }

  // CLWB is "66 0F AE /6" (REX.W is not part of it); XSAVEOPT64 is "NP REX.W 0F AE /6".
  // Capstone 4 lets REX.W override the mandatory 66.
  if (ok && insn != nullptr && inst.mnemonic == Mnemonic::kCLWB && (inst.rex & 8) &&
      cmp.capstone_name == "xsaveopt64") {
    return "clwb-with-rexw";
  }

  // 3DNow! has no operation with suffix 0E (AMD 3DNow! manual, Table 11); FEMMS is 0F 0E.
  // Capstone 4 decodes 0F 0F /r 0E as femms.
  if (!ok && insn != nullptr && cls == "0F:0F" && cmp.capstone_name == "femms") {
    return "3dnow-suffix-0e-femms";
  }

  // LSL with REX.W is "LSL r64, r32/m16" (SDM LSL page; LAR likewise); Capstone 4 prints a
  // 64-bit source register for LSL (but not for LAR).
  if (ok && insn != nullptr && inst.mnemonic == Mnemonic::kLSL && (inst.rex & 8) && cmp.length_ok &&
      cmp.mnemonic_ok && inst.Mod() == 3) {
    return "lsl-rexw-source";
  }

  // MOVSXD without REX.W is "MOVSXD r32, r/m32" (SDM MOVSX/MOVSXD page); Capstone 4 prints a
  // 64-bit destination.
  if (ok && insn != nullptr && inst.mnemonic == Mnemonic::kMOVSXD && !(inst.rex & 8) &&
      cmp.length_ok && cmp.mnemonic_ok) {
    return "movsxd-without-rexw";
  }

  if (ok && insn != nullptr && cmp.length_ok && MovqSpelledMovd(inst, cmp.capstone_name)) {
    return "movq-rexw-spelled-movd";
  }

  // F3 0F 7E is "MOVQ xmm1, xmm2/m64" whatever REX.W says (SDM MOVQ); Capstone 4 lets REX.W
  // turn it into the MMX "movd r/m64, mm" form, dropping the mandatory F3.
  if (ok && insn != nullptr && cmp.length_ok && inst.mnemonic == Mnemonic::kMOVQ &&
      inst.mandatory_prefix == 0xF3 && (inst.rex & 8) && cmp.capstone_name == "movd") {
    return "movq-f3-with-rexw";
  }

  // JCXZ/JECXZ/JRCXZ test CX/ECX/RCX by address size (SDM Jcc page: E3 with 67 in 64-bit mode
  // is JECXZ); Capstone 4 picks the name from the last prefix only.
  if (ok && insn != nullptr && cmp.length_ok && inst.map == OpcodeMap::kOneByte &&
      inst.opcode == 0xE3 &&
      (cmp.capstone_name == "jcxz" || cmp.capstone_name == "jecxz" ||
       cmp.capstone_name == "jrcxz")) {
    return "jrcxz-address-size";
  }

  // MOV to or from CR1, CR5-CR7, CR9-CR15 or DR8-DR15 is #UD (SDM MOV-Move to/from Control
  // Registers / Debug Registers); Capstone 4 decodes them.
  if (!ok && insn != nullptr && cmp.capstone_name == "mov") {
    const std::string text = insn->op_str;
    for (const char* r : {"cr1", "cr5", "cr6", "cr7", "cr9", "cr10", "cr11", "cr12", "cr13", "cr14",
                          "cr15", "dr8", "dr9", "dr10", "dr11", "dr12", "dr13", "dr14", "dr15"}) {
      const size_t at = text.find(r);
      if (at != std::string::npos &&
          (at + std::strlen(r) == text.size() || text[at + std::strlen(r)] == ',')) {
        return "reserved-control-debug-register";
      }
    }
    // MOV CS, r/m is #UD (SDM MOV: "If attempt is made to load the CS register").
    if (text.compare(0, 4, "cs, ") == 0) return "mov-to-cs";
  }

  // 8C/8E with REX.R (ignored for segment registers, SDM Vol. 2A 2.2.1.2: "REX.R is ignored
  // when ModR/M specifies other registers") or REX.W with a memory operand ("REX.W + 8C /r
  // MOV r64/m16, Sreg") are valid; Capstone 4 rejects them. Capstone agrees once those REX
  // bits are cleared.
  if (ok && insn == nullptr && inst.map == OpcodeMap::kOneByte &&
      (inst.opcode == 0x8C || inst.opcode == 0x8E) && inst.rex != 0) {
    std::vector<uint8_t> v(bytes, bytes + kMaxInstructionLength);
    const int end = PrefixEnd(mode, bytes);
    v[end - 1] = static_cast<uint8_t>(v[end - 1] & ~0x0C);
    DecodedInst inst2;
    cs_insn* again = nullptr;
    const size_t n = cs_disasm(handle, v.data(), v.size(), 0x1000, 1, &again);
    bool agree = false;
    if (n != 0 && Decode(v, mode, inst2) == DecodeStatus::kOk) {
      agree = Compare(handle, mode, v.data(), DecodeStatus::kOk, inst2, again).agree;
    }
    if (n != 0) cs_free(again, n);
    if (agree) return "sreg-move-rex-bits";
  }

  // 0F 0D and 0F 18-0F 1F are the prefetch / reserved-NOP space (SDM Table A-3: "0F 0D
  // prefetchw(/1) / NOP Ev", "0F 18 prefetch Grp16", "0F 19-1E Reserved-NOP", "0F 1F NOP Ev";
  // AMD APM: 0F 0D /0 PREFETCH); Capstone 4 rejects most of them and prints some register
  // forms with two operands or a 32-bit memory size. None of them has architectural effect.
  if (inst.map == OpcodeMap::k0F && ok &&
      (inst.opcode == 0x0D || (inst.opcode >= 0x18 && inst.opcode <= 0x1F)) &&
      (insn == nullptr || (cmp.length_ok && (cmp.capstone_name == "nop" ||
                                             cmp.capstone_name.compare(0, 8, "prefetch") == 0)))) {
    return "hint-nop-space";
  }

  // LFENCE/MFENCE/SFENCE: Table A-6 Group 15 gives mod = 11B, reg /5 /6 /7 with any rm;
  // Capstone 4 accepts only rm = 000b.
  if (ok && insn == nullptr &&
      (inst.mnemonic == Mnemonic::kLFENCE || inst.mnemonic == Mnemonic::kMFENCE ||
       inst.mnemonic == Mnemonic::kSFENCE) &&
      inst.RmField() != 0) {
    return "fence-any-rm";
  }

  // EXTRQ is "66 0F 78 /0 ib ib" (AMD APM Vol. 4): ModRM.reg must be 0; Capstone 4 accepts any
  // reg. With another reg, 66 0F 78 is VMREAD with a 66 prefix, which is #UD ("NP").
  if (!ok && insn != nullptr && cmp.capstone_name == "extrq" && cls == "0F:78") {
    return "extrq-reg-field";
  }

  // RET imm16 (C2 iw) always has a 16-bit immediate (SDM RET); Capstone 4 reads 4 bytes when
  // REX.W is combined with 66 or 67.
  if (ok && insn != nullptr && inst.mnemonic == Mnemonic::kRET && inst.opcode == 0xC2 &&
      (inst.rex & 8) && insn->size == inst.length + 2) {
    return "ret-imm16-with-rexw";
  }

  // Capstone 4 mishandles 67 on 0F/0F 38/0F 3A SIMD opcodes: it treats it as a mandatory 66
  // ("67 0F 38 35" is pmovzxdq to Capstone) or rejects 66 67 combinations. 67 only changes
  // the address size (SDM Vol. 2A 2.1.1); Capstone agrees once the 67 is removed or the 66
  // it imagines is present.
  if (insn == nullptr || !ok) {
    const int end = PrefixEnd(mode, bytes);
    bool has67 = false;
    for (int i = 0; i < end; ++i) has67 = has67 || bytes[i] == 0x67;
    if (has67 && (cls.compare(0, 2, "0F") == 0)) {
      if (insn == nullptr && ok && IsSimd(inst.isa)) return "simd-with-67";
      if (insn != nullptr && !ok) {
        std::vector<uint8_t> v(bytes, bytes + kMaxInstructionLength);
        v.insert(v.begin(), 0x66);
        v.resize(kMaxInstructionLength);
        DecodedInst inst2;
        if (VariantMatchesCapstone(mode, v, -1, insn, &inst2)) return "simd-with-67";
      }
    }
  }

  // SYSCALL, SYSRET and SWAPGS are o64 (SDM Table A-3 "SYSCALL(o64)"; SYSCALL/SYSRET pages:
  // "#UD if not in 64-bit mode" on Intel processors; SWAPGS: "#UD if not in 64-bit mode").
  // Capstone 4 decodes them in 16/32-bit code.
  if (!ok && insn != nullptr && mode != CodeSize::k64 &&
      (cmp.capstone_name == "syscall" || cmp.capstone_name == "sysret" ||
       cmp.capstone_name == "swapgs")) {
    return "o64-instruction-outside-64bit";
  }

  // A near branch truncates the target to 16 bits only when the operand size is 16 (SDM Jcc /
  // JMP / CALL: "IF OperandSize = 16 THEN EIP <- EIP AND 0000FFFFH"); Capstone 4 truncates in
  // 16-bit code and under a 67 prefix even with a 32-bit operand size.
  if (ok && insn != nullptr && cmp.length_ok && cmp.mnemonic_ok &&
      inst.operands[0].kind == OperandKind::kRel && inst.operands[0].size == 4 &&
      insn->detail->x86.op_count == 1 && insn->detail->x86.operands[0].type == X86_OP_IMM) {
    const uint64_t target = 0x1000 + inst.length + static_cast<uint64_t>(inst.imm[0]);
    if ((static_cast<uint64_t>(insn->detail->x86.operands[0].imm) & 0xFFFF) == (target & 0xFFFF)) {
      return "branch-target-truncated-by-capstone";
    }
  }

  if (mode == CodeSize::k16) {
    // Capstone 4 in 16-bit mode ignores mandatory prefixes (66 0F 28 is movaps, F3 0F 10 movups,
    // F3 90 nop, F3 0F B8 invalid), though their meaning does not depend on the mode (SDM
    // Vol. 2A 2.1.2). Accepted when we decode the same mnemonic in 32-bit code and Capstone
    // agrees there.
    DecodedInst inst32;
    if (ok &&
        Decode(std::span<const uint8_t>(bytes, kMaxInstructionLength), CodeSize::k32, inst32) ==
            DecodeStatus::kOk &&
        inst32.mnemonic == inst.mnemonic) {
      csh h32 = 0;
      if (cs_open(CS_ARCH_X86, CS_MODE_32, &h32) == CS_ERR_OK) {
        cs_insn* i32 = nullptr;
        const size_t n = cs_disasm(h32, bytes, kMaxInstructionLength, 0x1000, 1, &i32);
        const bool same =
            n != 0 && CapstoneMnemonic(i32->mnemonic) == VireoCapstoneName(CodeSize::k32, inst32);
        if (n != 0) cs_free(i32, n);
        cs_close(&h32);
        if (same && (inst.mandatory_prefix != 0 || inst.mnemonic == Mnemonic::kPAUSE)) {
          return "capstone16-ignores-mandatory-prefix";
        }
      }
    }
    // CBW/CWD in 16-bit code (operand size 16, SDM CBW/CWD pages); Capstone 4 prints the
    // 32-bit names cwde/cdq whatever the operand size.
    if (ok && insn != nullptr && cmp.length_ok &&
        ((inst.mnemonic == Mnemonic::kCBW && cmp.capstone_name == "cwde") ||
         (inst.mnemonic == Mnemonic::kCWD && cmp.capstone_name == "cdq"))) {
      return "capstone16-cbw-cwd-names";
    }
  }

  // Memory operand sizes Capstone 4 reports wrongly; ours follow the instruction pages.
  if (ok && insn != nullptr && cmp.only_mem_size) {
    switch (inst.mnemonic) {
      // m16:16 / m16:32 / m16:64 far pointers are 4/6/10 bytes (SDM LDS/LES/LFS/LGS/LSS,
      // CALL/JMP far); Capstone 4 reports the offset size.
      case Mnemonic::kLDS:
      case Mnemonic::kLES:
      case Mnemonic::kLFS:
      case Mnemonic::kLGS:
      case Mnemonic::kLSS:
      case Mnemonic::kCALLF:
      case Mnemonic::kJMPF:
        return "memsize-far-pointer";
      // LAR/LSL/SLDT/STR/SMSW/MOV Sreg: "r32/m16" - memory is always 16 bits.
      case Mnemonic::kLAR:
      case Mnemonic::kLSL:
      case Mnemonic::kSLDT:
      case Mnemonic::kSTR:
      case Mnemonic::kSMSW:
        return "memsize-m16-selector";
      // PUNPCKL* mm, mm/m32 (SDM PUNPCKLBW: "NP 0F 60 /r PUNPCKLBW mm, mm/m32").
      case Mnemonic::kPUNPCKLBW:
      case Mnemonic::kPUNPCKLWD:
      case Mnemonic::kPUNPCKLDQ:
        return "memsize-mmx-punpckl-m32";
      // Scalar compares read m32/m64 (SDM COMISS "xmm1, xmm2/m32", COMISD "xmm2/m64").
      case Mnemonic::kCOMISS:
      case Mnemonic::kCOMISD:
      case Mnemonic::kUCOMISS:
      case Mnemonic::kUCOMISD:
        return "memsize-scalar-compare";
      // x87/FXSAVE/XSAVE areas: m94/108byte, m2byte, m512byte, variable (SDM FSAVE, FSTSW,
      // FXSAVE, XSAVE pages); INVLPG and LEA do not access memory (size 0 here).
      case Mnemonic::kFRSTOR:
      case Mnemonic::kFNSAVE:
      case Mnemonic::kFNSTSW:
      case Mnemonic::kFLDENV:
      case Mnemonic::kFNSTENV:
      case Mnemonic::kFXSAVE:
      case Mnemonic::kFXRSTOR:
      case Mnemonic::kFXSAVE64:
      case Mnemonic::kFXRSTOR64:
      case Mnemonic::kXSAVE:
      case Mnemonic::kXRSTOR:
      case Mnemonic::kXSAVEOPT:
      case Mnemonic::kXSAVEC:
      case Mnemonic::kXSAVES:
      case Mnemonic::kXRSTORS:
      case Mnemonic::kXSAVE64:
      case Mnemonic::kXRSTOR64:
      case Mnemonic::kXSAVEOPT64:
      case Mnemonic::kXSAVEC64:
      case Mnemonic::kXSAVES64:
      case Mnemonic::kXRSTORS64:
        return "memsize-state-area";
      case Mnemonic::kINVLPG:
      case Mnemonic::kLEA:
        return "memsize-no-access";
      default:
        break;
    }
  }
  return nullptr;
}

}  // namespace vireo::x86::difftest
