#include "devices/i8259/pic8259.h"

namespace vireo::devices {

namespace {

// Command word decoding (8259A datasheet, "Programming the 8259A"): with A0 = 0, D4 = 1 is ICW1,
// else D3 = 1 is OCW3 and D3 = 0 is OCW2.
constexpr uint8_t kIcw1Select = 0x10;
constexpr uint8_t kOcw3Select = 0x08;
constexpr uint8_t kIcw1Ic4 = 0x01;     // ICW4 will follow
constexpr uint8_t kIcw1Sngl = 0x02;    // single chip, no ICW3
constexpr uint8_t kIcw1Ltim = 0x08;    // level-triggered inputs
constexpr uint8_t kIcw4Upm = 0x01;     // 8086/88 mode
constexpr uint8_t kIcw4Aeoi = 0x02;    // automatic end of interrupt
constexpr uint8_t kIcw4Sfnm = 0x10;    // special fully nested mode
constexpr uint8_t kVectorMask = 0xF8;  // ICW2 T7..T3; the level fills bits 2..0 in x86 mode
constexpr uint8_t kOcw3Esmm = 0x40;    // enable a special mask mode change
constexpr uint8_t kOcw3Smm = 0x20;     // special mask mode on/off
constexpr uint8_t kOcw3Poll = 0x04;
constexpr uint8_t kOcw3Rr = 0x02;     // act on RIS
constexpr uint8_t kOcw3Ris = 0x01;    // 1 = ISR, 0 = IRR
constexpr uint8_t kPollValid = 0x80;  // poll word bit I: an interrupt was requesting

// OCW2 R, SL, EOI bits (D7..D5).
enum Ocw2 : uint8_t {
  kRotateAeoiClear = 0,
  kNonSpecificEoi = 1,
  kNop = 2,
  kSpecificEoi = 3,
  kRotateAeoiSet = 4,
  kRotateNonSpecificEoi = 5,
  kSetPriority = 6,
  kRotateSpecificEoi = 7,
};

}  // namespace

Pic8259::Pic8259(bool is_master) : is_master_(is_master) { Reset(); }

void Pic8259::Reset() {
  irr_ = 0;
  isr_ = 0;
  imr_ = 0;
  input_ = 0;
  level_mask_ = 0;
  vector_base_ = 0;
  // The PC/AT strapping, so an unprogrammed pair still routes the slave through master IR2.
  icw3_ = is_master_ ? 0x04 : 0x02;
  lowest_ = 7;
  init_step_ = InitStep::kReady;
  icw4_needed_ = false;
  single_ = false;
  ltim_ = false;
  x86_mode_ = true;
  aeoi_ = false;
  sfnm_ = false;
  rotate_in_aeoi_ = false;
  special_mask_ = false;
  read_isr_ = false;
  poll_pending_ = false;
  Update();
}

uint64_t Pic8259::Read(uint64_t offset, unsigned size) {
  // An 8-bit peripheral: a wider access reads consecutive ports, as the ISA bus splits it.
  uint64_t value = 0;
  for (unsigned i = 0; i < size && offset + i < 2; ++i) {
    value |= static_cast<uint64_t>(ReadByte(static_cast<unsigned>(offset + i))) << (8 * i);
  }
  return value;
}

void Pic8259::Write(uint64_t offset, unsigned size, uint64_t value) {
  for (unsigned i = 0; i < size && offset + i < 2; ++i) {
    WriteByte(static_cast<unsigned>(offset + i), static_cast<uint8_t>(value >> (8 * i)));
  }
}

uint8_t Pic8259::ReadByte(unsigned a0) {
  // "The 8259A treats the next RD pulse to the 8259A (i.e. RD = 0, CS = 0) as an interrupt
  // acknowledge": after a poll command the next read returns the poll word whatever A0 is, and
  // the poll command overrides a pending register read selection.
  if (poll_pending_) return Poll();
  if (a0 != 0) return imr_;
  return read_isr_ ? isr_ : irr_;
}

void Pic8259::WriteByte(unsigned a0, uint8_t value) {
  if (a0 == 0) {
    if (value & kIcw1Select) {
      WriteIcw1(value);
    } else if (value & kOcw3Select) {
      WriteOcw3(value);
    } else {
      WriteOcw2(value);
    }
    return;
  }
  if (init_step_ != InitStep::kReady) {
    WriteInitWord(value);
    return;
  }
  imr_ = value;  // OCW1
  Update();
}

void Pic8259::WriteIcw1(uint8_t value) {
  icw4_needed_ = (value & kIcw1Ic4) != 0;
  single_ = (value & kIcw1Sngl) != 0;
  ltim_ = (value & kIcw1Ltim) != 0;
  init_step_ = InitStep::kIcw2;
  // Datasheet, "Initialization Command Words": ICW1 resets the edge sense circuit (an edge input
  // must go low-to-high again), clears the IMR, gives IR7 the lowest priority, clears special
  // mask mode and selects IRR for status reads; without IC4 all ICW4 functions are zero.
  irr_ = 0;
  for (unsigned ir = 0; ir < 8; ++ir) {
    const auto bit = static_cast<uint8_t>(1u << ir);
    if (IsLevel(bit) && (input_ & bit)) irr_ |= bit;
  }
  // The datasheet does not list the ISR, but a re-initialized chip must not keep a stale
  // in-service level that would block every lower request until an EOI that never comes.
  isr_ = 0;
  imr_ = 0;
  lowest_ = 7;
  special_mask_ = false;
  read_isr_ = false;
  poll_pending_ = false;
  rotate_in_aeoi_ = false;
  if (!icw4_needed_) {
    x86_mode_ = false;
    aeoi_ = false;
    sfnm_ = false;
  }
  Update();
}

void Pic8259::WriteInitWord(uint8_t value) {
  switch (init_step_) {
    case InitStep::kIcw2:
      vector_base_ = value & kVectorMask;
      if (!single_) {
        init_step_ = InitStep::kIcw3;
      } else {
        init_step_ = icw4_needed_ ? InitStep::kIcw4 : InitStep::kReady;
      }
      break;
    case InitStep::kIcw3:
      // Master: one bit per IR input that has a slave; slave: its ID in bits 2..0.
      icw3_ = value;
      init_step_ = icw4_needed_ ? InitStep::kIcw4 : InitStep::kReady;
      break;
    case InitStep::kIcw4:
      // M/S and BUF only matter in buffered mode; which chip is master is the SP/EN strap.
      x86_mode_ = (value & kIcw4Upm) != 0;
      aeoi_ = (value & kIcw4Aeoi) != 0;
      sfnm_ = (value & kIcw4Sfnm) != 0;
      init_step_ = InitStep::kReady;
      break;
    case InitStep::kReady:
      break;
  }
  Update();
}

void Pic8259::WriteOcw2(uint8_t value) {
  const auto level = static_cast<uint8_t>(value & 7);
  switch (value >> 5) {
    case kNonSpecificEoi:
    case kRotateNonSpecificEoi: {
      // Resets the highest-priority ISR bit: in fully nested mode, the level just serviced.
      const int top = HighestPriority(isr_);
      if (top >= 0) {
        isr_ &= static_cast<uint8_t>(~(1u << top));
        if ((value >> 5) == kRotateNonSpecificEoi) lowest_ = static_cast<uint8_t>(top);
      }
      break;
    }
    case kSpecificEoi:
      isr_ &= static_cast<uint8_t>(~(1u << level));
      break;
    case kRotateSpecificEoi:
      isr_ &= static_cast<uint8_t>(~(1u << level));
      lowest_ = level;
      break;
    case kSetPriority:
      lowest_ = level;
      break;
    case kRotateAeoiSet:
      rotate_in_aeoi_ = true;
      break;
    case kRotateAeoiClear:
      rotate_in_aeoi_ = false;
      break;
    case kNop:
    default:
      break;
  }
  Update();
}

void Pic8259::WriteOcw3(uint8_t value) {
  if (value & kOcw3Esmm) special_mask_ = (value & kOcw3Smm) != 0;
  if (value & kOcw3Rr) read_isr_ = (value & kOcw3Ris) != 0;
  if (value & kOcw3Poll) poll_pending_ = true;
  Update();
}

uint8_t Pic8259::Poll() {
  // The poll read is an interrupt acknowledge: the highest request goes into service and the
  // word reports it (bit 7 = I, bits 2..0 = W2..W0). AEOI applies as after an INTA, otherwise a
  // poll-driven program in AEOI mode would block itself forever.
  poll_pending_ = false;
  const int level = PendingLevel();
  if (level < 0) {
    Update();
    return 0;
  }
  Accept(level);
  return static_cast<uint8_t>(kPollValid | level);
}

void Pic8259::SetInput(unsigned ir, bool level) {
  if (ir > 7) return;
  const auto bit = static_cast<uint8_t>(1u << ir);
  const bool was = (input_ & bit) != 0;
  input_ = level ? (input_ | bit) : (input_ & ~bit);
  if (IsLevel(bit)) {
    // Level mode: the IRR latch is transparent and follows the pin.
    irr_ = level ? (irr_ | bit) : (irr_ & ~bit);
  } else if (level && !was) {
    // Edge mode: a low-to-high transition sets the IRR bit; it stays set until acknowledged
    // (emulated devices pulse the line instead of holding it until INTA as ISA cards do).
    irr_ |= bit;
  }
  Update();
}

void Pic8259::SetLevelTriggered(uint8_t mask) {
  level_mask_ = mask;
  // A line that becomes level-sensitive reports its pin level at once; one that becomes
  // edge-sensitive keeps what its IRR latch holds.
  for (unsigned ir = 0; ir < 8; ++ir) {
    const auto bit = static_cast<uint8_t>(1u << ir);
    if (!IsLevel(bit)) continue;
    irr_ = (input_ & bit) ? (irr_ | bit) : (irr_ & ~bit);
  }
  Update();
}

Pic8259::Ack Pic8259::Acknowledge() {
  // Datasheet, "Interrupt Sequence": if no request is present when INTA arrives (it went away,
  // or was masked), the 8259A issues an IR7 vector without setting ISR bit 7.
  const int level = PendingLevel();
  if (level < 0) {
    Update();
    return Ack{7, true};
  }
  Accept(level);
  return Ack{static_cast<uint8_t>(level), false};
}

bool Pic8259::IsCascade(uint8_t level) const {
  return is_master_ && !single_ && (icw3_ & (1u << (level & 7))) != 0;
}

int Pic8259::HighestPriority(uint8_t mask) const {
  for (unsigned step = 1; step <= 8; ++step) {
    const unsigned level = (lowest_ + step) & 7;
    if (mask & (1u << level)) return static_cast<int>(level);
  }
  return -1;
}

int Pic8259::PendingLevel() const {
  const auto requests = static_cast<uint8_t>(irr_ & ~imr_);
  if (requests == 0) return -1;
  // Special mask mode: a masked level no longer inhibits lower priorities, so only unmasked
  // in-service levels take part in the nesting ("Special Mask Mode").
  const auto in_service = static_cast<uint8_t>(special_mask_ ? (isr_ & ~imr_) : isr_);
  for (unsigned step = 1; step <= 8; ++step) {
    const unsigned level = (lowest_ + step) & 7;
    const unsigned bit = 1u << level;
    if (requests & bit) {
      if (!(in_service & bit)) return static_cast<int>(level);
      // Special fully nested mode: a slave in service does not lock out further (higher
      // priority, as the slave itself resolves) requests from the same slave.
      if (sfnm_ && IsCascade(static_cast<uint8_t>(level))) return static_cast<int>(level);
      return -1;
    }
    if (in_service & bit) return -1;  // an equal or higher level is being serviced
  }
  return -1;
}

void Pic8259::Accept(int level) {
  const auto bit = static_cast<uint8_t>(1u << level);
  isr_ |= bit;
  if (!IsLevel(bit)) irr_ &= static_cast<uint8_t>(~bit);
  if (aeoi_) {
    // AEOI resets the ISR bit at the end of the INTA sequence; with rotate-in-AEOI the level
    // just serviced becomes the lowest priority.
    isr_ &= static_cast<uint8_t>(~bit);
    if (rotate_in_aeoi_) lowest_ = static_cast<uint8_t>(level);
  }
  Update();
}

void Pic8259::Update() {
  // INT stays low while the chip is being initialized: the vector base is not known yet.
  const bool level = init_step_ == InitStep::kReady && PendingLevel() >= 0;
  if (level == int_) return;
  int_ = level;
  if (on_int_) on_int_(level);
}

}  // namespace vireo::devices
