#include "devices/i8254/pit_channel.h"

#include <algorithm>
#include <climits>

namespace vireo::devices {

namespace {
constexpr uint8_t kStatusOut = 0x80;        // read-back status D7: OUT pin
constexpr uint8_t kStatusNullCount = 0x40;  // D6: the last count written is not in the CE yet
}  // namespace

void PitChannel::Reset(bool gate) {
  // "Prior to initialization, the MODE, count register values, and output state of the counters
  // are undefined." We pick mode 3 without a count: OUT high and idle, so the firmware's first
  // control word is not an OUT0 edge (an unexpected IRQ0).
  *this = PitChannel{};
  mode_bits_ = 3;
  mode_ = 3;
  gate_ = gate;
}

void PitChannel::WriteControl(Access access, uint8_t mode_bits, bool bcd, int64_t tick) {
  Sync(tick);
  // "When a Control Word is written to a Counter, all Control Logic is immediately reset and OUT
  // goes to a known initial state" (low in mode 0, high otherwise). The CE stops until a count
  // is written; we keep showing what it held.
  if (Loaded(tick)) ce_frozen_ = CeValue(tick);
  access_ = access;
  mode_bits_ = mode_bits & 7;
  mode_ = mode_bits_ > 5 ? static_cast<uint8_t>(mode_bits_ - 4) : mode_bits_;  // 6, 7 = 2, 3
  bcd_ = bcd;
  cr_valid_ = false;
  write_msb_next_ = false;
  read_msb_next_ = false;
  null_count_ = true;
  count_latched_ = false;
  status_latched_ = false;
  running_ = false;
  pending_ = false;
}

void PitChannel::WriteCount(uint8_t value, int64_t tick) {
  Sync(tick);
  switch (access_) {
    case Access::kLsb:
      // One-byte access modes leave the other byte of the count zero.
      CommitCount(value, tick);
      break;
    case Access::kMsb:
      CommitCount(static_cast<uint16_t>(value << 8), tick);
      break;
    case Access::kLsbMsb:
      if (!write_msb_next_) {
        cr_lsb_ = value;
        write_msb_next_ = true;
        // Mode 0: "Writing the first byte disables counting. OUT is set low immediately".
        if (mode_ == 0) {
          if (Loaded(tick)) ce_frozen_ = CeValue(tick);
          running_ = false;
        }
        return;
      }
      write_msb_next_ = false;
      CommitCount(static_cast<uint16_t>(cr_lsb_ | (value << 8)), tick);
      break;
    case Access::kLatch:
      break;
  }
}

void PitChannel::CommitCount(uint16_t value, int64_t tick) {
  cr_ = value;
  cr_valid_ = true;
  null_count_ = true;
  switch (mode_) {
    case 0:
    case 4:
      // A new count is loaded on the next CLK pulse and counting restarts from it.
      Load(tick + 1, tick);
      break;
    case 1:
    case 5:
      // Hardware-triggered modes load the count only on a GATE rising edge.
      pending_ = true;
      pending_at_ = INT64_MAX;
      break;
    default:
      // Modes 2, 3: the first count loads on the next CLK; a later one "does not affect the
      // current counting sequence" and loads at the end of the period (mode 2) or of the
      // half-cycle (mode 3), unless a gate trigger comes first.
      if (!running_ || tick < load_tick_) {
        Load(tick + 1, tick);
      } else {
        pending_ = true;
        pending_at_ = PeriodBoundary(Counts(tick), &pending_high_);
      }
      break;
  }
}

void PitChannel::Load(int64_t load_tick, int64_t tick) {
  if (Loaded(tick)) ce_frozen_ = CeValue(tick);
  out_before_load_ = OutAt(tick);
  running_ = true;
  load_tick_ = load_tick;
  resume_tick_ = load_tick;
  held_counts_ = 0;
  n_ = Effective(cr_);
  first_high_ = true;
  pending_ = false;
  // GATE does not hold counting in the triggered modes 1 and 5.
  counting_ = mode_ == 1 || mode_ == 5 || gate_;
}

void PitChannel::Sync(int64_t tick) {
  if (pending_ && (mode_ == 2 || mode_ == 3) && counting_ && Counts(tick) >= pending_at_) {
    const int64_t boundary = CountsToTick(pending_at_);
    n_ = Effective(cr_);
    load_tick_ = boundary;
    resume_tick_ = boundary;
    held_counts_ = 0;
    first_high_ = pending_high_;
    pending_ = false;
  }
  if (null_count_ && cr_valid_ && running_ && !pending_ && tick >= load_tick_) {
    null_count_ = false;
  }
}

int64_t PitChannel::Counts(int64_t tick) const {
  if (!counting_ || tick <= resume_tick_) return held_counts_;
  return held_counts_ + (tick - resume_tick_);
}

uint32_t PitChannel::CeValue(int64_t tick) const {
  if (!Loaded(tick)) return ce_frozen_;
  const int64_t counts = Counts(tick);
  const int64_t n = n_;
  const int64_t modulus = Modulus();
  switch (mode_) {
    case 2:
      // Counts n..1, then reloads n on the pulse after 1.
      return static_cast<uint32_t>((n - counts % n) % modulus);
    case 3: {
      // Square wave: each half-cycle reloads the count (minus one if odd) and decrements by two;
      // an odd count keeps OUT high one pulse longer ("Mode 3", odd counts).
      const int64_t pos = counts % n;
      const int64_t first = first_high_ ? (n + 1) / 2 : n / 2;
      const int64_t in_half = pos < first ? pos : pos - first;
      return static_cast<uint32_t>(((n & ~int64_t{1}) - 2 * in_half) % modulus);
    }
    default:
      // Modes 0, 1, 4, 5 count down and wrap (FFFF or 9999) without reloading.
      return static_cast<uint32_t>(((n - counts) % modulus + modulus) % modulus);
  }
}

bool PitChannel::SquareLevel(int64_t counts) const {
  const int64_t n = n_;
  const int64_t first = first_high_ ? (n + 1) / 2 : n / 2;
  return (counts % n < first) ? first_high_ : !first_high_;
}

bool PitChannel::Out(int64_t tick) {
  Sync(tick);
  return OutAt(tick);
}

bool PitChannel::OutAt(int64_t tick) const {
  switch (mode_) {
    case 0:
      // Low from the count write until terminal count, then high until re-programmed.
      return Loaded(tick) && Counts(tick) >= n_;
    case 1:
      // One-shot: low from the load after a trigger for n pulses.
      if (!running_) return true;
      if (tick < load_tick_) return out_before_load_;
      return Counts(tick) >= n_;
    case 2:
      // Low for the one pulse while the CE holds 1; GATE low forces OUT high.
      if (!gate_ || !Loaded(tick)) return true;
      return Counts(tick) % n_ != n_ - 1;
    case 3:
      if (!gate_ || !Loaded(tick)) return true;
      return SquareLevel(Counts(tick));
    default:
      // Modes 4, 5: a one-pulse low strobe when the CE reaches zero.
      if (!running_) return true;
      if (tick < load_tick_) return out_before_load_;
      return Counts(tick) != n_;
  }
}

void PitChannel::SetGate(bool level, int64_t tick) {
  Sync(tick);
  if (level == gate_) return;
  switch (mode_) {
    case 0:
    case 4:
      // GATE low suspends counting; high resumes it where it stopped.
      if (!level) {
        held_counts_ = Counts(tick);
        counting_ = false;
      } else {
        if (running_) resume_tick_ = std::max(tick, load_tick_);
        counting_ = true;
      }
      break;
    case 1:
    case 5:
      // A rising edge (re)triggers: the count register loads on the next CLK pulse.
      if (level && cr_valid_) Load(tick + 1, tick);
      break;
    default:
      // Modes 2, 3: GATE low stops counting and forces OUT high; the rising edge reloads the
      // count register (including a count not yet taken over) on the next CLK pulse.
      if (!level) {
        held_counts_ = Counts(tick);
        counting_ = false;
      } else if (cr_valid_) {
        gate_ = true;
        Load(tick + 1, tick);
      }
      break;
  }
  gate_ = level;
}

void PitChannel::LatchCount(int64_t tick) {
  Sync(tick);
  // "If a Counter is latched and then, some time later, latched again before the count is read,
  // the second Counter Latch Command is ignored."
  if (count_latched_) return;
  latched_count_ = Display(CeValue(tick));
  count_latched_ = true;
}

void PitChannel::LatchStatus(int64_t tick) {
  Sync(tick);
  if (status_latched_) return;
  latched_status_ = Status(tick);
  status_latched_ = true;
}

uint8_t PitChannel::ReadByte(int64_t tick) {
  Sync(tick);
  // A latched status is read first, then a latched count, else the CE is read directly.
  if (status_latched_) {
    status_latched_ = false;
    return latched_status_;
  }
  const uint16_t value = count_latched_ ? latched_count_ : Display(CeValue(tick));
  switch (access_) {
    case Access::kLsb:
      count_latched_ = false;
      return static_cast<uint8_t>(value);
    case Access::kMsb:
      count_latched_ = false;
      return static_cast<uint8_t>(value >> 8);
    default:
      if (!read_msb_next_) {
        read_msb_next_ = true;
        return static_cast<uint8_t>(value);
      }
      read_msb_next_ = false;
      count_latched_ = false;
      return static_cast<uint8_t>(value >> 8);
  }
}

uint8_t PitChannel::Status(int64_t tick) {
  uint8_t status = static_cast<uint8_t>((static_cast<uint8_t>(access_) << 4) | (mode_bits_ << 1));
  if (bcd_) status |= 1;
  if (OutAt(tick)) status |= kStatusOut;
  if (null_count_) status |= kStatusNullCount;
  return status;
}

uint16_t PitChannel::Display(uint32_t value) const {
  if (!bcd_) return static_cast<uint16_t>(value);
  value %= 10000;
  return static_cast<uint16_t>((value / 1000) << 12 | (value / 100 % 10) << 8 |
                               (value / 10 % 10) << 4 | (value % 10));
}

uint32_t PitChannel::Effective(uint16_t cr) const {
  if (!bcd_) return cr == 0 ? 65536 : cr;
  const uint32_t value =
      ((cr >> 12) & 0xF) * 1000 + ((cr >> 8) & 0xF) * 100 + ((cr >> 4) & 0xF) * 10 + (cr & 0xF);
  return value == 0 ? 10000 : value;
}

int64_t PitChannel::PeriodBoundary(int64_t counts, bool* next_half_high) const {
  const int64_t n = n_;
  const int64_t base = counts - counts % n;
  if (mode_ == 2) {
    *next_half_high = true;
    return base + n;
  }
  const int64_t first = first_high_ ? (n + 1) / 2 : n / 2;
  if (counts % n < first) {
    *next_half_high = !first_high_;
    return base + first;
  }
  *next_half_high = first_high_;
  return base + n;
}

std::optional<int64_t> PitChannel::NextRiseAfter(int64_t tick) const {
  PitChannel at_tick = *this;
  at_tick.Sync(tick);
  const PitChannel& c = at_tick;
  if (!c.running_ || !c.counting_) return std::nullopt;
  const int64_t counts = c.Counts(tick);
  const int64_t n = c.n_;
  int64_t rise = 0;  // in counts since the load
  switch (c.mode_) {
    case 0:
    case 1:
      if (counts >= n) return std::nullopt;
      rise = n;
      break;
    case 4:
    case 5:
      if (counts > n) return std::nullopt;
      rise = n + 1;
      break;
    case 2:
      // OUT rises when the CE reloads after its one-pulse low; a count of 1 never goes high.
      if (n < 2) return std::nullopt;
      rise = counts - counts % n + n;
      break;
    case 3: {
      if (n < 2) return std::nullopt;
      const int64_t base = counts - counts % n;
      const int64_t first = c.first_high_ ? (n + 1) / 2 : n / 2;
      if (c.first_high_) {
        rise = base + n;
      } else {
        rise = counts % n < first ? base + first : base + n + first;
      }
      // A new count taking over at the falling half-cycle boundary before `rise` starts a low
      // half of its own length (a take-over at a rising boundary is `rise` itself).
      if (c.pending_ && c.pending_at_ < rise) {
        const int64_t next_n = c.Effective(c.cr_);
        if (next_n < 2) return std::nullopt;
        return c.CountsToTick(c.pending_at_) + next_n / 2;
      }
      break;
    }
    default:
      return std::nullopt;
  }
  return c.CountsToTick(rise);
}

}  // namespace vireo::devices
