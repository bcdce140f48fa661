// Flag effects per instruction (SDM Vol. 2 "Flags Affected"): what each reads, defines and leaves
// undefined. Undefined flags are masked out of the comparison and, inside sequences, must not be
// read by a later instruction.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "tests/diff/state.h"

namespace vireo::diff {

/// Flags one instruction reads, writes with defined values, and leaves undefined.
struct FlagRule {
  /// Lower-case mnemonic.
  std::string_view mnemonic;
  /// Status flags read (CF for ADC, the condition's flags for Jcc, ...).
  uint64_t read;
  /// Flags written with architecturally defined values (cleared/set/per result).
  uint64_t defined;
  /// Flags the SDM calls undefined after the instruction.
  uint64_t undefined;
  /// Where the rule comes from.
  std::string_view sdm;
};

/// The fixed rules, one per mnemonic (count-dependent ones: see ShiftRule).
const FlagRule& RuleFor(std::string_view mnemonic);

/// All fixed rules (for listing).
std::span<const FlagRule> AllFlagRules();

/// Rule of a shift/rotate/double shift ("rol" "ror" "rcl" "rcr" "shl" "shr" "sar" "shld" "shrd")
/// of `bits` width by `count` (the unmasked count; nullopt when only known at run time, which
/// gives the union over all counts with nothing defined).
FlagRule ShiftRule(std::string_view mnemonic, int bits, std::optional<uint64_t> count);

/// Flags read by condition code `cc` (0-15, SDM Vol. 1 Appendix B).
uint64_t ConditionFlags(int cc);

/// Whether condition `cc` holds for `rflags` (SDM Vol. 1 Table B-1).
bool ConditionHolds(int cc, uint64_t rflags);

/// Condition-code mnemonic suffix ("o", "no", "b", ...).
std::string_view ConditionName(int cc);

}  // namespace vireo::diff
