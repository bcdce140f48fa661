#pragma once
// One Intel 8259A programmable interrupt controller: the interrupt request, in-service and mask
// registers, the ICW1..ICW4 initialization sequence, OCW1..OCW3, the priority resolver with
// rotation, special mask mode, special fully nested mode, automatic EOI and the poll command.
// Everything here follows the Intel 8259A datasheet (order no. 231468); PicPair wires two of these
// as on the PC/AT and adds the PIIX ELCR.
//
// A chip is an IoHandler for its two ports (offset 0 = A0 low, offset 1 = A0 high).

#include <cstdint>
#include <functional>

#include "machine/io_handler.h"

namespace vireo::devices {

/// One 8259A: registers, programming and priority resolution (Intel 8259A datasheet).
class Pic8259 : public machine::IoHandler {
 public:
  /// The outcome of one interrupt acknowledge sequence on this chip.
  struct Ack {
    uint8_t level = 7;      ///< IR level (0..7) whose vector the chip drives
    bool spurious = false;  ///< no valid request at INTA: IR7 vector, no ISR bit set
  };

  /// `is_master` is the SP/EN strap: whether ICW3 names slaves or this chip's own ID.
  explicit Pic8259(bool is_master);
  Pic8259(const Pic8259&) = delete;
  Pic8259& operator=(const Pic8259&) = delete;

  /// Called with the new INT pin level whenever it changes.
  void SetIntCallback(std::function<void(bool)> callback) { on_int_ = std::move(callback); }
  /// Power-on state: as after ICW1 with vector base 0, all inputs low, nothing masked.
  void Reset();

  /// Offset 0 reads IRR/ISR (per OCW3) or the poll byte; offset 1 reads IMR.
  uint64_t Read(uint64_t offset, unsigned size) override;
  /// Offset 0 takes ICW1/OCW2/OCW3; offset 1 takes ICW2..ICW4 during init, else OCW1.
  void Write(uint64_t offset, unsigned size, uint64_t value) override;

  /// Drives IR input `ir` (0..7) to `level`.
  void SetInput(unsigned ir, bool level);
  /// Sets which IR inputs are level-sensitive (the ELCR bits for this chip).
  void SetLevelTriggered(uint8_t mask);
  /// The INTA sequence on this chip: sets ISR, consumes the request, applies AEOI.
  Ack Acknowledge();
  /// The vector byte this chip drives for IR level `level` (ICW2 T7..T3 plus the level).
  uint8_t Vector(uint8_t level) const { return static_cast<uint8_t>(vector_base_ | (level & 7)); }
  /// True when IR `level` has a slave attached (master in cascade mode, ICW3 bit set).
  bool IsCascade(uint8_t level) const;
  /// The slave identification code from ICW3 (ID2..ID0), compared with the cascade address.
  uint8_t SlaveId() const { return icw3_ & 7; }
  /// The INT output pin.
  bool IntOutput() const { return int_; }
  /// ICW4 uPM: 1 = 8086/88 mode. The vector is always delivered the x86 way (an x86 CPU cannot
  /// take the MCS-80 CALL sequence); the bit is kept for debugging.
  bool X86Mode() const { return x86_mode_; }

 private:
  enum class InitStep : uint8_t { kReady, kIcw2, kIcw3, kIcw4 };

  uint8_t ReadByte(unsigned a0);
  void WriteByte(unsigned a0, uint8_t value);
  void WriteIcw1(uint8_t value);
  void WriteInitWord(uint8_t value);
  void WriteOcw2(uint8_t value);
  void WriteOcw3(uint8_t value);
  uint8_t Poll();

  bool IsLevel(uint8_t bit) const { return ltim_ || (level_mask_ & bit) != 0; }
  /// IR level of the request the priority resolver would pass to INT, or -1.
  int PendingLevel() const;
  /// Highest-priority level set in `mask` under the current rotation, or -1.
  int HighestPriority(uint8_t mask) const;
  /// Moves `level` into service as the INTA (or poll read) does.
  void Accept(int level);
  /// Re-evaluates INT and reports a change.
  void Update();

  const bool is_master_;
  std::function<void(bool)> on_int_;

  uint8_t irr_ = 0;
  uint8_t isr_ = 0;
  uint8_t imr_ = 0;
  uint8_t input_ = 0;       // current IR pin levels, for edge detection
  uint8_t level_mask_ = 0;  // ELCR bits for this chip
  uint8_t vector_base_ = 0;
  uint8_t icw3_ = 0;
  uint8_t lowest_ = 7;  // IR level with the lowest priority; lowest_+1 is the highest
  InitStep init_step_ = InitStep::kReady;
  bool icw4_needed_ = false;
  bool single_ = false;
  bool ltim_ = false;
  bool x86_mode_ = false;
  bool aeoi_ = false;
  bool sfnm_ = false;
  bool rotate_in_aeoi_ = false;
  bool special_mask_ = false;
  bool read_isr_ = false;
  bool poll_pending_ = false;
  bool int_ = false;
};

}  // namespace vireo::devices
