#pragma once
// Comparison of one decoded instruction with Capstone 4's decoding (capstone_compare.cpp), and
// the list of known Capstone 4 differences, each checked against the SDM
// (capstone_known_diffs.cpp).

#include <capstone/capstone.h>

#include <cstdint>
#include <string>

#include "cpu/x86/decoder.h"

namespace vireo::x86::difftest {

/// Result of comparing our decoding with Capstone's.
struct Comparison {
  bool agree = false;
  bool length_ok = false;
  bool mnemonic_ok = false;
  bool operands_ok = false;
  bool only_mem_size = false;  ///< operands match except a memory operand's size
  std::string what;            ///< first difference, for the report
  std::string opcode_class;    ///< "1B:8E", "0F:0D", "0F38:F0", "VEX", ...
  std::string vireo_name;      ///< our mnemonic as Capstone would spell it
  std::string capstone_name;   ///< Capstone's mnemonic without prefix words
};

/// Compares; `insn` is null when Capstone failed to decode.
Comparison Compare(csh handle, CodeSize mode, const uint8_t* bytes, DecodeStatus status,
                   const DecodedInst& inst, const cs_insn* insn);

/// Returns the id of the known difference explaining `cmp`, or null if it is unexplained.
/// `handle` is used to re-disassemble variants of `bytes` (e.g. with prefixes reordered).
const char* ClassifyKnownDifference(csh handle, CodeSize mode, const uint8_t* bytes,
                                    DecodeStatus status, const DecodedInst& inst,
                                    const cs_insn* insn, const Comparison& cmp, int depth = 0);

/// Capstone's mnemonic text without "lock"/"rep"/... prefix words ("movabs" read as "mov").
std::string CapstoneMnemonic(const char* text);

/// Our mnemonic as Capstone 4 spells it (callf -> lcall, CMPPS predicates, ...).
std::string VireoCapstoneName(CodeSize mode, const DecodedInst& inst);

}  // namespace vireo::x86::difftest
