#include "devices/cmos_rtc/cmos_rtc.h"

#include <algorithm>
#include <chrono>
#include <climits>

namespace vireo::devices {

namespace {

constexpr int64_t kNsPerSecond = 1'000'000'000;
constexpr int64_t kSecondsPerDay = 86400;
constexpr int64_t kCrystalHz = 32768;
// Datasheet, Register A: when the divider leaves reset the first update cycle begins 500 ms later.
constexpr int64_t kFirstUpdateAfterResetNs = 500'000'000;
// PF/AF/UF in Register C sit at the same bit positions as PIE/AIE/UIE in Register B.
constexpr uint8_t kSourceBits = RtcReg::kCPf | RtcReg::kCAf | RtcReg::kCUf;
// Datasheet, alarm registers: a value of 11xxxxxx is "don't care" and matches every value.
constexpr uint8_t kAlarmDontCare = 0xC0;

bool AlarmMatches(uint8_t alarm, uint8_t current) {
  return (alarm & kAlarmDontCare) == kAlarmDontCare || alarm == current;
}

bool IsTimeIndex(uint8_t index) {
  switch (index) {
    case RtcReg::kSeconds:
    case RtcReg::kMinutes:
    case RtcReg::kHours:
    case RtcReg::kDayOfWeek:
    case RtcReg::kDayOfMonth:
    case RtcReg::kMonth:
    case RtcReg::kYear:
    case RtcReg::kCentury:
      return true;
    default:
      return false;
  }
}

constexpr std::array<uint8_t, 8> kTimeIndices{
    RtcReg::kSeconds,    RtcReg::kMinutes, RtcReg::kHours, RtcReg::kDayOfWeek,
    RtcReg::kDayOfMonth, RtcReg::kMonth,   RtcReg::kYear,  RtcReg::kCentury};

}  // namespace

CmosRtc::CmosRtc(machine::VirtualClock& clock, machine::IrqLine irq8, int64_t start_unix_seconds)
    : clock_(clock), irq_(irq8), timer_(clock, [this] {
        Sync();
        Rearm();
      }) {
  cmos_[RtcReg::kStatusA] = kPowerOnStatusA;
  cmos_[RtcReg::kStatusB] = kPowerOnStatusB;
  SetChainNs(start_unix_seconds * kNsPerSecond);
}

int64_t CmosRtc::HostUnixSeconds() {
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

uint64_t CmosRtc::Read(uint64_t offset, unsigned size) {
  if (offset == 0) return 0xFF;
  return ReadRegister(index_);
}

void CmosRtc::Write(uint64_t offset, unsigned size, uint64_t value) {
  if (offset == 0) {
    index_ = static_cast<uint8_t>(value & 0x7F);
    nmi_disabled_ = (value & 0x80) != 0;
    return;
  }
  WriteRegister(index_, static_cast<uint8_t>(value));
}

void CmosRtc::SetUnixTime(int64_t unix_seconds) {
  Sync();
  SetChainNs(unix_seconds * kNsPerSecond);
  Rearm();
}

int64_t CmosRtc::UnixTime() const {
  if (cmos_[RtcReg::kStatusB] & RtcReg::kBSet) return UnixFromCivil(HeldTime());
  return ShownSeconds();
}

// --- Time base ---------------------------------------------------------------------------------
// The "divider chain" time is the RTC's notion of now in Unix ns. It runs only with DV = 010
// (Register A); SET does not stop it (SET only inhibits the update transfer to the registers), so
// the periodic interrupt keeps its phase while the guest sets the clock.

bool CmosRtc::Running() const {
  return (cmos_[RtcReg::kStatusA] & RtcReg::kADividerMask) == RtcReg::kADividerRun;
}

bool CmosRtc::UpdatesEnabled() const {
  return Running() && !(cmos_[RtcReg::kStatusB] & RtcReg::kBSet);
}

int64_t CmosRtc::ChainNs() const {
  return Running() ? clock_.NowNs() + chain_origin_ns_ : frozen_chain_ns_;
}

void CmosRtc::SetChainNs(int64_t chain_ns) {
  if (Running()) {
    chain_origin_ns_ = chain_ns - clock_.NowNs();
  } else {
    frozen_chain_ns_ = chain_ns;
  }
  synced_chain_ns_ = chain_ns;  // a re-based clock produces no events for the jump itself
}

int64_t CmosRtc::ShownSeconds() const { return FloorDiv(ChainNs(), kNsPerSecond); }

// --- Register encodings (Register B DM and 24/12 bits) -----------------------------------------

uint8_t CmosRtc::Encode(int value) const {
  if (cmos_[RtcReg::kStatusB] & RtcReg::kBBinary) return static_cast<uint8_t>(value);
  return ToBcd(value);
}

int CmosRtc::Decode(uint8_t value) const {
  if (cmos_[RtcReg::kStatusB] & RtcReg::kBBinary) return value;
  return FromBcd(value);
}

uint8_t CmosRtc::EncodeHour(int hour) const {
  if (cmos_[RtcReg::kStatusB] & RtcReg::kB24Hour) return Encode(hour);
  // 12-hour mode: 1..12 with bit 7 = PM; midnight is 12 AM and noon is 12 PM.
  int hour12 = hour % 12 == 0 ? 12 : hour % 12;
  return static_cast<uint8_t>(Encode(hour12) | (hour >= 12 ? 0x80 : 0x00));
}

int CmosRtc::DecodeHour(uint8_t value) const {
  if (cmos_[RtcReg::kStatusB] & RtcReg::kB24Hour) return Decode(value);
  return Decode(value & 0x7F) % 12 + ((value & 0x80) ? 12 : 0);
}

uint8_t CmosRtc::TimeField(const CivilTime& time, uint8_t index) const {
  switch (index) {
    case RtcReg::kSeconds:
      return Encode(time.second);
    case RtcReg::kMinutes:
      return Encode(time.minute);
    case RtcReg::kHours:
      return EncodeHour(time.hour);
    case RtcReg::kDayOfWeek:
      return Encode((time.weekday - 1 + dow_offset_) % 7 + 1);
    case RtcReg::kDayOfMonth:
      return Encode(time.day);
    case RtcReg::kMonth:
      return Encode(time.month);
    case RtcReg::kYear:
      return Encode(static_cast<int>(FloorMod(time.year, 100)));
    case RtcReg::kCentury:
      return Encode(static_cast<int>(FloorMod(FloorDiv(time.year, 100), 100)));
    default:
      return 0;
  }
}

void CmosRtc::StoreTimeField(CivilTime& time, uint8_t index, uint8_t value) const {
  switch (index) {
    case RtcReg::kSeconds:
      time.second = Decode(value);
      break;
    case RtcReg::kMinutes:
      time.minute = Decode(value);
      break;
    case RtcReg::kHours:
      time.hour = DecodeHour(value);
      break;
    case RtcReg::kDayOfWeek:
      time.weekday = Decode(value);
      break;
    case RtcReg::kDayOfMonth:
      time.day = Decode(value);
      break;
    case RtcReg::kMonth:
      time.month = Decode(value);
      break;
    case RtcReg::kYear:
      time.year = FloorDiv(time.year, 100) * 100 + Decode(value);
      break;
    case RtcReg::kCentury:
      time.year = int64_t{Decode(value)} * 100 + FloorMod(time.year, 100);
      break;
    default:
      break;
  }
}

CivilTime CmosRtc::HeldTime() const {
  CivilTime time;
  time.year = 0;
  for (uint8_t index : kTimeIndices) StoreTimeField(time, index, cmos_[index]);
  return time;
}

void CmosRtc::HoldCurrentTime() {
  CivilTime now = CivilFromUnix(ShownSeconds());
  for (uint8_t index : kTimeIndices) cmos_[index] = TimeField(now, index);
}

// --- Register access ---------------------------------------------------------------------------

uint8_t CmosRtc::Peek(uint8_t index) const {
  index &= 0x7F;
  if (IsTimeIndex(index)) {
    if (cmos_[RtcReg::kStatusB] & RtcReg::kBSet) return cmos_[index];
    return TimeField(CivilFromUnix(ShownSeconds()), index);
  }
  switch (index) {
    case RtcReg::kStatusA: {
      // UIP is high during the last 244 us before each update (datasheet tBUC), so software that
      // sees UIP = 0 has at least that long to read the time registers consistently.
      bool uip = UpdatesEnabled() && FloorMod(ChainNs(), kNsPerSecond) >= kNsPerSecond - kUipLeadNs;
      return static_cast<uint8_t>(cmos_[index] | (uip ? RtcReg::kAUip : 0));
    }
    case RtcReg::kStatusC: {
      uint8_t flags = PendingFlags();
      bool irqf = (flags & cmos_[RtcReg::kStatusB] & kSourceBits) != 0;
      return static_cast<uint8_t>(flags | (irqf ? RtcReg::kCIrqf : 0));
    }
    case RtcReg::kStatusD:
      return RtcReg::kDVrt;
    default:
      return cmos_[index];
  }
}

uint8_t CmosRtc::ReadRegister(uint8_t index) {
  if (index != RtcReg::kStatusC) return Peek(index);
  // Datasheet, Register C: reading clears all flags and releases IRQ.
  Sync();
  uint8_t value = Peek(index);
  flags_ = 0;
  UpdateIrq();
  Rearm();
  return value;
}

void CmosRtc::WriteRegister(uint8_t index, uint8_t value) {
  switch (index) {
    case RtcReg::kStatusA:
      WriteStatusA(value);
      return;
    case RtcReg::kStatusB:
      WriteStatusB(value);
      return;
    case RtcReg::kStatusC:
    case RtcReg::kStatusD:
      return;  // read-only
    case RtcReg::kSecondsAlarm:
    case RtcReg::kMinutesAlarm:
    case RtcReg::kHoursAlarm:
      Sync();  // past seconds are judged against the old alarm
      cmos_[index] = value;
      Rearm();
      return;
    default:
      break;
  }
  if (!IsTimeIndex(index)) {
    cmos_[index] = value;
  } else if (cmos_[RtcReg::kStatusB] & RtcReg::kBSet) {
    cmos_[index] = value;  // held until SET is cleared
  } else {
    WriteTimeField(index, value);
  }
}

void CmosRtc::WriteStatusA(uint8_t value) {
  Sync();
  bool was_running = Running();
  int64_t chain = ChainNs();
  cmos_[RtcReg::kStatusA] = static_cast<uint8_t>(value & ~RtcReg::kAUip);  // UIP is read-only
  bool running = Running();
  if (was_running && !running) {
    frozen_chain_ns_ = chain;
    synced_chain_ns_ = chain;
  } else if (!was_running && running) {
    SetChainNs(FloorDiv(chain, kNsPerSecond) * kNsPerSecond + kFirstUpdateAfterResetNs);
  }
  UpdateIrq();
  Rearm();
}

void CmosRtc::WriteStatusB(uint8_t value) {
  Sync();
  uint8_t old = cmos_[RtcReg::kStatusB];
  // Datasheet, Register B: UIE is cleared when SET is written to one.
  if (value & RtcReg::kBSet) value &= static_cast<uint8_t>(~RtcReg::kBUie);
  bool set_rising = !(old & RtcReg::kBSet) && (value & RtcReg::kBSet);
  bool set_falling = (old & RtcReg::kBSet) && !(value & RtcReg::kBSet);
  if (set_falling) {
    // The guest wrote the held fields in the mode that was in effect while SET was one; the new
    // time starts at the divider chain's current sub-second phase.
    CivilTime held = HeldTime();
    int64_t seconds = UnixFromCivil(held);
    dow_offset_ = static_cast<int>(FloorMod(held.weekday - CivilFromUnix(seconds).weekday, 7));
    SetChainNs(seconds * kNsPerSecond + FloorMod(ChainNs(), kNsPerSecond));
  }
  cmos_[RtcReg::kStatusB] = value;
  if (set_rising) HoldCurrentTime();  // the registers freeze at the last update's values
  UpdateIrq();
  Rearm();
}

void CmosRtc::WriteTimeField(uint8_t index, uint8_t value) {
  Sync();
  CivilTime now = CivilFromUnix(ShownSeconds());
  if (index == RtcReg::kDayOfWeek) {
    // The weekday is an independent counter on the chip: keep the guest's value and advance it.
    dow_offset_ = static_cast<int>(FloorMod(Decode(value) - now.weekday, 7));
    return;
  }
  StoreTimeField(now, index, value);
  SetChainNs(UnixFromCivil(now) * kNsPerSecond + FloorMod(ChainNs(), kNsPerSecond));
  Rearm();
}

// --- Interrupt sources -------------------------------------------------------------------------

int64_t CmosRtc::NextAlarmSecond(int64_t after_second) const {
  // The chip compares the alarm bytes with the time bytes at each update; search the next two
  // days hour by hour, minute by minute, skipping whole units that end before `start`.
  const uint8_t alarm_hour = cmos_[RtcReg::kHoursAlarm];
  const uint8_t alarm_minute = cmos_[RtcReg::kMinutesAlarm];
  const uint8_t alarm_second = cmos_[RtcReg::kSecondsAlarm];
  const int64_t start = after_second + 1;
  const int64_t first_day = FloorDiv(start, kSecondsPerDay) * kSecondsPerDay;
  for (int64_t day = first_day; day <= first_day + kSecondsPerDay; day += kSecondsPerDay) {
    for (int hour = 0; hour < 24; ++hour) {
      int64_t hour_base = day + hour * 3600;
      if (hour_base + 3599 < start || !AlarmMatches(alarm_hour, EncodeHour(hour))) continue;
      for (int minute = 0; minute < 60; ++minute) {
        int64_t minute_base = hour_base + minute * 60;
        if (minute_base + 59 < start || !AlarmMatches(alarm_minute, Encode(minute))) continue;
        for (int second = 0; second < 60; ++second) {
          if (minute_base + second < start) continue;
          if (AlarmMatches(alarm_second, Encode(second))) return minute_base + second;
        }
      }
    }
  }
  return INT64_MAX;  // an alarm byte no time byte can equal (e.g. seconds 0x75)
}

uint32_t CmosRtc::PeriodCycles() const {
  // Datasheet, periodic interrupt rate table: RS 1 and 2 give 256 and 128 Hz (they repeat the
  // 8.192 kHz-crystal taps), RS 3..15 give 32768 >> (RS - 1) Hz; RS 0 is off.
  unsigned rs = cmos_[RtcReg::kStatusA] & RtcReg::kARateMask;
  if (rs == 0) return 0;
  if (rs == 1) return 128;
  if (rs == 2) return 256;
  return 1u << (rs - 1);
}

int64_t CmosRtc::PeriodicCount(int64_t chain_ns) const {
  // Periodic ticks are taps of the same divider chain that produces the second, so they are
  // aligned to second boundaries and every rate divides a second exactly.
  int64_t cycles = PeriodCycles();
  int64_t per_second = kCrystalHz / cycles;
  return FloorDiv(chain_ns, kNsPerSecond) * per_second +
         FloorMod(chain_ns, kNsPerSecond) * kCrystalHz / (cycles * kNsPerSecond);
}

int64_t CmosRtc::NextPeriodicNs(int64_t chain_ns) const {
  int64_t cycles = PeriodCycles();
  int64_t per_second = kCrystalHz / cycles;
  int64_t tick = PeriodicCount(chain_ns) + 1;
  int64_t in_second = FloorMod(tick, per_second) * cycles * kNsPerSecond;
  return FloorDiv(tick, per_second) * kNsPerSecond + (in_second + kCrystalHz - 1) / kCrystalHz;
}

uint8_t CmosRtc::PendingFlags() const {
  uint8_t flags = flags_;
  const int64_t from = synced_chain_ns_;
  const int64_t to = ChainNs();
  if (to <= from) return flags;
  if (UpdatesEnabled()) {
    int64_t from_second = FloorDiv(from, kNsPerSecond);
    int64_t to_second = FloorDiv(to, kNsPerSecond);
    if (to_second > from_second) {
      flags |= RtcReg::kCUf;
      if (NextAlarmSecond(from_second) <= to_second) flags |= RtcReg::kCAf;
    }
  }
  if (Running() && PeriodCycles() != 0 && PeriodicCount(to) > PeriodicCount(from)) {
    flags |= RtcReg::kCPf;
  }
  return flags;
}

void CmosRtc::Sync() {
  flags_ = PendingFlags();
  synced_chain_ns_ = ChainNs();
  UpdateIrq();
}

void CmosRtc::UpdateIrq() {
  // Datasheet, IRQF = PF·PIE + AF·AIE + UF·UIE; the IRQ pin follows IRQF.
  bool level = (flags_ & cmos_[RtcReg::kStatusB] & kSourceBits) != 0;
  if (level != irq_.level()) irq_.Set(level);
}

void CmosRtc::Rearm() {
  timer_.Cancel();
  // With IRQ8 already asserted nothing observable happens until Status C is read, and with no
  // source enabled the flags are derived lazily; either way no timer is needed.
  if (irq_.level() || !Running()) return;
  const uint8_t enables = cmos_[RtcReg::kStatusB];
  const int64_t now = ChainNs();
  int64_t next = INT64_MAX;
  if ((enables & RtcReg::kBPie) && PeriodCycles() != 0) next = NextPeriodicNs(now);
  if (UpdatesEnabled()) {
    int64_t second = FloorDiv(now, kNsPerSecond);
    if (enables & RtcReg::kBUie) next = std::min(next, (second + 1) * kNsPerSecond);
    if (enables & RtcReg::kBAie) {
      int64_t alarm = NextAlarmSecond(second);
      if (alarm != INT64_MAX) next = std::min(next, alarm * kNsPerSecond);
    }
  }
  if (next != INT64_MAX) timer_.ArmAt(next - chain_origin_ns_);
}

}  // namespace vireo::devices
