#pragma once
// One counter of the Intel 82C54 programmable interval timer, computed lazily from the number of
// input clock pulses (ticks) instead of being stepped: the counting element (CE) value and OUT at
// any tick follow from the tick at which the CE was last loaded, the count, and how many pulses
// were counted since (the gate can hold counting). Behaviour per mode follows the Intel 82C54
// datasheet (order no. 231244), "Mode Definitions" and "Gate Pin Operations Summary".
//
// Ticks are absolute CLK falling edges since the clock origin; Pit8254 converts clock time.

#include <cstdint>
#include <optional>

namespace vireo::devices {

/// Input clock of the PC's 8254: 14.31818 MHz / 12.
inline constexpr int64_t kPitHz = 1'193'182;

/// Number of PIT input clock edges that occurred by clock time `ns` (floor).
constexpr int64_t PitTicksAt(int64_t ns) {
  // Split into whole seconds and a remainder so the products stay far below 2^63.
  const int64_t seconds = ns / 1'000'000'000;
  const int64_t rest = ns % 1'000'000'000;
  return seconds * kPitHz + rest * kPitHz / 1'000'000'000;
}

/// The earliest clock time (ns) at which `tick` edges have occurred (ceiling).
constexpr int64_t PitTickTimeNs(int64_t tick) {
  const int64_t seconds = tick / kPitHz;
  const int64_t rest = tick % kPitHz;
  return seconds * 1'000'000'000 + (rest * 1'000'000'000 + kPitHz - 1) / kPitHz;
}

/// One 82C54 counter: control word, count register, counting element, output latch and OUT.
class PitChannel {
 public:
  /// RW1..RW0 of the control word.
  enum class Access : uint8_t { kLatch = 0, kLsb = 1, kMsb = 2, kLsbMsb = 3 };

  /// Power-on state: mode 3, LSB-then-MSB, binary, no count (OUT high); `gate` is the GATE pin.
  void Reset(bool gate);
  /// A control word with RW != 0 (mode set): resets the counter's control logic.
  void WriteControl(Access access, uint8_t mode_bits, bool bcd, int64_t tick);
  /// A write to the counter's port (one byte of the count, per the access mode).
  void WriteCount(uint8_t value, int64_t tick);
  /// A read of the counter's port: latched status, latched count, or the live count.
  uint8_t ReadByte(int64_t tick);
  /// Counter latch command (or read-back COUNT): ignored while an earlier latch is unread.
  void LatchCount(int64_t tick);
  /// Read-back STATUS: ignored while an earlier status latch is unread.
  void LatchStatus(int64_t tick);
  /// Drives the GATE pin.
  void SetGate(bool level, int64_t tick);

  /// The OUT pin at `tick`.
  bool Out(int64_t tick);
  /// The GATE pin.
  bool Gate() const { return gate_; }
  /// First tick after `tick` at which OUT rises if nothing is written meanwhile.
  std::optional<int64_t> NextRiseAfter(int64_t tick) const;

 private:
  /// Commits a count waiting for the end of a period (modes 2, 3) and clears null count once
  /// the CE has been loaded.
  void Sync(int64_t tick);
  void CommitCount(uint16_t value, int64_t tick);
  /// Loads the CE with the count register on the CLK edge `load_tick`.
  void Load(int64_t load_tick, int64_t tick);
  bool Loaded(int64_t tick) const { return running_ && tick >= load_tick_; }
  /// OUT at `tick` without committing anything (the state must be synced).
  bool OutAt(int64_t tick) const;
  /// Pulses counted since the load, excluding those while the gate held counting.
  int64_t Counts(int64_t tick) const;
  /// The binary CE value at `tick` (0 stands for the full modulus).
  uint32_t CeValue(int64_t tick) const;
  /// Mode 3 output level for `counts` pulses into the current load.
  bool SquareLevel(int64_t counts) const;
  /// The value as the output latch presents it (BCD digits in BCD mode).
  uint16_t Display(uint32_t value) const;
  uint8_t Status(int64_t tick);
  uint32_t Modulus() const { return bcd_ ? 10000 : 65536; }
  /// The count register as a number of pulses: 0 means the full modulus.
  uint32_t Effective(uint16_t cr) const;
  /// Counts-into-load at which a count written at `counts` takes over (modes 2, 3), and the
  /// mode 3 level of the half-cycle that then starts.
  int64_t PeriodBoundary(int64_t counts, bool* next_half_high) const;
  int64_t CountsToTick(int64_t counts) const { return resume_tick_ + (counts - held_counts_); }

  // Control word.
  Access access_ = Access::kLsbMsb;
  uint8_t mode_bits_ = 0;  // M2..M0 as written (for the status byte)
  uint8_t mode_ = 0;       // 0..5 (modes 6 and 7 are 2 and 3)
  bool bcd_ = false;

  // Count register and the write/read byte flip-flops.
  uint16_t cr_ = 0;
  uint8_t cr_lsb_ = 0;
  bool cr_valid_ = false;  // a whole count was written since the control word
  bool write_msb_next_ = false;
  bool read_msb_next_ = false;
  bool null_count_ = true;

  // Output latch.
  bool count_latched_ = false;
  uint16_t latched_count_ = 0;
  bool status_latched_ = false;
  uint8_t latched_status_ = 0;

  // Counting element.
  bool running_ = false;     // the CE holds (from load_tick_ on) the count n_
  int64_t load_tick_ = 0;    // CLK edge that loaded the CE
  uint32_t n_ = 0;           // loaded count in pulses, 1..Modulus()
  bool first_high_ = true;   // mode 3: the load starts a high half-cycle
  int64_t held_counts_ = 0;  // pulses counted before resume_tick_
  int64_t resume_tick_ = 0;  // counting (if counting_) decrements on edges after this
  bool counting_ = false;
  uint32_t ce_frozen_ = 0;  // CE shown while no load is in effect
  bool pending_ = false;    // cr_ is not in the CE yet (modes 1, 2, 3, 5)
  int64_t pending_at_ = 0;  // modes 2, 3: counts at which cr_ is loaded
  bool pending_high_ = true;
  bool out_before_load_ = true;  // modes 1, 5: OUT between a retrigger and its load edge
  bool gate_ = true;
};

}  // namespace vireo::devices
