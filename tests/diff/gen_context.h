// Building blocks shared by the instruction generators: random numbers, edge values, register
// and memory-operand choice (with the input state set so operands land in the data page), code
// emission, and flag bookkeeping.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tests/diff/encoder.h"
#include "tests/diff/flag_table.h"
#include "tests/diff/state.h"

namespace vireo::diff {

/// xoshiro256** seeded through splitmix64: fast, deterministic across hosts.
class Rng {
 public:
  /// Seeds the generator.
  explicit Rng(uint64_t seed);
  /// Next 64 random bits.
  uint64_t Next();
  /// Uniform in [0, n) (n > 0).
  uint64_t Below(uint64_t n);
  /// True with probability percent/100.
  bool Chance(int percent);
  /// Uniform element of a non-empty list.
  template <typename T, size_t N>
  const T& Pick(const T (&items)[N]) {
    return items[Below(N)];
  }

 private:
  uint64_t s_[4];
};

/// splitmix64 step, used to derive per-case seeds.
uint64_t Mix64(uint64_t x);

/// Mask of the low `bits` bits.
constexpr uint64_t Mask(int bits) { return bits >= 64 ? ~0ull : (1ull << bits) - 1; }

/// Sign-extends the low `bits` bits of v.
constexpr int64_t SignExtend(uint64_t v, int bits) {
  return bits >= 64 ? static_cast<int64_t>(v)
                    : static_cast<int64_t>(v << (64 - bits)) >> (64 - bits);
}

/// An interesting value of `bits` width: 0, 1, -1, sign boundaries, powers of two, patterns, or
/// random (SDM edge cases of carries, overflows and shifts).
uint64_t EdgeValue(Rng& rng, int bits);

/// A shift/rotate count: 0, 1, width-1, width, width+1, 31, 32, 33, 63, 64, 255 or random.
uint64_t EdgeCount(Rng& rng, int bits);

/// State and code of the case being generated. In sequence mode, register values are those of
/// the sequence's start and cannot be chosen per instruction: SetReg is ignored, Known returns
/// nothing, and memory operands use one reserved base register.
class Gen {
 public:
  /// Starts a case in `mode` with a random input state.
  Gen(uint64_t seed, int mode, bool sequence, DiffCase* c);

  /// The random generator.
  Rng& rng() { return rng_; }
  /// 16, 32 or 64.
  int mode() const { return mode_; }
  /// Whether this is a multi-instruction sequence.
  bool sequence() const { return sequence_; }
  /// The case being built.
  DiffCase& Case() { return *case_; }

  // ---- operand sizes and registers
  /// A random operand size valid in the mode: 16/32 (+64 in 64-bit mode, +8 if allow8).
  int OpBits(bool allow8);
  /// A non-reserved GPR usable in the mode (0-7 outside 64-bit mode); RSP only if allow_rsp.
  int PickReg(bool allow_rsp = false);
  /// A non-reserved byte-register id (see encoder.h); high_ok allows AH..BH, rex_ok SPL..R15B.
  int PickByteReg(bool high_ok = true, bool rex_ok = true);
  /// A register id for an operand of `bits` (byte ids for 8).
  int PickSized(int bits) { return bits == 8 ? PickByteReg() : PickReg(); }
  /// Excludes `reg` from later picks (memory bases, counters, ...).
  void Reserve(int reg);
  /// Reserves an implicit operand register; false if it is already reserved (e.g. it is the
  /// sequence's memory base), in which case the instruction must not be generated.
  bool Claim(int reg);
  /// Whether `reg` (a GPR number) is reserved.
  bool Reserved(int reg) const { return (reserved_ >> reg) & 1; }
  /// Sets a whole GPR in the input state (single-instruction cases only).
  void SetReg(int reg, uint64_t value);
  /// Sets the low `bits` of a register id (byte ids 16-19: bits 15:8), keeping the rest.
  void SetPart(int reg_id, int bits, uint64_t value);
  /// Sets a register id to an edge value of `bits`, keeping the rest of the register.
  void SetEdge(int reg_id, int bits) { SetPart(reg_id, bits, EdgeValue(rng_, bits)); }
  /// Input value of a GPR, if known (not in sequences).
  std::optional<uint64_t> Known(int reg) const;
  /// Input value of the low `bits` of a register id, if known.
  std::optional<uint64_t> KnownPart(int reg_id, int bits) const;

  // ---- memory
  /// A random data-page offset for an operand of `size` bytes (aligned to `align`) in the
  /// operand area.
  uint64_t PickOffset(int size, int align = 1);
  /// A memory operand addressing data-page offset `offset`, with random addressing form and
  /// address size (addr_bits 0) or the given one. Sets and reserves the registers it uses.
  MemOperand MemAt(uint64_t offset, int addr_bits = 0);
  /// MemAt(PickOffset(size, align)).
  MemOperand PickMem(int size, int align = 1) { return MemAt(PickOffset(size, align)); }
  /// A register (id of `bits`) or, with probability mem_percent, a memory operand.
  RmOperand PickRm(int bits, int mem_percent = 40);
  /// PickRm, and the chosen register or memory gets an edge value.
  RmOperand PickRmEdge(int bits, int mem_percent = 40);
  /// Writes `bytes` little-endian bytes of `value` into the input data page.
  void WriteData(uint64_t offset, uint64_t value, int bytes);
  /// Reads from the input data page.
  uint64_t ReadData(uint64_t offset, int bytes) const;
  /// Register value the stack pointer holds at the start.
  uint64_t StackPointer() const;
  /// Address-size choice for instructions without ModRM (string ops, LOOP, XLAT).
  int PickAddrBits();
  /// Value an address register must hold so an address of `addr_bits` width is data-page
  /// offset `offset` (the upper bits that the address size ignores are random).
  uint64_t AddressValue(uint64_t offset, int addr_bits);

  // ---- code
  /// Encodes and appends an instruction; false if it cannot be encoded.
  bool Emit(const Insn& insn);
  /// Encodes and appends a VEX instruction.
  bool EmitVex(const VexInsn& insn);
  /// Appends raw bytes.
  void EmitBytes(std::initializer_list<uint8_t> bytes);
  /// Current code offset.
  size_t Offset() const { return case_->code.size(); }
  /// Overwrites code byte `at`.
  void PatchByte(size_t at, uint8_t v) { case_->code[at] = v; }
  /// Appends assembly text to the description.
  void Text(std::string_view text);

  // ---- flags
  /// Records one instruction's flag rule: reads must not see undefined flags (in sequences
  /// the instruction is then rejected), defined flags become defined, undefined ones undefined.
  void Flags(const FlagRule& rule);
  /// Flags(RuleFor(mnemonic)).
  void Flags(std::string_view mnemonic) { Flags(RuleFor(mnemonic)); }
  /// For an instruction that may be skipped: reads are checked, nothing becomes defined.
  void FlagsMaybe(const FlagRule& rule);
  /// Flags currently undefined.
  uint64_t Undefined() const { return undefined_; }
  /// Whether an instruction read an undefined flag.
  bool Violation() const { return violation_; }

  /// Checkpoint for sequences: code size, text, flags and reservations.
  struct Mark {
    size_t code;
    size_t text;
    uint64_t undefined;
    uint32_t reserved;
    bool violation;
  };
  /// Takes a checkpoint.
  Mark Save() const;
  /// Returns to a checkpoint.
  void Restore(const Mark& m);
  /// Ends a sequence step: its register reservations (implicit operands) are dropped again.
  void EndStep(const Mark& m) { reserved_ = m.reserved; }
  /// Writes the undefined-flag mask into the case.
  void Finish();

  /// The sequence's memory base register (sequence mode) or -1.
  int SequenceBase() const { return seq_base_; }

 private:
  uint64_t LinearOf(uint64_t offset) const;
  MemOperand MemAt16(uint64_t offset);
  MemOperand MemAtWide(uint64_t offset, int addr_bits);
  uint8_t RandomSegment();

  Rng rng_;
  int mode_;
  bool sequence_;
  DiffCase* case_;
  uint32_t reserved_ = 0;
  uint64_t undefined_ = 0;
  bool violation_ = false;
  int seq_base_ = -1;
};

}  // namespace vireo::diff
